"""Factories for the tests (factory-boy). Reference data comes from the migrations."""

import datetime

import factory
from django.contrib.auth import get_user_model

from competition import services
from competition.models import (
    ActivityType,
    CompetitionYear,
    KindQuota,
    NineProject,
    Participation,
    Unit,
    UnitKind,
    UnitQuota,
)

PASSWORD = "pass-word-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)
        exclude = ("kind_code",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind_code = "county"
    kind = factory.LazyAttribute(lambda o: UnitKind.objects.get(code=o.kind_code))
    contact_person = "联系人"
    phone = "0561-0000000"
    email = factory.LazyAttribute(lambda o: f"unit{abs(hash(o.name)) % 100000}@example.org")
    # Its participation (参赛记录): by default one from before every year, still running;
    # `is_active=False` gives none, `active_from`/`active_until` bound the one it gets.
    is_active = True
    active_from = None
    active_until = None

    @classmethod
    def _create(cls, model_class, *args, is_active, active_from, active_until, **kwargs):
        unit = super()._create(model_class, *args, **kwargs)
        if is_active and not unit.participations.exists():
            Participation.objects.create(unit=unit, start=active_from or EARLIEST, end=active_until)
        return unit


EARLIEST = datetime.date(2000, 1, 1)


def unit_quota(unit: Unit, year: CompetitionYear, quota: int) -> UnitQuota:
    """A unit's own quota for a year, written straight to the database (no rule checks)."""
    row, _created = UnitQuota.objects.update_or_create(
        unit=unit, year=year, defaults={"quota": quota}
    )
    return row


def kind_quota(code: str, year: CompetitionYear, quota: int) -> KindQuota:
    row, _created = KindQuota.objects.update_or_create(
        kind=UnitKind.objects.get(code=code), year=year, defaults={"quota": quota}
    )
    return row


def user_with_role(role: str, *, unit: Unit | None = None, **kwargs):
    user = UserFactory(**kwargs)
    services.membership_set(actor=None, user=user, role=role, unit=unit)
    user.refresh_from_db()
    return user


def competition_year(number: int = 2019) -> CompetitionYear:
    existing = CompetitionYear.objects.filter(year=number).first()
    return existing or services.competition_year_create(actor=None, year=number)


def nine_project(number: int = 1, year: CompetitionYear | None = None) -> NineProject:
    """A year's project by number (of 2019, made if missing, unless `year` is given)."""
    return NineProject.objects.get(year=year or competition_year(2019), number=number)


def activity_type(code: str = "skills", year: CompetitionYear | None = None) -> ActivityType:
    """A year's activity type by code (of 2019, made if missing, unless `year` is given)."""
    return ActivityType.objects.get(year=year or competition_year(2019), code=code)


def year_for_date(date: datetime.date) -> CompetitionYear:
    """The year a dated record belongs to: the one containing the date, else the nearest
    (the latest starting before it, else the first), else the calendar year, made."""
    years = list(CompetitionYear.objects.order_by("start_date", "year"))
    for year in years:
        if year.start_date <= date <= year.end_date:
            return year
    before = [year for year in years if year.start_date <= date]
    if before or years:
        return (before or years)[-1 if before else 0]
    return competition_year(date.year)
