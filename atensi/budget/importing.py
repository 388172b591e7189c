"""Budget imports from CSV and Excel: DIPA, Hal III plan, blokir, SP2D realisation, output reports.

Every file is read and checked row by row first. By default a file with any bad row imports
nothing and the user gets every problem (row, column, message in Indonesian); with `valid_only`
the good rows are imported and the bad ones left out. Imports are idempotent: importing the same
file twice changes nothing, and the result says how much was new and how much already present.

Amounts are whole Rupiah: plain digits or Indonesian thousands ("1.228.603.927", a trailing
",00" of zero sen allowed); decimals, floats and scientific notation are refused. The jenis belanja comes from the akun's first two
digits. A change that touches a month the head has signed off is refused unless it is made as a
restatement with a reason (services.locked_changes_record).

SP2D files can hold a million lines: they are streamed into a temporary staging table (COPY on
PostgreSQL), then inserted in one statement, skipping lines already stored (same line_key, a
hash of the identifying fields), and the monthly summary the figures read is updated from the
new lines only.

Dated versions: a DIPA or Hal III file is the whole DIPA / plan of each satker in it, in force
from `berlaku_mulai`. Lines that differ from the version in force on that date are closed on it
and the new ones start on it; identical lines are left alone.
"""

import datetime as dt
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from hashlib import blake2b
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atensi.accounts.access import can_import_budget, can_import_budget_for
from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError, PermissionDenied
from atensi.common.templatetags.atensi_format import format_rupiah
from atensi.lib.tabular import file_error, header_key, open_table
from atensi.organisation.models import TargetGroup, Unit

from .figures import JENIS, period_snapshots
from .models import (
    Allocation,
    Blokir,
    ImportBatch,
    MonthlyPlan,
    Output,
    OutputReport,
    SpmType,
    SumberDana,
)
from .services import (
    BlokirBasis,
    blokir_units_lock,
    locked_changes_record,
    locks_for,
    realisation_batch_months,
    realisation_summary_add,
    revision_get_or_create,
)

Kind = ImportBatch.Kind
Progress = Callable[[str, int, int], None]
READ, CHECK, WRITE = "read", "check", "write"
PROGRESS_EVERY = 10_000
# Problems kept in the result (the count of bad rows is always exact).
MAX_ISSUES = 1000
# SP2D lines are staged in batches of this many rows.
STAGE_BATCH = 20_000


# Labels for messages, translated only when a message is shown.
L_SATKER = gettext_lazy("Kode satker")
L_KPPN = gettext_lazy("KPPN")
L_PROGRAM = gettext_lazy("Program")
L_KEGIATAN = gettext_lazy("Kegiatan")
L_KRO = gettext_lazy("KRO")
L_RO = gettext_lazy("RO")
L_AKUN = gettext_lazy("Akun")
L_SUMBER = gettext_lazy("Sumber dana")
L_SPM = gettext_lazy("Jenis SPM")
L_KOMPONEN = gettext_lazy("Komponen")
L_TARGET = gettext_lazy("Target volume")
L_VOLUME = gettext_lazy("Volume")
L_REVISI = gettext_lazy("Revisi ke")
L_KODE_REVISI = gettext_lazy("Kode jenis revisi")
L_JENIS = gettext_lazy("Jenis belanja")
L_TAHUN = gettext_lazy("Tahun")
L_BULAN = gettext_lazy("Bulan")
SUMBER_CODES = tuple(SumberDana.values)
SPM_CODES = tuple(SpmType.values)


# --- Columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # header in the template
    required: bool
    help: Any
    example: str
    aliases: tuple[str, ...] = ()  # other headers accepted (e.g. OM-SPAN exports)


def _c(name, required, help_text, example, *aliases) -> Column:
    return Column(name, required, help_text, example, aliases)


TA = _c(
    "tahun", True, gettext_lazy("Tahun anggaran, 4 digit."), "2024", "ta", "tahun_anggaran", "thang"
)
SATKER = _c(
    "kode_satker",
    True,
    gettext_lazy("Kode satker 6 digit; harus terdaftar sebagai unit kerja."),
    "630108",
    "kdsatker",
    "satker",
)
PROGRAM = _c(
    "program",
    True,
    gettext_lazy("Kode program, mis. 027.05.DN."),
    "027.05.DN",
    "kode_program",
    "kdprogram",
)
KEGIATAN = _c(
    "kegiatan", True, gettext_lazy("Kode kegiatan, mis. 6371."), "6371", "kode_kegiatan", "kdgiat"
)
KRO = _c("kro", True, gettext_lazy("Kode KRO, mis. QDB."), "QDB", "kode_kro", "kdkro")
RO = _c(
    "ro",
    True,
    gettext_lazy("Kode RO, mis. 001 (simpan sebagai Teks agar angka 0 di depan tetap)."),
    "001",
    "kode_ro",
    "kdro",
)
AKUN = _c(
    "akun",
    True,
    gettext_lazy("Kode akun 6 digit; dua digit pertama menentukan jenis belanja (51, 52, 53, 57)."),
    "521211",
    "kode_akun",
    "kdakun",
)
SUMBER = _c(
    "sumber_dana",
    True,
    gettext_lazy("RM, PNBP, BLU, PLN, HLN, HDN, SBSN atau PDN."),
    "RM",
    "sumber",
    "kdsumber",
)
VALID_FROM = _c(
    "berlaku_mulai",
    False,
    gettext_lazy(
        "Tanggal versi ini mulai berlaku (TTTT-BB-HH atau HH-BB-TTTT); kosong = 1 Januari TA."
    ),
    "2024-01-01",
    "tanggal_berlaku",
)
REVISION = _c(
    "revisi_ke",
    False,
    gettext_lazy("Nomor revisi DIPA (0 = DIPA awal); kosong bila bukan revisi."),
    "0",
    "revisi",
)
REVISION_CODE = _c(
    "kode_jenis_revisi",
    False,
    gettext_lazy("Kode jenis revisi 3 digit (menentukan apakah dihitung pada IKPA revisi DIPA)."),
    "",
    "jenis_revisi",
)
MONTH = _c("bulan", True, gettext_lazy("Bulan 1–12."), "1")
JENIS_COL = _c(
    "jenis_belanja",
    True,
    gettext_lazy("51, 52, 53 atau 57 (atau kode akun 6 digit)."),
    "52",
    "kode_jenis_belanja",
)

