import pytest

from tests.competition import factories as scoring


@pytest.fixture
def entry_a(unit_a, year):
    return scoring.entry(unit_a, year, title="相山区产业帮扶")


@pytest.fixture
def entry_b(unit_b, year):
    return scoring.entry(unit_b, year, title="濉溪县就业帮扶", number=2)
