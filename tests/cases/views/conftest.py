"""A few cases in two sentra, for the page tests.

case_a: sentra A, pendamping_a, supervisor_a (klaster anak);
case_a2: sentra A, pendamping_a2 (klaster lansia);
case_b: sentra B, pendamping_b (klaster anak).
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person

__all__ = ["walk"]


@pytest.fixture
def suparno(pendamping_a):
    return make_person(pendamping_a, full_name="Suparno Wijaya", target_group="anak")


@pytest.fixture
def case_a(pendamping_a, supervisor_a, suparno):
    return make_case(pendamping_a, person=suparno, supervisor=supervisor_a)


@pytest.fixture
def case_a2(pendamping_a2):
    person = make_person(
        pendamping_a2,
        full_name="Dewi Lestari",
        sex="P",
        birth_date=dt.date(1950, 3, 2),
        target_group="lansia",
    )
    return make_case(pendamping_a2, person=person, urgency="emergency")


@pytest.fixture
def case_b(pendamping_b):
    person = make_person(pendamping_b, full_name="Rina Anggraini", sex="P", target_group="anak")
    return make_case(pendamping_b, person=person, received_at=timezone.now() - dt.timedelta(days=3))


@pytest.fixture
def cases(case_a, case_a2, case_b):
    return [case_a, case_a2, case_b]