COLUMNS: dict[str, list[Column]] = {
    Kind.REALISATION: [
        TA,
        SATKER,
        _c("kppn", True, gettext_lazy("Kode KPPN 3 digit."), "019", "kode_kppn", "kdkppn"),
        PROGRAM,
        KEGIATAN,
        KRO,
        RO,
        AKUN,
        SUMBER,
        _c("nomor_sp2d", True, gettext_lazy("Nomor SP2D."), "240191301000123", "no_sp2d", "nosp2d"),
        _c(
            "tanggal_sp2d",
            True,
            gettext_lazy("Tanggal SP2D (TTTT-BB-HH atau HH-BB-TTTT), dalam tahun anggaran."),
            "2024-03-15",
            "tgl_sp2d",
            "tgsp2d",
        ),
        _c("jenis_spm", True, gettext_lazy("UP, GUP, TUP, LS atau PTUP."), "LS", "spm", "jenis"),
        _c(
            "nilai",
            True,
            gettext_lazy(
                "Rupiah bulat: 1228603927 atau 1.228.603.927; negatif untuk koreksi (pengembalian)."
            ),
            "12.500.000",
            "jumlah",
            "nilai_sp2d",
            "nilai_rupiah",
        ),
    ],
    Kind.DIPA: [
        TA,
        SATKER,
        PROGRAM,
        KEGIATAN,
        KRO,
        RO,
        _c(
            "nama_ro",
            True,
            gettext_lazy("Nama rincian output."),
            "Layanan rehabilitasi sosial anak",
        ),
        _c("indikator", False, gettext_lazy("Indikator RO."), "Jumlah anak yang mendapat layanan"),
        _c(
            "target_volume",
            True,
            gettext_lazy("Target volume RO, bilangan bulat."),
            "1200",
            "volume_ro",
        ),
        _c("satuan", True, gettext_lazy("Satuan volume RO."), "Orang", "satuan_ro"),
        _c(
            "klaster",
            False,
            gettext_lazy("Kode klaster bila RO adalah layanan kepada klaster (lihat petunjuk)."),
            TargetGroup.ANAK.value,
        ),
        _c("komponen", True, gettext_lazy("Kode komponen, mis. 051."), "051", "kode_komponen"),
        AKUN,
        SUMBER,
        _c("uraian", False, gettext_lazy("Uraian baris detail."), "Paket permakanan", "detail"),
        _c("volume", False, gettext_lazy("Volume baris detail (bulat); kosong = 1."), "1200"),
        _c("harga_satuan", False, gettext_lazy("Harga satuan, Rupiah bulat."), "50.000"),
        _c("pagu", True, gettext_lazy("Pagu baris detail, Rupiah bulat."), "60.000.000", "jumlah"),
        VALID_FROM,
        REVISION,
        REVISION_CODE,
    ],
    Kind.PLAN: [
        TA,
        SATKER,
        MONTH,
        JENIS_COL,
        _c(
            "rencana",
            True,
            gettext_lazy("Rencana penarikan bulan itu, Rupiah bulat."),
            "150.000.000",
            "rpd",
            "jumlah",
        ),
        VALID_FROM,
        REVISION,
        REVISION_CODE,
    ],
    Kind.BLOKIR: [
        TA,
        SATKER,
        _c(
            "kegiatan",
            False,
            gettext_lazy("Kode kegiatan RO yang diblokir (boleh kosong)."),
            "6371",
        ),
        _c("kro", False, gettext_lazy("Kode KRO (boleh kosong)."), "QDB"),
        _c("ro", False, gettext_lazy("Kode RO (boleh kosong)."), "001"),
        JENIS_COL,
        _c(
            "jumlah",
            True,
            gettext_lazy("Jumlah yang diblokir, Rupiah bulat."),
            "1.300.000.000",
            "nilai",
        ),
        _c(
            "alasan",
            True,
            gettext_lazy("Alasan blokir (dokumen yang ditunggu)."),
            "Menunggu TOR dan RAB",
        ),
        _c("tanggal_blokir", True, gettext_lazy("Tanggal blokir."), "2024-01-02"),
        _c(
            "tanggal_dibuka",
            False,
            gettext_lazy("Tanggal blokir dibuka; kosong bila masih diblokir."),
            "",
        ),
        REVISION,
        REVISION_CODE,
    ],
    Kind.OUTPUT: [
        TA,
        SATKER,
        KEGIATAN,
        KRO,
        RO,
        MONTH,
        _c("tvro", True, gettext_lazy("Target volume RO (bulat)."), "1200"),
        _c("rvro", True, gettext_lazy("Realisasi volume RO s.d. bulan ini (bulat)."), "300"),
        _c("pcro", False, gettext_lazy("Progres capaian (%); kosong = RVRO / TVRO × 100."), "25"),
        _c("tanggal_lapor", True, gettext_lazy("Tanggal laporan dikirim."), "2024-02-06"),
    ],
}


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    row: int  # as the spreadsheet shows it (the header is row 1)
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    file_name: str
    valid_only: bool
    rows: int = 0
    error_rows: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    created: int = 0  # new rows stored
    skipped: int = 0  # already present (re-import)
    updated: int = 0  # existing rows changed or closed by a new version
    warnings: list[str] = field(default_factory=list)
    batch: ImportBatch | None = None
    restatements: list = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.batch is not None

    @property
    def rejected(self) -> bool:
        """Says whether rows had errors and therefore nothing was imported."""
        return self.error_rows > 0 and not self.written

    def add_issue(self, row: int, column: str, message: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(RowIssue(row, column, str(message)))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "valid_only": self.valid_only,
            "rows": self.rows,
            "error_rows": self.error_rows,
            "rejected": self.rejected,
            "created": self.created,
            "already_present": self.skipped,
            "updated": self.updated,
            "batch": self.batch.pk if self.batch else None,
            "restatements": [r.pk for r in self.restatements],
            "warnings": self.warnings,
            "issues": [i.as_dict() for i in self.issues],
            "issues_truncated": self.error_rows > 0 and len(self.issues) >= MAX_ISSUES,
        }


# --- Cells ------------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DIGITS = re.compile(r"\d+")


def parse_rupiah(value) -> int:
    """Returns an amount in whole Rupiah: "1228603927", "1.228.603.927", "-500.000", "Rp 1.000".

    Refuses decimals ("12,5", "1.5"), scientific notation ("1.5e6") and non-integral numbers.
    A spreadsheet number cell is accepted only when it is a whole number.
    """
    if isinstance(value, bool):
        raise CellError(_("Nilai bukan angka Rupiah."))
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        if value == int(value) and abs(value) < 2**53:
            return int(value)
        raise CellError(_("%s bukan Rupiah bulat: nilai tidak boleh berpecahan.") % value)
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return int(text)
    compact = text.replace(" ", "").replace("\u00a0", "")
    if compact[:2].lower() == "rp":
        compact = compact[2:]
    negative = compact.startswith("-")
    body = compact[1:] if negative else compact
    if body.endswith((",00", ",0")):  # zero sen, as some exports write it
        body = body.rsplit(",", 1)[0]
    if _DIGITS.fullmatch(body) or _GROUPED.fullmatch(body):
        amount = int(body.replace(".", ""))
        return -amount if negative else amount
    if "e" in body.lower():
        message = _("%s: notasi ilmiah tidak diterima; tulis angka Rupiah lengkap.")
    elif "," in body:
        message = _(
            "%s: Rupiah harus bulat; koma (desimal) tidak diterima. Tulis 1.228.603.927 atau "
            "1228603927."
        )
    else:
        message = _("%s bukan angka Rupiah yang sah; tulis 1.228.603.927 atau 1228603927.")
    raise CellError(message % text)


def parse_whole(value, label: str, *, low: int = 0) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value).replace(".", "") if _GROUPED.fullmatch(_text(value)) else _text(value)
        if not (text.isascii() and text.lstrip("-").isdigit()):
            raise CellError(
                _("%(label)s harus bilangan bulat; diterima %(v)s.") % {"label": label, "v": value}
            )
        number = int(text)
    if number < low:
        raise CellError(
            _("%(label)s tidak boleh kurang dari %(low)s.") % {"label": label, "low": low}
        )
    return number


def parse_percent(value) -> Decimal:
    text = _text(value).replace("%", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("%s bukan persentase.") % value) from None
    if not number.is_finite() or not 0 <= number <= 1000:
        raise CellError(_("Persentase %s di luar 0–1000.") % value)
    return number.quantize(Decimal("0.01"))


_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})")


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            raise CellError(_("Tanggal tidak dikenali: %s.") % value) from None
    text = _text(value)
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise CellError(_("Tanggal %s tidak ada di kalender.") % text) from None
    raise CellError(_("Tanggal %s tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT.") % text)


def parse_year(value) -> int:
    year = parse_whole(value, L_TAHUN)
    if not 2000 <= year <= 2100:
        raise CellError(_("Tahun %s tidak masuk akal.") % value)
    return year


