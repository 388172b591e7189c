"""/api/v1/persons/<id>/consents/: recording and withdrawing consent (UU 27/2022)."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.common.models import AuditLog
from atensi.registry.models import Consent
from atensi.registry.services import consent_record
from tests.api_helpers import error_of


def url(person, consent=None) -> str:
    base = f"/api/v1/persons/{person.pk}/consents/"
    return f"{base}{consent.pk}/withdraw/" if consent else base


def payload(**overrides) -> dict:
    data = {
        "basis": "consent",
        "scope": "Asesmen dan layanan ATENSI",
        "given_by": "parent",
        "given_by_name": "Sumiati",
        "method": "written",
        "given_at": "2026-01-05T09:30:00+07:00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def consent(registry, pendamping_a):
    return consent_record(
        actor=pendamping_a,
        person=registry["a_child"],
        basis="consent",
        scope="Asesmen",
        given_by="parent",
        given_by_name="Sumiati",
        method="written",
        given_at=timezone.now() - dt.timedelta(days=3),
    )


def test_a_pendamping_records_a_parents_consent(api, registry, pendamping_a):
    person = registry["a_child"]
    response = api(pendamping_a).post(url(person), payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["basis"] == "consent"
    assert body["given_by"] == "parent"
    assert body["recorded_by"] == "pendamping_a"
    assert body["is_active"] is True
    assert body["withdrawn_at"] is None
    stored = Consent.objects.get(pk=body["id"])
    assert stored.given_at == dt.datetime(2026, 1, 5, 2, 30, tzinfo=dt.UTC)
    assert AuditLog.objects.filter(
        action="create", object_type="registry.consent", object_id=str(stored.pk)
    ).exists()


def test_a_child_cannot_consent_for_themself(api, registry, pendamping_a):
    response = api(pendamping_a).post(
        url(registry["a_child"]), payload(given_by="self"), format="json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "child_consent"
    assert "given_by" in error["details"]
    assert not Consent.objects.exists()


def test_consent_cannot_be_dated_in_the_future(api, registry, pendamping_a):
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = api(pendamping_a).post(
        url(registry["a_child"]), payload(given_at=future), format="json"
    )
    assert response.status_code == 400
    assert "given_at" in error_of(response)["details"]


def test_it_lists_consents_with_their_state(api, registry, consent, head_a):
    response = api(head_a).get(url(registry["a_child"]))
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == consent.pk
    assert row["is_active"] is True
    assert row["recorded_by"] == "pendamping_a"


def test_a_consent_is_withdrawn_once_with_a_reason(api, registry, consent, pendamping_a):
    client = api(pendamping_a)
    person = registry["a_child"]
    missing_reason = client.post(url(person, consent), {}, format="json")
    assert missing_reason.status_code == 400
    assert "reason" in error_of(missing_reason)["details"]

    response = client.post(url(person, consent), {"reason": "Keluarga menolak"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["is_active"] is False
    assert body["withdrawn_reason"] == "Keluarga menolak"
    assert AuditLog.objects.filter(
        action="update", object_type="registry.consent", object_id=str(consent.pk)
    ).exists()

    again = client.post(url(person, consent), {"reason": "Lagi"}, format="json")
    assert again.status_code == 400
    assert error_of(again)["code"] == "already_withdrawn"


def test_a_consent_of_another_person_is_404(api, registry, consent, head_a):
    response = api(head_a).post(url(registry["a_elder"], consent), {"reason": "x"}, format="json")
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.is_active


@pytest.mark.parametrize("who", ["head_b", "pendamping_b", "pendamping_a2"])
def test_an_outsider_gets_404(api, registry, consent, request, who):
    client = api(request.getfixturevalue(who))
    person = registry["a_child"]
    responses = [
        client.get(url(person)),
        client.post(url(person), payload(), format="json"),
        client.post(url(person, consent), {"reason": "x"}, format="json"),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Consent.objects.count() == 1
    consent.refresh_from_db()
    assert consent.is_active


def test_a_finance_officer_gets_403(api, registry, finance_a):
    assert api(finance_a).get(url(registry["a_child"])).status_code == 403
