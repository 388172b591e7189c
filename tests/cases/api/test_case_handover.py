"""Hand-overs over the API: transfers to another sentra and referrals out rest on consent."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, Transfer
from tests.api_helpers import error_of
from tests.cases.factories import give_consent, make_case, walk
from tests.registry.factories import make_person


@pytest.fixture
def case(pendamping_a, supervisor_a):
    case = make_case(pendamping_a, supervisor=supervisor_a)
    services.case_contact_record(
        actor=pendamping_a, case=case, happened_at=timezone.now(), text="Kunjungan rumah"
    )
    return Case.objects.get(pk=case.pk)


def _transfer(client, case, **body):
    return client.post(
        f"/api/v1/cases/{case.pk}/transfers/",
        {"to_unit": "630117", "reason": "Keluarga pindah ke Magelang", "version": case.version}
        | body,
        format="json",
    )


def test_a_transfer_without_consent_is_refused_and_nothing_moves(api, case, supervisor_a):
    response = _transfer(api(supervisor_a), case)
    assert response.status_code == 400
    assert error_of(response)["code"] == "consent_required"
    assert Case.objects.get(pk=case.pk).unit.code == "630108" and not Transfer.objects.exists()


def test_a_transfer_on_consent_hands_the_case_over_and_both_heads_see_it(
    api, case, pendamping_a, supervisor_a, head_a, head_b
):
    consent = give_consent(pendamping_a, case.person)
    response = _transfer(api(supervisor_a), case, consent=consent.pk)
    assert response.status_code == 201, response.json()
    transfer = response.json()
    assert (transfer["from_unit"], transfer["to_unit"]) == ("630108", "630117")
    assert transfer["consent"] == consent.pk and transfer["case_number"] == case.number

    assert api(head_a).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    received = api(head_b).get(f"/api/v1/cases/{case.pk}/").json()
    assert received["unit"] == "630117" and received["pendamping"] is None
    for head in (head_a, head_b):
        rows = api(head).get("/api/v1/cases/transfers/").json()["results"]
        assert [row["id"] for row in rows] == [transfer["id"]]


def test_only_a_head_goes_ahead_without_consent(api, case, supervisor_a, head_a):
    refused = _transfer(api(supervisor_a), case, override_reason="Darurat keselamatan")
    assert refused.status_code == 403
    response = _transfer(api(head_a), case, override_reason="Darurat keselamatan")
    assert response.status_code == 201, response.json()
    assert response.json()["override_reason"] == "Darurat keselamatan"


def test_a_consent_of_another_person_is_refused(api, case, pendamping_a, supervisor_a):
    other = give_consent(pendamping_a, make_person(pendamping_a, full_name="Joko Susilo"))
    response = _transfer(api(supervisor_a), case, consent=other.pk)
    assert response.status_code == 400
    assert "consent" in error_of(response)["details"]


def test_a_stale_transfer_is_refused_with_409(api, case, pendamping_a, supervisor_a, head_a):
    seen = case.version
    services.case_assign(actor=head_a, case=case, supervisor=head_a)
    response = api(head_a).post(
        f"/api/v1/cases/{case.pk}/transfers/",
        {"to_unit": "630117", "reason": "Pindah", "override_reason": "x", "version": seen},
        format="json",
    )
    assert response.status_code == 409
    assert not Transfer.objects.exists()


def test_a_referral_out_is_recorded_on_consent(api, pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    body = {
        "institution": "RSJ Dr. Soeharto Heerdjan",
        "contact": "021-5682841",
        "reason": "Perlu perawatan kejiwaan",
        "referred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
    }
    refused = client.post(f"/api/v1/cases/{case.pk}/referrals/", body, format="json")
    assert refused.status_code == 400 and error_of(refused)["code"] == "consent_required"
    consent = give_consent(pendamping_a, case.person)
    response = client.post(
        f"/api/v1/cases/{case.pk}/referrals/", body | {"consent": consent.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    listed = client.get(f"/api/v1/cases/{case.pk}/referrals/").json()
    assert [r["institution"] for r in listed] == ["RSJ Dr. Soeharto Heerdjan"]
