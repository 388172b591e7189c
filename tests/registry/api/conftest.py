"""A small registry spread over two sentra, for the registry API tests.

The persons, and who may see them:
  a_child     sentra A, anak,   registered by pendamping_a
  a_elder     sentra A, lansia, registered by pendamping_a
  a_child2    sentra A, anak,   registered by pendamping_a2
  b_child     sentra B, anak,   registered by pendamping_b
  b_elder     sentra B, lansia, registered by head_b
"""

import datetime as dt

import pytest

from tests.registry.factories import make_person, nik_for


@pytest.fixture
def registry(pendamping_a, pendamping_a2, pendamping_b, head_b):
    """Returns the five story persons by key (see the module docstring)."""
    elder_born = dt.date(1950, 3, 9)
    return {
        "a_child": make_person(pendamping_a, full_name="Budi Santoso"),
        "a_elder": make_person(
            pendamping_a,
            full_name="Siti Aminah",
            sex="P",
            birth_date=elder_born,
            nik=nik_for(elder_born, "P"),
            target_group="lansia",
        ),
        "a_child2": make_person(pendamping_a2, full_name="Joko Susilo"),
        "b_child": make_person(
            pendamping_b,
            full_name="Dewi Lestari",
            sex="P",
            nik=nik_for(dt.date(2012, 5, 17), "P", district="33.71.01"),
        ),
        "b_elder": make_person(
            head_b,
            full_name="Soekarno Hadi",
            birth_date=elder_born,
            nik=nik_for(elder_born, "L", district="33.71.01"),
            target_group="lansia",
        ),
    }
