"""GET /api/v1/units/: the units of Ditjen Rehsos with their regions and target groups."""

import pytest

from atensi.organisation.models import Unit
from tests.conftest import DIREKTORAT_ANAK, SENTRA_A

pytestmark = pytest.mark.django_db
LIST = "/api/v1/units/"


@pytest.fixture
def api(client, pendamping_a):
    client.force_login(pendamping_a)
    return client


def test_it_refuses_an_anonymous_client(client):
    assert client.get(LIST).status_code in (401, 403)


def test_it_lists_every_unit_with_the_documented_fields(api):
    body = api.get(LIST, {"page_size": 100}).json()
    assert body["count"] == Unit.objects.count()
    sentra = next(u for u in body["results"] if u["code"] == SENTRA_A)
    assert set(sentra) == {
        "code",
        "name",
        "type",
        "city",
        "province",
        "regency",
        "residential_capacity",
        "target_groups",
        "is_active",
    }
    unit = Unit.objects.get(code=SENTRA_A)
    assert sentra["name"] == unit.name
    assert sentra["type"] == "sentra"
    assert sentra["province"] == {"code": "31", "name": unit.province.name, "level": "province"}
    assert sentra["regency"]["code"] == unit.regency_id
    assert sentra["residential_capacity"] == unit.residential_capacity


def test_a_directorate_lists_its_target_groups(api):
    body = api.get(LIST, {"q": DIREKTORAT_ANAK}).json()
    assert [u["code"] for u in body["results"]] == [DIREKTORAT_ANAK]
    assert body["results"][0]["target_groups"] == ["anak"]


def test_it_filters_by_type(api):
    body = api.get(LIST, {"type": "sentra", "page_size": 100}).json()
    assert body["count"] == Unit.objects.filter(type="sentra").count() == 31
    assert {u["type"] for u in body["results"]} == {"sentra"}


def test_it_searches_by_name(api):
    names = [u["name"] for u in api.get(LIST, {"q": "handayani"}).json()["results"]]
    assert names == [Unit.objects.get(code=SENTRA_A).name]


def test_an_unknown_type_gets_the_one_error_shape(api):
    response = api.get(LIST, {"type": "kantor"})
    assert response.status_code == 400
    assert "type" in response.json()["error"]["details"]


def test_the_list_takes_a_constant_number_of_queries(api, django_assert_max_num_queries):
    api.get(LIST)
    with django_assert_max_num_queries(4):  # session, user, count, units with their regions
        response = api.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == Unit.objects.count()
