"""Records under a case: assessments and their forms, plans, services (whole Rupiah), notes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from tests.api_helpers import error_of
from tests.cases.api.conftest import ANSWERS, case_at

TODAY = timezone.localdate().isoformat()


def _url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


@pytest.fixture
def intervention(pendamping_a, supervisor_a, head_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    return services.case_penetapan(
        actor=head_a, case=case, sk_number="7/RS/2026", sk_date=timezone.localdate()
    )


def test_the_forms_list_gives_clients_what_they_render(api, pendamping_a):
    forms = api(pendamping_a).get("/api/v1/case-forms/").json()
    codes = {(f["kind"], f["code"], f["version"]) for f in forms}
    assert ("assessment", "asesmen-bpss", 1) in codes
    assert ("outcome", "barthel-adl", 1) in codes
    bpss = next(f for f in forms if f["code"] == "asesmen-bpss")
    assert bpss["definition"]["sections"][0]["questions"][0]["code"] == "fisik_masalah"


def test_the_forms_list_filters_by_kind_and_target_group(api, pendamping_a):
    forms = api(pendamping_a).get("/api/v1/case-forms/?kind=outcome&target_group=napza").json()
    assert [f["code"] for f in forms] == ["napza-penggunaan"]


def test_an_assessment_is_scored_and_listed(api, pendamping_a, supervisor_a):
    case = case_at(Stage.ASSESSMENT, pendamping=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    response = client.post(
        _url(case, "assessments/"),
        {"form_code": "asesmen-bpss", "form_version": 1, "answers": ANSWERS, "version": 3},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["scores"]["band"] == "Kebutuhan sedang"
    listed = client.get(_url(case, "assessments/")).json()
    assert [a["form_code"] for a in listed] == ["asesmen-bpss"]
    assert listed[0]["assessor"] == "pendamping_a" and listed[0]["completed_at"]


def test_an_incomplete_assessment_names_the_missing_answers(api, pendamping_a, supervisor_a):
    case = case_at(Stage.ASSESSMENT, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_a).post(
        _url(case, "assessments/"),
        {
            "form_code": "asesmen-bpss",
            "form_version": 1,
            "answers": {"fisik_masalah": "1"},
            "version": case.version,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "risiko_bahaya" in error_of(response)["details"]
    assert case.assessments.count() == 0


def test_an_unknown_form_version_is_refused(api, pendamping_a, supervisor_a):
    case = case_at(Stage.ASSESSMENT, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_a).post(
        _url(case, "assessments/"),
        {"form_code": "asesmen-bpss", "form_version": 9, "answers": ANSWERS, "version": 3},
        format="json",
    )
    assert response.status_code == 400
    assert "form_code" in error_of(response)["details"]


def test_a_plan_is_returned_with_a_comment_and_resubmitted(api, pendamping_a, supervisor_a):
    case = case_at(Stage.PLANNING, pendamping=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    plan = client.post(
        _url(case, "plans/"),
        {
            "goals": [{"text": "Lansia kembali mandiri"}, {"text": "  "}],
            "services": [
                {
                    "component": "therapy",
                    "description": "Terapi fisik",
                    "frequency": "2x seminggu",
                    "responsible": "pendamping_a",
                    "target_date": TODAY,
                }
            ],
            "version": case.version,
        },
        format="json",
    ).json()
    assert [g["code"] for g in plan["goals"]] == ["T1"]
    plan_url = _url(case, f"plans/{plan['id']}/")
    client.post(f"{plan_url}submit/")
    lead = api(supervisor_a)
    refused = lead.post(f"{plan_url}decide/", {"approve": False}, format="json")
    assert refused.status_code == 400 and "comment" in error_of(refused)["details"]
    returned = lead.post(
        f"{plan_url}decide/", {"approve": False, "comment": "Tambah tujuan"}, format="json"
    )
    assert returned.json()["status"] == "returned"
    assert client.post(f"{plan_url}submit/").json()["status"] == "submitted"
    again = client.post(f"{plan_url}submit/")
    assert again.status_code == 400 and error_of(again)["code"] == "wrong_status"


def test_a_plan_of_another_case_is_not_found(api, pendamping_a, supervisor_a):
    first = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    second = case_at(Stage.PLANNING, pendamping=pendamping_a, lead=supervisor_a)
    plan = first.plans.get()
    response = api(pendamping_a).post(_url(second, f"plans/{plan.pk}/submit/"))
    assert response.status_code == 404


def test_a_budget_service_before_penetapan_is_refused(api, pendamping_a, supervisor_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_a).post(
        _url(case, "services/"),
        {
            "delivered_on": TODAY,
            "component": "assistance",
            "description": "Paket sembako",
            "unit_cost": 150000,
        },
        format="json",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "penetapan_required"
    assert case.services.count() == 0


def test_a_service_without_cost_needs_no_penetapan(api, pendamping_a, supervisor_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_a).post(
        _url(case, "services/"),
        {"delivered_on": TODAY, "component": "family_support", "description": "Konseling"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["unit_cost"] == 0 and response.json()["provider"] == "pendamping_a"


@pytest.mark.parametrize("cost", [150000.5, 150000.0, "150000.00", "150.000,00", True, "abc"])
def test_a_unit_cost_that_is_not_whole_rupiah_is_refused(api, intervention, pendamping_a, cost):
    response = api(pendamping_a).post(
        _url(intervention, "services/"),
        {
            "delivered_on": TODAY,
            "component": "assistance",
            "description": "Paket sembako",
            "unit_cost": cost,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "unit_cost" in error_of(response)["details"]
    assert intervention.services.count() == 0


def test_a_whole_rupiah_cost_is_recorded(api, intervention, pendamping_a):
    response = api(pendamping_a).post(
        _url(intervention, "services/"),
        {
            "delivered_on": TODAY,
            "component": "assistance",
            "description": "Paket sembako",
            "quantity": 3,
            "unit_cost": "150000",
            "ro_code": "QDB.001",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["total_cost"] == 450000


def test_services_are_listed_newest_first_with_constant_queries(api, intervention, pendamping_a):
    for days in range(6):
        services.service_record(
            actor=pendamping_a,
            case=intervention,
            delivered_on=timezone.localdate() - dt.timedelta(days=days),
            component="care",
            description=f"Perawatan {days}",
        )
    client = api(pendamping_a)
    counts = []
    for size in (2, 6):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_url(intervention, f"services/?page_size={size}"))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    rows = response.json()["results"]
    assert [r["description"] for r in rows][:2] == ["Perawatan 0", "Perawatan 1"]


def test_notes_are_added_and_listed(api, intervention, pendamping_a):
    client = api(pendamping_a)
    response = client.post(
        _url(intervention, "notes/"),
        {"kind": "conference", "text": "Konferensi kasus dengan sekolah"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    kinds = [n["kind"] for n in client.get(_url(intervention, "notes/")).json()["results"]]
    assert kinds[0] == "conference" and "contact" in kinds


def test_a_contact_is_not_a_plain_note(api, intervention, pendamping_a):
    response = api(pendamping_a).post(
        _url(intervention, "notes/"), {"kind": "contact", "text": "Telepon"}, format="json"
    )
    assert response.status_code == 400


def test_the_timeline_runs_oldest_first(api, intervention, pendamping_a):
    events = api(pendamping_a).get(_url(intervention, "timeline/")).json()["results"]
    assert events[0]["kind"] == "opened"
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert events[-1]["kind"] == "penetapan" and events[-1]["actor"] == "head_a"
