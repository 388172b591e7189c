"""Who reaches a case over the API: outsiders get 404 everywhere, roles without case work 403."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases.choices import Stage
from atensi.cases.models import Case
from atensi.common.models import AuditLog
from tests.api_helpers import error_of
from tests.cases.api.conftest import case_at

TODAY = timezone.localdate().isoformat()
NOW = timezone.now().isoformat()

# Every per-case endpoint, with a body that would be valid for the case's owner.
ENDPOINTS = [
    ("get", "", None),
    ("post", "transition/", {"target": "monitoring", "version": 1}),
    ("post", "assign/", {"pendamping": "pendamping_a2", "version": 1}),
    ("post", "contact/", {"happened_at": "2026-01-05T10:00:00+07:00", "text": "x", "version": 1}),
    ("post", "penetapan/", {"sk_number": "1/2026", "sk_date": TODAY, "version": 1}),
    ("post", "terminate/", {"reason": "withdrew", "outcome_rating": "unknown", "version": 1}),
    ("post", "reopen/", {"reason": "Laporan baru", "version": 1}),
    ("get", "assessments/", None),
    (
        "post",
        "assessments/",
        {"form_code": "asesmen-bpss", "form_version": 1, "answers": {}, "version": 1},
    ),
    ("get", "plans/", None),
    ("post", "plans/", {"goals": [{"text": "x"}], "services": [], "version": 1}),
    ("post", "plans/{plan}/submit/", None),
    ("post", "plans/{plan}/decide/", {"approve": True}),
    ("get", "services/", None),
    (
        "post",
        "services/",
        {"delivered_on": TODAY, "component": "care", "description": "Perawatan"},
    ),
    ("get", "notes/", None),
    ("post", "notes/", {"kind": "note", "text": "Catatan"}),
    ("get", "timeline/", None),
    ("get", "transfers/", None),
    (
        "post",
        "transfers/",
        {"to_unit": "630117", "reason": "x", "override_reason": "y", "version": 1},
    ),
    ("get", "referrals/", None),
    ("post", "referrals/", {"institution": "RS", "reason": "x", "referred_at": NOW}),
    ("get", "stays/", None),
    ("post", "stays/", {"admitted_at": NOW}),
    ("post", "stays/1/discharge/", {"discharged_at": NOW}),
    ("get", "aftercare/", None),
    ("post", "aftercare/", {"scheduled_for": TODAY}),
    ("post", "aftercare/1/record/", {"done_at": NOW, "notes": "x"}),
    ("get", "outcomes/", None),
    ("get", "attachments/", None),
    ("post", "attachments/", {"kind": "photo"}),
    ("get", "attachments/1/", None),
    ("get", "case-file/", None),
]


@pytest.fixture
def case(pendamping_a, supervisor_a):
    return case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)


def _call(client, case, method, suffix, body):
    url = f"/api/v1/cases/{case.pk}/" + suffix.format(plan=case.plans.get().pk)
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


@pytest.mark.parametrize(("method", "suffix", "body"), ENDPOINTS)
@pytest.mark.parametrize("outsider", ["head_b", "pendamping_b", "pendamping_a2"])
def test_it_answers_404_to_an_outsider_and_changes_nothing(
    api, case, request, outsider, method, suffix, body
):
    client = api(request.getfixturevalue(outsider))
    before = (case.version, case.events.count(), AuditLog.objects.count())
    response = _call(client, case, method, suffix, body)
    assert response.status_code == 404, response.json()
    assert error_of(response)["code"] == "not_found"
    case.refresh_from_db()
    assert (case.version, case.events.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize(("method", "suffix", "body"), ENDPOINTS)
def test_it_refuses_a_finance_officer_everywhere(api, case, finance_a, method, suffix, body):
    response = _call(api(finance_a), case, method, suffix, body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_it_refuses_a_finance_officer_the_list(api, finance_a):
    response = api(finance_a).get("/api/v1/cases/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_it_asks_an_anonymous_caller_to_authenticate(api, case):
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/", "/api/v1/case-forms/"):
        response = api().get(url)
        assert response.status_code == 401
        assert error_of(response)["code"] == "not_authenticated"


def test_an_auditor_reads_but_cannot_change_a_case(api, case, auditor):
    client = api(auditor)
    detail = client.get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200
    assert detail.json()["moves"] == []
    response = client.post(
        f"/api/v1/cases/{case.pk}/contact/",
        {"happened_at": timezone.now().isoformat(), "text": "x", "version": case.version},
        format="json",
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_analyst_reads_the_cases_of_their_target_group_nationwide(
    api, pendamping_a, pendamping_b, analyst_anak
):
    from tests.cases.factories import make_case
    from tests.registry.factories import make_person

    child = make_case(pendamping_b)
    elder = make_case(
        pendamping_a,
        person=make_person(
            pendamping_a,
            target_group="lansia",
            birth_date=dt.date(1950, 1, 2),
        ),
    )
    client = api(analyst_anak)
    assert client.get(f"/api/v1/cases/{child.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{elder.pk}/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "timeline/", "notes/", "services/", "assessments/"])
def test_reading_a_case_is_audited(api, case, pendamping_a, suffix):
    client = api(pendamping_a)
    before = AuditLog.objects.filter(object_type="cases.case", action="view").count()
    assert client.get(f"/api/v1/cases/{case.pk}/{suffix}").status_code == 200
    row = AuditLog.objects.filter(object_type="cases.case", action="view").latest("id")
    assert AuditLog.objects.filter(object_type="cases.case", action="view").count() == before + 1
    assert (row.object_id, row.actor) == (str(case.pk), pendamping_a)
