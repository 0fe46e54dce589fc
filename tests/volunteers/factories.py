import datetime

import factory

from competition.models import ActivityType as YearActivityType
from competition.models import NineProject
from tests.factories import UnitFactory, activity_type, nine_project, year_for_date
from volunteers import services
from volunteers.enums import ActivityType, HonourLevel
from volunteers.models import Activity, ModelWorker, ServiceRecord, VolunteerMembership


class ModelWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelWorker

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"劳模{n}")
    gender = "m"
    birth_year = 1970
    honour_level = HonourLevel.CITY
    honour_year = 2016
    expertise = "planting"
    phone = "13812341234"


class ActivityFactory(factory.django.DjangoModelFactory):
    """`activity_type` may be a code and `nine_project` a number: they become the rows of the
    year the activity's date belongs to (`factories.year_for_date`)."""

    class Meta:
        model = Activity

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"活动{n}")
    activity_type = ActivityType.SKILLS
    nine_project = 1
    date = datetime.date(2019, 5, 1)
    town = "渠沟镇"
    village = "钟楼村"
    households = 10
    people = 20

    @classmethod
    def _rows_of_year(cls, kwargs):
        year = year_for_date(kwargs["date"])
        if not isinstance(kwargs["activity_type"], YearActivityType):
            kwargs["activity_type"] = activity_type(str(kwargs["activity_type"]), year)
        if not isinstance(kwargs["nine_project"], NineProject):
            kwargs["nine_project"] = nine_project(kwargs["nine_project"], year)
        return kwargs

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return super()._build(model_class, *args, **cls._rows_of_year(kwargs))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        activity = super()._create(model_class, *args, **cls._rows_of_year(kwargs))
        # Written directly, as the demo data are: the unit's tallies recounted as the
        # services recount them.
        services.activity_tallies_recount_for(activities=[activity])
        return activity


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerMembership

    model_worker = factory.SubFactory(ModelWorkerFactory)
    joined_on = datetime.date(2019, 1, 1)


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    membership = factory.SubFactory(MembershipFactory)
    date = datetime.date(2019, 3, 1)
    hours = 4
    place = "钟楼村"
    content = "技术指导"
