import pytest

from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory


@pytest.fixture
def worker_a(unit_a):
    return ModelWorkerFactory(unit=unit_a, name="张建国", phone="13812341234")


@pytest.fixture
def worker_b(unit_b):
    return ModelWorkerFactory(unit=unit_b, name="周海峰", phone="13900001111")


@pytest.fixture
def activity_a(unit_a, worker_a):
    activity = ActivityFactory(unit=unit_a, title="大棚种植培训")
    activity.model_workers.set([worker_a])
    return activity


@pytest.fixture
def activity_b(unit_b):
    return ActivityFactory(unit=unit_b, title="水产养殖培训")


@pytest.fixture
def member_a(worker_a):
    return MembershipFactory(model_worker=worker_a)
