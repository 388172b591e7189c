"""GET /api/v1/cases/: scope per role, filters, search, and query counts that ignore page size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atensi.cases import services
from tests.api_helpers import error_of
from tests.cases.factories import make_case
from tests.registry.factories import make_person

URL = "/api/v1/cases/"


@pytest.fixture
def cases(pendamping_a, pendamping_a2, supervisor_a, pendamping_b):
    """Four cases in sentra A (two pendamping) and one in sentra B."""
    elder = make_person(
        pendamping_a,
        full_name="Siti Aminah",
        sex="P",
        birth_date=dt.date(1950, 3, 9),
        target_group="lansia",
    )
    found = {
        "a_child": make_case(pendamping_a, urgency="emergency"),
        "a_elder": make_case(pendamping_a, person=elder, approach="residential"),
        "a2_child": make_case(
            pendamping_a2, person=make_person(pendamping_a2, full_name="Joko Susilo")
        ),
        "a2_old": make_case(
            pendamping_a2,
            person=make_person(pendamping_a2, full_name="Dewi Lestari", sex="P"),
            received_at=timezone.now() - dt.timedelta(days=400),
        ),
        "b_child": make_case(pendamping_b),
    }
    services.case_contact_record(
        actor=pendamping_a,
        case=found["a_child"],
        happened_at=timezone.now() - dt.timedelta(days=9),
        text="Kunjungan",
    )
    services.case_transition(actor=pendamping_a, case=found["a_child"], target="assessment")
    return found


def keys(response, cases) -> set[str]:
    assert response.status_code == 200, response.json()
    by_id = {case.pk: key for key, case in cases.items()}
    return {by_id[row["id"]] for row in response.json()["results"]}


VISIBLE = {
    "admin_user": {"a_child", "a_elder", "a2_child", "a2_old", "b_child"},
    "auditor": {"a_child", "a_elder", "a2_child", "a2_old", "b_child"},
    "analyst_anak": {"a_child", "a2_child", "a2_old", "b_child"},
    "head_a": {"a_child", "a_elder", "a2_child", "a2_old"},
    "supervisor_a": {"a_child", "a_elder", "a2_child", "a2_old"},
    "pendamping_a": {"a_child", "a_elder"},
    "pendamping_a2": {"a2_child", "a2_old"},
    "head_b": {"b_child"},
    "pendamping_b": {"b_child"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_role_sees_exactly_its_cases(api, cases, request, who):
    response = api(request.getfixturevalue(who)).get(URL)
    assert keys(response, cases) == VISIBLE[who]
    assert response.json()["count"] == len(VISIBLE[who])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=assessment", {"a_child"}),
        ("stage=intake", {"a_elder", "a2_child", "a2_old"}),
        ("target_group=lansia", {"a_elder"}),
        ("urgency=emergency", {"a_child"}),
        ("unit=630108", {"a_child", "a_elder", "a2_child", "a2_old"}),
        ("unit=630117", set()),
        ("pendamping=pendamping_a2", {"a2_child", "a2_old"}),
        ("q=Siti Aminah", {"a_elder"}),
        ("q=joko susilo", {"a2_child"}),
        ("q=Dewi Lestary", {"a2_old"}),
        ("stage=intake&pendamping=pendamping_a", {"a_elder"}),
    ],
)
def test_it_filters(api, cases, head_a, query, expected):
    assert keys(api(head_a).get(f"{URL}?{query}"), cases) == expected


def test_it_finds_a_case_by_its_number(api, cases, head_a):
    number = cases["a2_old"].number
    assert keys(api(head_a).get(f"{URL}?q={number.lower()}"), cases) == {"a2_old"}


def test_it_finds_a_case_by_its_number_without_the_prefix(api, cases, head_a):
    number = cases["a_elder"].number.removeprefix("KS-")
    assert keys(api(head_a).get(f"{URL}?q={number}"), cases) == {"a_elder"}


def test_a_search_stays_within_the_callers_scope(api, cases, pendamping_a):
    assert keys(api(pendamping_a).get(f"{URL}?q=Joko Susilo"), cases) == set()


def test_it_lists_the_newest_referral_first(api, cases, pendamping_a2):
    rows = api(pendamping_a2).get(URL).json()["results"]
    assert [row["id"] for row in rows] == [cases["a2_child"].pk, cases["a2_old"].pk]


def test_it_refuses_an_unknown_filter_value(api, cases, head_a):
    response = api(head_a).get(f"{URL}?stage=finished")
    assert response.status_code == 400
    assert "stage" in error_of(response)["details"]


def test_rows_carry_what_a_list_needs(api, cases, head_a):
    row = next(r for r in api(head_a).get(URL).json()["results"] if r["id"] == cases["a_elder"].pk)
    assert row["number"] == cases["a_elder"].number
    assert row["person"]["full_name"] == "Siti Aminah"
    assert row["unit"] == "630108"
    assert row["stage"] == "intake" and row["stage_label"] == "Pendekatan awal"
    assert row["target_group"] == "lansia" and row["approach"] == "residential"
    assert row["pendamping"] == "pendamping_a" and row["pendamping_name"] == "Sri Wahyuni"
    assert row["version"] == 1 and row["is_beneficiary"] is False


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "&stage=intake", "&q=Budi Santoso"])
def test_the_query_count_does_not_grow_with_page_size(
    api, head_a, pendamping_a, pendamping_a2, supervisor_a, query
):
    for index in range(12):
        make_case(
            pendamping_a if index % 2 else pendamping_a2,
            supervisor=supervisor_a,
            received_at=timezone.now() - dt.timedelta(days=index + 1),
        )
    client = api(head_a)
    small = _queries(client, f"{URL}?page_size=2{query}")
    large = _queries(client, f"{URL}?page_size=12{query}")
    assert small == large
    if "q=" not in query:  # the registry's name search has its own (constant) queries
        assert large <= 5  # token, count, page, response-time targets
