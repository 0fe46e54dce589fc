import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"competition", "reports", "volunteers", "awards", "auth"}
    }


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first["competition.Unit"] >= 15


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", "admin"),
        ("office1", "office"),
        ("office2", "office"),
        ("xiangshan", "unit_staff"),
        ("suixi", "unit_staff"),
        ("jiaoyu", "unit_staff"),
    ],
)
def test_demo_accounts_log_in_with_demo_password(rf, username, role):
    call_command("seed_demo")
    user = authenticate(rf.post("/accounts/login/"), username=username, password="huaibei2019")
    assert user is not None
    assert user.membership.role == role


def test_demo_staff_units(client):
    from django.contrib.auth import get_user_model

    call_command("seed_demo")
    users = get_user_model().objects.select_related("membership__unit")
    assert users.get(username="xiangshan").membership.unit.name == "相山区总工会"
    assert users.get(username="suixi").membership.unit.name == "濉溪县总工会"
    assert users.get(username="jiaoyu").membership.unit.name == "市教育工会"
