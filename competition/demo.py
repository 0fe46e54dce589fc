"""Demo data for the competition core: the Huaibei units, year 2019 and the demo accounts.

Idempotent: everything is looked up by its natural key first, so a second run changes nothing.
"""

from django.contrib.auth import get_user_model

from . import services
from .enums import Role
from .models import CompetitionYear, Membership, Unit, UnitKind

DEMO_PASSWORD = "huaibei2019"
DEMO_YEAR = 2019

# name, kind code, contact person, phone
UNITS = [
    ("相山区总工会", "county", "王丽", "0561-3011001"),
    ("杜集区总工会", "county", "李强", "0561-3011002"),
    ("烈山区总工会", "county", "张敏", "0561-3011003"),
    ("濉溪县总工会", "county", "刘洋", "0561-3011004"),
    ("市教育工会", "system", "陈静", "0561-3012001"),
    ("市卫计委工会", "system", "杨帆", "0561-3012002"),
    ("市电子商贸物流工会", "system", "宫蕾", "0561-3012003"),
    ("大企业工会", "system", "赵刚", "0561-3012004"),
    ("市农业农村系统工会", "system", "周平", "0561-3012005"),
    ("市直机关工会", "direct", "吴敏", "0561-3013001"),
    ("市供电公司工会", "direct", "郑伟", "0561-3013002"),
    ("市自来水公司工会", "direct", "孙娜", "0561-3013003"),
    ("市公交公司工会", "direct", "马超", "0561-3013004"),
    ("市邮政公司工会", "direct", "朱红", "0561-3013005"),
    ("市扶贫办", "poverty_office", "李祥云", "0561-3014001"),
]

# username, full name, role, unit name
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("office1", "许文华", Role.OFFICE, None),
    ("office2", "宫蕾", Role.OFFICE, "市电子商贸物流工会"),
    ("xiangshan", "王丽", Role.UNIT_STAFF, "相山区总工会"),
    ("suixi", "刘洋", Role.UNIT_STAFF, "濉溪县总工会"),
    ("jiaoyu", "陈静", Role.UNIT_STAFF, "市教育工会"),
]


def seed(*, stdout=None, scale: int = 0) -> None:
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    for name, kind_code, contact, phone in UNITS:
        Unit.objects.get_or_create(
            name=name,
            defaults={"kind": kinds[kind_code], "contact_person": contact, "phone": phone},
        )
    admin_user = _account("admin", "系统管理员", Role.ADMIN, None, actor=None)
    for username, full_name, role, unit_name in ACCOUNTS[1:]:
        _account(username, full_name, role, unit_name, actor=admin_user)
    if not CompetitionYear.objects.filter(year=DEMO_YEAR).exists():
        services.competition_year_create(actor=admin_user, year=DEMO_YEAR)
    if stdout:
        stdout.write(f"competition: {Unit.objects.count()} units, year {DEMO_YEAR}, demo accounts")


def _account(username, full_name, role, unit_name, *, actor):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "email": f"{username}@example.org"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    unit = Unit.objects.get(name=unit_name) if unit_name else None
    membership = Membership.objects.filter(user=user).first()
    if membership is None or membership.role != role or membership.unit != unit:
        services.membership_set(actor=actor or user, user=user, role=role, unit=unit)
    return user