def parse_month(value) -> int:
    month = parse_whole(value, L_BULAN)
    if not 1 <= month <= 12:
        raise CellError(_("Bulan harus 1–12; diterima %s.") % value)
    return month


_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.]*")


def parse_code(
    value, label: str, max_length: int, *, digits: int | None = None, pad: int | None = None
) -> str:
    """Returns a budget code of exactly `digits` digits, or letters, digits and dots.

    A number cell is padded with zeros to `digits` or `pad` (Excel drops leading zeros: RO 001).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and (digits or pad):
        text = str(int(value)).zfill(digits or pad)
    else:
        text = _text(value).upper()
        if pad and text.isdigit():
            # A CSV saved from Excel loses them too ("19" for KPPN 019).
            text = text.zfill(pad)
    if not text:
        raise CellError(_("%s wajib diisi.") % label)
    if len(text) > max_length or not _CODE.fullmatch(text):
        raise CellError(_("%(label)s %(v)s tidak sah.") % {"label": label, "v": text})
    if digits and not (text.isdigit() and len(text) == digits):
        raise CellError(
            _("%(label)s harus %(n)d digit angka; diterima %(v)s.")
            % {"label": label, "n": digits, "v": text}
        )
    return text


def jenis_of_akun(akun: str) -> str:
    jenis = akun[:2]
    if jenis not in JENIS:
        raise CellError(
            _(
                "Akun %(akun)s: jenis belanja %(j)s tidak dikenal; hanya 51 (pegawai), 52 (barang), "
                "53 (modal) dan 57 (bantuan sosial)."
            )
            % {"akun": akun, "j": jenis}
        )
    return jenis


def parse_jenis(value) -> str:
    text = parse_code(value, L_JENIS, 6)
    if len(text) == 6:
        return jenis_of_akun(text)
    if text not in JENIS:
        raise CellError(_("Jenis belanja %s tidak dikenal; isi 51, 52, 53 atau 57.") % text)
    return text


def parse_choice(value, choices, label: str) -> str:
    text = _text(value).upper()
    if text not in choices:
        raise CellError(
            _("%(label)s %(v)s tidak dikenal; pilih %(all)s.")
            % {"label": label, "v": text or "-", "all": ", ".join(choices)}
        )
    return text


# --- Reading and checking rows ----------------------------------------------------------------


class _Context:
    """What checking rows needs from the database, read once per import."""

    def __init__(self, actor):
        self.actor = actor
        self.units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
        self._allowed: dict[str, bool] = {}

    def unit(self, raw) -> Unit:
        code = parse_code(raw, L_SATKER, 6, digits=6)
        unit = self.units.get(code)
        if unit is None:
            raise CellError(_("Satker %s tidak terdaftar sebagai unit kerja.") % code)
        allowed = self._allowed.get(code)
        if allowed is None:
            allowed = self._allowed[code] = can_import_budget_for(self.actor, unit)
        if not allowed:
            raise CellError(_("Anda tidak berwenang mengimpor data satker %s.") % code)
        return unit


class _Row:
    """One row being checked: reads cells by column name and collects errors."""

    __slots__ = ("number", "cells", "positions", "headers", "errors")

    def __init__(self, number, cells, positions, headers):
        self.number = number
        self.cells = cells
        self.positions = positions
        self.headers = headers
        self.errors: list[tuple[str, str]] = []

    def header(self, name: str) -> str:
        return _header(self.positions, self.headers, name)

    def raw(self, name: str):
        position = self.positions.get(name)
        return None if position is None else self.cells[position]

    def get(self, name: str, parse, *args, required: bool = True, default=None, **kwargs):
        value = self.raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors.append((self.header(name), _("Wajib diisi.")))
            return default
        try:
            return parse(value, *args, **kwargs)
        except CellError as exc:
            self.errors.append((self.header(name), str(exc)))
            return default

    def error(self, name: str, message) -> None:
        self.errors.append((self.header(name), str(message)))


def _header(positions: dict[str, int], headers: list[str], name: str) -> str:
    """The file's own heading of a column (as the user sees it), else its template name."""
    position = positions.get(name)
    return headers[position] if position is not None else name


def _positions(kind: str, keys: list[str]) -> tuple[dict[str, int], list[str]]:
    """Maps each column of `kind` to its position in the file; returns the missing required ones."""
    positions = {}
    for column in COLUMNS[kind]:
        for key in (column.name, *column.aliases):
            if key in keys:
                positions[column.name] = keys.index(key)
                break
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in positions]
    return positions, missing


# --- Checking the rows of each kind (small files: kept in memory) ------------------------------


def _versioned(row: _Row, ta: int | None) -> tuple[dt.date | None, int | None, str]:
    valid_from = row.get(VALID_FROM.name, parse_date, required=False)
    if ta and valid_from is None:
        valid_from = dt.date(ta, 1, 1)
    if ta and valid_from and valid_from.year != ta:
        row.error(VALID_FROM.name, _("Tanggal berlaku harus dalam TA %s.") % ta)
    number = row.get(REVISION.name, parse_whole, L_REVISI, required=False)
    code = row.get(
        REVISION_CODE.name,
        parse_code,
        L_KODE_REVISI,
        3,
        required=False,
        digits=3,
        default="",
    )
    if code and number is None:
        row.error(REVISION.name, _("Isi nomor revisi bila kode jenis revisi diisi."))
    return valid_from, number, code


class _Versions:
    """Checks that all rows of one satker and TA carry the same date and revision."""

    def __init__(self):
        self.seen: dict[tuple, tuple] = {}

    def check(self, row: _Row, key: tuple, version: tuple) -> None:
        first = self.seen.setdefault(key, version)
        if first != version:
            row.error(
                VALID_FROM.name,
                _(
                    "Semua baris satker yang sama dalam satu berkas harus satu versi "
                    "(berlaku_mulai, revisi_ke, kode_jenis_revisi sama)."
                ),
            )


def _check_dipa(row: _Row, ctx: _Context, state: dict) -> dict | None:
    ta = row.get(TA.name, parse_year)
    unit = row.get(SATKER.name, ctx.unit)
    values = {
        "program_code": row.get(PROGRAM.name, parse_code, L_PROGRAM, 20),
        "kegiatan_code": row.get(KEGIATAN.name, parse_code, L_KEGIATAN, 10),
        "kro_code": row.get(KRO.name, parse_code, L_KRO, 10),
        "ro_code": row.get(RO.name, parse_code, L_RO, 10, pad=3),
    }
    ro = {
        "name": row.get("nama_ro", _limited, 250),
        "indicator": row.get("indikator", _limited, 250, required=False, default=""),
        "target_volume": row.get("target_volume", parse_whole, L_TARGET),
        "volume_unit": row.get("satuan", _limited, 40),
        "target_group": row.get("klaster", _target_group, required=False, default=""),
    }
    akun = row.get(AKUN.name, parse_code, L_AKUN, 6, digits=6)
    line = {
        "komponen_code": row.get("komponen", parse_code, L_KOMPONEN, 10, pad=3),
        "akun": akun,
        "sumber_dana": row.get(SUMBER.name, parse_choice, SUMBER_CODES, L_SUMBER),
        "description": row.get("uraian", _limited, 250, required=False, default=""),
        "volume": row.get("volume", parse_whole, L_VOLUME, required=False, default=1),
        "price": row.get("harga_satuan", parse_rupiah, required=False, default=0),
        "pagu": row.get("pagu", parse_rupiah),
    }
    if akun:
        try:
            line["jenis_belanja"] = jenis_of_akun(akun)
        except CellError as exc:
            row.error(AKUN.name, exc)
    if line["pagu"] is not None and line["pagu"] < 0:
        row.error("pagu", _("Pagu tidak boleh negatif."))
    if line["price"] is not None and line["price"] < 0:
        row.error("harga_satuan", _("Harga satuan tidak boleh negatif."))
    valid_from, number, code = _versioned(row, ta)
    if row.errors:
        return None
    ro_key = (ta, unit.pk, *values.values())
    known = state.setdefault("ro", {}).setdefault(ro_key, ro)
    if known != ro:
        row.error(
            "nama_ro",
            _("RO %s muncul lebih dari sekali dengan nama, target, satuan atau klaster berbeda.")
            % ".".join(values.values()),
        )
        return None
    state.setdefault("versions", _Versions()).check(row, (ta, unit.pk), (valid_from, number, code))
    if row.errors:
        return None
    return {
        "ta": ta,
        "unit": unit,
        "ro_key": values,
        "ro": ro,
        "line": line,
        "valid_from": valid_from,
        "revision": (number, code),
    }


