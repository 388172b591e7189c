"""workflow.moves_for: the one rule both the case page and the API ask for the next steps."""

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.workflow import moves_for
from tests.cases.factories import make_case

STOP = "Persetujuan ditarik."


def _steps(moves) -> list[tuple]:
    return [(m.kind, m.target, m.ready, m.stopped) for m in moves]


def test_a_new_case_offers_assessment_with_its_blockers_and_termination(pendamping_a):
    case = make_case(pendamping_a)
    moves = moves_for(pendamping_a, case)
    assert _steps(moves) == [
        ("transition", Stage.ASSESSMENT, False, False),
        ("terminate", Stage.TERMINATION, True, False),
    ]
    assert moves[0].blockers == ("Catat kontak pertama (pendekatan awal) lebih dulu.",)
    assert moves[0].target_label == Stage.ASSESSMENT.label


def test_a_withdrawn_consent_blocks_every_step_but_termination(pendamping_a):
    case = make_case(pendamping_a)
    moves = moves_for(pendamping_a, case, stop_message=STOP)
    assert _steps(moves) == [
        ("transition", Stage.ASSESSMENT, False, True),
        ("terminate", Stage.TERMINATION, True, False),
    ]
    assert moves[0].blockers[0] == STOP


def test_closing_stays_open_after_a_withdrawal_and_reopening_does_not(pendamping_a, head_a):
    case = services.case_terminate(
        actor=pendamping_a,
        case=make_case(pendamping_a),
        reason="withdrew",
        outcome_rating="unknown",
    )
    assert _steps(moves_for(head_a, case, stop_message=STOP)) == [
        ("transition", Stage.AFTERCARE, False, True),
        ("transition", Stage.CLOSED, True, False),
    ]
    case = services.case_transition(actor=head_a, case=case, target=Stage.CLOSED)
    assert _steps(moves_for(head_a, case)) == [("reopen", Stage.ASSESSMENT, True, False)]
    assert _steps(moves_for(head_a, case, stop_message=STOP)) == [
        ("reopen", Stage.ASSESSMENT, False, True)
    ]
    assert moves_for(pendamping_a, case) == []


def test_readers_who_may_not_write_get_no_steps(auditor, pendamping_a):
    assert moves_for(auditor, make_case(pendamping_a)) == []
