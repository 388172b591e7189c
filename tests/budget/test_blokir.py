"""Blokir recorded and lifted through the services: room in the pagu, partial lifts, locks, audit."""

import datetime as dt

import pytest

from atensi.budget import figures as fig
from atensi.budget.models import Blokir, Output, Restatement
from atensi.budget.services import (
    blokir_create,
    blokir_lift,
    blokir_unblocked,
    period_sign_off,
)
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.common.models import AuditLog
from tests.budget.factories import dipa_line, do_import, sp2d

pytestmark = pytest.mark.django_db

M = 1_000_000


@pytest.fixture
def sentra_a_2023(admin_user, sentra_a):
    """Sentra A, TA 2023: RO 6371.QDB.001 with 600 jt in akun 521211 (52) and 400 jt in 511111
    (51); RO 6371.QDB.002 with 300 jt in 521211 (52). Realised 200 jt in February (52)."""
    do_import(
        admin_user,
        "dipa",
        [
            dipa_line(akun="521211", pagu=600 * M),
            dipa_line(akun="511111", pagu=400 * M),
            dipa_line(akun="521211", pagu=300 * M, ro="002", nama_ro="Dukungan keluarga"),
        ],
    )
    do_import(admin_user, "realisation", [sp2d(amount=200 * M, date="2023-02-10")])
    return sentra_a


def ro(code="001") -> Output:
    return Output.objects.get(ta=2023, ro_code=code)


def figures_on(unit, day: dt.date) -> dict:
    table = fig.score_table(2023, fig.period_for(2023, month=day.month, as_of=day))
    return next(row for row in table["satker"] if row["code"] == unit.code)


def create(actor, unit, **kw):
    values = {
        "unit": unit,
        "ta": 2023,
        "jenis_belanja": "52",
        "amount": 100 * M,
        "reason": "Menunggu TOR dan RAB",
        "reference": "S-12/PA.3/2023",
        "blocked_on": dt.date(2023, 3, 1),
    }
    values.update(kw)
    return blokir_create(actor=actor, **values)


def test_a_finance_officer_records_a_blokir_and_the_figures_follow(finance_a, sentra_a_2023):
    before = figures_on(sentra_a_2023, dt.date(2023, 3, 31))
    blokir = create(finance_a, sentra_a_2023, output=ro(), amount=150 * M)
    assert (blokir.reference, blokir.created_by, blokir.released_on) == (
        "S-12/PA.3/2023",
        finance_a,
        None,
    )
    after = figures_on(sentra_a_2023, dt.date(2023, 3, 31))
    assert (before["blokir"], after["blokir"]) == (0, 150 * M)
    # 200 jt realised of 1.300 jt pagu, and of 1.300 − 150 jt once blocked
    assert before["penyerapan_netto"] == pytest.approx(15.38)
    assert after["penyerapan_netto"] == pytest.approx(17.39)
    # the day before it was blocked nothing changes
    assert figures_on(sentra_a_2023, dt.date(2023, 2, 28))["blokir"] == 0
    audit = AuditLog.objects.get(object_type="budget.blokir", object_id=str(blokir.pk))
    assert audit.action == "create" and audit.changes["amount"] == [None, 150 * M]
    assert audit.changes["reference"] == [None, "S-12/PA.3/2023"]


def test_a_blokir_cannot_exceed_the_unblocked_pagu_of_its_jenis_belanja(finance_a, sentra_a_2023):
    # jenis 52 has 600 + 300 jt; 51 is a different pocket and does not count
    assert blokir_unblocked(
        unit=sentra_a_2023, ta=2023, jenis_belanja="52", on=dt.date(2023, 3, 1)
    ) == (900 * M)
    create(finance_a, sentra_a_2023, amount=700 * M)
    with pytest.raises(ApplicationError) as refused:
        create(finance_a, sentra_a_2023, amount=200 * M + 1, reference="S-13")
    assert refused.value.code == "exceeds_pagu"
    assert "Rp 200.000.000" in refused.value.message and "belum diblokir" in refused.value.message
    create(finance_a, sentra_a_2023, amount=200 * M, reference="S-13")
    assert Blokir.objects.count() == 2