def _limited(value, max_length: int) -> str:
    text = _text(value)
    if len(text) > max_length:
        raise CellError(_("Paling banyak %d karakter.") % max_length)
    return text


def _target_group(value) -> str:
    text = _text(value).lower()
    if text not in TargetGroup.values:
        raise CellError(
            _("Klaster %(v)s tidak dikenal; pilih %(all)s.")
            % {"v": text, "all": ", ".join(TargetGroup.values)}
        )
    return text


def _check_plan(row: _Row, ctx: _Context, state: dict) -> dict | None:
    ta = row.get(TA.name, parse_year)
    unit = row.get(SATKER.name, ctx.unit)
    month = row.get(MONTH.name, parse_month)
    jenis = row.get(JENIS_COL.name, parse_jenis)
    amount = row.get("rencana", parse_rupiah)
    if amount is not None and amount < 0:
        row.error("rencana", _("Rencana tidak boleh negatif."))
    valid_from, number, code = _versioned(row, ta)
    if row.errors:
        return None
    cell = (ta, unit.pk, month, jenis)
    first = state.setdefault("cells", {}).setdefault(cell, row.number)
    if first != row.number:
        row.error(
            MONTH.name,
            _("Bulan %(m)s jenis belanja %(j)s sudah ada di baris %(r)s.")
            % {"m": month, "j": jenis, "r": first},
        )
        return None
    state.setdefault("versions", _Versions()).check(row, (ta, unit.pk), (valid_from, number, code))
    if row.errors:
        return None
    return {
        "ta": ta,
        "unit": unit,
        "month": month,
        "jenis_belanja": jenis,
        "amount": amount,
        "valid_from": valid_from,
        "revision": (number, code),
    }


def _output_lookup(state: dict, ta: int, unit: Unit) -> dict[tuple, Output]:
    outputs = state.setdefault("outputs", {})
    if (ta, unit.pk) not in outputs:
        outputs[ta, unit.pk] = {
            (o.kegiatan_code, o.kro_code, o.ro_code): o
            for o in Output.objects.filter(ta=ta, unit=unit)
        }
    return outputs[ta, unit.pk]


def _check_blokir(row: _Row, ctx: _Context, state: dict) -> dict | None:
    ta = row.get(TA.name, parse_year)
    unit = row.get(SATKER.name, ctx.unit)
    codes = [
        row.get("kegiatan", parse_code, L_KEGIATAN, 10, required=False),
        row.get("kro", parse_code, L_KRO, 10, required=False),
        row.get("ro", parse_code, L_RO, 10, required=False, pad=3),
    ]
    jenis = row.get(JENIS_COL.name, parse_jenis)
    amount = row.get("jumlah", parse_rupiah)
    reason = row.get("alasan", _limited, 250)
    blocked_on = row.get("tanggal_blokir", parse_date)
    released_on = row.get("tanggal_dibuka", parse_date, required=False)
    number = row.get(REVISION.name, parse_whole, L_REVISI, required=False)
    code = row.get(
        REVISION_CODE.name,
        parse_code,
        L_KODE_REVISI,
        3,
        required=False,
        digits=3,
        default="",
    )
    if amount is not None and amount <= 0:
        row.error("jumlah", _("Jumlah blokir harus lebih dari 0."))
    if blocked_on and ta and blocked_on.year != ta:
        row.error("tanggal_blokir", _("Tanggal blokir harus dalam TA %s.") % ta)
    if blocked_on and released_on and released_on < blocked_on:
        row.error("tanggal_dibuka", _("Tanggal dibuka tidak boleh sebelum tanggal blokir."))
    output = None
    if any(codes) and not row.errors:
        if not all(codes):
            row.error("ro", _("Isi kegiatan, KRO dan RO sekaligus, atau kosongkan ketiganya."))
        else:
            output = _output_lookup(state, ta, unit).get(tuple(codes))
            if output is None:
                row.error(
                    "ro",
                    _("RO %s tidak ada di DIPA satker ini; impor DIPA lebih dulu.")
                    % ".".join(codes),
                )
    if row.errors:
        return None
    return {
        "row": row.number,
        "ta": ta,
        "unit": unit,
        "output": output,
        "jenis_belanja": jenis,
        "amount": amount,
        "reason": reason,
        "blocked_on": blocked_on,
        "released_on": released_on,
        "revision": (number, code),
    }


def _check_output(row: _Row, ctx: _Context, state: dict) -> dict | None:
    ta = row.get(TA.name, parse_year)
    unit = row.get(SATKER.name, ctx.unit)
    codes = (
        row.get(KEGIATAN.name, parse_code, L_KEGIATAN, 10),
        row.get(KRO.name, parse_code, L_KRO, 10),
        row.get(RO.name, parse_code, L_RO, 10, pad=3),
    )
    month = row.get(MONTH.name, parse_month)
    tvro = row.get("tvro", parse_whole, "TVRO")
    rvro = row.get("rvro", parse_whole, "RVRO")
    pcro = row.get("pcro", parse_percent, required=False)
    reported_on = row.get("tanggal_lapor", parse_date)
    if row.errors:
        return None
    output = _output_lookup(state, ta, unit).get(codes)
    if output is None:
        row.error(
            RO.name,
            _("RO %s tidak ada di DIPA satker ini; impor DIPA lebih dulu.") % ".".join(codes),
        )
        return None
    if reported_on < dt.date(ta, month, 1):
        row.error("tanggal_lapor", _("Tanggal lapor tidak boleh sebelum bulan yang dilaporkan."))
        return None
    first = state.setdefault("cells", {}).setdefault((output.pk, month), row.number)
    if first != row.number:
        row.error(
            MONTH.name,
            _("Laporan RO ini untuk bulan %(m)s sudah ada di baris %(r)s.")
            % {"m": month, "r": first},
        )
        return None
    if pcro is None:
        pcro = (Decimal(rvro) / tvro * 100).quantize(Decimal("0.01")) if tvro else Decimal(0)
    return {
        "ta": ta,
        "unit": unit,
        "output": output,
        "month": month,
        "tvro": tvro,
        "rvro": rvro,
        "pcro": pcro,
        "reported_on": reported_on,
    }


CHECKS = {
    Kind.DIPA: _check_dipa,
    Kind.PLAN: _check_plan,
    Kind.BLOKIR: _check_blokir,
    Kind.OUTPUT: _check_output,
}


