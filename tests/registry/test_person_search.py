"""person_search: spelling-tolerant name search, its fallbacks for typos, ranking, scope, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atensi.registry.selectors import person_search, persons_visible_to

from .factories import make_person

pytestmark = pytest.mark.django_db


def names(found) -> list[str]:
    return [p.full_name for p in found]


def search(user, query):
    return person_search(persons_visible_to(user), query)


def test_a_consonant_slip_early_in_a_word_still_finds_the_person(admin_user, pendamping_a):
    # Suratman/Suatman have different keys (srtmn/stmn) and different first two letters
    make_person(pendamping_a, full_name="Suratman Purwanto")
    make_person(pendamping_a, full_name="Satya Purwanto")
    make_person(pendamping_a, full_name="Suratman Hidayat")
    assert names(search(admin_user, "Suatman Purwanto"))[0] == "Suratman Purwanto"


def test_swapped_consonants_still_find_the_person(admin_user, pendamping_a):
    make_person(pendamping_a, full_name="Harjo Sulistyo")
    assert names(search(admin_user, "Hajro Sulistyo")) == ["Harjo Sulistyo"]


def test_a_mistyped_extra_word_does_not_hide_the_person(admin_user, pendamping_a):
    make_person(pendamping_a, full_name="Paris binti Sunarto", sex="P")
    assert names(search(admin_user, "Paris bbinti Sunarto")) == ["Paris binti Sunarto"]


def test_the_person_with_every_word_outranks_a_one_word_namesake(admin_user, pendamping_a):
    make_person(pendamping_a, full_name="Safina", sex="P")
    make_person(pendamping_a, full_name="Siti Safina", sex="P")
    assert names(search(admin_user, "Sii Safina")) == ["Siti Safina", "Safina"]


def test_exact_and_old_spellings_rank_first(admin_user, pendamping_a):
    make_person(pendamping_a, full_name="Sumarni Wibowo", sex="P")
    make_person(pendamping_a, full_name="Sumarmi Wibowo", sex="P")
    make_person(pendamping_a, full_name="Sumarmi", sex="P")
    assert names(search(admin_user, "Soemarmi Wibowo"))[0] == "Sumarmi Wibowo"


def test_fallbacks_stay_inside_the_users_scope(head_b, pendamping_a, pendamping_b):
    make_person(pendamping_a, full_name="Suratman Purwanto")
    mine = make_person(pendamping_b, full_name="Suratmin Purwanto")
    assert [p.pk for p in search(head_b, "Suatman Purwanto")] == [mine.pk]


def test_a_name_search_with_typos_needs_few_queries(admin_user, pendamping_a):
    for n in range(5):
        make_person(pendamping_a, full_name=f"Suratman Purwanto Ke{n}")
    with CaptureQueriesContext(connection) as queries:
        found = search(admin_user, "Suatman Purwanto")
    assert len(found) == 5
    # key counts, one query per stage (every word / all but one / first letters), the rows
    assert len(queries) <= 5


def test_a_one_word_search_needs_no_key_counts(admin_user, pendamping_a):
    make_person(pendamping_a, full_name="Suparno")
    with CaptureQueriesContext(connection) as queries:
        assert names(search(admin_user, "Soeparno")) == ["Suparno"]
    assert len(queries) <= 3
