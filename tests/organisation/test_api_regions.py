"""GET /api/v1/regions/ and /api/v1/regions/<code>/: region codes for API clients."""

import pytest

pytestmark = pytest.mark.django_db
LIST = "/api/v1/regions/"


@pytest.fixture
def api(client, pendamping_a):
    client.force_login(pendamping_a)
    return client


def codes(response) -> list[str]:
    return [r["code"] for r in response.json()["results"]]


def test_it_refuses_an_anonymous_client(client):
    response = client.get(LIST, {"q": "menteng"})
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_a_token_is_enough(client, pendamping_a):
    from atensi.accounts.services import user_token

    key = user_token(actor=pendamping_a, user=pendamping_a)
    response = client.get(LIST, {"q": "menteng"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_it_lists_matching_regions_with_labels(api):
    response = api.get(LIST, {"q": "pisangan baru", "level": "village"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "code": "31.75.01.1001",
            "name": "Pisangan Baru",
            "level": "village",
            "label": "Kel. Pisangan Baru, Kec. Matraman, Kota Adm. Jakarta Timur, "
            "Prov. Daerah Khusus Ibukota Jakarta",
            "parent_code": "31.75.01",
            "is_current": True,
            "valid_until": None,
            "successor_code": None,
        }
    ]


def test_it_is_paginated(api):
    first = api.get(LIST, {"level": "province", "page_size": 10}).json()
    assert first["count"] == 38
    assert len(first["results"]) == 10
    assert "page=2" in first["next"]
    last = api.get(LIST, {"level": "province", "page_size": 10, "page": 4}).json()
    assert len(last["results"]) == 8
    assert last["next"] is None
    assert codes_of(first)[0] == "11"
    assert not set(codes_of(first)) & set(codes_of(last))


def codes_of(body) -> list[str]:
    return [r["code"] for r in body["results"]]


def test_it_filters_by_parent(api):
    found = codes(api.get(LIST, {"parent": "31.75", "level": "district", "page_size": 100}))
    assert "31.75.01" in found
    assert all(c.startswith("31.75.") and c.count(".") == 2 for c in found)


def test_name_search_is_case_insensitive(api):
    assert codes(api.get(LIST, {"q": "KOTA SORONG", "level": "regency"})) == ["96.71"]


def test_retired_codes_only_on_request(api):
    assert codes(api.get(LIST, {"q": "kota sorong", "level": "regency"})) == ["96.71"]
    found = api.get(
        LIST, {"q": "kota sorong", "level": "regency", "include_retired": "true"}
    ).json()["results"]
    retired = next(r for r in found if r["code"] == "92.71")
    assert retired["is_current"] is False
    assert retired["valid_until"] == "2022-12-08"
    assert retired["successor_code"] == "96.71"


def test_a_bad_level_gets_the_one_error_shape(api):
    response = api.get(LIST, {"level": "kampung"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "level" in error["details"]


def test_a_bad_parent_gets_the_one_error_shape(api):
    response = api.get(LIST, {"parent": "jakarta"})
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["details"]


def test_the_list_takes_a_constant_number_of_queries(api, django_assert_max_num_queries):
    api.get(LIST, {"q": "suka"})
    # session, user, count, page (regions with their ancestors)
    with django_assert_max_num_queries(4):
        response = api.get(LIST, {"q": "suka", "level": "village", "page_size": 200})
    assert len(response.json()["results"]) == 200


def test_the_detail_of_a_village_has_its_ancestors(api):
    response = api.get(f"{LIST}31.75.01.1001/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "31.75.01.1001"
    assert [a["code"] for a in body["ancestors"]] == ["31", "31.75", "31.75.01"]
    assert body["ancestors"][0] == {
        "code": "31",
        "name": "Daerah Khusus Ibukota Jakarta",
        "level": "province",
    }


def test_the_detail_of_a_retired_code_names_its_successor(api):
    body = api.get(f"{LIST}92.71.01/").json()
    assert body["is_current"] is False
    assert body["successor_code"] == "96.71.01"
    assert [a["code"] for a in body["ancestors"]] == ["92", "92.71"]


def test_the_detail_takes_one_query_for_the_region(api, django_assert_max_num_queries):
    api.get(f"{LIST}31/")
    with django_assert_max_num_queries(3):
        api.get(f"{LIST}31.75.01.1001/")


def test_an_unknown_code_is_404_in_the_one_error_shape(api):
    response = api.get(f"{LIST}99.99/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/regions/" in schema["paths"]
    assert "/api/v1/regions/{code}/" in schema["paths"]
    assert "/api/v1/units/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/regions/"]["get"]["parameters"]}
    assert {"q", "level", "parent", "include_retired", "page", "page_size"} <= params
