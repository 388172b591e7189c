"""Case-changing steps: illegal moves, blockers, stale versions (409, nothing lost), input checks."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case
from tests.api_helpers import error_of
from tests.cases.api.conftest import case_at
from tests.cases.factories import make_case

TODAY = timezone.localdate().isoformat()


def _url(case, suffix=""):
    return f"/api/v1/cases/{case.pk}/{suffix}"


@pytest.mark.parametrize(
    "target", ["planning", "intervention", "monitoring", "aftercare", "closed"]
)
def test_an_illegal_transition_is_refused_with_its_code(api, pendamping_a, target):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "transition/"), {"target": target, "version": case.version}, format="json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "illegal_transition"
    assert "Pendekatan awal" in error["message"]
    assert Case.objects.get(pk=case.pk).stage == Stage.INTAKE


def test_a_blocked_transition_lists_what_is_missing(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "transition/"), {"target": "assessment", "version": 1}, format="json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "transition_blocked"
    assert error["details"]["blockers"] == ["Catat kontak pertama (pendekatan awal) lebih dulu."]


def test_the_detail_offers_the_moves_with_their_blockers(api, pendamping_a, supervisor_a):
    case = case_at(Stage.PLANNING, pendamping=pendamping_a, lead=supervisor_a)
    moves = api(pendamping_a).get(_url(case)).json()["moves"]
    assert [(m["action"], m["target"], m["ready"]) for m in moves] == [
        ("transition", "intervention", False),
        ("terminate", "termination", True),
    ]
    assert moves[0]["blockers"] == [
        "Rencana intervensi harus disetujui supervisor atau kepala sentra lebih dulu."
    ]


def test_an_unknown_target_stage_is_invalid_input(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "transition/"), {"target": "finished", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert set(error_of(response)["details"]) == {"target"}


def test_a_misspelt_field_is_refused_rather_than_ignored(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "contact/"),
        {"happend_at": timezone.now().isoformat(), "text": "x", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert {"happend_at", "happened_at"} <= set(error_of(response)["details"])


def test_a_time_without_its_zone_is_refused(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "contact/"),
        {"happened_at": "2026-01-05T10:00:00", "text": "Kunjungan", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "happened_at" in error_of(response)["details"]
    assert Case.objects.get(pk=case.pk).notes.count() == 0


def _stale(case, pendamping, supervisor):
    """Someone else changes the case after `case` was read; returns the version the client saw."""
    seen = case.version
    services.case_assign(actor=supervisor, case=case, supervisor=supervisor)
    return seen


STALE_STEPS = [
    ("transition/", lambda v: {"target": "planning", "version": v}),
    ("contact/", lambda v: {"happened_at": timezone.now().isoformat(), "text": "x", "version": v}),
    ("assign/", lambda v: {"pendamping": "pendamping_a2", "version": v}),
    ("penetapan/", lambda v: {"sk_number": "3/2026", "sk_date": TODAY, "version": v}),
    ("terminate/", lambda v: {"reason": "withdrew", "outcome_rating": "unknown", "version": v}),
    (
        "assessments/",
        lambda v: {
            "form_code": "asesmen-bpss",
            "form_version": 1,
            "answers": {},
            "complete": False,
            "version": v,
        },
    ),
]


@pytest.mark.parametrize(("suffix", "body"), STALE_STEPS)
def test_a_stale_version_is_refused_with_409_and_nothing_changes(
    api, pendamping_a, pendamping_a2, supervisor_a, head_a, suffix, body
):
    case = case_at(Stage.ASSESSMENT, pendamping=pendamping_a, lead=supervisor_a)
    seen = _stale(case, pendamping_a, supervisor_a)
    case.refresh_from_db()
    before = (
        case.version,
        case.stage,
        case.pendamping_id,
        case.sk_number,
        case.events.count(),
        case.notes.count(),
        case.assessments.count(),
    )
    actor = head_a if suffix in ("assign/", "penetapan/") else pendamping_a
    response = api(actor).post(_url(case, suffix), body(seen), format="json")
    assert response.status_code == 409, response.json()
    error = error_of(response)
    assert error["code"] == "stale_version"
    assert error["details"] == {"current_version": seen + 1}
    assert "Supervisor A" in error["message"]
    case.refresh_from_db()
    assert (
        case.version,
        case.stage,
        case.pendamping_id,
        case.sk_number,
        case.events.count(),
        case.notes.count(),
        case.assessments.count(),
    ) == before


def test_a_stale_plan_is_refused_with_409(api, pendamping_a, supervisor_a):
    case = case_at(Stage.PLANNING, pendamping=pendamping_a, lead=supervisor_a)
    seen = _stale(case, pendamping_a, supervisor_a)
    response = api(pendamping_a).post(
        _url(case, "plans/"),
        {"goals": [{"text": "Sekolah"}], "services": [], "version": seen},
        format="json",
    )
    assert response.status_code == 409
    assert case.plans.count() == 0


def test_a_version_is_required_to_change_a_case(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "transition/"), {"target": "assessment"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in error_of(response)["details"]


def test_only_a_lead_records_the_penetapan(api, pendamping_a, supervisor_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).post(
        _url(case, "penetapan/"),
        {"sk_number": "3/2026", "sk_date": TODAY, "version": case.version},
        format="json",
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).sk_number == ""


def test_a_lead_assigns_another_pendamping_who_then_sees_the_case(
    api, pendamping_a, pendamping_a2, supervisor_a
):
    case = make_case(pendamping_a)
    assert api(pendamping_a2).get(_url(case)).status_code == 404
    response = api(supervisor_a).post(
        _url(case, "assign/"), {"pendamping": "pendamping_a2", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["pendamping"] == "pendamping_a2"
    assert api(pendamping_a2).get(_url(case)).json()["version"] == 2


def test_a_pendamping_of_another_sentra_cannot_be_assigned(
    api, pendamping_a, supervisor_a, pendamping_b
):
    case = make_case(pendamping_a)
    response = api(supervisor_a).post(
        _url(case, "assign/"), {"pendamping": "pendamping_b", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "pendamping" in error_of(response)["details"]


def test_a_closed_case_is_reopened_by_a_lead(api, pendamping_a, supervisor_a, head_a):
    case = make_case(pendamping_a)
    case = services.case_terminate(
        actor=pendamping_a, case=case, reason="withdrew", outcome_rating="unknown"
    )
    case = services.case_transition(actor=head_a, case=case, target=Stage.CLOSED)
    detail = api(head_a).get(_url(case)).json()
    assert [(m["action"], m["target"]) for m in detail["moves"]] == [("reopen", "assessment")]
    response = api(head_a).post(
        _url(case, "reopen/"),
        {"reason": "Laporan penelantaran baru", "version": detail["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "assessment" and response.json()["reopened_count"] == 1


def test_opening_a_case_needs_a_person_in_the_callers_scope(api, pendamping_a, head_b):
    from tests.registry.factories import make_person

    person = make_person(pendamping_a)
    response = api(head_b).post(
        "/api/v1/cases/",
        {
            "person": person.pk,
            "source": "dinsos",
            "received_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "urgency": "normal",
            "target_group": "anak",
            "approach": "family",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "person" in error_of(response)["details"]
    assert not Case.objects.exists()


def test_a_referral_cannot_be_received_in_the_future(api, pendamping_a):
    from tests.registry.factories import make_person

    person = make_person(pendamping_a)
    response = api(pendamping_a).post(
        "/api/v1/cases/",
        {
            "person": person.pk,
            "source": "dinsos",
            "received_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "urgency": "normal",
            "target_group": "anak",
            "approach": "family",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "received_at" in error_of(response)["details"]


def test_the_detail_reports_response_times_against_their_targets(api, pendamping_a):
    case = make_case(
        pendamping_a, urgency="emergency", received_at=timezone.now() - dt.timedelta(hours=30)
    )
    services.case_contact_record(
        actor=pendamping_a,
        case=case,
        happened_at=case.received_at + dt.timedelta(hours=6),
        text="Kunjungan",
    )
    times = {t["milestone"]: t for t in api(pendamping_a).get(_url(case)).json()["response_times"]}
    assert times["first_contact"]["status"] == "met"
    assert times["first_contact"]["hours"] == 6.0
    assert times["first_contact"]["target_hours"] == 24
    assert times["assessment"]["status"] == "pending"


def test_a_withdrawn_consent_is_shown_and_blocks_all_but_termination(api, pendamping_a):
    from atensi.registry.services import consent_withdraw
    from tests.cases.factories import give_consent
    from tests.registry.factories import make_person

    person = make_person(pendamping_a)
    consent = give_consent(pendamping_a, person)
    case = make_case(pendamping_a, person=person)
    services.case_contact_record(
        actor=pendamping_a, case=case, happened_at=timezone.now(), text="Kunjungan"
    )
    consent_withdraw(actor=pendamping_a, consent=consent, reason="Keluarga menolak")
    client = api(pendamping_a)
    detail = client.get(_url(case)).json()
    assert detail["processing_stopped"] is True
    assert "UU 27/2022" in detail["processing_stop"]["message"]
    moves = {m["action"]: m for m in detail["moves"]}
    assert not moves["transition"]["ready"] and moves["terminate"]["ready"]
    listed = client.get("/api/v1/cases/").json()["results"]
    assert listed[0]["processing_stopped"] is True
    refused = client.post(
        _url(case, "transition/"),
        {"target": "assessment", "version": detail["version"]},
        format="json",
    )
    assert refused.status_code == 400 and error_of(refused)["code"] == "consent_withdrawn"
    ended = client.post(
        _url(case, "terminate/"),
        {"reason": "withdrew", "outcome_rating": "unknown", "version": detail["version"]},
        format="json",
    )
    assert ended.status_code == 200, ended.json()