def test_a_blokir_of_an_ro_cannot_exceed_what_that_ro_has_unblocked(finance_a, sentra_a_2023):
    with pytest.raises(ApplicationError) as refused:
        create(finance_a, sentra_a_2023, output=ro("002"), amount=301 * M)
    assert "6371.QDB.002" in refused.value.message
    assert refused.value.details["amount"] == [refused.value.message]
    create(finance_a, sentra_a_2023, output=ro("002"), amount=300 * M)
    # a blokir without an RO shares the satker's room: 900 − 300 jt left in 52
    with pytest.raises(ApplicationError):
        create(finance_a, sentra_a_2023, amount=601 * M, reference="S-99")


def test_a_blokir_before_the_pagu_is_in_force_has_no_room(finance_a, admin_user, sentra_a):
    do_import(admin_user, "dipa", [dipa_line(pagu=600 * M, berlaku_mulai="2023-04-01")])
    with pytest.raises(ApplicationError) as refused:
        create(finance_a, sentra_a, amount=1 * M, blocked_on=dt.date(2023, 3, 1))
    assert "Rp 0" in refused.value.message
    create(finance_a, sentra_a, amount=1 * M, blocked_on=dt.date(2023, 4, 1))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"reference": "  "}, "reference"),
        ({"reason": ""}, "reason"),
        ({"blocked_on": dt.date(2024, 1, 5)}, "blocked_on"),
        ({"jenis_belanja": "59"}, "jenis_belanja"),
    ],
)
def test_bad_blokir_input_is_refused_naming_the_field(finance_a, sentra_a_2023, change, field):
    with pytest.raises(ApplicationError) as refused:
        create(finance_a, sentra_a_2023, **change)
    assert field in refused.value.details
    assert not Blokir.objects.exists()


def test_the_same_blokir_twice_is_a_conflict(finance_a, sentra_a_2023):
    create(finance_a, sentra_a_2023)
    with pytest.raises(Conflict):
        create(finance_a, sentra_a_2023)
    assert Blokir.objects.count() == 1


def test_only_the_satkers_finance_officer_or_the_centre_may_block(
    head_a, finance_a, head_b, sentra_b, sentra_a_2023, admin_user
):
    with pytest.raises(PermissionDenied):
        create(head_a, sentra_a_2023)
    do_import(admin_user, "dipa", [dipa_line(unit="630117", pagu=500 * M)])
    with pytest.raises(PermissionDenied):
        create(finance_a, sentra_b)
    assert not Blokir.objects.exists()


def test_a_partial_lift_keeps_the_remainder_blocked_from_that_date(finance_a, sentra_a_2023):
    blokir = create(finance_a, sentra_a_2023, output=ro(), amount=150 * M)
    remainder = blokir_lift(
        actor=finance_a,
        blokir=blokir,
        amount=100 * M,
        lifted_on=dt.date(2023, 5, 10),
        reference="S-40/PA.3/2023",
    )
    blokir.refresh_from_db()
    assert (blokir.released_on, blokir.released_amount, blokir.released_reference) == (
        dt.date(2023, 5, 10),
        100 * M,
        "S-40/PA.3/2023",
    )
    assert blokir.opened_amount == 100 * M
    assert (remainder.amount, remainder.blocked_on, remainder.previous) == (
        50 * M,
        dt.date(2023, 5, 10),
        blokir,
    )
    assert (remainder.output, remainder.reference, remainder.released_on) == (
        ro(),
        "S-12/PA.3/2023",
        None,
    )
    # April still shows the whole blokir; from the lift date only the remainder
    assert figures_on(sentra_a_2023, dt.date(2023, 4, 30))["blokir"] == 150 * M
    assert figures_on(sentra_a_2023, dt.date(2023, 5, 31))["blokir"] == 50 * M
    # the remainder can be lifted in turn, in full
    assert (
        blokir_lift(
            actor=finance_a,
            blokir=remainder,
            amount=50 * M,
            lifted_on=dt.date(2023, 6, 1),
            reference="S-41",
        )
        is None
    )
    assert figures_on(sentra_a_2023, dt.date(2023, 6, 30))["blokir"] == 0
    actions = list(
        AuditLog.objects.filter(object_type="budget.blokir")
        .order_by("id")
        .values_list("action", "object_id")
    )
    assert actions == [
        ("create", str(blokir.pk)),
        ("update", str(blokir.pk)),
        ("create", str(remainder.pk)),
        ("update", str(remainder.pk)),
    ]