def _confirm_blokir(good: list[dict], result: ImportResult, column: Callable[[str], str]):
    """Checks the file's new blokir against the pagu not yet blocked; returns the rows kept.

    Runs in the write transaction with the satker locked, as the blokir page does, and through
    the same rule (services.BlokirBasis). A row already stored (a re-import) is matched to its
    blokir and not counted twice. The new ones are checked in date order, each counting the
    file's earlier ones, as if recorded one after the other: two rows together cannot exceed
    the pagu either.
    """
    blokir_units_lock({row["unit"].pk for row in good})
    bases: dict[tuple, BlokirBasis] = {}
    stored: dict[tuple, dict[tuple, list[Blokir]]] = {}
    added: dict[tuple, list[dict]] = defaultdict(list)
    kept = []
    for row in sorted(good, key=itemgetter("blocked_on", "row")):
        satker = (row["ta"], row["unit"].pk)
        if satker not in bases:
            bases[satker] = BlokirBasis(row["unit"], row["ta"])
            found = defaultdict(list)
            for b in Blokir.objects.filter(ta=row["ta"], unit=row["unit"]).order_by("pk"):
                found[b.output_id, b.jenis_belanja, b.amount, b.reason, b.blocked_on].append(b)
            stored[satker] = found
        basis = bases[satker]
        output_id = row["output"].pk if row["output"] else None
        dated = (output_id, row["jenis_belanja"], row["amount"], row["blocked_on"])
        key = (output_id, row["jenis_belanja"], row["amount"], row["reason"], row["blocked_on"])
        matches = stored[satker].get(key)
        row["stored"] = matches.pop(0) if matches else None
        if row["stored"] is not None:
            previous = row["stored"]
            if previous.released_amount is None and previous.released_on != row["released_on"]:
                basis.replace((*dated, previous.released_on), (*dated, row["released_on"]))
            kept.append(row)
            continue
        try:
            basis.check(
                jenis_belanja=row["jenis_belanja"],
                amount=row["amount"],
                on=row["blocked_on"],
                output=row["output"],
            )
        except ApplicationError as exc:
            result.error_rows += 1
            result.add_issue(row["row"], column("jumlah"), _room_problem(exc, row, added[satker]))
            continue
        basis.add(*dated, row["released_on"])
        added[satker].append(row)
        kept.append(row)
    result.issues.sort(key=attrgetter("row"))
    return sorted(kept, key=itemgetter("row"))


def _room_problem(exc: ApplicationError, row: dict, added: list[dict]) -> str:
    """The refusal of a row, naming the file's other rows that block the same pagu then."""
    on = row["blocked_on"]
    others = [
        str(other["row"])
        for other in added
        if other["jenis_belanja"] == row["jenis_belanja"]
        and other["blocked_on"] <= on
        and (other["released_on"] is None or on < other["released_on"])
    ]
    parts = [exc.message]
    if others:
        parts.append(
            _("Blokir baris %(rows)s berkas ini ikut dihitung pada tanggal itu.")
            % {"rows": ", ".join(others)}
        )
    parts.append(
        _("Kurangi jumlah blokir, atau impor lebih dulu DIPA (revisi) yang menambah pagunya.")
    )
    return " ".join(str(p) for p in parts)


# Checks that need the database as the write will find it: run in the write transaction.
CONFIRMS = {
    Kind.BLOKIR: _confirm_blokir,
}


# --- Writing the small kinds ------------------------------------------------------------------


def _revision(actor, unit, ta, valid_from, revision):
    number, code = revision
    if number is None:
        return None
    rev, _created = revision_get_or_create(
        actor=actor, unit=unit, ta=ta, number=number, date=valid_from, kind_code=code
    )
    return rev


def _later_versions_refused(model_qs, unit: Unit, valid_from: dt.date) -> None:
    if model_qs.filter(valid_from__gt=valid_from).exists():
        raise ApplicationError(
            _(
                "Satker %(unit)s sudah memiliki versi yang berlaku setelah %(date)s; impor versi "
                "secara berurutan menurut tanggal berlaku."
            )
            % {"unit": unit.code, "date": valid_from.strftime("%d-%m-%Y")},
            code="version_order",
        )


def _in_force(qs, on: dt.date):
    return qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def _write_dipa(actor, rows: list[dict], batch: ImportBatch, result: ImportResult) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["ta"], row["unit"].pk].append(row)
    for (ta, _unit_id), items in groups.items():
        unit = items[0]["unit"]
        valid_from = items[0]["valid_from"]
        revision = _revision(actor, unit, ta, valid_from, items[0]["revision"])
        outputs = {
            (o.program_code, o.kegiatan_code, o.kro_code, o.ro_code): o
            for o in Output.objects.filter(ta=ta, unit=unit)
        }
        for item in items:
            key = tuple(item["ro_key"].values())
            output = outputs.get(key)
            if output is None:
                output = Output.objects.create(ta=ta, unit=unit, **item["ro_key"], **item["ro"])
                outputs[key] = output
            elif any(getattr(output, k) != v for k, v in item["ro"].items()):
                for k, v in item["ro"].items():
                    setattr(output, k, v)
                output.save()
                result.updated += 1
            item["output"] = output
        current = list(
            _in_force(Allocation.objects.filter(output__ta=ta, output__unit=unit), valid_from)
        )

        def signature(output_id, line):
            return (
                output_id,
                line["komponen_code"],
                line["akun"],
                line["sumber_dana"],
                line["description"],
                line["volume"],
                line["price"],
                line["pagu"],
            )

        # Compare as multisets: a DIPA may hold two identical detail lines.
        wanted = Counter(signature(item["output"].pk, item["line"]) for item in items)
        stored = defaultdict(list)
        for allocation in current:
            stored[signature(allocation.output_id, vars(allocation))].append(allocation)
        to_close = []
        for sig, allocations in stored.items():
            keep = min(wanted.get(sig, 0), len(allocations))
            result.skipped += keep
            to_close += allocations[keep:]
            wanted[sig] -= keep
        new = []
        for item in items:
            sig = signature(item["output"].pk, item["line"])
            if wanted[sig] > 0:
                wanted[sig] -= 1
                new.append(item)
        if not to_close and not new:
            continue
        _later_versions_refused(
            Allocation.objects.filter(output__ta=ta, output__unit=unit), unit, valid_from
        )
        Allocation.objects.filter(pk__in=[a.pk for a in to_close]).update(valid_to=valid_from)
        Allocation.objects.bulk_create(
            [
                Allocation(
                    output=item["output"],
                    **item["line"],
                    valid_from=valid_from,
                    revision=revision,
                )
                for item in new
            ]
        )
        result.created += len(new)
        result.updated += len(to_close)


def _write_plan(actor, rows: list[dict], batch: ImportBatch, result: ImportResult) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["ta"], row["unit"].pk].append(row)
    for (ta, _unit_id), items in groups.items():
        unit = items[0]["unit"]
        valid_from = items[0]["valid_from"]
        revision = _revision(actor, unit, ta, valid_from, items[0]["revision"])
        plans = MonthlyPlan.objects.filter(ta=ta, unit=unit)
        current: dict[tuple, list[MonthlyPlan]] = defaultdict(list)
        for plan in _in_force(plans, valid_from):
            current[plan.month, plan.jenis_belanja].append(plan)
        wanted = {(i["month"], i["jenis_belanja"]): i["amount"] for i in items}
        to_close = []
        new = []
        for cell in set(current) | set(wanted):
            stored = current.get(cell, [])
            amount = wanted.get(cell, 0)
            if len(stored) == 1 and stored[0].amount == amount or (not stored and amount == 0):
                result.skipped += 1 if stored else 0
                continue
            to_close += stored
            if amount > 0:
                new.append((cell, amount))
        if not to_close and not new:
            continue
        _later_versions_refused(plans, unit, valid_from)
        MonthlyPlan.objects.filter(pk__in=[p.pk for p in to_close]).update(valid_to=valid_from)
        MonthlyPlan.objects.bulk_create(
            [
                MonthlyPlan(
                    ta=ta,
                    unit=unit,
                    month=month,
                    jenis_belanja=jenis,
                    amount=amount,
                    valid_from=valid_from,
                    revision=revision,
                )
                for (month, jenis), amount in sorted(new)
            ]
        )
        result.created += len(new)
        result.updated += len(to_close)


