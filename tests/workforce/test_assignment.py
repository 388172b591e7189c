"""The assignee suggestion rule, the recorded decision, and bulk reassignment of a leaving worker."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.accounts.models import Role
from atensi.cases.choices import Stage
from atensi.cases.models import Case, CaseEvent
from atensi.common.errors import ApplicationError, NotFound
from atensi.common.models import AuditLog
from atensi.organisation.models import Region, RegionLevel
from atensi.registry.services import consent_withdraw
from atensi.workforce.models import CaseAssignmentDecision
from atensi.workforce.services import absence_record, case_assignment_decide, cases_reassign
from atensi.workforce.suggestions import assignee_suggestion
from tests.cases.factories import give_consent, make_case, walk
from tests.conftest import SENTRA_A, make_user
from tests.registry.factories import make_person
from tests.workforce.conftest import profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="31.75.01.").first()


@pytest.fixture
def dewi(head_a):
    """A third pendamping of sentra A, for anak, posted in Kecamatan 31.75.01."""
    worker = make_user("pendamping_a3", Role.PENDAMPING, SENTRA_A, "Dewi Lestari")
    profile(head_a, worker, specialisations=["anak"], areas=["31.75.01"])
    return worker


@pytest.fixture
def team(head_a, pendamping_a, pendamping_a2, dewi):
    profile(head_a, pendamping_a, specialisations=["anak"], areas=["31.75.02"])
    profile(head_a, pendamping_a2, specialisations=["lansia"])
    return {"sri": pendamping_a, "agus": pendamping_a2, "dewi": dewi}


def unassigned_case(head, village=None, **overrides):
    person = make_person(head, village=village, target_group=overrides.pop("target_group", "anak"))
    return make_case(head, person=person, **overrides)


def codes(suggestion):
    return [r["code"] for r in suggestion.reasons]


def test_it_suggests_the_specialist_whose_area_covers_the_person(head_a, team, village):
    case = unassigned_case(head_a, village)
    suggestion = assignee_suggestion(case)
    assert suggestion.worker == team["dewi"]
    assert codes(suggestion)[:3] == ["same_sentra", "specialisation", "area"]
    assert codes(suggestion)[-1] == "lowest_load"


def test_without_an_area_match_the_lowest_load_among_specialists_wins(head_a, team):
    for _ in range(2):
        make_case(team["dewi"])
    case = unassigned_case(head_a)  # no region known
    suggestion = assignee_suggestion(case)
    assert suggestion.worker == team["sri"]
    assert [c.worker for c in suggestion.ranked] == [team["sri"], team["dewi"]]
    assert "area" not in codes(suggestion)


def test_a_worker_on_leave_today_is_not_suggested(head_a, team, village):
    today = timezone.localdate()
    absence_record(actor=head_a, worker=team["dewi"], kind="annual", starts_on=today, ends_on=today)
    suggestion = assignee_suggestion(unassigned_case(head_a, village))
    assert suggestion.worker == team["sri"]
    assert suggestion.on_leave == [team["dewi"]]
    assert "on_leave" in codes(suggestion)


def test_without_a_specialist_everyone_is_considered(head_a, team):
    make_case(team["sri"])
    make_case(team["dewi"])
    suggestion = assignee_suggestion(unassigned_case(head_a, target_group="napza"))
    assert suggestion.worker == team["agus"]
    assert "no_specialist" in codes(suggestion)


def test_the_load_is_judged_against_each_workers_norm(head_a, team):
    # Same weighted load (2 normal family cases); a volunteer's norm is 8, a pendamping's 25.
    profile(head_a, team["dewi"], kind="relawan", employment="volunteer", specialisations=["anak"])
    for worker in (team["sri"], team["dewi"]):
        make_case(worker)
        make_case(worker)
    suggestion = assignee_suggestion(unassigned_case(head_a))
    assert suggestion.worker == team["sri"]
    assert suggestion.best.projected == pytest.approx(3 / 25)


def test_ties_go_to_the_longer_registered_worker(head_a, team):
    suggestion = assignee_suggestion(unassigned_case(head_a))
    first, second = suggestion.ranked[:2]
    assert first.rank()[:3] == second.rank()[:3]
    assert first.worker.pk < second.worker.pk
    assert suggestion.worker == first.worker


def test_the_decision_records_the_suggestion_beside_the_choice(head_a, team, village):
    case = unassigned_case(head_a, village)
    decision = case_assignment_decide(
        actor=head_a, case=case, worker=team["sri"], note="Sudah mengenal keluarganya"
    )
    assert decision.suggested == team["dewi"]
    assert decision.chosen == team["sri"] and decision.chosen_by == head_a
    assert not decision.followed_suggestion
    assert decision.candidates[0]["username"] == "pendamping_a3"
    assert Case.objects.get(pk=case.pk).pendamping == team["sri"]
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 1
    assert AuditLog.objects.filter(
        object_type="workforce.caseassignmentdecision", object_id=str(decision.pk)
    ).exists()


def test_a_head_of_another_sentra_cannot_assign(head_a, head_b, team):
    case = unassigned_case(head_a)
    with pytest.raises(NotFound):
        case_assignment_decide(actor=head_b, case=case, worker=team["sri"])


def test_a_pendamping_cannot_assign(head_a, team):
    case = unassigned_case(head_a)
    with pytest.raises(ApplicationError):
        case_assignment_decide(actor=team["sri"], case=case, worker=team["sri"])
    assert not CaseAssignmentDecision.objects.exists()


# --- bulk reassignment -----------------------------------------------------------------------


@pytest.fixture
def sri_cases(team, supervisor_a):
    sri = team["sri"]
    active = [make_case(sri, urgency=u) for u in ("normal", "emergency", "urgent")]
    walk(active[0], Stage.PLANNING, worker=sri, lead=supervisor_a)
    closed = make_case(sri)
    walk(closed, Stage.CLOSED, worker=sri, lead=supervisor_a)
    return {"active": active, "closed": closed}


def test_a_leaving_worker_hands_every_active_case_to_one_colleague(head_a, team, sri_cases):
    before = {c.pk: CaseEvent.objects.filter(case=c).count() for c in sri_cases["active"]}
    result = cases_reassign(
        actor=head_a, from_worker=team["sri"], to_worker=team["dewi"], note="Sri pensiun"
    )
    assert len(result.decisions) == 3 and not result.skipped
    assert {d.case_id for d in result.decisions} == {c.pk for c in sri_cases["active"]}
    assert {d.batch for d in result.decisions} == {result.batch}
    # the most urgent first
    assert Case.objects.get(pk=result.decisions[0].case_id).urgency == "emergency"
    for case in sri_cases["active"]:
        case = Case.objects.get(pk=case.pk)
        assert case.pendamping == team["dewi"]
        # the history stays and grows by the assignment
        assert CaseEvent.objects.filter(case=case).count() == before[case.pk] + 1
        changes = AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk))
        assert changes.filter(changes__pendamping=[team["sri"].pk, team["dewi"].pk]).exists()
    assert Case.objects.get(pk=sri_cases["closed"].pk).pendamping == team["sri"]


def test_without_a_receiver_each_case_goes_to_its_suggestion_and_loads_spread(
    head_a, team, sri_cases
):
    result = cases_reassign(actor=head_a, from_worker=team["sri"])
    chosen = [d.chosen for d in result.decisions]
    assert team["sri"] not in chosen
    assert all(d.followed_suggestion for d in result.decisions)
    # Dewi is the only other anak specialist, so she takes them all: the loads she gains show
    # in the later decisions' candidates.
    loads = [d.candidates[0]["cases"] for d in result.decisions]
    assert loads == [0, 1, 2]


def test_a_case_whose_consent_was_withdrawn_stays_and_is_listed(head_a, team, sri_cases):
    case = sri_cases["active"][1]
    consent = give_consent(head_a, case.person, given_at=timezone.now() - dt.timedelta(days=2))
    consent_withdraw(actor=head_a, consent=consent, reason="Tidak bersedia")
    result = cases_reassign(actor=head_a, from_worker=team["sri"], to_worker=team["dewi"])
    assert [c.pk for c, _reason in result.skipped] == [case.pk]
    assert Case.objects.get(pk=case.pk).pendamping == team["sri"]


def test_a_head_of_another_sentra_cannot_reassign(team, sri_cases, head_b):
    with pytest.raises(NotFound):
        cases_reassign(actor=head_b, from_worker=team["sri"], to_worker=team["dewi"])
    assert not CaseAssignmentDecision.objects.exists()


def test_bulk_reassignment_is_all_or_nothing(head_a, team, sri_cases, monkeypatch):
    from atensi.workforce import services

    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["case"].pk)
        if len(calls) == 2:
            raise ApplicationError("gagal", code="boom")
        return real(**kwargs)

    real = services.case_assign
    monkeypatch.setattr(services, "case_assign", failing_second)
    with pytest.raises(ApplicationError):
        cases_reassign(actor=head_a, from_worker=team["sri"], to_worker=team["dewi"])
    assert len(calls) == 2
    assert not CaseAssignmentDecision.objects.exists()
    assert Case.objects.get(pk=calls[0]).pendamping == team["sri"]
