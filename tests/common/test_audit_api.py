"""GET /api/v1/audit/: auditors and administrators search the audit trail; nobody changes it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atensi.common.models import AuditLog
from atensi.registry.services import person_open, person_update
from tests.api_helpers import client_for, error_of
from tests.registry.factories import make_person

URL = "/api/v1/audit/"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def trail(pendamping_a, head_a, pendamping_b):
    """Writes a small trail through the services: creates, an update, a view, in two sentra."""
    budi = make_person(pendamping_a, full_name="Budi Santoso")
    person_update(actor=head_a, person=budi, expected_version=1, address="Jl. Melati 3")
    person_open(actor=head_a, pk=budi.pk)
    dewi = make_person(
        pendamping_b, full_name="Dewi Lestari", sex="P", nik=None, no_nik_reason="homeless"
    )
    return {"budi": budi, "dewi": dewi}


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


@pytest.mark.parametrize("who", ["auditor", "admin_user"])
def test_auditors_and_administrators_read_the_trail(trail, request, who):
    found = rows(
        client_for(request.getfixturevalue(who)).get(URL, {"object_type": "registry.person"})
    )
    assert [(r["action"], r["actor"]) for r in found] == [
        ("create", "pendamping_b"),
        ("view", "head_a"),
        ("update", "head_a"),
        ("create", "pendamping_a"),
    ]
    update = found[2]
    assert update["object_id"] == str(trail["budi"].pk)
    assert update["unit"] == "630108"
    assert update["changes"] == {"address": ["", "Jl. Melati 3"]}
    assert update["action_label"] == "ubah"
    assert update["object_repr"].startswith("Budi Santoso")


@pytest.mark.parametrize(
    "who", ["analyst_anak", "head_a", "supervisor_a", "pendamping_a", "finance_a", "head_b"]
)
def test_other_roles_are_refused(trail, request, who):
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_an_anonymous_caller_gets_401(db):
    assert client_for().get(URL).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_can_change_the_trail(trail, auditor, admin_user, method):
    for user in (auditor, admin_user):
        client = client_for(user)
        before = AuditLog.objects.count()
        response = getattr(client, method)(URL, {"action": "create"}, format="json")
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"
        assert AuditLog.objects.count() == before


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"actor": "head_a"}, [("view", "head_a"), ("update", "head_a")]),
        ({"action": "view"}, [("view", "head_a")]),
        ({"unit": "630117", "object_type": "registry.person"}, [("create", "pendamping_b")]),
        (
            {"object_type": "registry.person", "action": "create", "actor": "pendamping_a"},
            [("create", "pendamping_a")],
        ),
    ],
)
def test_it_filters(trail, auditor, params, expected):
    found = rows(client_for(auditor).get(URL, params))
    assert [(r["action"], r["actor"]) for r in found] == expected


def test_it_filters_by_object(trail, auditor):
    budi = str(trail["budi"].pk)
    found = rows(
        client_for(auditor).get(URL, {"object_type": "registry.person", "object_id": budi})
    )
    assert [r["action"] for r in found] == ["view", "update", "create"]


def test_dates_are_whole_days_in_jakarta(trail, auditor, head_a, monkeypatch):
    # 23:30 WIB on 9 Jan and 00:30 WIB on 10 Jan are both 9 Jan in UTC.
    budi = trail["budi"].pk
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 9, 23, 30, tzinfo=JAKARTA))
    late = AuditLog.objects.get(pk=_view_row(head_a, budi))
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 10, 0, 30, tzinfo=JAKARTA))
    early = AuditLog.objects.get(pk=_view_row(head_a, budi))
    monkeypatch.undo()
    client = client_for(auditor)
    on_9th = rows(client.get(URL, {"date_from": "2026-01-09", "date_to": "2026-01-09"}))
    on_10th = rows(client.get(URL, {"date_from": "2026-01-10", "date_to": "2026-01-10"}))
    assert [r["id"] for r in on_9th] == [late.pk]
    assert [r["id"] for r in on_10th] == [early.pk]
    since_10th = {r["id"] for r in rows(client.get(URL, {"date_from": "2026-01-10"}))}
    assert early.pk in since_10th and late.pk not in since_10th
    until_9th = rows(client.get(URL, {"date_to": "2026-01-09"}))
    assert [r["id"] for r in until_9th] == [late.pk]


def _view_row(actor, pk) -> int:
    person_open(actor=actor, pk=pk)
    return AuditLog.objects.filter(action="view").latest("id").pk


def test_it_rejects_malformed_filters(trail, auditor):
    client = client_for(auditor)
    response = client.get(URL, {"date_from": "10-01-2026"})
    assert response.status_code == 400
    assert "date_from" in error_of(response)["details"]
    response = client.get(URL, {"date_from": "2026-01-10", "date_to": "2026-01-09"})
    assert "date_to" in error_of(response)["details"]
    response = client.get(URL, {"action": "hack"})
    assert "action" in error_of(response)["details"]


def test_it_is_paginated_newest_first(trail, auditor):
    body = client_for(auditor).get(URL, {"page_size": 2}).json()
    assert body["count"] == AuditLog.objects.count()
    assert len(body["results"]) == 2
    assert body["next"]
    newest = AuditLog.objects.order_by("-at", "-id").first()
    assert body["results"][0]["id"] == newest.pk


def test_query_count_does_not_grow_with_the_page(trail, auditor, pendamping_a):
    client = client_for(auditor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        make_person(pendamping_a, full_name=f"Anak {n}")
    assert count() == few


def test_times_are_reported_with_their_zone(trail, auditor):
    row = rows(client_for(auditor).get(URL, {"action": "view"}))[0]
    at = dt.datetime.fromisoformat(row["at"])
    assert at.utcoffset() == dt.timedelta(hours=7)
    assert abs(at - timezone.now()) < dt.timedelta(minutes=5)
