"""/api/v1/workforce/: scope (own, team, national; outsiders 404), leave and training, the
suggestion and decision, KPIs with drill-down, fairness, and the monthly report workflow."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from atensi.accounts.services import user_token
from atensi.common.models import AuditLog
from atensi.workforce.models import CaseAssignmentDecision
from tests.cases.factories import make_case
from tests.workforce.conftest import profile

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workforce"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(actor=user, user=user)}")
    return client


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.fixture
def last_month():
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_workers_are_scoped(head_a, pendamping_a, pendamping_a2, pendamping_b, finance_a, auditor):
    profile(head_a, pendamping_a)
    make_case(pendamping_a, urgency="emergency")
    own = api(pendamping_a).get(f"{BASE}/workers/").json()["results"]
    assert [w["username"] for w in own] == ["pendamping_a"]
    assert own[0]["caseload"]["cases"] == 1
    assert own[0]["caseload"]["weighted"] == "2.00"
    assert own[0]["profile"]["worker_kind"] == "pendamping_atensi"
    team = {w["username"] for w in api(head_a).get(f"{BASE}/workers/").json()["results"]}
    assert team == {"pendamping_a", "pendamping_a2"}
    national = api(auditor).get(f"{BASE}/workers/", {"unit": pendamping_b.unit.code}).json()
    assert [w["username"] for w in national["results"]] == ["pendamping_b"]
    response = api(head_a).get(f"{BASE}/workers/{pendamping_b.pk}/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert api(pendamping_a).get(f"{BASE}/workers/{pendamping_a2.pk}/").status_code == 404
    assert api(finance_a).get(f"{BASE}/workers/").status_code == 403


def test_the_head_records_leave_training_and_profile(head_a, pendamping_a):
    client = api(head_a)
    today = timezone.localdate()
    response = client.post(
        f"{BASE}/workers/{pendamping_a.pk}/absences/",
        {"absence_kind": "annual", "starts_on": today.isoformat(), "ends_on": today.isoformat()},
        format="json",
    )
    assert response.status_code == 201 and response.json()["absence_kind"] == "annual"
    response = client.post(
        f"{BASE}/workers/{pendamping_a.pk}/training/",
        {
            "course": "BIMTEK-ASESMEN",
            "started_on": (today - dt.timedelta(days=5)).isoformat(),
            "finished_on": (today - dt.timedelta(days=2)).isoformat(),
            "training_result": "passed",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = client.put(
        f"{BASE}/workers/{pendamping_a.pk}/profile/",
        {
            "worker_kind": "pekerja_sosial",
            "employment": "pppk",
            "contract_start": "2025-01-01",
            "contract_end": "2029-12-31",
            "specialisations": ["anak", "disabilitas"],
            "areas": ["31.75"],
            "certificate_level": "generalis",
            "certificate_number": "PS-2025-0012",
            "certificate_issued_on": "2025-03-01",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["profile"]["certificate_level"] == "generalis"
    assert body["caseload"]["absence_today"]["absence_kind"] == "annual"
    assert [t["course"] for t in body["training"]] == ["BIMTEK-ASESMEN"]
    bad = client.put(
        f"{BASE}/workers/{pendamping_a.pk}/profile/",
        {"worker_kind": "relawan", "employment": "contract", "areas": ["99.99"], "typo": 1},
        format="json",
    )
    assert bad.status_code == 400 and "typo" in error_of(bad)["details"]


def test_a_pendamping_cannot_record_leave(pendamping_a):
    today = timezone.localdate().isoformat()
    response = api(pendamping_a).post(
        f"{BASE}/workers/{pendamping_a.pk}/absences/",
        {"absence_kind": "annual", "starts_on": today, "ends_on": today},
        format="json",
    )
    assert response.status_code == 403


def test_suggestion_and_decision(head_a, pendamping_a, pendamping_a2, head_b):
    profile(head_a, pendamping_a, specialisations=["anak"])
    case = make_case(head_a)
    body = api(head_a).get(f"{BASE}/cases/{case.pk}/suggestion/").json()
    assert body["suggested"] == "pendamping_a"
    assert "specialisation" in [r["code"] for r in body["reasons"]]
    response = api(head_a).post(
        f"{BASE}/cases/{case.pk}/assign/",
        {"worker": "pendamping_a2", "note": "Bahasa daerah"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["suggested"] == "pendamping_a"
    assert response.json()["followed_suggestion"] is False
    assert CaseAssignmentDecision.objects.get(case=case).chosen == pendamping_a2
    history = api(head_a).get(f"{BASE}/cases/{case.pk}/suggestion/").json()["decisions"]
    assert [(d["suggested"], d["chosen"]) for d in history] == [("pendamping_a", "pendamping_a2")]
    assert api(head_b).get(f"{BASE}/cases/{case.pk}/suggestion/").status_code == 404


def test_bulk_reassignment(head_a, pendamping_a, pendamping_a2):
    cases = [make_case(pendamping_a) for _ in range(2)]
    response = api(head_a).post(
        f"{BASE}/workers/{pendamping_a.pk}/reassign/",
        {"to_worker": "pendamping_a2", "note": "Cuti panjang"},
        format="json",
    )
    assert response.status_code == 200
    moved = response.json()["moved"]
    assert {m["case"] for m in moved} == {c.pk for c in cases}
    assert {m["chosen"] for m in moved} == {"pendamping_a2"}


def test_kpis_with_definitions_and_drill_down(head_a, pendamping_a, pendamping_a2):
    mine = make_case(pendamping_a)
    make_case(pendamping_a2)
    today = timezone.localdate()
    params = {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}
    body = api(pendamping_a).get(f"{BASE}/kpis/", params).json()
    assert [d["code"] for d in body["definitions"]][0] == "cases_handled"
    assert [r["key"]["worker"] for r in body["rows"]] == [str(pendamping_a.pk)]
    figures = {f["kpi"]: f for f in body["rows"][0]["figures"]}
    assert figures["cases_handled"]["value"] == 1
    by_unit = api(head_a).get(f"{BASE}/kpis/", {**params, "group_by": "unit"}).json()
    assert by_unit["by"] == ["unit"]
    assert {f["kpi"]: f["value"] for f in by_unit["rows"][0]["figures"]}["cases_handled"] == 2
    cases = (
        api(head_a)
        .get(f"{BASE}/kpis/cases_handled/cases/", {**params, "worker": pendamping_a.pk})
        .json()
    )
    assert [c["number"] for c in cases["results"]] == [mine.number]
    assert api(head_a).get(f"{BASE}/kpis/reports_on_time/cases/").status_code == 404
    bad = api(head_a).get(f"{BASE}/kpis/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 400 and "date_to" in error_of(bad)["details"]


def test_fairness_for_leads_and_directorate_only(analyst_anak, head_a, pendamping_a):
    make_case(pendamping_a)
    body = api(analyst_anak).get(f"{BASE}/fairness/").json()
    assert set(body) >= {"spreads", "needs", "min_facts"}
    assert api(head_a).get(f"{BASE}/fairness/").status_code == 200
    assert api(pendamping_a).get(f"{BASE}/fairness/").status_code == 404


def test_the_monthly_report_workflow(pendamping_a, supervisor_a, head_a, head_b, last_month):
    worker = api(pendamping_a)
    response = worker.post(f"{BASE}/reports/", {"month": last_month.isoformat()}, format="json")
    assert response.status_code == 201
    report = response.json()
    assert report["report_status"] == "draft" and report["events"][0]["action"] == "generated"
    url = f"{BASE}/reports/{report['id']}/"
    report = worker.patch(
        url, {"narrative": "Tiga kunjungan rumah.", "version": report["version"]}, format="json"
    ).json()
    stale = worker.patch(url, {"narrative": "x", "version": 1}, format="json")
    assert stale.status_code == 409
    report = worker.post(url + "submit/", {"version": report["version"]}, format="json").json()
    assert report["report_status"] == "submitted" and report["first_submitted_at"]

    lead = api(supervisor_a)
    refused = lead.post(url + "decide/", {"report_decision": "return"}, format="json")
    assert refused.status_code == 400 and "comment" in error_of(refused)["details"]
    report = lead.post(
        url + "decide/",
        {"report_decision": "return", "comment": "Sebutkan hambatan."},
        format="json",
    ).json()
    assert report["report_status"] == "returned"
    assert report["decision_comment"] == "Sebutkan hambatan."

    report = worker.patch(
        url,
        {"narrative": "Tiga kunjungan; hambatan: banjir.", "version": report["version"]},
        format="json",
    ).json()
    worker.post(url + "submit/", {}, format="json")
    report = lead.post(url + "decide/", {"report_decision": "approve"}, format="json").json()
    assert report["report_status"] == "approved"
    assert [e["action"] for e in report["events"]] == [
        "generated",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert api(head_a).get(url).json()["report_status"] == "approved"
    assert api(head_b).get(url).status_code == 404
    assert (
        worker.post(url + "decide/", {"report_decision": "approve"}, format="json").status_code
        == 403
    )
    listed = api(head_a).get(f"{BASE}/reports/", {"report_status": "approved"}).json()
    assert [r["id"] for r in listed["results"]] == [report["id"]]
    pdf = lead.post(url + "export/", {"report_file_format": "pdf"}, format="json")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(
        action="export", object_type="workforce.monthlyreport", object_id=str(report["id"])
    ).exists()


def test_courses_catalogue(pendamping_a):
    courses = api(pendamping_a).get(f"{BASE}/courses/").json()
    assert "BIMTEK-ASESMEN" in {c["code"] for c in courses}
    assert next(c for c in courses if c["code"] == "BIMTEK-ASESMEN")["competences"] == ["asesmen"]
