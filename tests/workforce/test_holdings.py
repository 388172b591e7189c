"""Who held each case (holdings.py): rebuilt from the audit trail, with the case's closing."""

import pytest

from atensi.cases.models import Case
from atensi.workforce.holdings import holdings_sync
from atensi.workforce.models import CaseHolding
from tests.workforce.conftest import jkt
from tests.workforce.test_kpis import _done_case
from tests.workforce.timeline import assign, close, open_case, reopen

pytestmark = pytest.mark.django_db


def _holdings(case):
    holdings_sync()
    return list(
        CaseHolding.objects.filter(case=case)
        .order_by("since", "id")
        .values_list("worker_id", "since", "until", "case_closed_at")
    )


def test_a_reassignment_closes_one_holding_and_opens_the_next(
    pendamping_a, pendamping_a2, supervisor_a
):
    case = open_case(pendamping_a, jkt(2026, 3, 2))
    assign(supervisor_a, case, pendamping_a2, jkt(2026, 3, 6))
    (first, second) = _holdings(case)
    assert first[0] == pendamping_a.pk and first[2] == jkt(2026, 3, 6)
    assert second[0] == pendamping_a2.pk and second[1] == jkt(2026, 3, 6) and second[2] is None


def test_every_holding_carries_the_cases_closing_and_loses_it_on_reopening(
    pendamping_a, pendamping_a2, supervisor_a
):
    case = _done_case(pendamping_a, supervisor_a, jkt(2026, 1, 5), terminated=jkt(2026, 2, 20))
    assign(supervisor_a, case, pendamping_a2, jkt(2026, 2, 22))
    assert {row[3] for row in _holdings(case)} == {None}
    close(supervisor_a, case, jkt(2026, 3, 10, 15))
    assert {row[3] for row in _holdings(case)} == {jkt(2026, 3, 10, 15)}
    reopen(supervisor_a, case, jkt(2026, 3, 20, 9))
    assert {row[3] for row in _holdings(case)} == {None}


def test_a_case_loaded_without_audit_rows_gets_its_holding_with_its_closing(pendamping_a):
    recorded = open_case(pendamping_a, jkt(2026, 1, 5))
    _holdings(recorded)
    # A copy written straight into the table (a bulk load): no audit row tells of it.
    loaded = Case.objects.get(pk=recorded.pk)
    loaded.pk, loaded.number = None, "KS-2026-BULK01"
    loaded.stage, loaded.closed_at = "closed", jkt(2026, 2, 1)
    loaded.save()
    (holding,) = _holdings(loaded)
    assert holding[0] == pendamping_a.pk
    assert holding[1] == jkt(2026, 1, 5) and holding[2] is None
    assert holding[3] == jkt(2026, 2, 1)


def test_a_holding_first_read_after_the_closing_carries_it(pendamping_a):
    case = open_case(pendamping_a, jkt(2026, 1, 5))
    Case.objects.filter(pk=case.pk).update(stage="closed", closed_at=jkt(2026, 2, 1))
    (holding,) = _holdings(case)
    assert holding[3] == jkt(2026, 2, 1)