def _write_blokir(actor, rows: list[dict], batch: ImportBatch, result: ImportResult) -> None:
    for row in rows:
        blokir = row["stored"]  # matched by _confirm_blokir
        if blokir is not None:
            if blokir.released_amount is not None and blokir.released_on != row["released_on"]:
                # Lifted on the blokir page with its letter (perhaps in part, the remainder
                # carried on by a new blokir): a file's other date would double-count it.
                result.skipped += 1
                result.warnings.append(
                    _(
                        "Blokir %(amount)s tanggal %(date)s sudah dibuka lewat halaman blokir "
                        "per %(released)s; tanggal dibuka dari berkas diabaikan."
                    )
                    % {
                        "amount": format_rupiah(blokir.amount),
                        "date": blokir.blocked_on.strftime("%d-%m-%Y"),
                        "released": blokir.released_on.strftime("%d-%m-%Y"),
                    }
                )
                continue
            if blokir.released_on != row["released_on"]:
                blokir.released_on = row["released_on"]
                blokir.save(update_fields=["released_on"])
                result.updated += 1
            else:
                result.skipped += 1
            continue
        revision = _revision(actor, row["unit"], row["ta"], row["blocked_on"], row["revision"])
        Blokir.objects.create(
            ta=row["ta"],
            unit=row["unit"],
            output=row["output"],
            jenis_belanja=row["jenis_belanja"],
            amount=row["amount"],
            reason=row["reason"],
            blocked_on=row["blocked_on"],
            released_on=row["released_on"],
            revision=revision,
        )
        result.created += 1


def _write_output(actor, rows: list[dict], batch: ImportBatch, result: ImportResult) -> None:
    existing = {
        (r.output_id, r.month): r
        for r in OutputReport.objects.filter(output__in={row["output"] for row in rows})
    }
    fields = ["tvro", "rvro", "pcro", "reported_on"]
    for row in rows:
        report = existing.get((row["output"].pk, row["month"]))
        if report is None:
            OutputReport.objects.create(
                output=row["output"], month=row["month"], **{f: row[f] for f in fields}
            )
            result.created += 1
        elif any(getattr(report, f) != row[f] for f in fields):
            for f in fields:
                setattr(report, f, row[f])
            report.save(update_fields=fields)
            result.updated += 1
        else:
            result.skipped += 1


WRITERS = {
    Kind.DIPA: _write_dipa,
    Kind.PLAN: _write_plan,
    Kind.BLOKIR: _write_blokir,
    Kind.OUTPUT: _write_output,
}


# --- SP2D lines: streamed, staged, inserted in one statement ----------------------------------

STAGING = "budget_sp2d_staging"
STAGED_COLUMNS = (
    "ta",
    "unit_id",
    "kppn",
    "program_code",
    "kegiatan_code",
    "kro_code",
    "ro_code",
    "akun",
    "jenis_belanja",
    "sumber_dana",
    "sp2d_number",
    "sp2d_date",
    "spm_type",
    "amount",
    "line_key",
    "month",
)
_STAGING_DDL = {
    "postgresql": (
        f"CREATE TEMPORARY TABLE {STAGING} (ta smallint, unit_id bigint, kppn varchar(3), "
        "program_code varchar(20), kegiatan_code varchar(10), kro_code varchar(10), "
        "ro_code varchar(10), akun varchar(6), jenis_belanja varchar(2), sumber_dana varchar(5), "
        "sp2d_number varchar(30), sp2d_date date, spm_type varchar(4), amount bigint, "
        "line_key varchar(64), month smallint)"
    ),
    "sqlite": (
        f"CREATE TEMPORARY TABLE {STAGING} (ta integer, unit_id integer, kppn text, "
        "program_code text, kegiatan_code text, kro_code text, ro_code text, akun text, "
        "jenis_belanja text, sumber_dana text, sp2d_number text, sp2d_date text, spm_type text, "
        "amount integer, line_key text, month integer)"
    ),
}


# SQLite page cache while importing SP2D lines, in KiB: the unique index of a million line keys
# is probed at random, and SQLite's default 2 MB cache makes each probe a disk read.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


class _Staging:
    """A temporary table of checked SP2D lines, filled in batches (COPY on PostgreSQL)."""

    def __init__(self):
        self.vendor = connection.vendor
        if self.vendor not in _STAGING_DDL:
            raise ApplicationError(
                _("Basis data %s tidak didukung untuk impor SP2D.") % self.vendor
            )
        self.cache_size = None
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(_STAGING_DDL[self.vendor])
        self.rows = 0

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.copy(
                    f"COPY {STAGING} ({', '.join(STAGED_COLUMNS)}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(STAGED_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {STAGING} ({', '.join(STAGED_COLUMNS)}) VALUES ({marks})", rows
                )
        self.rows += len(rows)

    def insert(self, batch_id: int) -> int:
        """Inserts the staged lines that are not stored yet; returns how many were inserted."""
        columns = ", ".join(c for c in STAGED_COLUMNS if c != "month")
        with connection.cursor() as cursor:
            # "WHERE true" lets SQLite parse the upsert clause after a SELECT.
            cursor.execute(
                f"INSERT INTO budget_realisation ({columns}, batch_id) "
                f"SELECT {columns}, %s FROM {STAGING} WHERE true "
                "ON CONFLICT (line_key) DO NOTHING",
                [batch_id],
            )
            return cursor.rowcount

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            if self.cache_size is not None:
                cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")


