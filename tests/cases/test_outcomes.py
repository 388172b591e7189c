"""Outcome scales: validated and scored on the versioned form, compared honouring their direction."""

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, FormDefinition
from atensi.cases.selectors import outcome_change, outcome_summary
from atensi.common.errors import ApplicationError
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person

CHILD_LOW = dict.fromkeys(
    ["pengasuhan", "pendidikan", "kesehatan", "identitas", "keamanan", "partisipasi"], "0"
) | {"pengasuhan": "1", "kesehatan": "1"}  # total 2
CHILD_HIGH = dict.fromkeys(CHILD_LOW, "2") | {"partisipasi": "1"}  # total 11
WHODAS = [
    "berdiri",
    "rumah_tangga",
    "belajar",
    "komunitas",
    "emosi",
    "konsentrasi",
    "berjalan",
    "mandi",
    "berpakaian",
    "orang_baru",
    "pertemanan",
    "pekerjaan",
]


def _scale(code):
    return FormDefinition.objects.get(code=code, version=1)


def _measure(actor, case, code, phase, answers):
    return services.outcome_record(
        actor=actor,
        case=case,
        scale=_scale(code),
        phase=phase,
        taken_on=timezone.localdate(),
        answers=answers,
    )


def test_a_child_improves_between_assessment_and_termination(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    baseline = _measure(pendamping_a, case, "kesejahteraan-anak", "assessment", CHILD_LOW)
    assert baseline.score == 2
    case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    latest = _measure(pendamping_a, case, "kesejahteraan-anak", "termination", CHILD_HIGH)
    assert latest.score == 11

    [change] = outcome_change(case)
    assert (change.baseline, change.latest) == (baseline, latest)
    assert (change.change, change.direction, change.higher_is_better) == (9, "improved", True)
    assert case.events.filter(kind="outcome").count() == 2


def test_a_falling_score_is_an_improvement_when_lower_is_better(pendamping_a, supervisor_a):
    person = make_person(pendamping_a, full_name="Slamet Riyadi", target_group="disabilitas")
    case = walk(
        make_case(pendamping_a, person=person),
        Stage.ASSESSMENT,
        worker=pendamping_a,
        lead=supervisor_a,
    )
    _measure(pendamping_a, case, "whodas-12", "assessment", dict.fromkeys(WHODAS, "4"))  # 48
    case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "whodas-12", "termination", dict.fromkeys(WHODAS, "2"))  # 24
    [change] = outcome_change(case)
    assert (change.change, change.direction, change.higher_is_better) == (-24, "improved", False)


def test_the_latest_follow_up_counts(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "kesejahteraan-anak", "assessment", CHILD_HIGH)
    case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "kesejahteraan-anak", "termination", CHILD_HIGH)
    case = walk(case, Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "kesejahteraan-anak", "aftercare", CHILD_LOW)
    [change] = outcome_change(case)
    assert (change.change, change.direction) == (-9, "worsened")


def test_a_scale_for_another_target_group_is_refused(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    with pytest.raises(ApplicationError) as refused:
        _measure(pendamping_a, case, "barthel-adl", "assessment", {})
    assert "klaster" in str(refused.value.message)


def test_the_phase_must_fit_the_stage_and_answers_the_form(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    with pytest.raises(ApplicationError) as refused:
        _measure(pendamping_a, case, "kesejahteraan-anak", "termination", CHILD_HIGH)
    assert refused.value.code == "wrong_stage"
    with pytest.raises(ApplicationError) as refused:
        _measure(pendamping_a, case, "kesejahteraan-anak", "assessment", {"pengasuhan": "9"})
    assert set(refused.value.details) >= {"pengasuhan", "pendidikan"}


def test_a_retired_scale_version_still_serves_cases_measured_on_it(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "kesejahteraan-anak", "assessment", CHILD_LOW)
    FormDefinition.objects.filter(code="kesejahteraan-anak").update(is_active=False)
    other = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    with pytest.raises(ApplicationError):
        _measure(pendamping_a, other, "kesejahteraan-anak", "assessment", CHILD_LOW)
    case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    _measure(pendamping_a, case, "kesejahteraan-anak", "termination", CHILD_HIGH)


def test_improvement_is_reported_over_many_cases(pendamping_a, supervisor_a):
    for before, after in (
        (CHILD_LOW, CHILD_HIGH),
        (CHILD_HIGH, CHILD_LOW),
        (CHILD_LOW, CHILD_HIGH),
    ):
        case = walk(
            make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a
        )
        _measure(pendamping_a, case, "kesejahteraan-anak", "assessment", before)
        case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
        _measure(pendamping_a, case, "kesejahteraan-anak", "termination", after)
    walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)

    [line] = outcome_summary(Case.objects.all())
    assert (line.measured, line.improved, line.worsened, line.same) == (3, 2, 1, 0)
    assert line.improved_pct == pytest.approx(200 / 3)
    assert line.mean_change == 3  # (9 - 9 + 9) / 3
