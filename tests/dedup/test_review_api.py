"""/api/v1/dedup/: the same services as the pages, the one error shape, 404 outside the scope."""

import datetime as dt

import pytest

from atensi.cases.models import Case
from atensi.dedup.models import Decision, MatchRun, Merge, PairStatus
from tests.api_helpers import error_of
from tests.cases.factories import make_case
from tests.dedup.factories import make_pair
from tests.registry.factories import make_person, nik_for

BORN = dt.date(1968, 10, 2)


@pytest.fixture
def pair(pendamping_a):
    nik = nik_for(BORN, "P", serial=2468)
    one = make_person(
        pendamping_a, full_name="Sumarni", sex="P", birth_date=BORN, nik=nik, target_group="lansia"
    )
    two = make_person(
        pendamping_a, full_name="Soemarni", sex="P", birth_date=BORN, nik=nik, target_group="lansia"
    )
    make_case(pendamping_a, person=two, pendamping=pendamping_a)
    return make_pair(one, two, impact=1)


def test_the_queue_lists_the_pairs_in_scope(api, pair, head_a, head_b):
    body = api(head_a).get("/api/v1/dedup/pairs/").json()
    assert [p["id"] for p in body["results"]] == [pair.pk]
    assert body["results"][0]["person_b"]["full_name"] in {"Sumarni", "Soemarni"}
    assert api(head_b).get("/api/v1/dedup/pairs/").json()["results"] == []


def test_the_pair_detail_explains_the_score_and_outsiders_get_404(api, pair, head_a, head_b):
    response = api(head_a).get(f"/api/v1/dedup/pairs/{pair.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["explanation"][0] == {
        "field": "name",
        "label": "Nama",
        "level": "very_similar",
        "level_label": "sangat mirip",
        "weight": 9.7,
        "agrees": True,
    }
    assert body["prior_weight"] == -12.0 and body["impact"] == 1
    outsider = api(head_b).get(f"/api/v1/dedup/pairs/{pair.pk}/")
    assert outsider.status_code == 404 and error_of(outsider)["code"] == "not_found"
    decided = api(head_b).post(
        f"/api/v1/dedup/pairs/{pair.pk}/decisions/", {"verdict": "different", "reason": "x"}
    )
    assert decided.status_code == 404
    assert not Decision.objects.exists()


def test_roles_without_review_get_403(api, pair, pendamping_a, finance_a):
    for user in (pendamping_a, finance_a):
        response = api(user).get("/api/v1/dedup/pairs/")
        assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"


def test_decide_merge_and_unmerge_through_the_api(api, pair, head_a):
    client = api(head_a)
    decided = client.post(
        f"/api/v1/dedup/pairs/{pair.pk}/decisions/",
        {"verdict": "same", "reason": "NIK sama"},
        format="json",
    )
    assert decided.status_code == 201 and decided.json()["decided_by"] == "head_a"

    merged = client.post(
        f"/api/v1/dedup/pairs/{pair.pk}/merge/",
        {"survivor": pair.person_a_id, "reason": "Satu orang"},
        format="json",
    )
    assert merged.status_code == 201, merged.json()
    body = merged.json()
    assert body["survivor"]["id"] == pair.person_a_id and body["rows"]["cases.case"] == 1
    assert Case.objects.filter(person_id=pair.person_a_id).count() == 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert [m["id"] for m in client.get("/api/v1/dedup/merges/").json()["results"]] == [body["id"]]

    undone = client.post(
        f"/api/v1/dedup/merges/{body['id']}/unmerge/", {"reason": "Keliru"}, format="json"
    )
    assert undone.status_code == 200 and undone.json()["undone_by"] == "head_a"
    assert Case.objects.filter(person_id=pair.person_b_id).count() == 1
    again = client.post(
        f"/api/v1/dedup/merges/{body['id']}/unmerge/", {"reason": "Lagi"}, format="json"
    )
    assert again.status_code == 409 and error_of(again)["code"] == "already_undone"


def test_a_merge_names_a_person_of_the_pair_and_a_reason(api, pair, head_a, supervisor_a):
    client = api(head_a)
    client.post(f"/api/v1/dedup/pairs/{pair.pk}/decisions/", {"verdict": "same", "reason": "x"})
    stranger = client.post(
        f"/api/v1/dedup/pairs/{pair.pk}/merge/", {"survivor": 999999, "reason": "x"}
    )
    assert stranger.status_code == 404
    unknown = client.post(
        f"/api/v1/dedup/pairs/{pair.pk}/merge/",
        {"survivor": pair.person_a_id, "reason": "x", "force": True},
        format="json",
    )
    assert unknown.status_code == 400 and "force" in error_of(unknown)["details"]
    refused = api(supervisor_a).post(
        f"/api/v1/dedup/pairs/{pair.pk}/merge/", {"survivor": pair.person_a_id, "reason": "x"}
    )
    assert refused.status_code == 403
    assert not Merge.objects.exists()


def test_a_run_through_the_api_is_logged_and_listed(api, pair, head_a, head_b, sentra_a):
    response = api(head_a).post(
        "/api/v1/dedup/runs/", {"purpose": "Persiapan bansos", "unit": sentra_a.code}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["unit"], body["purpose"]) == (
        "done",
        sentra_a.code,
        "Persiapan bansos",
    )
    assert body["records"] == 2
    run = MatchRun.objects.get(pk=body["id"])
    assert run.started_by == head_a
    assert api(head_a).get(f"/api/v1/dedup/runs/{run.pk}/").status_code == 200
    assert api(head_b).get(f"/api/v1/dedup/runs/{run.pk}/").status_code == 404
    missing = api(head_a).post("/api/v1/dedup/runs/", {})
    assert missing.status_code == 400 and "purpose" in error_of(missing)["details"]


def test_the_check_endpoint_finds_the_registered_person(api, pair, pendamping_a, pendamping_b):
    body = {"nik": pair.person_a.nik, "full_name": "Sumarni", "birth_date": BORN.isoformat()}
    found = api(pendamping_a).post("/api/v1/dedup/check/", body, format="json")
    assert found.status_code == 200
    assert {m["person"]["id"] for m in found.json()} == {pair.person_a_id, pair.person_b_id}
    assert all(m["same_nik"] for m in found.json())
    assert api(pendamping_b).post("/api/v1/dedup/check/", body, format="json").json() == []


def test_the_schema_documents_every_dedup_operation(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, method in [
        ("/api/v1/dedup/runs/", "get"),
        ("/api/v1/dedup/runs/", "post"),
        ("/api/v1/dedup/pairs/", "get"),
        ("/api/v1/dedup/pairs/{id}/", "get"),
        ("/api/v1/dedup/pairs/{id}/decisions/", "post"),
        ("/api/v1/dedup/pairs/{id}/merge/", "post"),
        ("/api/v1/dedup/merges/", "get"),
        ("/api/v1/dedup/merges/{id}/unmerge/", "post"),
        ("/api/v1/dedup/check/", "post"),
    ]:
        responses = schema["paths"][path][method]["responses"]
        assert {"401", "403"} <= set(responses), (path, method)