class _LineChecker:
    """Checks SP2D rows fast: the fields lines share (satker, RO, akun...) are checked once per
    distinct combination, dates once per distinct text; only number and amount per row."""

    SHARED = (TA, SATKER, "kppn", PROGRAM, KEGIATAN, KRO, RO, AKUN, SUMBER, "jenis_spm")

    def __init__(self, ctx: _Context, positions: dict[str, int], headers: list[str]):
        self.ctx = ctx
        self.positions = positions
        self.headers = headers
        names = [c if isinstance(c, str) else c.name for c in self.SHARED]
        self.pick = itemgetter(*[positions[n] for n in names])
        self.number_at = positions["nomor_sp2d"]
        self.date_at = positions["tanggal_sp2d"]
        self.amount_at = positions["nilai"]
        self.combos: dict[tuple, tuple] = {}
        self.dates: dict[Any, tuple] = {}
        self.keys: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"

    def _combo(self, number: int, cells: list, raw: tuple) -> tuple:
        row = _Row(number, cells, self.positions, self.headers)
        ta = row.get(TA.name, parse_year)
        unit = row.get(SATKER.name, self.ctx.unit)
        kppn = row.get("kppn", parse_code, L_KPPN, 3, digits=3, pad=3)
        program = row.get(PROGRAM.name, parse_code, L_PROGRAM, 20)
        kegiatan = row.get(KEGIATAN.name, parse_code, L_KEGIATAN, 10)
        kro = row.get(KRO.name, parse_code, L_KRO, 10)
        ro = row.get(RO.name, parse_code, L_RO, 10, pad=3)
        akun = row.get(AKUN.name, parse_code, L_AKUN, 6, digits=6)
        sumber = row.get(SUMBER.name, parse_choice, SUMBER_CODES, L_SUMBER)
        spm = row.get("jenis_spm", parse_choice, SPM_CODES, L_SPM)
        jenis = None
        if akun:
            try:
                jenis = jenis_of_akun(akun)
            except CellError as exc:
                row.error(AKUN.name, exc)
        if row.errors:
            combo = (None, row.errors)
        else:
            values = (ta, unit.pk, kppn, program, kegiatan, kro, ro, akun, jenis, sumber)
            combo = (values + (spm, unit.code), None)
        self.combos[raw] = combo
        return combo

    def _date(self, raw) -> tuple:
        entry = self.dates.get(raw) if isinstance(raw, (str, int, float)) else None
        if entry is None:
            try:
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    raise CellError(_("Wajib diisi."))
                entry = (parse_date(raw), None)
            except CellError as exc:
                entry = (None, str(exc))
            if isinstance(raw, (str, int, float)):
                self.dates[raw] = entry
        return entry

    def _errors(self, shared, errors, cells) -> list[tuple[str, str]]:
        """Collects every problem of a row the fast path could not take."""
        errors = list(errors or [])
        sp2d_date, date_error = self._date(cells[self.date_at])
        if date_error:
            errors.append((self.headers[self.date_at], date_error))
        elif shared and sp2d_date.year != shared[0]:
            errors.append(
                (
                    self.headers[self.date_at],
                    _("Tanggal SP2D %(d)s tidak dalam TA %(ta)s.")
                    % {"d": sp2d_date.strftime("%d-%m-%Y"), "ta": shared[0]},
                )
            )
        number = _text(cells[self.number_at])
        if not number:
            errors.append((self.headers[self.number_at], _("Wajib diisi.")))
        elif len(number) > 30:
            errors.append((self.headers[self.number_at], _("Paling banyak 30 karakter.")))
        raw = cells[self.amount_at]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.append((self.headers[self.amount_at], _("Wajib diisi.")))
        else:
            try:
                parse_rupiah(raw)
            except CellError as exc:
                errors.append((self.headers[self.amount_at], str(exc)))
        return errors

    def __call__(self, number: int, cells: list):
        """Returns (staged row, None) or (None, [(column, message), ...])."""
        raw = self.pick(cells)
        combo = self.combos.get(raw)
        if combo is None:
            combo = self._combo(number, cells, raw)
        shared, errors = combo
        sp2d_date, date_error = self._date(cells[self.date_at])
        sp2d_number = cells[self.number_at]
        if not isinstance(sp2d_number, str):
            sp2d_number = _text(sp2d_number)
        amount = cells[self.amount_at]
        if isinstance(amount, str) and amount.isdigit() and amount.isascii():
            amount = int(amount)
        else:
            try:
                amount = None if amount is None else parse_rupiah(amount)
            except CellError:
                amount = None
        if (
            errors
            or date_error
            or amount is None
            or sp2d_date.year != shared[0]
            or not 0 < len(sp2d_number.strip()) <= 30
        ):
            return None, self._errors(shared, errors, cells)
        sp2d_number = sp2d_number.strip()
        ta, unit_id, kppn, program, kegiatan, kro, ro, akun, jenis, sumber, spm, unit_code = shared
        iso = sp2d_date.isoformat()
        identity = (
            f"{ta}|{unit_code}|{kppn}|{program}|{kegiatan}|{kro}|{ro}|{akun}|{sumber}|"
            f"{sp2d_number}|{iso}|{spm}|{amount}"
        )
        digest = blake2b(identity.encode(), digest_size=16).hexdigest()
        # The same line twice in one file is two lines (e.g. two payments with the same
        # fields); numbering repeats keeps a re-import of the file idempotent.
        seen = self.keys.get(digest, 0)
        self.keys[digest] = seen + 1
        if seen:
            digest = blake2b(f"{identity}#{seen + 1}".encode(), digest_size=16).hexdigest()
        return (
            ta,
            unit_id,
            kppn,
            program,
            kegiatan,
            kro,
            ro,
            akun,
            jenis,
            sumber,
            sp2d_number,
            sp2d_date if self.postgres else iso,
            spm,
            amount,
            digest,
            sp2d_date.month,
        ), None


def _import_realisation(
    *, actor, table, positions, result: ImportResult, restatement_reason: str, progress, sha256
) -> None:
    ctx = _Context(actor)
    checker = _LineChecker(ctx, positions, table.headers)
    staging = _Staging()
    try:
        batch_rows: list[tuple] = []
        total = table.estimated_rows
        for number, cells in table.rows:
            result.rows += 1
            staged, errors = checker(number, cells)
            if errors:
                result.error_rows += 1
                for column, message in errors:
                    result.add_issue(number, column, message)
            elif not result.error_rows or result.valid_only:
                batch_rows.append(staged)
                if len(batch_rows) >= STAGE_BATCH:
                    staging.add(batch_rows)
                    batch_rows = []
            if progress and result.rows % PROGRESS_EVERY == 0:
                progress(CHECK, result.rows, max(total, result.rows))
        staging.add(batch_rows)
        if progress:
            progress(CHECK, result.rows, result.rows)
        if not result.rows:
            raise file_error(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
        if result.error_rows and not result.valid_only:
            return
        with transaction.atomic():
            if progress:
                progress(WRITE, 0, staging.rows)
            batch = _batch(actor, Kind.REALISATION, result, sha256, restatement_reason)
            # Lines already stored (same line key) are skipped: a file imported twice, or this
            # month's cumulative export, adds only what is new.
            inserted = staging.insert(batch.pk)
            result.created = inserted
            result.skipped = staging.rows - inserted
            if inserted:
                # The summary still holds the figures before this batch: snapshot locked months.
                guarded = []
                by_ta: dict[int, set] = defaultdict(set)
                for ta, unit_id, month in realisation_batch_months(batch.pk):
                    by_ta[ta].add((unit_id, month))
                for ta, pairs in by_ta.items():
                    locks = {
                        key: lock
                        for key, lock in locks_for(ta, {u for u, _m in pairs}).items()
                        if key in pairs
                    }
                    if locks:
                        guarded.append((ta, locks, period_snapshots(ta, locks.keys())))
                realisation_summary_add(batch.pk)
                for ta, locks, before in guarded:
                    result.restatements += locked_changes_record(
                        actor=actor,
                        ta=ta,
                        locks=locks,
                        before=before,
                        reason=restatement_reason,
                        batch=batch,
                    )
            _finish(actor, batch, result)
            if progress:
                progress(WRITE, staging.rows, staging.rows)
    finally:
        staging.drop()


# --- The import service -----------------------------------------------------------------------


def _batch(actor, kind, result: ImportResult, sha256: str, reason: str) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind,
        file_name=result.file_name[:200],
        sha256=sha256,
        rows=result.rows,
        imported_by=actor,
        restatement_reason=reason.strip(),
    )


def _finish(actor, batch: ImportBatch, result: ImportResult) -> None:
    batch.created = result.created
    batch.skipped = result.skipped
    batch.updated = result.updated
    batch.save(update_fields=["created", "skipped", "updated"])
    result.batch = batch
    audit_record(
        actor=actor,
        action="import",
        obj=batch,
        object_repr=_("Impor %(kind)s %(file)s")
        % {"kind": batch.get_kind_display(), "file": batch.file_name},
        changes={
            "kind": batch.kind,
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "rows": result.rows,
            "created": result.created,
            "already_present": result.skipped,
            "updated": result.updated,
            "error_rows_left_out": result.error_rows,
            "restatement_reason": batch.restatement_reason,
            "restatements": [r.pk for r in result.restatements],
        },
    )


