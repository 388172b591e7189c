"""Writes of budget data other than file imports: sign-offs, restatements, blokir, manual scores,
commitments.

Imports live in importing.py and use the period-lock helpers here, so a locked month changes
only through a restatement with a reason, whichever way the change arrives.
"""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import (
    can_import_budget_for,
    can_sign_off_budget_period,
)
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.common.templatetags.atensi_format import format_rupiah
from atensi.organisation.models import Unit

from .figures import MANUAL_IKPA, MANUAL_SBK, budget_data, month_end, period_snapshots
from .models import (
    Blokir,
    Commitment,
    CommitmentKind,
    ImportBatch,
    JenisBelanja,
    ManualScore,
    Output,
    PeriodLock,
    Realisation,
    RealisationMonth,
    ResidentialDailyCost,
    Restatement,
    Revision,
)

MANUAL_COMPONENTS = (*MANUAL_IKPA, MANUAL_SBK)


def _require_importer(actor, unit: Unit) -> None:
    if not can_import_budget_for(actor, unit):
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah data anggaran satker %s.") % unit.code
        )


def _ta(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise ApplicationError(_("TA %s tidak masuk akal.") % value, details={"ta": [""]})
    return value


# --- Period locks and restatements --------------------------------------------------------


@transaction.atomic
def period_sign_off(*, actor, unit: Unit, ta: int, month: int) -> PeriodLock:
    """Signs off a satker's month: its reported figures are locked as a snapshot."""
    if not can_sign_off_budget_period(actor, unit):
        raise PermissionDenied(_("Hanya kepala satker ini yang boleh menandatangani periode."))
    if not 1 <= month <= 12:
        raise ApplicationError(_("Bulan harus 1–12."), details={"month": [""]})
    if month_end(_ta(ta), month) >= timezone.localdate():
        raise ApplicationError(
            _("Bulan %(m)02d-%(ta)s belum berakhir; tanda tangan setelah bulan selesai.")
            % {"m": month, "ta": ta},
            code="period_open",
        )
    if PeriodLock.objects.filter(ta=ta, unit=unit, month=month).exists():
        raise Conflict(
            _("Bulan %(m)02d-%(ta)s sudah ditandatangani.") % {"m": month, "ta": ta},
            code="period_locked",
        )
    lock = PeriodLock.objects.create(
        ta=ta,
        unit=unit,
        month=month,
        signed_off_by=actor,
        signed_off_at=timezone.now(),
        snapshot=period_snapshots(ta, [(unit.pk, month)])[unit.pk, month],
    )
    audit_record(
        actor=actor,
        action="create",
        obj=lock,
        changes={"ta": [None, ta], "unit": [None, unit.code], "month": [None, month]},
    )
    return lock


def locks_for(ta: int, unit_ids) -> dict[tuple[int, int], PeriodLock]:
    """Returns the locks of the given satker in `ta`, by (unit id, month)."""
    return {
        (lock.unit_id, lock.month): lock
        for lock in PeriodLock.objects.filter(ta=ta, unit_id__in=list(unit_ids)).select_related(
            "unit"
        )
    }


def locked_changes_record(
    *,
    actor,
    ta: int,
    locks: dict[tuple[int, int], PeriodLock],
    before: dict[tuple[int, int], dict],
    reason: str,
    batch: ImportBatch | None,
) -> list[Restatement]:
    """Compares locked months with their figures before a change; records restatements.

    Call inside the transaction of the change, after it. A changed locked month without a
    reason raises (and so rolls the change back): a reported figure never changes silently.
    """
    if not locks:
        return []
    after = period_snapshots(ta, locks.keys())
    changed = [key for key in sorted(locks) if before.get(key) != after.get(key)]
    if not changed:
        return []
    if not reason.strip():
        periods = ", ".join(f"{locks[key].unit.code} {key[1]:02d}-{ta}" for key in changed)
        raise Conflict(
            _(
                "Perubahan ini mengubah angka bulan yang sudah ditandatangani kepala (%s). "
                "Ulangi sebagai penyajian kembali dengan alasan."
            )
            % periods,
            code="period_locked",
            details={"periods": [f"{locks[k].unit.code}:{ta}-{k[1]:02d}" for k in changed]},
        )
    now = timezone.now()
    local = timezone.localtime(now)
    rows = [
        Restatement(
            lock=locks[key],
            reason=reason.strip(),
            before=before.get(key, {}),
            after=after[key],
            made_by=actor,
            made_at=now,
            batch=batch,
            reported_ta=local.year,
            reported_month=local.month,
        )
        for key in changed
    ]
    Restatement.objects.bulk_create(rows)
    for row in rows:
        audit_record(
            actor=actor,
            action="update",
            obj=row.lock,
            changes={"restatement": [row.before, row.after], "reason": [None, row.reason]},
        )
    return rows


# --- Revisions --------------------------------------------------------------------------------


def revision_get_or_create(
    *, actor, unit: Unit, ta: int, number: int, date: dt.date, kind_code: str = "", note=""
) -> tuple[Revision, bool]:
    """Returns the DIPA revision `number` of a satker, recording it if new; refuses a mismatch."""
    revision = Revision.objects.filter(ta=ta, unit=unit, number=number).first()
    if revision is not None:
        if revision.date != date or (kind_code and revision.kind_code != kind_code):
            raise ApplicationError(
                _(
                    "Revisi ke-%(n)s satker %(unit)s sudah tercatat dengan tanggal %(date)s "
                    "dan kode %(code)s."
                )
                % {
                    "n": number,
                    "unit": unit.code,
                    "date": revision.date.strftime("%d-%m-%Y"),
                    "code": revision.kind_code or "-",
                },
                code="revision_mismatch",
            )
        return revision, False
    revision = Revision.objects.create(
        ta=ta,
        unit=unit,
        number=number,
        date=date,
        kind_code=kind_code,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=revision,
        changes={
            k: [None, v]
            for k, v in snapshot(revision, ["ta", "unit", "number", "date", "kind_code"]).items()
        },
    )
    return revision, True


@transaction.atomic
def revision_record(
    *, actor, unit: Unit, ta: int, number: int, date: dt.date, kind_code: str = "", note: str = ""
) -> Revision:
    """Records a DIPA revision (its code decides whether it counts for IKPA revisi DIPA)."""
    _require_importer(actor, unit)
    if date.year != _ta(ta):
        raise ApplicationError(_("Tanggal revisi harus dalam TA %s.") % ta, details={"date": [""]})
    if kind_code and not (kind_code.isdigit() and len(kind_code) == 3):
        raise ApplicationError(
            _("Kode jenis revisi harus 3 digit."), details={"kind_code": [kind_code]}
        )
    revision, _created = revision_get_or_create(
        actor=actor, unit=unit, ta=ta, number=number, date=date, kind_code=kind_code, note=note
    )
    return revision


# --- Blokir (Hal IV) --------------------------------------------------------------------------

BLOKIR_FIELDS = [
    "ta",
    "unit",
    "output",
    "jenis_belanja",
    "amount",
    "reason",
    "reference",
    "blocked_on",
    "released_on",
    "released_amount",
    "released_reference",
    "previous",
]


def _refuse(message, field: str, code: str = "invalid", **extra) -> ApplicationError:
    """An error whose details name the field with the message, so a form shows it there."""
    return ApplicationError(message, code=code, details={field: [str(message)], **extra})


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _whole_rupiah(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _refuse(_("Jumlah harus bilangan bulat Rupiah lebih dari 0."), field)
    return value


def _text_required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise _refuse(message, field)
    return value


class BlokirBasis:
    """The pagu lines and blokir of one satker in one TA, against which new blokir are checked.

    Loaded once; blokir not yet stored (the earlier rows of a file) are added with `add`, so
    several new blokir are checked together as if recorded one after the other.
    """

    def __init__(self, unit: Unit, ta: int):
        data = budget_data(ta, [unit.pk])
        # (output_id, jenis_belanja, pagu, valid_from, valid_to)
        self.allocations = list(data.allocations.get(unit.pk, ()))
        # (output_id, jenis_belanja, amount, blocked_on, released_on)
        self.blokir = list(data.blokir.get(unit.pk, ()))

    def add(self, output_id, jenis_belanja, amount, blocked_on, released_on) -> None:
        self.blokir.append((output_id, jenis_belanja, amount, blocked_on, released_on))

    def replace(self, old: tuple, new: tuple) -> None:
        """Counts a stored blokir with other dates (a file changes when it was opened)."""
        self.blokir.remove(old)
        self.blokir.append(new)

    def unblocked(self, *, jenis_belanja: str, on: dt.date, output_id: int | None = None) -> int:
        """Returns the pagu of the jenis belanja (and RO) in force on `on` not yet blocked.

        For an RO it is the smaller of the RO's own room and the satker's room in that jenis
        belanja, since a blokir without an RO also holds back part of the satker's pagu.
        """

        def in_force(start, end) -> bool:
            return start <= on and (end is None or on < end)

        pagu = [
            (o, p) for o, j, p, s, e in self.allocations if j == jenis_belanja and in_force(s, e)
        ]
        blocked = [(o, a) for o, j, a, s, e in self.blokir if j == jenis_belanja and in_force(s, e)]
        room = sum(p for _o, p in pagu) - sum(a for _o, a in blocked)
        if output_id is not None:
            ro_pagu = sum(p for o, p in pagu if o == output_id)
            ro_blocked = sum(a for o, a in blocked if o == output_id)
            room = min(room, ro_pagu - ro_blocked)
        return max(room, 0)

    def check(
        self, *, jenis_belanja: str, amount: int, on: dt.date, output: Output | None = None
    ) -> None:
        """Refuses a new blokir of `amount` that exceeds the pagu not yet blocked on `on`."""
        room = self.unblocked(
            jenis_belanja=jenis_belanja, on=on, output_id=output.pk if output else None
        )
        if amount <= room:
            return
        raise _refuse(
            _(
                "Tidak dapat memblokir %(amount)s: pagu %(where)s yang belum diblokir pada "
                "%(date)s hanya %(room)s."
            )
            % {
                "amount": format_rupiah(amount),
                "where": output.full_code if output else _("jenis belanja %s") % jenis_belanja,
                "date": _date(on),
                "room": format_rupiah(room),
            },
            "amount",
            code="exceeds_pagu",
            unblocked=[str(room)],
        )


def blokir_unblocked(
    *, unit: Unit, ta: int, jenis_belanja: str, on: dt.date, output: Output | None = None
) -> int:
    """Returns the pagu of a satker's jenis belanja (and RO) in force on `on` not yet blocked."""
    return BlokirBasis(unit, ta).unblocked(
        jenis_belanja=jenis_belanja, on=on, output_id=output.pk if output else None
    )


def blokir_units_lock(unit_ids) -> None:
    """Takes the satker's rows in order, so two blokir writes cannot both use the same room."""
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values("pk"))


def _guarded(actor, unit: Unit, ta: int, reason: str, change):
    """Runs `change()` and records restatements of the satker's signed-off months it alters."""
    locks = locks_for(ta, [unit.pk])
    before = period_snapshots(ta, locks.keys()) if locks else {}
    result = change()
    locked_changes_record(actor=actor, ta=ta, locks=locks, before=before, reason=reason, batch=None)
    return result


@transaction.atomic
def blokir_create(
    *,
    actor,
    unit: Unit,
    ta: int,
    jenis_belanja: str,
    amount: int,
    reason: str,
    reference: str,
    blocked_on: dt.date,
    output: Output | None = None,
    restatement_reason: str = "",
) -> Blokir:
    """Records a blokir (Hal IV) of a satker: an amount of its pagu held back from a date.

    The amount may not exceed the pagu in force on that date less what is already blocked (for
    the RO when one is given). A blokir dated in a month the head signed off changes reported
    figures, so it needs `restatement_reason`.
    """
    _require_importer(actor, unit)
    _ta(ta)
    amount = _whole_rupiah(amount, "amount")
    reason = _text_required(reason, "reason", _("Isi alasan blokir (dokumen yang ditunggu)."))
    reference = _text_required(reference, "reference", _("Isi nomor surat atau referensi blokir."))
    if len(reason) > 250:
        raise _refuse(_("Alasan paling panjang 250 huruf."), "reason")
    if len(reference) > 100:
        raise _refuse(_("Nomor surat paling panjang 100 huruf."), "reference")
    if jenis_belanja not in JenisBelanja.values:
        raise _refuse(_("Jenis belanja %s tidak dikenal.") % jenis_belanja, "jenis_belanja")
    if blocked_on.year != ta:
        raise _refuse(_("Tanggal blokir harus dalam TA %s.") % ta, "blocked_on")
    if output is not None and (output.unit_id != unit.pk or output.ta != ta):
        raise _refuse(
            _("RO %(ro)s tidak ada di DIPA satker %(unit)s TA %(ta)s.")
            % {"ro": output.full_code, "unit": unit.code, "ta": ta},
            "ro",
        )
    blokir_units_lock([unit.pk])
    if Blokir.objects.filter(
        ta=ta,
        unit=unit,
        output=output,
        jenis_belanja=jenis_belanja,
        amount=amount,
        blocked_on=blocked_on,
        reference=reference,
    ).exists():
        raise Conflict(
            _("Blokir yang sama (nomor surat %(ref)s, %(amount)s) sudah tercatat.")
            % {"ref": reference, "amount": format_rupiah(amount)},
            code="duplicate",
        )
    BlokirBasis(unit, ta).check(
        jenis_belanja=jenis_belanja, amount=amount, on=blocked_on, output=output
    )

    def create() -> Blokir:
        return Blokir.objects.create(
            ta=ta,
            unit=unit,
            output=output,
            jenis_belanja=jenis_belanja,
            amount=amount,
            reason=reason,
            reference=reference,
            blocked_on=blocked_on,
            created_by=actor,
        )

    blokir = _guarded(actor, unit, ta, restatement_reason, create)
    audit_record(
        actor=actor,
        action="create",
        obj=blokir,
        changes={k: [None, v] for k, v in snapshot(blokir, BLOKIR_FIELDS).items() if v},
    )
    return blokir


@transaction.atomic
def blokir_lift(
    *,
    actor,
    blokir: Blokir,
    amount: int,
    lifted_on: dt.date,
    reference: str,
    restatement_reason: str = "",
) -> Blokir | None:
    """Opens (lifts) a blokir in full or in part on a date, on the strength of a letter.

    The blokir ends on `lifted_on`; a partial lift starts a new blokir for the remainder on the
    same date (returned; None after a full lift), so figures of earlier dates keep their values.
    """
    _require_importer(actor, blokir.unit)
    blokir = Blokir.objects.select_for_update().get(pk=blokir.pk)
    amount = _whole_rupiah(amount, "amount")
    reference = _text_required(
        reference, "reference", _("Isi nomor surat atau referensi pembukaan blokir.")
    )
    if len(reference) > 100:
        raise _refuse(_("Nomor surat paling panjang 100 huruf."), "reference")
    if blokir.released_on is not None:
        raise Conflict(
            _("Blokir ini sudah dibuka pada %s.") % _date(blokir.released_on),
            code="already_released",
        )
    if amount > blokir.amount:
        raise _refuse(
            _("Tidak dapat membuka %(amount)s: yang diblokir hanya %(blocked)s.")
            % {"amount": format_rupiah(amount), "blocked": format_rupiah(blokir.amount)},
            "amount",
            code="exceeds_blokir",
        )
    if lifted_on < blokir.blocked_on or lifted_on.year != blokir.ta:
        raise _refuse(
            _("Tanggal dibuka harus dalam TA %(ta)s dan tidak sebelum tanggal blokir %(date)s.")
            % {"ta": blokir.ta, "date": _date(blokir.blocked_on)},
            "lifted_on",
        )
    before = snapshot(blokir, BLOKIR_FIELDS)

    def lift() -> Blokir | None:
        blokir.released_on = lifted_on
        blokir.released_amount = amount
        blokir.released_reference = reference
        blokir.save(update_fields=["released_on", "released_amount", "released_reference"])
        if amount == blokir.amount:
            return None
        return Blokir.objects.create(
            ta=blokir.ta,
            unit=blokir.unit,
            output=blokir.output,
            jenis_belanja=blokir.jenis_belanja,
            amount=blokir.amount - amount,
            reason=blokir.reason,
            reference=blokir.reference,
            blocked_on=lifted_on,
            previous=blokir,
            created_by=actor,
        )

    remainder = _guarded(actor, blokir.unit, blokir.ta, restatement_reason, lift)
    audit_record(
        actor=actor,
        action="update",
        obj=blokir,
        changes=diff(before, snapshot(blokir, BLOKIR_FIELDS)),
    )
    if remainder is not None:
        audit_record(
            actor=actor,
            action="create",
            obj=remainder,
            changes={k: [None, v] for k, v in snapshot(remainder, BLOKIR_FIELDS).items() if v},
        )
    return remainder


# --- Values atensi cannot compute -------------------------------------------------------------


@transaction.atomic
def manual_score_set(
    *, actor, unit: Unit, ta: int, component: str, value: Decimal, source: str
) -> ManualScore:
    """Records a component value taken from OM-SPAN (e.g. UP/TUP), replacing an earlier one."""
    _require_importer(actor, unit)
    if component not in MANUAL_COMPONENTS:
        raise ApplicationError(
            _("Komponen %(c)s tidak diisi manual; pilih salah satu: %(all)s.")
            % {"c": component, "all": ", ".join(MANUAL_COMPONENTS)},
            details={"component": [component]},
        )
    value = Decimal(value)
    high = Decimal(9999) if component == "dispensasi_spm" else Decimal(120)
    if not Decimal(0) <= value <= high:
        raise ApplicationError(
            _("Nilai harus antara 0 dan %s.") % high, details={"value": [str(value)]}
        )
    if not source.strip():
        raise ApplicationError(
            _("Sebutkan sumber nilai (mis. OM-SPAN, tanggal unduh)."), details={"source": [""]}
        )
    score = ManualScore.objects.filter(ta=_ta(ta), unit=unit, component=component).first()
    before = None if score is None else str(score.value)
    if score is None:
        score = ManualScore(ta=ta, unit=unit, component=component)
    score.value = value
    score.source = source.strip()
    score.entered_by = actor
    score.save()
    audit_record(
        actor=actor,
        action="create" if before is None else "update",
        obj=score,
        changes={"value": [before, str(value)], "source": [None, score.source]},
    )
    return score


@transaction.atomic
def commitment_add(
    *,
    actor,
    unit: Unit,
    ta: int,
    kind: str,
    description: str,
    jenis_belanja: str,
    amount: int,
    expected_on: dt.date,
    reference: str = "",
) -> Commitment:
    """Records spending already committed (a contract's unpaid part) for the year-end forecast."""
    _require_importer(actor, unit)
    if isinstance(amount, float) or int(amount) <= 0:
        raise ApplicationError(
            _("Nilai komitmen harus bilangan bulat Rupiah lebih dari 0."),
            details={"amount": [str(amount)]},
        )
    if expected_on.year != _ta(ta):
        raise ApplicationError(
            _("Perkiraan tanggal bayar harus dalam TA %s.") % ta, details={"expected_on": [""]}
        )
    if kind not in CommitmentKind.values or jenis_belanja not in JenisBelanja.values:
        raise ApplicationError(_("Jenis komitmen atau jenis belanja tidak dikenal."))
    commitment = Commitment.objects.create(
        ta=ta,
        unit=unit,
        kind=kind,
        reference=reference.strip(),
        description=description.strip(),
        jenis_belanja=jenis_belanja,
        amount=int(amount),
        expected_on=expected_on,
        entered_by=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=commitment,
        changes={
            k: [None, v]
            for k, v in snapshot(
                commitment, ["ta", "unit", "kind", "reference", "amount", "expected_on"]
            ).items()
        },
    )
    return commitment


@transaction.atomic
def commitment_remove(*, actor, commitment: Commitment) -> None:
    """Removes a commitment that was paid in full or cancelled."""
    _require_importer(actor, commitment.unit)
    before = snapshot(commitment, ["ta", "unit", "kind", "reference", "amount", "expected_on"])
    audit_record(
        actor=actor,
        action="delete",
        obj=commitment,
        changes={k: [v, None] for k, v in before.items()},
    )
    commitment.delete()


@transaction.atomic
def residential_cost_set(
    *, actor, unit: Unit, ta: int, amount: int, jenis_belanja: str = "52", source: str = ""
) -> ResidentialDailyCost:
    """Sets a sentra's daily cost per resident in a TA (census × cost is committed spending)."""
    _require_importer(actor, unit)
    if isinstance(amount, float) or int(amount) < 0:
        raise ApplicationError(
            _("Biaya harian harus bilangan bulat Rupiah."), details={"amount": [str(amount)]}
        )
    if jenis_belanja not in JenisBelanja.values:
        raise ApplicationError(_("Jenis belanja tidak dikenal."))
    cost, created = ResidentialDailyCost.objects.update_or_create(
        ta=_ta(ta),
        unit=unit,
        defaults={
            "amount": int(amount),
            "jenis_belanja": jenis_belanja,
            "source": source.strip(),
            "entered_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=cost,
        changes={"amount": [None, int(amount)], "jenis_belanja": [None, jenis_belanja]},
    )
    return cost


# --- The realisation summary ------------------------------------------------------------------


_MONTH_OF_DATE = {
    "sqlite": "CAST(strftime('%%m', sp2d_date) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(MONTH FROM sp2d_date) AS INTEGER)",
}
_SUMMARY_KEY = "ta, unit_id, program_code, kegiatan_code, kro_code, ro_code, jenis_belanja"


def realisation_batch_months(batch_id: int) -> set[tuple[int, int, int]]:
    """Returns the (TA, unit id, month) an import batch added SP2D lines to."""
    return set(
        Realisation.objects.filter(batch_id=batch_id)
        .annotate(month=ExtractMonth("sp2d_date"))
        .values_list("ta", "unit_id", "month")
        .distinct()
        .order_by()
    )


def realisation_summary_add(batch_id: int) -> None:
    """Adds the SP2D lines of an import batch to the monthly summary, in one statement.

    Call in the transaction that inserted the lines.
    """
    month = _MONTH_OF_DATE[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO budget_realisationmonth ({_SUMMARY_KEY}, month, amount, lines) "
            f"SELECT {_SUMMARY_KEY}, {month}, SUM(amount), COUNT(*) FROM budget_realisation "
            f"WHERE batch_id = %s GROUP BY {_SUMMARY_KEY}, {month} "
            f"ON CONFLICT ({_SUMMARY_KEY}, month) DO UPDATE SET "
            "amount = budget_realisationmonth.amount + excluded.amount, "
            "lines = budget_realisationmonth.lines + excluded.lines",
            [batch_id],
        )


@transaction.atomic
def realisation_summary_rebuild(*, ta: int) -> int:
    """Recomputes the monthly realisation summary of `ta` from the SP2D lines; returns its rows.

    One INSERT … SELECT … GROUP BY, as `realisation_summary_add` does for a batch, so the
    database groups the lines without sending them to Python.
    """
    RealisationMonth.objects.filter(ta=ta).delete()
    month = _MONTH_OF_DATE[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO budget_realisationmonth ({_SUMMARY_KEY}, month, amount, lines) "
            f"SELECT {_SUMMARY_KEY}, {month}, SUM(amount), COUNT(*) FROM budget_realisation "
            f"WHERE ta = %s GROUP BY {_SUMMARY_KEY}, {month}",
            [ta],
        )
    return RealisationMonth.objects.filter(ta=ta).count()
