"""GET /api/v1/persons/: who sees which persons, filters, search, ordering, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atensi.registry.services import person_create, person_update
from tests.api_helpers import error_of
from tests.registry.factories import make_person, nik_for

URL = "/api/v1/persons/"

VISIBLE = {
    "admin_user": {"a_child", "a_elder", "a_child2", "b_child", "b_elder"},
    "auditor": {"a_child", "a_elder", "a_child2", "b_child", "b_elder"},
    "analyst_anak": {"a_child", "a_child2", "b_child"},
    "head_a": {"a_child", "a_elder", "a_child2"},
    "supervisor_a": {"a_child", "a_elder", "a_child2"},
    "pendamping_a": {"a_child", "a_elder"},
    "pendamping_a2": {"a_child2"},
    "head_b": {"b_child", "b_elder"},
    "pendamping_b": {"b_child"},
}


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_role_sees_exactly_its_persons(api, registry, request, who):
    user = request.getfixturevalue(who)
    response = api(user).get(URL)
    assert response.status_code == 200
    assert ids(response) == {registry[key].pk for key in VISIBLE[who]}
    assert response.json()["count"] == len(VISIBLE[who])


def test_it_refuses_a_finance_officer(api, registry, finance_a):
    response = api(finance_a).get(URL)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_it_asks_an_anonymous_caller_to_authenticate(api, registry):
    response = api().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert error_of(response)["code"] == "not_authenticated"


def test_it_answers_in_indonesian_by_default_and_english_on_request(api):
    indonesian = error_of(api().get(URL))["message"]
    english = error_of(api(language="en").get(URL))["message"]
    assert indonesian == "Data autentikasi tidak diberikan."
    assert english == "Authentication credentials were not provided."


def test_it_rejects_a_wrong_token(api, registry):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_rows_carry_what_a_list_needs(api, registry, head_a):
    row = next(
        r for r in api(head_a).get(URL).json()["results"] if r["id"] == registry["a_elder"].pk
    )
    assert row["registry_id"] == registry["a_elder"].registry_id
    assert row["full_name"] == "Siti Aminah"
    assert row["sex"] == "P"
    assert row["birth_date"] == "1950-03-09"
    assert row["target_group"] == "lansia"
    assert row["unit"] == "630108"
    assert row["unit_name"] == "Sentra Handayani"
    assert row["nik_warnings"] == []
    assert row["version"] == 1


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"target_group": "lansia"}, {"a_elder", "b_elder"}),
        ({"sex": "P"}, {"a_elder", "b_child"}),
        ({"unit": "630117"}, {"b_child", "b_elder"}),
        ({"unit": "630117", "target_group": "anak"}, {"b_child"}),
    ],
)
def test_it_filters(api, registry, admin_user, params, expected):
    response = api(admin_user).get(URL, params)
    assert response.status_code == 200
    assert ids(response) == {registry[key].pk for key in expected}


def test_it_filters_by_exact_nik(api, registry, admin_user):
    nik = registry["b_child"].nik
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    assert ids(api(admin_user).get(URL, {"nik": spaced})) == {registry["b_child"].pk}


def test_it_filters_by_nik_warnings_and_missing_nik(api, registry, admin_user, pendamping_a):
    mismatched = make_person(
        pendamping_a, full_name="Rina Marlina", sex="P", nik=nik_for(dt.date(2012, 5, 17), "L")
    )
    without_nik = person_create(
        actor=pendamping_a,
        full_name="Anak Tanpa Nama",
        sex="L",
        target_group="anak",
        no_nik_reason="street_child",
    )
    client = api(admin_user)
    assert ids(client.get(URL, {"has_nik_warnings": "true"})) == {mismatched.pk}
    everyone_else = {p.pk for p in registry.values()} | {without_nik.pk}
    assert ids(client.get(URL, {"has_nik_warnings": "false"})) == everyone_else
    assert ids(client.get(URL, {"no_nik": "true"})) == {without_nik.pk}
    assert without_nik.pk not in ids(client.get(URL, {"no_nik": "false"}))


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sex": "X"}, "sex"),
        ({"target_group": "astronaut"}, "target_group"),
        ({"has_nik_warnings": "maybe"}, "has_nik_warnings"),
        ({"ordering": "nik"}, "ordering"),
    ],
)
def test_it_rejects_a_malformed_filter(api, registry, admin_user, params, field):
    response = api(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in error_of(response)["details"]


def test_search_finds_by_exact_nik_registry_id_and_no_kk(api, registry, head_a, pendamping_a):
    client = api(head_a)
    person = registry["a_elder"]
    assert ids(client.get(URL, {"q": person.nik})) == {person.pk}
    assert ids(client.get(URL, {"q": person.registry_id.lower()})) == {person.pk}
    with_kk = make_person(pendamping_a, full_name="Kartini", sex="P", no_kk="3175010101200001")
    assert ids(client.get(URL, {"q": "3175 0101 0120 0001"})) == {with_kk.pk}


def test_search_tolerates_old_spellings_and_typos(api, registry, admin_user):
    client = api(admin_user)
    assert ids(client.get(URL, {"q": "sukarno"})) == {registry["b_elder"].pk}
    assert registry["a_elder"].pk in ids(client.get(URL, {"q": "Siti Aminnah"}))


def test_search_stays_within_scope(api, registry, head_b):
    client = api(head_b)
    assert ids(client.get(URL, {"q": registry["a_child"].nik})) == set()
    assert ids(client.get(URL, {"q": "Budi Santoso"})) == set()
    assert ids(client.get(URL, {"q": "Soekarno"})) == {registry["b_elder"].pk}


def test_search_combines_with_filters(api, registry, admin_user, pendamping_b):
    make_person(pendamping_b, full_name="Budi Santoso")
    response = api(admin_user).get(URL, {"q": "Budi Santoso", "unit": "630108"})
    assert ids(response) == {registry["a_child"].pk}


def test_pages_are_stable_and_complete(api, registry, admin_user, pendamping_a):
    for n in range(7):
        make_person(pendamping_a, full_name=f"Anak Nomor {n}")
    client = api(admin_user)
    for ordering in ("-created_at", "full_name", "registry_id"):
        seen: list[int] = []
        page = 1
        while True:
            body = client.get(URL, {"page": page, "page_size": 5, "ordering": ordering}).json()
            seen += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
            page += 1
        assert len(seen) == len(set(seen)) == 12, ordering
    names = [r["full_name"] for r in client.get(URL, {"ordering": "full_name"}).json()["results"]]
    assert names == sorted(names)


def test_newest_come_first_by_default(api, registry, admin_user):
    first = api(admin_user).get(URL).json()["results"][0]
    assert first["id"] == registry["b_elder"].pk


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_page(api, admin_user, pendamping_a):
    client = api(admin_user)
    make_person(pendamping_a, full_name="Budi Pertama")
    few = _count_queries(client, {})
    few_search = _count_queries(client, {"q": "budi"})
    for n in range(15):
        person = make_person(pendamping_a, full_name=f"Budi Ke {n}")
        if n % 3 == 0:
            person_update(actor=pendamping_a, person=person, sex="P")  # gives a NIK warning
    assert _count_queries(client, {}) == few
    assert _count_queries(client, {"q": "budi"}) == few_search
    assert _count_queries(client, {"q": "budi", "has_nik_warnings": "true"}) == few_search
    # auth + count + page; search: auth + candidates + ranked rows
    assert few <= 4
