"""Signed-off months: a later import may change them only as a restatement with a reason."""

import pytest

from atensi.budget.models import PeriodLock, Realisation, Restatement
from atensi.budget.selectors import periods_for, restatements_for_period
from atensi.budget.services import period_sign_off
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied

from .factories import dipa_line, do_import, output_report, plan_rows, sp2d

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture
def signed_january(finance_a, head_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line(pagu=500 * M)])
    do_import(finance_a, "plan", plan_rows(amounts={"52": 40 * M}))
    do_import(finance_a, "realisation", [sp2d(amount=30 * M, number="J1", date="2023-01-10")])
    return period_sign_off(actor=head_a, unit=sentra_a, ta=2023, month=1)


def test_the_head_signs_off_a_month_with_a_snapshot_of_its_figures(signed_january, head_a):
    lock = signed_january
    assert lock.signed_off_by == head_a
    assert lock.snapshot["realisasi"]["52"] == 30 * M
    assert lock.snapshot["rencana"]["52"] == 40 * M
    assert lock.snapshot["pagu"]["52"] == 500 * M
    assert lock.snapshot["pagu_ro"] == {"6371.QDB.001": 500 * M}


def test_only_the_head_of_the_satker_signs_off(finance_a, head_b, sentra_a):
    for user in (finance_a, head_b):
        with pytest.raises(PermissionDenied):
            period_sign_off(actor=user, unit=sentra_a, ta=2023, month=2)


def test_a_month_is_signed_off_once_and_only_after_it_ends(signed_january, head_a, sentra_a):
    with pytest.raises(Conflict):
        period_sign_off(actor=head_a, unit=sentra_a, ta=2023, month=1)
    with pytest.raises(ApplicationError, match="belum berakhir"):
        period_sign_off(actor=head_a, unit=sentra_a, ta=2100, month=12)


def test_an_import_into_a_locked_month_is_refused_and_imports_nothing(signed_january, finance_a):
    with pytest.raises(Conflict, match="penyajian kembali") as refused:
        do_import(
            finance_a,
            "realisation",
            [
                sp2d(amount=5 * M, number="J2", date="2023-01-20"),
                sp2d(amount=7 * M, number="F1", date="2023-02-03"),
            ],
        )
    assert refused.value.details["periods"] == ["630108:2023-01"]
    assert set(Realisation.objects.values_list("sp2d_number", flat=True)) == {"J1"}
    assert not Restatement.objects.exists()


def test_an_import_of_other_months_is_not_held_up(signed_january, finance_a):
    result = do_import(finance_a, "realisation", [sp2d(number="F1", date="2023-02-03")])
    assert result.created == 1 and result.restatements == []


def test_reimporting_what_was_signed_off_changes_nothing_and_passes(signed_january, finance_a):
    again = do_import(
        finance_a, "realisation", [sp2d(amount=30 * M, number="J1", date="2023-01-10")]
    )
    assert (again.created, again.skipped) == (0, 1)


def test_a_restatement_with_a_reason_is_recorded_and_visible_in_both_periods(
    signed_january, finance_a, head_a
):
    result = do_import(
        finance_a,
        "realisation",
        [sp2d(amount=-5 * M, number="J1-K", date="2023-01-25")],
        restatement_reason="Pengembalian belanja Januari (SP2D salah akun)",
    )
    [restatement] = result.restatements
    assert restatement.lock == signed_january
    assert restatement.before["realisasi"]["52"] == 30 * M
    assert restatement.after["realisasi"]["52"] == 25 * M
    assert restatement.batch == result.batch
    assert result.batch.restatement_reason.startswith("Pengembalian")
    made = (restatement.reported_ta, restatement.reported_month)
    # Seen in January 2023, the month corrected ...
    assert restatements_for_period(head_a, "630108", 2023, 1) == [restatement]
    # ... and in the month it was made.
    assert restatements_for_period(head_a, "630108", *made) == [restatement]
    assert periods_for(head_a, 2023, "630108")["restatements"] == [restatement]
    # The signed-off snapshot itself is never rewritten.
    assert PeriodLock.objects.get().snapshot["realisasi"]["52"] == 30 * M


def test_a_plan_revision_reaching_back_into_a_locked_month_needs_a_restatement(
    signed_january, finance_a
):
    with pytest.raises(Conflict):
        do_import(
            finance_a,
            "plan",
            plan_rows(amounts={"52": 45 * M}, valid_from="2023-01-15"),
        )
    # From February on, January's figures stay as signed: no restatement needed.
    result = do_import(
        finance_a, "plan", plan_rows(amounts={"52": 45 * M}, valid_from="2023-02-01")
    )
    assert result.created == 12 and result.restatements == []


def test_an_output_report_correction_of_a_locked_month_needs_a_restatement(
    signed_january, finance_a, head_a, sentra_a
):
    do_import(finance_a, "output", [output_report(month=2, rvro=10)])
    period_sign_off(actor=head_a, unit=sentra_a, ta=2023, month=2)
    with pytest.raises(Conflict):
        do_import(finance_a, "output", [output_report(month=2, rvro=12)])
    result = do_import(
        finance_a,
        "output",
        [output_report(month=2, rvro=12)],
        restatement_reason="RVRO Februari salah hitung",
    )
    [restatement] = result.restatements
    assert restatement.lock.month == 2
    assert restatement.before["output"]["6371.QDB.001"]["rvro"] == 10
    assert restatement.after["output"]["6371.QDB.001"]["rvro"] == 12
