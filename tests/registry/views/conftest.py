"""A small registry spread over two sentra, for the page tests."""

import datetime as dt

import pytest

from atensi.registry.models import NoNikReason
from tests.registry.factories import make_person, nik_for


@pytest.fixture
def suparno(pendamping_a):
    """Sentra A, klaster anak, registered by pendamping_a."""
    return make_person(pendamping_a, full_name="Suparno Wijaya", target_group="anak")


@pytest.fixture
def dewi(pendamping_a2):
    """Sentra A, klaster lansia, registered by pendamping_a2."""
    born = dt.date(1950, 3, 2)
    return make_person(
        pendamping_a2,
        full_name="Dewi Lestari",
        sex="P",
        birth_date=born,
        nik=nik_for(born, "P"),
        target_group="lansia",
    )


@pytest.fixture
def rina(head_b):
    """Sentra B, klaster anak."""
    born = dt.date(2014, 8, 9)
    return make_person(
        head_b,
        full_name="Rina Anggraini",
        sex="P",
        birth_date=born,
        nik=nik_for(born, "P"),
        target_group="anak",
    )


@pytest.fixture
def bambang(head_b):
    """Sentra B, klaster lansia, without a NIK."""
    return make_person(
        head_b,
        full_name="Bambang Sutrisno",
        target_group="lansia",
        nik=None,
        no_nik_reason=NoNikReason.HOMELESS,
    )


@pytest.fixture
def registry(suparno, dewi, rina, bambang):
    return [suparno, dewi, rina, bambang]