def test_lifting_more_than_is_blocked_is_refused(finance_a, sentra_a_2023):
    blokir = create(finance_a, sentra_a_2023, amount=100 * M)
    with pytest.raises(ApplicationError) as refused:
        blokir_lift(
            actor=finance_a,
            blokir=blokir,
            amount=100 * M + 1,
            lifted_on=dt.date(2023, 5, 1),
            reference="S-1",
        )
    assert refused.value.code == "exceeds_blokir"
    assert "yang diblokir hanya Rp 100.000.000" in refused.value.message
    blokir.refresh_from_db()
    assert blokir.released_on is None and Blokir.objects.count() == 1


def test_a_lift_before_the_blokir_or_twice_is_refused(finance_a, sentra_a_2023):
    blokir = create(finance_a, sentra_a_2023, amount=100 * M)
    with pytest.raises(ApplicationError) as early:
        blokir_lift(
            actor=finance_a,
            blokir=blokir,
            amount=1,
            lifted_on=dt.date(2023, 2, 1),
            reference="S-1",
        )
    assert "tidak sebelum tanggal blokir 01-03-2023" in early.value.message
    blokir_lift(
        actor=finance_a,
        blokir=blokir,
        amount=100 * M,
        lifted_on=dt.date(2023, 4, 1),
        reference="S-1",
    )
    with pytest.raises(Conflict):
        blokir_lift(
            actor=finance_a,
            blokir=blokir,
            amount=1,
            lifted_on=dt.date(2023, 4, 2),
            reference="S-2",
        )


def test_a_head_cannot_lift_a_blokir(finance_a, head_a, sentra_a_2023):
    blokir = create(finance_a, sentra_a_2023)
    with pytest.raises(PermissionDenied):
        blokir_lift(
            actor=head_a, blokir=blokir, amount=1, lifted_on=dt.date(2023, 4, 1), reference="S"
        )


def test_a_blokir_in_a_signed_off_month_needs_a_restatement_reason(
    finance_a, head_a, sentra_a_2023
):
    period_sign_off(actor=head_a, unit=sentra_a_2023, ta=2023, month=3)
    with pytest.raises(Conflict) as refused:
        create(finance_a, sentra_a_2023, blocked_on=dt.date(2023, 3, 15))
    assert refused.value.code == "period_locked"
    assert not Blokir.objects.exists()
    create(
        finance_a,
        sentra_a_2023,
        blocked_on=dt.date(2023, 3, 15),
        restatement_reason="Surat blokir diterima terlambat",
    )
    restatement = Restatement.objects.get()
    assert restatement.lock.month == 3 and restatement.reason == "Surat blokir diterima terlambat"
    assert (restatement.before["blokir"]["52"], restatement.after["blokir"]["52"]) == (0, 100 * M)


def test_a_file_does_not_undo_a_lift_made_on_the_page(finance_a, sentra_a_2023):
    blokir = create(finance_a, sentra_a_2023, amount=100 * M)
    blokir_lift(
        actor=finance_a,
        blokir=blokir,
        amount=60 * M,
        lifted_on=dt.date(2023, 5, 1),
        reference="S-40",
    )
    # the spreadsheet still lists the blokir as it was, not yet opened
    row = {
        "tahun": 2023,
        "kode_satker": "630108",
        "jenis_belanja": "52",
        "jumlah": 100 * M,
        "alasan": "Menunggu TOR dan RAB",
        "tanggal_blokir": "2023-03-01",
    }
    result = do_import(finance_a, "blokir", [row])
    assert (result.created, result.updated, result.skipped) == (0, 0, 1)
    assert "sudah dibuka lewat halaman blokir per 01-05-2023" in result.warnings[0]
    assert figures_on(sentra_a_2023, dt.date(2023, 5, 31))["blokir"] == 40 * M
