"""Single entries typed on a page, passed through the same import service as a file.

A finance officer records one blokir, or its release, on a form; that is one row of a blokir
file. Sending it through `importing.budget_import` keeps one set of checks (dates in the TA,
RO in the DIPA, rights over the satker), one audit trail (an import batch and its audit row),
idempotence and the period-lock rule (a change to a signed-off month needs a reason) — exactly
as if the officer had uploaded the row in a spreadsheet.
"""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from atensi.accounts.access import can_import_budget_for
from atensi.common.errors import ApplicationError, PermissionDenied
from atensi.organisation.models import Unit

from .importing import COLUMNS, ImportResult, budget_import
from .models import Blokir, ImportBatch, Output


def _one_row_file(kind: str, row: dict, name: str) -> SimpleUploadedFile:
    columns = [c.name for c in COLUMNS[kind]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerow({c: row.get(c, "") for c in columns})
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def _raise_rejected(result: ImportResult) -> None:
    if result.rejected:
        raise ApplicationError(
            "; ".join(f"{i.column}: {i.message}" for i in result.issues) or _("Data ditolak."),
            code="invalid",
            details={i.column: [i.message] for i in result.issues},
        )


def _blokir_row(
    *,
    unit: Unit,
    ta: int,
    output: Output | None,
    jenis_belanja: str,
    amount: int,
    reason: str,
    blocked_on: dt.date,
    released_on: dt.date | None,
) -> dict:
    return {
        "tahun": ta,
        "kode_satker": unit.code,
        "kegiatan": output.kegiatan_code if output else "",
        "kro": output.kro_code if output else "",
        "ro": output.ro_code if output else "",
        "jenis_belanja": jenis_belanja,
        "jumlah": amount,
        "alasan": reason,
        "tanggal_blokir": blocked_on.isoformat(),
        "tanggal_dibuka": released_on.isoformat() if released_on else "",
    }


def blokir_enter(
    *,
    actor,
    unit: Unit,
    ta: int,
    jenis_belanja: str,
    amount: int,
    reason: str,
    blocked_on: dt.date,
    output: Output | None = None,
    released_on: dt.date | None = None,
    restatement_reason: str = "",
) -> ImportResult:
    """Records one blokir (Hal IV) of a satker, as a one-row blokir import."""
    if not can_import_budget_for(actor, unit):
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah data anggaran satker %s.") % unit.code
        )
    row = _blokir_row(
        unit=unit,
        ta=ta,
        output=output,
        jenis_belanja=jenis_belanja,
        amount=amount,
        reason=reason,
        blocked_on=blocked_on,
        released_on=released_on,
    )
    result = budget_import(
        actor=actor,
        kind=ImportBatch.Kind.BLOKIR,
        file=_one_row_file(ImportBatch.Kind.BLOKIR, row, f"formulir-blokir-{unit.code}.csv"),
        restatement_reason=restatement_reason,
    )
    _raise_rejected(result)
    return result


def blokir_release(
    *, actor, blokir: Blokir, released_on: dt.date, restatement_reason: str = ""
) -> ImportResult:
    """Records the date a blokir was opened (released), as a one-row blokir import."""
    if not can_import_budget_for(actor, blokir.unit):
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah data anggaran satker %s.") % blokir.unit.code
        )
    if blokir.released_on is not None:
        raise ApplicationError(
            _("Blokir ini sudah dibuka pada %s.") % blokir.released_on.strftime("%d-%m-%Y"),
            code="already_released",
        )
    if released_on < blokir.blocked_on or released_on.year != blokir.ta:
        raise ApplicationError(
            _("Tanggal dibuka harus dalam TA %(ta)s dan tidak sebelum tanggal blokir %(date)s.")
            % {"ta": blokir.ta, "date": blokir.blocked_on.strftime("%d-%m-%Y")},
            code="invalid",
            details={"released_on": [released_on.isoformat()]},
        )
    row = _blokir_row(
        unit=blokir.unit,
        ta=blokir.ta,
        output=blokir.output,
        jenis_belanja=blokir.jenis_belanja,
        amount=blokir.amount,
        reason=blokir.reason,
        blocked_on=blokir.blocked_on,
        released_on=released_on,
    )
    result = budget_import(
        actor=actor,
        kind=ImportBatch.Kind.BLOKIR,
        file=_one_row_file(
            ImportBatch.Kind.BLOKIR, row, f"formulir-buka-blokir-{blokir.unit.code}.csv"
        ),
        restatement_reason=restatement_reason,
    )
    _raise_rejected(result)
    return result