def _sha256(source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    if isinstance(source, (bytes, bytearray)):
        digest.update(source)
        return digest.hexdigest()
    if hasattr(source, "seek"):
        source.seek(0)
    if hasattr(source, "chunks"):
        for chunk in source.chunks():
            digest.update(chunk)
    else:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _import_small(
    *,
    actor,
    kind,
    table,
    positions,
    result: ImportResult,
    restatement_reason: str,
    progress,
    sha256,
) -> None:
    ctx = _Context(actor)
    check = CHECKS[kind]
    state: dict = {}
    good: list[dict] = []
    for number, cells in table.rows:
        result.rows += 1
        row = _Row(number, cells, positions, table.headers)
        values = check(row, ctx, state)
        if row.errors:
            result.error_rows += 1
            for column, message in row.errors:
                result.add_issue(number, column, message)
        elif values is not None:
            good.append(values)
        if progress and result.rows % PROGRESS_EVERY == 0:
            progress(CHECK, result.rows, max(table.estimated_rows, result.rows))
    if progress:
        progress(CHECK, result.rows, result.rows)
    if not result.rows:
        raise file_error(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
    if result.error_rows and not result.valid_only:
        return
    with transaction.atomic():
        confirm = CONFIRMS.get(kind)
        if confirm is not None:
            good = confirm(good, result, partial(_header, positions, table.headers))
            if result.error_rows and not result.valid_only:
                return
        if progress:
            progress(WRITE, 0, len(good))
        batch = _batch(actor, kind, result, sha256, restatement_reason)
        touched: dict[int, set[int]] = defaultdict(set)
        for values in good:
            touched[values["ta"]].add(values["unit"].pk)
        guarded = []
        for ta, unit_ids in touched.items():
            locks = locks_for(ta, unit_ids)
            if locks:
                guarded.append((ta, locks, period_snapshots(ta, locks.keys())))
        WRITERS[kind](actor, good, batch, result)
        for ta, locks, before in guarded:
            result.restatements += locked_changes_record(
                actor=actor,
                ta=ta,
                locks=locks,
                before=before,
                reason=restatement_reason,
                batch=batch,
            )
        _finish(actor, batch, result)
        if progress:
            progress(WRITE, len(good), len(good))


def budget_import(
    *,
    actor,
    kind: str,
    file,
    file_name: str = "",
    valid_only: bool = False,
    restatement_reason: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Imports a .csv/.xlsx file of one kind (dipa, plan, blokir, realisation, output).

    All or nothing unless `valid_only`. Idempotent. A change to a month its head has signed
    off needs `restatement_reason`. `progress(stage, done, total)` is called as rows are checked
    and written. Returns the counts and every problem found (row, column, message).
    """
    if not can_import_budget(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mengimpor data anggaran."))
    if kind not in Kind.values:
        raise ApplicationError(
            _("Jenis impor %(k)s tidak dikenal; pilih %(all)s.")
            % {"k": kind, "all": ", ".join(Kind.values)},
            code="invalid",
            details={"kind": [kind]},
        )
    name = file_name or (
        Path(file).name if isinstance(file, (str, Path)) else getattr(file, "name", "")
    )
    result = ImportResult(kind=kind, file_name=Path(name or "").name, valid_only=valid_only)
    if progress:
        progress(READ, 0, 0)
    sha256 = _sha256(file)
    with open_table(file, name) as table:
        positions, missing = _positions(kind, table.keys)
        if missing:
            raise file_error(
                _("Kolom wajib tidak ada di baris pertama berkas: %s. Gunakan templat impor.")
                % ", ".join(missing),
                columns=missing,
            )
        known = {key for c in COLUMNS[kind] for key in (c.name, *c.aliases)}
        ignored = [
            h for h, k in zip(table.headers, table.keys, strict=True) if k and k not in known
        ]
        if ignored:
            result.warnings.append(
                _("Kolom yang tidak dikenal dan diabaikan: %s.") % ", ".join(ignored)
            )
        options = {
            "actor": actor,
            "table": table,
            "positions": positions,
            "result": result,
            "restatement_reason": restatement_reason,
            "progress": progress,
            "sha256": sha256,
        }
        if kind == Kind.REALISATION:
            _import_realisation(**options)
        else:
            _import_small(kind=kind, **options)
    return result


# --- Templates and the problem report ---------------------------------------------------------


def import_template(kind: str, fmt: str) -> bytes:
    """Returns the import template of `kind` as "xlsx" (with an instructions sheet) or "csv"."""
    if kind not in COLUMNS:
        raise ApplicationError(_("Jenis impor tidak dikenal."), details={"kind": [kind]})
    columns = COLUMNS[kind]
    if fmt == "csv":
        import csv

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in columns])
        writer.writerow([c.example for c in columns])
        # UTF-8 with BOM so Excel reads it correctly.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt != "xlsx":
        raise ApplicationError(_("Format templat harus csv atau xlsx."), details={"format": [fmt]})
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    data = book.active
    data.title = "data"
    data.append([c.name for c in columns])
    data.append([c.example for c in columns])
    bold = Font(bold=True)
    text_columns = {
        "kode_satker",
        "kppn",
        "program",
        "kegiatan",
        "kro",
        "ro",
        "akun",
        "komponen",
        "nomor_sp2d",
        "kode_jenis_revisi",
        "jenis_belanja",
    }
    for i, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=i)
        cell.font = bold
        data.column_dimensions[cell.column_letter].width = max(14, len(column.example) + 2)
        if column.name in text_columns:
            # Text cells keep leading zeros (RO 001, KPPN 019).
            for row in range(2, 1002):
                data.cell(row=row, column=i).number_format = "@"
    data.freeze_panes = "A2"
    notes = book.create_sheet("petunjuk")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 90
    notes.append([str(Kind(kind).label)])
    notes.cell(row=1, column=1).font = bold
    for line in (
        _("Isi lembar 'data' mulai baris 2; baris 1 berisi nama kolom dan jangan diubah."),
        _(
            "Bila ada baris yang salah, tidak ada data yang diimpor (kecuali dipilih 'hanya baris "
            "yang valid'); laporan menyebut baris, kolom dan kesalahannya."
        ),
        _("Mengimpor berkas yang sama dua kali tidak mengubah apa pun."),
        _(
            "Rupiah ditulis bulat: 1228603927 atau 1.228.603.927. Desimal (12,5), notasi ilmiah "
            "(1.5e6) dan angka berpecahan ditolak."
        ),
        _(
            "Perubahan pada bulan yang sudah ditandatangani kepala hanya dapat diimpor sebagai "
            "penyajian kembali dengan alasan."
        ),
    ):
        notes.append([line])
    if kind in (Kind.DIPA, Kind.PLAN):
        notes.append(
            [
                _(
                    "Satu berkas memuat seluruh %s setiap satker di dalamnya, berlaku mulai "
                    "tanggal 'berlaku_mulai'; baris yang berbeda dari versi sebelumnya diganti."
                )
                % (_("DIPA") if kind == Kind.DIPA else _("rencana Hal III"))
            ]
        )
    notes.append([])
    notes.append([_("kolom"), _("wajib"), _("keterangan")])
    for column in columns:
        also_label = _("juga diterima")
        also = f" ({also_label}: {', '.join(column.aliases)})" if column.aliases else ""
        notes.append([column.name, _("ya") if column.required else "", f"{column.help}{also}"])
        notes.cell(row=notes.max_row, column=3).alignment = Alignment(wrap_text=True)
    if kind == Kind.DIPA:
        notes.append([])
        notes.append([_("Kode klaster")])
        for value, label in TargetGroup.choices:
            notes.append([value, "", str(label)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_report_xlsx(result: ImportResult) -> bytes:
    """Returns the problems of an import as an .xlsx workbook (row, column, message)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("masalah"))
    sheet.append([_("baris"), _("kolom"), _("kesalahan")])
    for issue in result.issues:
        sheet.append([issue.row, issue.column, issue.message])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_file_name(kind: str, fmt: str) -> str:
    return f"templat-{kind}.{fmt}"


def header_keys(kind: str) -> list[str]:
    """Returns the normalised headers of the template of `kind` (for pages that preview files)."""
    return [header_key(c.name) for c in COLUMNS[kind]]
