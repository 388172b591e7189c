"""One case from referral to closed over the API, each step by the role that owns it."""

import datetime as dt

from django.utils import timezone

from atensi.cases.models import Case
from atensi.common.models import AuditLog
from tests.api_helpers import error_of
from tests.cases.api.conftest import ANSWERS
from tests.registry.factories import make_person

URL = "/api/v1/cases/"


def test_a_case_walks_through_every_stage_over_the_api(api, pendamping_a, supervisor_a, head_a):
    person = make_person(pendamping_a, full_name="Budi Santoso")
    pendamping, supervisor, head = api(pendamping_a), api(supervisor_a), api(head_a)
    received = timezone.localtime() - dt.timedelta(days=3)

    # pendamping_a opens the case from a hotline report
    response = pendamping.post(
        URL,
        {
            "person": person.pk,
            "source": "hotline",
            "received_at": received.isoformat(),
            "urgency": "urgent",
            "target_group": "anak",
            "approach": "family",
            "supervisor": "supervisor_a",
            "referrer_name": "Ibu RT 05",
            "referrer_contact": "0812-1111-2222",
            "referral_note": "Anak tidak sekolah, tinggal dengan nenek",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case = response.json()
    case_url = f"{URL}{case['id']}/"
    assert case["number"].startswith("KS-")
    assert case["stage"] == "intake" and case["version"] == 1
    assert case["pendamping"] == "pendamping_a" and case["supervisor"] == "supervisor_a"
    assert case["person"]["full_name"] == "Budi Santoso"
    start = next(m for m in case["moves"] if m["target"] == "assessment")
    assert not start["ready"] and start["blockers"]

    # ... records the first home visit and starts the assessment
    case = pendamping.post(
        f"{case_url}contact/",
        {
            "happened_at": (received + dt.timedelta(hours=20)).isoformat(),
            "text": "Kunjungan rumah, bertemu nenek",
            "version": case["version"],
        },
        format="json",
    ).json()
    assert case["milestones"]["first_contact_at"] is not None
    case = _move(pendamping, case_url, case, "assessment")

    # ... fills the assessment form the API describes
    forms = pendamping.get("/api/v1/case-forms/?kind=assessment&target_group=anak").json()
    form = next(f for f in forms if f["code"] == "asesmen-bpss")
    response = pendamping.post(
        f"{case_url}assessments/",
        {
            "form_code": form["code"],
            "form_version": form["version"],
            "answers": ANSWERS,
            "summary": "Perlu dukungan keluarga",
            "version": case["version"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["scores"]["total"] == 9
    case = _move(pendamping, case_url, pendamping.get(case_url).json(), "planning")

    # ... writes the plan and submits it; supervisor_a approves it
    response = pendamping.post(
        f"{case_url}plans/",
        {
            "goals": [{"text": "Anak kembali bersekolah"}],
            "services": [
                {
                    "component": "family_support",
                    "description": "Konseling keluarga",
                    "frequency": "mingguan",
                    "responsible": "pendamping_a",
                    "target_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                }
            ],
            "version": case["version"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["status"] == "draft" and plan["services"][0]["responsible"] == "pendamping_a"
    plan_url = f"{case_url}plans/{plan['id']}/"
    assert pendamping.post(f"{plan_url}submit/").json()["status"] == "submitted"
    refused = pendamping.post(f"{plan_url}decide/", {"approve": True}, format="json")
    assert refused.status_code == 403
    response = supervisor.post(
        f"{plan_url}decide/", {"approve": True, "comment": "Lanjutkan"}, format="json"
    )
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "supervisor_a"
    case = _move(pendamping, case_url, pendamping.get(case_url).json(), "intervention")

    # a service that spends budget waits for the penetapan, which head_a records
    service = {
        "delivered_on": timezone.localdate().isoformat(),
        "component": "assistance",
        "description": "Paket sembako",
        "quantity": 2,
        "unit_cost": 250000,
        "ro_code": "QDB.001",
    }
    refused = pendamping.post(f"{case_url}services/", service, format="json")
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "penetapan_required"
    case = head.post(
        f"{case_url}penetapan/",
        {
            "sk_number": "12/RS/2026",
            "sk_date": timezone.localdate().isoformat(),
            "version": case["version"],
        },
        format="json",
    ).json()
    assert case["penetapan"] == {
        "sk_number": "12/RS/2026",
        "sk_date": timezone.localdate().isoformat(),
        "is_beneficiary": True,
    }
    response = pendamping.post(f"{case_url}services/", service, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["total_cost"] == 500000

    # pendamping_a monitors, terminates and starts aftercare
    response = pendamping.post(
        f"{case_url}notes/",
        {"kind": "monitoring", "text": "Anak mulai sekolah", "goal_progress": {"T1": "tercapai"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    case = _move(pendamping, case_url, pendamping.get(case_url).json(), "monitoring")
    response = pendamping.post(
        f"{case_url}terminate/",
        {
            "reason": "goals_met",
            "outcome_rating": "improved",
            "note": "Tujuan tercapai",
            "version": case["version"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    case = response.json()
    assert case["stage"] == "termination" and case["termination"]["reason"] == "goals_met"
    case = _move(pendamping, case_url, case, "aftercare")
    visit = pendamping.post(
        f"{case_url}aftercare/",
        {"scheduled_for": timezone.localdate().isoformat()},
        format="json",
    ).json()
    response = pendamping.post(
        f"{case_url}aftercare/{visit['id']}/record/",
        {"done_at": timezone.now().isoformat(), "notes": "Anak rajin sekolah, nenek sehat"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    case = pendamping.get(case_url).json()

    # only a lead closes: pendamping_a is not offered the move and is refused; head_a closes
    assert [m["target"] for m in case["moves"]] == []
    refused = pendamping.post(
        f"{case_url}transition/", {"target": "closed", "version": case["version"]}, format="json"
    )
    assert refused.status_code == 403
    case = head.get(case_url).json()
    assert [(m["target"], m["ready"]) for m in case["moves"]] == [("closed", True)]
    case = _move(head, case_url, case, "closed")
    assert case["milestones"]["closed_at"] is not None

    timeline = pendamping.get(f"{case_url}timeline/?page_size=100").json()["results"]
    assert "aftercare_visit" in [e["kind"] for e in timeline]
    assert [e["stage_to"] for e in timeline if e["kind"] == "stage"] == [
        "assessment",
        "planning",
        "intervention",
        "monitoring",
        "termination",
        "aftercare",
        "closed",
    ]
    assert timeline[0]["kind"] == "opened"
    stored = Case.objects.get(pk=case["id"])
    assert stored.version == case["version"]
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(stored.pk)).count() >= 12


def _move(client, case_url: str, case: dict, target: str) -> dict:
    response = client.post(
        f"{case_url}transition/",
        {"target": target, "version": case["version"], "note": ""},
        format="json",
    )
    assert response.status_code == 200, response.json()
    moved = response.json()
    assert moved["stage"] == target and moved["version"] == case["version"] + 1
    return moved
