import datetime

import factory

from tests.factories import UnitFactory, nine_project
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
    class Meta:
        model = Activity

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"活动{n}")
    activity_type = ActivityType.SKILLS
    nine_project = factory.LazyFunction(lambda: nine_project(1))
    date = datetime.date(2019, 5, 1)
    town = "渠沟镇"
    village = "钟楼村"
    households = 10
    people = 20


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
