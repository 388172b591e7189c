"""Bulk import of persons from CSV and Excel: read, check every row, then write all or nothing.

Every row passes the same rules as the form (validation.validate_person). By default a file with
any bad row imports nothing; with `valid_only` the good rows are imported and the bad ones left
out. Either way the user gets the problems per row, and an Excel copy of the file with them.
"""

import csv
import datetime as dt
import io
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import JSONField, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from atensi.accounts.access import can_write_registry
from atensi.accounts.models import Role
from atensi.common.audit import audit_record
from atensi.common.bulk import rows_write
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.lib.tabular import Table, file_error, header_key, open_table
from atensi.organisation.models import Region, RegionLevel, TargetGroup, Unit

from .models import (
    DisabilityType,
    ImportJob,
    ImportStage,
    ImportStatus,
    NoNikReason,
    Person,
    PersonNameToken,
    Sex,
)
from .services import new_registry_id, normalize_values, person_name_index
from .validation import validate_person

logger = logging.getLogger(__name__)


# --- The file's columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the header in the file (Indonesian, as in the template)
    field: str  # the Person field / validate_person key it fills
    required: bool  # the header must be present
    help: Any
    example: str


COLUMNS = [
    Column(
        "nik",
        "nik",
        True,
        gettext_lazy(
            "NIK 16 digit. Kosongkan bila orang ini tidak punya NIK, lalu isi alasan_tanpa_nik."
        ),
        "3175014107120003",
    ),
    Column(
        "no_kk",
        "no_kk",
        False,
        gettext_lazy("Nomor Kartu Keluarga, 16 digit (boleh kosong)."),
        "3175010101120005",
    ),
    Column(
        "nama_lengkap",
        "full_name",
        True,
        gettext_lazy("Nama lengkap sesuai KTP/KK, paling banyak 150 karakter."),
        "Siti Aminah",
    ),
    Column(
        "alias",
        "aliases",
        False,
        gettext_lazy("Nama lain atau panggilan; pisahkan beberapa nama dengan titik koma (;)."),
        "Ami; Siti A.",
    ),
    Column(
        "jenis_kelamin",
        "sex",
        True,
        gettext_lazy("L (laki-laki) atau P (perempuan)."),
        "P",
    ),
    Column("tempat_lahir", "birth_place", False, gettext_lazy("Kota/kabupaten lahir."), "Jakarta"),
    Column(
        "tanggal_lahir",
        "birth_date",
        False,
        gettext_lazy(
            "TTTT-BB-HH (2012-07-01), HH-BB-TTTT (01-07-2012), HH/BB/TTTT (01/07/2012), "
            "atau sel bertipe tanggal di Excel."
        ),
        "2012-07-01",
    ),
    Column(
        "alamat",
        "address",
        False,
        gettext_lazy("Alamat (jalan, RT/RW), paling banyak 250 karakter."),
        "Jl. Matraman Raya No. 10 RT 003/RW 004",
    ),
    Column(
        "kode_desa",
        "village",
        False,
        gettext_lazy(
            "Kode Kemendagri desa/kelurahan, 10 digit, dengan atau tanpa titik "
            "(31.75.01.1001 atau 3175011001)."
        ),
        "31.75.01.1001",
    ),
    Column(
        "telepon",
        "phone",
        False,
        gettext_lazy("Nomor telepon/HP: angka, spasi, tanda - dan + di depan."),
        "081234567890",
    ),
    Column(
        "klaster",
        "target_group",
        True,
        gettext_lazy("Kode klaster ATENSI (lihat daftar kode di bawah)."),
        TargetGroup.ANAK.value,
    ),
    Column(
        "ragam_disabilitas",
        "disability_types",
        False,
        gettext_lazy(
            "Kode ragam disabilitas (lihat daftar di bawah); pisahkan beberapa dengan titik koma (;)."
        ),
        "",
    ),
    Column(
        "alasan_tanpa_nik",
        "no_nik_reason",
        False,
        gettext_lazy("Wajib bila NIK kosong: kode alasan (lihat daftar di bawah)."),
        "",
    ),
]
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
COLUMN_OF_FIELD = {c.field: c.name for c in COLUMNS}
# Columns the error report adds; a corrected report can be uploaded again as it is.
ERROR_COLUMN = "kesalahan"
WARNING_COLUMN = "peringatan"
STATUS_COLUMN = "status_impor"
REPORT_COLUMNS = (ERROR_COLUMN, WARNING_COLUMN, STATUS_COLUMN)

# Checking a row costs some 30 µs; tell the caller how far we are every this many rows.
PROGRESS_EVERY = 1000
# Issues kept on the job for its page; the report file has them all.
JOB_ISSUES_SHOWN = 200


def _max_rows() -> int:
    return getattr(settings, "ATENSI_IMPORT_MAX_ROWS", 200_000)


def _max_bytes() -> int:
    return getattr(settings, "ATENSI_IMPORT_MAX_MB", 50) * 1024 * 1024


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    row: int  # row number as the spreadsheet shows it (the header is row 1)
    column: str
    message: str
    level: str  # "error" blocks the row, "warning" does not

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "level": self.level,
        }


@dataclass(slots=True)
class RowOutcome:
    row: int
    cells: list
    values: dict | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    nik_warnings: list[str] = field(default_factory=list)
    imported: bool = False


@dataclass
class ImportResult:
    file_name: str
    unit: Unit
    valid_only: bool
    headers: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def created(self) -> int:
        return len(self.person_ids)

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def warning_rows(self) -> int:
        return sum(1 for r in self.rows if r.warnings)

    @property
    def rejected(self) -> bool:
        """Says whether rows had errors and therefore nothing was imported."""
        return self.error_rows > 0 and self.created == 0

    @property
    def issues(self) -> list[RowIssue]:
        """Returns every problem, errors first (they decide the outcome), each in row order."""
        errors = [RowIssue(r.row, c, m, "error") for r in self.rows for c, m in r.errors]
        warnings = [RowIssue(r.row, c, m, "warning") for r in self.rows for c, m in r.warnings]
        return errors + warnings


Progress = Callable[[str, int, int], None]


# --- Reading files --------------------------------------------------------------------------


def _missing_columns(keys: list[str]) -> list[str]:
    return [c.name for c in COLUMNS if c.required and c.name not in keys]


def read_table(file, file_name: str = "") -> Table:
    """Reads the header and rows of a .csv or .xlsx file (atensi.lib.tabular); refuses a file
    without the required columns or with more rows than one import takes."""
    with open_table(file, file_name) as table:
        missing = _missing_columns(table.keys)
        if missing:
            raise file_error(
                _(
                    "Kolom wajib tidak ada di baris pertama berkas: %(missing)s. "
                    "Gunakan templat impor."
                )
                % {"missing": ", ".join(missing)},
                columns=missing,
            )
        rows = list(table.rows)  # the report needs every row's cells again at the end
    if len(rows) > _max_rows():
        raise file_error(
            _("Berkas berisi %(n)s baris; paling banyak %(max)s baris per impor. Bagi berkasnya.")
            % {"n": len(rows), "max": _max_rows()}
        )
    return Table(table.headers, table.keys, rows, len(rows))


def _table_from_rows(rows: Iterable[Mapping[str, Any]]) -> Table:
    rows = list(rows)
    headers: list[str] = []
    for row in rows:
        headers.extend(k for k in row if k not in headers)
    keys = [header_key(h) for h in headers]
    missing = _missing_columns(keys)
    if missing:
        raise file_error(
            _("Kolom wajib tidak ada: %s.") % ", ".join(missing),
            columns=missing,
        )
    cells = [(n, [row.get(h) for h in headers]) for n, row in enumerate(rows, start=2)]
    return Table(headers, keys, cells, len(cells))


# --- Turning cells into a person's values ---------------------------------------------------

_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})")
_DIGITS_ONLY = re.compile(r"\d+")
_ALIAS_SEPARATOR = re.compile(r";")
_CODE_SEPARATOR = re.compile(r"[;,]")
_SEX_WORDS = {
    "l": Sex.MALE,
    "lk": Sex.MALE,
    "laki-laki": Sex.MALE,
    "laki laki": Sex.MALE,
    "pria": Sex.MALE,
    "p": Sex.FEMALE,
    "pr": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "wanita": Sex.FEMALE,
}


class _CellError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _identity_number(value, label: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value))
        # Excel keeps 15 significant digits: a 16-digit number typed into a number cell comes
        # back with its last digit turned into 0, so such a value cannot be trusted.
        if len(digits) >= 16 and digits.endswith("0"):
            raise _CellError(
                _(
                    "%(label)s tersimpan sebagai angka; Excel hanya menyimpan 15 digit sehingga "
                    "digit terakhir bisa berubah menjadi 0. Ubah format kolom menjadi Teks lalu "
                    "ketik ulang."
                )
                % {"label": label}
            )
        return digits
    return _text(value)


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell whose date format was removed shows as Excel's day number.
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            raise _CellError(_("Tanggal lahir tidak dikenali: %s.") % value) from None
    text = str(value).strip()
    if not text:
        return None
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise _CellError(_("Tanggal lahir %s bukan tanggal yang ada.") % text) from None
    raise _CellError(_("Tanggal lahir %s tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT.") % text)


def _village(value) -> str | None:
    text = _text(value)
    if not text:
        return None
    if len(text) == 10 and _DIGITS_ONLY.fullmatch(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text


def _phone(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value))
        # A number cell drops the leading 0 of a mobile number (08xx).
        return "0" + digits if digits.startswith("8") else digits
    return _text(value)


def _split(value, separators: re.Pattern) -> list[str]:
    text = _text(value)
    if not text:
        return []
    return [part.strip() for part in separators.split(text) if part.strip()]


class _Codes:
    """Accepts a choice by its code or by its label, in any letter case."""

    def __init__(self, choices, extra: dict | None = None):
        self.by_text = {}
        for value, label in choices:
            if value:
                self.by_text[str(value).lower()] = value
                self.by_text[str(label).lower()] = value
        self.by_text.update(extra or {})

    def __call__(self, raw) -> str:
        text = _text(raw)
        return self.by_text.get(text.lower(), text)


class _RowReader:
    """Turns one row's cells into the values the form would send."""

    def __init__(self, keys: list[str]):
        position = {k: i for i, k in enumerate(keys)}
        # A column the file lacks reads as the None appended past the row's last cell (-1).
        self.names = [c.name for c in COLUMNS]
        self.pick = itemgetter(*[position.get(c.name, -1) for c in COLUMNS])
        self.sex = _Codes(Sex.choices, _SEX_WORDS)
        self.target_group = _Codes(TargetGroup.choices)
        self.disability = _Codes(DisabilityType.choices)
        self.no_nik_reason = _Codes(NoNikReason.choices)

    def __call__(self, cells: list) -> tuple[dict, list[tuple[str, str]]]:
        cell = dict(zip(self.names, self.pick([*cells, None]), strict=True))
        errors = []
        values = {
            "full_name": _text(cell["nama_lengkap"]),
            "aliases": _split(cell["alias"], _ALIAS_SEPARATOR),
            "sex": self.sex(cell["jenis_kelamin"]),
            "birth_place": _text(cell["tempat_lahir"]),
            "address": _text(cell["alamat"]),
            "village": _village(cell["kode_desa"]),
            "phone": _phone(cell["telepon"]),
            "target_group": self.target_group(cell["klaster"]),
            "disability_types": [
                self.disability(v) for v in _split(cell["ragam_disabilitas"], _CODE_SEPARATOR)
            ],
            "no_nik_reason": self.no_nik_reason(cell["alasan_tanpa_nik"]),
            "birth_date": None,
        }
        for column, name, label in (("nik", "nik", "NIK"), ("no_kk", "no_kk", "No. KK")):
            try:
                values[name] = _identity_number(cell[column], label)
            except _CellError as exc:
                errors.append((column, str(exc)))
                values[name] = ""
        try:
            values["birth_date"] = _date(cell["tanggal_lahir"])
        except _CellError as exc:
            errors.append(("tanggal_lahir", str(exc)))
        return values, errors


# Text lengths the database enforces; checked here because rows skip Model.full_clean().
_MAX_LENGTHS = {
    name: Person._meta.get_field(name).max_length
    for name in ("no_kk", "birth_place", "address", "phone")
}


def _check_rows(table: Table, progress: Progress | None) -> list[RowOutcome]:
    reader = _RowReader(table.keys)
    outcomes = []
    for number, cells in table.rows:
        values, errors = reader(cells)
        outcomes.append(
            RowOutcome(number, cells, values=normalize_values(values), errors=errors, warnings=[])
        )
    total = len(outcomes)
    villages = _known_villages({o.values["village"] for o in outcomes if o.values["village"]})

    today = timezone.localdate()
    first_row_of_nik: dict[str, int] = {}
    for done, outcome in enumerate(outcomes, start=1):
        values = outcome.values
        check = validate_person(values, villages=villages, today=today)
        if check.errors:
            failed_columns = {col for col, _msg in outcome.errors}
            for name, messages in check.errors.items():
                column = COLUMN_OF_FIELD.get(name, name)
                if column in failed_columns:
                    continue  # the cell could not be read; its own message says why
                outcome.errors.extend((column, m) for m in messages)
        for name, limit in _MAX_LENGTHS.items():
            if len(values.get(name) or "") > limit:
                outcome.errors.append(
                    (COLUMN_OF_FIELD[name], _("Paling banyak %d karakter.") % limit)
                )
        outcome.nik_warnings = check.warnings
        outcome.warnings.extend(("nik", m) for m in check.warning_messages())
        nik = values.get("nik")
        if nik:
            first = first_row_of_nik.setdefault(nik, outcome.row)
            if first != outcome.row:
                outcome.errors.append(("nik", _("NIK sama dengan baris %d di berkas ini.") % first))
        if progress and done % PROGRESS_EVERY == 0:
            progress(ImportStage.CHECK, done, total)

    niks = {
        o.values["nik"]
        for o in outcomes
        if o.values.get("nik") and not any(col == "nik" for col, _m in o.errors)
    }
    registered = _registered_niks(niks)
    for outcome in outcomes:
        if outcome.values.get("nik") in registered:
            outcome.warnings.append(
                ("nik", _("NIK ini sudah ada di registri; periksa apakah orangnya sama."))
            )
    if progress:
        progress(ImportStage.CHECK, total, total)
    return outcomes


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows_where_in(model, column: str, values: set[str], *others: str) -> list[tuple]:
    """Returns (column, *others) of the rows of `model` whose `column` is one of `values`.

    Plain SQL: the ORM spends tens of microseconds preparing each value of a long IN list, which
    adds up over 100,000 rows. PostgreSQL takes the values as one array (planning a long IN list
    costs it more than the lookups); SQLite in chunks of 900 (its variable limit on old builds).
    """
    if not values:
        return []
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in (column, *others))
    head = f"SELECT {selected} FROM {qn(model._meta.db_table)} WHERE {qn(column)}"
    found = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [sorted(values)])
            return cursor.fetchall()
        for chunk in _chunks(sorted(values), 900):
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.extend(cursor.fetchall())
    return found


def _known_villages(codes: set[str]) -> set[str]:
    # By primary key only: with the level in the WHERE clause SQLite picks the (level, name)
    # index and scans all 83k villages for every chunk.
    rows = _rows_where_in(Region, "code", codes, "level")
    return {code for code, level in rows if level == RegionLevel.VILLAGE}


def _registered_niks(niks: set[str]) -> set[str]:
    return {nik for (nik,) in _rows_where_in(Person, "nik", niks)}


# --- Writing --------------------------------------------------------------------------------

# Persons written per round: ids drawn, rows built and written, progress reported.
WRITE_BATCH = 5000


def _json_text(value) -> str:
    # What JSONField stores (json.dumps); most rows hold an empty list.
    return "[]" if value == [] else json.dumps(value)


class _PersonRows:
    """Turns a row's checked values into a row of the person table, as the database takes it.

    Model instances and bulk_create() would spend several times the insert's own cost per row
    preparing each of the 23 values through its field. Here the values every row shares (time
    stamps, unit, defaults) are prepared once, and per row only dates and JSON need preparing.
    """

    def __init__(self, db, *, unit: Unit, actor, now: dt.datetime):
        fields = Person._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.names = [f.attname for f in fields]
        self.adapted = []  # (position, adapt) of the values prepared per row
        self.shared = {}
        for i, f in enumerate(fields):
            if isinstance(f, JSONField):
                adapt = _json_text
            elif f.get_internal_type() == "DateField":
                adapt = db.ops.adapt_datefield_value
            else:
                adapt = None
            if adapt:
                self.adapted.append((i, adapt))
                self.shared[f.attname] = f.get_default()
            else:
                self.shared[f.attname] = f.get_db_prep_save(f.get_default(), db)
        self.shared |= {
            "created_at": db.ops.adapt_datetimefield_value(now),
            "updated_at": db.ops.adapt_datetimefield_value(now),
            "unit_id": unit.pk,
            "registered_by_id": actor.pk,
        }

    def __call__(self, values: dict) -> list:
        """Returns the row for `values` (by attribute name; the others take the shared ones)."""
        record = self.shared | values
        row = [record[name] for name in self.names]
        for i, adapt in self.adapted:
            row[i] = adapt(row[i])
        return row


def _person_rows(
    to_row: _PersonRows, name_index, batch: list[RowOutcome], ids, registry_ids, tokens: list
) -> Iterator[list]:
    """Yields the person rows of a batch, and collects their name search keys into `tokens`.

    Rows are built as they are written: PostgreSQL stores each part of a COPY as it arrives, so
    the database works while Python prepares the next rows.
    """
    for outcome, pk, registry_id in zip(batch, ids, registry_ids, strict=True):
        values = outcome.values
        normalized, keys = name_index(values["full_name"], tuple(values["aliases"]))
        tokens.extend((pk, key) for key in keys)
        yield to_row(
            values
            | {
                "id": pk,
                "registry_id": registry_id,
                "village_id": values["village"],
                "name_normalized": normalized,
                "nik_warnings": outcome.nik_warnings,
            }
        )


def _reserve_person_ids(db, cursor, n: int) -> list[int]:
    """Returns n new person ids, taken from the database's own counter."""
    table = Person._meta.db_table
    if db.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return [pk for (pk,) in cursor.fetchall()]
    # SQLite: the import's transaction (BEGIN IMMEDIATE) holds the write lock, so nobody else
    # takes an id before these rows are in; an AUTOINCREMENT table never reuses a deleted id.
    qn = db.ops.quote_name
    cursor.execute(
        f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"COALESCE((SELECT MAX({qn('id')}) FROM {qn(table)}), 0))",
        [table],
    )
    last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + n))


def _fresh_registry_ids(n: int, drawn_before: set[str]) -> list[str]:
    """Returns n registry numbers in use neither in the registry nor earlier in this import.

    32^8 numbers make a clash rare (about one in a million per number at national scale) but
    not impossible in a 100,000-row import, so the numbers are looked up before they are used.
    """
    fresh: list[str] = []
    while len(fresh) < n:
        drawn = {new_registry_id() for _ in range(n - len(fresh))} - drawn_before
        drawn -= {registry_id for (registry_id,) in _rows_where_in(Person, "registry_id", drawn)}
        drawn_before |= drawn
        fresh.extend(drawn)
    return fresh


# SQLite page cache while writing, in KiB. Imported persons land at random places in the indexes
# on NIK, No. KK, registry number and name keys; at a million persons those outgrow the usual
# cache, and each insert would wait for index pages to be read again.
SQLITE_WRITE_CACHE_KIB = 256 * 1024


@contextmanager
def _write_cache(db, cursor):
    if db.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    usual = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def _import_unit(actor, unit: Unit | None) -> Unit:
    if not can_write_registry(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mengimpor data orang."))
    unit = unit or actor.unit
    if unit.pk != actor.unit_id and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Anda hanya boleh mengimpor data orang ke unit Anda sendiri."))
    return unit


def _write(
    *, actor, unit: Unit, outcomes: list[RowOutcome], result: ImportResult, progress
) -> None:
    good = [o for o in outcomes if not o.errors]
    total = len(good)
    if progress:
        progress(ImportStage.WRITE, 0, total)
    db = connections[DEFAULT_DB_ALIAS]
    person_row = _PersonRows(db, unit=unit, actor=actor, now=timezone.now())
    drawn: set[str] = set()
    # Many people share a full name; this import works each one out once.
    name_index = lru_cache(maxsize=None)(person_name_index)
    with transaction.atomic(), db.cursor() as cursor, _write_cache(db, cursor):
        for start in range(0, total, WRITE_BATCH):
            batch = good[start : start + WRITE_BATCH]
            ids = _reserve_person_ids(db, cursor, len(batch))
            registry_ids = _fresh_registry_ids(len(batch), drawn)
            tokens: list[tuple[int, str]] = []

            rows = _person_rows(person_row, name_index, batch, ids, registry_ids, tokens)
            rows_write(cursor, Person._meta.db_table, person_row.columns, rows)
            # In key order, the name-key index takes the batch in one sweep instead of at random.
            tokens.sort(key=itemgetter(1))
            rows_write(cursor, PersonNameToken._meta.db_table, ["person_id", "key"], tokens)
            for outcome in batch:
                outcome.imported = True
            result.person_ids.extend(ids)
            if progress:
                progress(ImportStage.WRITE, start + len(batch), total)
        audit_record(
            actor=actor,
            action="import",
            object_type=Person._meta.label_lower,
            object_repr=_("Impor %(file)s: %(n)s orang") % {"file": result.file_name, "n": total},
            changes={
                "file_name": result.file_name,
                "unit": unit.code,
                "rows": result.total,
                "created": total,
                "skipped_rows": result.error_rows,
                "warning_rows": result.warning_rows,
                "valid_only": result.valid_only,
                "person_ids": result.person_ids,
            },
        )


def person_import(
    *,
    actor,
    file=None,
    file_name: str = "",
    rows: Iterable[Mapping[str, Any]] | None = None,
    unit: Unit | None = None,
    valid_only: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports persons from a .csv/.xlsx file (or parsed rows) into `unit`, all or nothing.

    Every row is checked with the form's rules. If any row has an error nothing is written,
    unless `valid_only`, which writes the good rows and leaves the bad ones out. `progress` is
    called as progress(stage, done, total). One audit row records the whole import.
    """
    unit = _import_unit(actor, unit)
    if progress:
        progress(ImportStage.READ, 0, 0)
    if rows is not None:
        table = _table_from_rows(rows)
    elif file is not None:
        table = read_table(file, file_name)
    else:
        raise ApplicationError(_("Tidak ada berkas untuk diimpor."), code="import_file")
    if not table.rows:
        raise file_error(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
    result = ImportResult(
        file_name=file_name or (Path(file).name if isinstance(file, (str, Path)) else ""),
        unit=unit,
        valid_only=valid_only,
        headers=table.headers,
        ignored_columns=[
            h
            for h, k in zip(table.headers, table.keys, strict=True)
            if k not in COLUMN_BY_NAME and k not in REPORT_COLUMNS
        ],
    )
    if progress:
        progress(ImportStage.CHECK, 0, len(table.rows))
    result.rows = _check_rows(table, progress)
    if result.error_rows and not valid_only:
        return result
    # Reading and checking stay outside the transaction: on SQLite it holds the write lock.
    _write(actor=actor, unit=unit, outcomes=result.rows, result=result, progress=progress)
    return result


# --- The Excel copy with the problems, and the template -------------------------------------


def _inert(sheet, value):
    """Keeps text that starts with "=" as text: openpyxl would write it as a live formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def import_report_write(result: ImportResult, path) -> None:
    """Writes an .xlsx copy of the imported rows with columns for errors, warnings and status."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.freeze_panes = "A2"
    headers = [h for h in result.headers if header_key(h) not in REPORT_COLUMNS]
    keep = [i for i, h in enumerate(result.headers) if header_key(h) not in REPORT_COLUMNS]
    sheet.append([*headers, ERROR_COLUMN, WARNING_COLUMN, STATUS_COLUMN])
    bad = PatternFill("solid", fgColor="FDE8E8")
    red = Font(color="A11D1D")
    imported, not_imported = _("diimpor"), _("tidak diimpor")
    for outcome in result.rows:
        errors = "; ".join(f"{col}: {msg}" for col, msg in outcome.errors)
        warnings = "; ".join(f"{col}: {msg}" for col, msg in outcome.warnings)
        error_cell = errors
        if errors:
            error_cell = WriteOnlyCell(sheet, value=errors)
            error_cell.fill = bad
            error_cell.font = red
        sheet.append(
            [
                *(_inert(sheet, outcome.cells[i]) for i in keep),
                error_cell,
                warnings,
                imported if outcome.imported else not_imported,
            ]
        )
    book.save(path)


def import_template_xlsx() -> bytes:
    """Returns the import template: a "data" sheet with the header and an example row, and a
    "petunjuk" sheet explaining every column and the allowed codes."""
    book = Workbook()
    data = book.active
    data.title = "data"
    data.append([c.name for c in COLUMNS])
    data.append([c.example for c in COLUMNS])
    bold = Font(bold=True)
    for i, column in enumerate(COLUMNS, start=1):
        letter = data.cell(row=1, column=i).column_letter
        data.cell(row=1, column=i).font = bold
        data.column_dimensions[letter].width = max(14, len(column.example) + 2)
        if column.name in ("nik", "no_kk", "telepon", "kode_desa"):
            # Text cells keep all 16 digits and leading zeros.
            for row in range(2, 1002):
                data.cell(row=row, column=i).number_format = "@"
    data.freeze_panes = "A2"
    letters = {c.name: data.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, 1)}
    for name, values in (
        ("jenis_kelamin", Sex.values),
        ("klaster", TargetGroup.values),
        ("alasan_tanpa_nik", [v for v in NoNikReason.values if v]),
    ):
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        rule.add(f"{letters[name]}2:{letters[name]}100000")
        data.add_data_validation(rule)

    notes = book.create_sheet("petunjuk")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    notes.column_dimensions["D"].width = 24
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(text):
        notes.append([text])
        notes.cell(row=notes.max_row, column=1).font = bold

    heading(_("Petunjuk impor data orang"))
    for line in (
        _("Isi lembar 'data' mulai baris 2; baris 1 berisi nama kolom dan jangan diubah."),
        _("Hapus baris contoh sebelum mengunggah, atau biarkan bila memang ingin mengimpornya."),
        _(
            "Setiap baris diperiksa dengan aturan yang sama dengan formulir. Bila ada baris yang "
            "salah, tidak ada data yang diimpor, kecuali Anda memilih 'impor hanya baris yang "
            "valid'. Laporan Excel berisi kolom 'kesalahan' dan 'peringatan' untuk setiap baris."
        ),
        _(
            "Peringatan (misalnya tanggal lahir berbeda dengan NIK, atau NIK sudah ada di "
            "registri) tidak menghalangi impor."
        ),
        _(
            "Berkas CSV boleh dipisah koma atau titik koma, dengan pengodean UTF-8. Simpan NIK dan "
            "No. KK sebagai Teks agar 16 digitnya utuh."
        ),
    ):
        notes.append([line])
        notes.cell(row=notes.max_row, column=1).alignment = Alignment(wrap_text=False)
    notes.append([])
    heading(_("Kolom"))
    notes.append([_("kolom"), _("wajib"), _("keterangan"), _("contoh")])
    for column in COLUMNS:
        notes.append(
            [column.name, _("ya") if column.required else "", str(column.help), column.example]
        )
        notes.cell(row=notes.max_row, column=3).alignment = wrap
    for title, choices in (
        (_("Kode jenis_kelamin"), Sex.choices),
        (_("Kode klaster"), TargetGroup.choices),
        (_("Kode ragam_disabilitas"), DisabilityType.choices),
        (_("Kode alasan_tanpa_nik"), [(v, label) for v, label in NoNikReason.choices if v]),
    ):
        notes.append([])
        heading(title)
        for value, label in choices:
            notes.append([value, "", str(label)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_template_csv() -> bytes:
    """Returns the import template as CSV (UTF-8 with BOM so Excel reads it correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Background jobs for the page -----------------------------------------------------------

_UPLOAD_SUFFIXES = {".csv", ".xlsx"}


def _media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def import_job_create(*, actor, upload, unit: Unit | None = None, valid_only: bool = False):
    """Stores an uploaded file and queues its import; returns the job."""
    unit = _import_unit(actor, unit)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in _UPLOAD_SUFFIXES:
        raise file_error(_("Format berkas tidak didukung; unggah berkas .csv atau .xlsx."))
    if upload.size > _max_bytes():
        raise file_error(
            _("Berkas terlalu besar; paling besar %d MB.") % (_max_bytes() // (1024 * 1024))
        )
    relative = f"imports/{uuid.uuid4().hex}{suffix}"
    target = _media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    target.chmod(0o600)
    return ImportJob.objects.create(
        created_by=actor,
        unit=unit,
        file_name=Path(upload.name).name[:255],
        source_path=relative,
        valid_only=valid_only,
    )


def import_job_start(*, job: ImportJob, sync: bool | None = None) -> None:
    """Runs the job in a background thread once the current transaction commits.

    ATENSI_IMPORT_SYNC (or sync=True) runs it right away in this thread, as tests need.
    """
    if sync is None:
        sync = getattr(settings, "ATENSI_IMPORT_SYNC", False)
    if sync:
        import_job_run(job_id=job.pk)
        return
    transaction.on_commit(
        lambda: threading.Thread(
            target=_run_in_thread, args=(job.pk,), name=f"atensi-import-{job.pk}", daemon=True
        ).start()
    )


def _run_in_thread(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    finally:
        connections.close_all()


class _JobProgress:
    """Saves progress on the job at most twice a second, so the page can show it."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = (None, 0.0)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if connection.in_atomic_block:
            return  # inside the import's transaction the page could not see it anyway
        now = time.monotonic()
        last_stage, last_time = self.last
        if stage == last_stage and now - last_time < 0.5 and done < total:
            return
        self.last = (stage, now)
        ImportJob.objects.filter(pk=self.job_id).update(
            stage=stage, processed=done, total=total, updated_at=timezone.now()
        )


def import_job_run(*, job_id: int) -> ImportJob:
    """Runs a queued import job and records its outcome, report and problems on the job."""
    job = ImportJob.objects.select_related("created_by", "unit").get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status", "updated_at"])
    source = _media_path(job.source_path) if job.source_path else None
    try:
        result = person_import(
            actor=job.created_by,
            file=source,
            file_name=job.file_name,
            unit=job.unit,
            valid_only=job.valid_only,
            progress=_JobProgress(job.pk),
        )
        report_path = ""
        if result.error_rows or result.warning_rows:
            ImportJob.objects.filter(pk=job.pk).update(
                stage=ImportStage.REPORT, updated_at=timezone.now()
            )
            report_path = f"imports/{uuid.uuid4().hex}-laporan.xlsx"
            import_report_write(result, _media_path(report_path))
            _media_path(report_path).chmod(0o600)
        job.refresh_from_db()
        job.status = ImportStatus.DONE
        job.total = job.processed = result.total
        job.created = result.created
        job.error_rows = result.error_rows
        job.warning_rows = result.warning_rows
        job.issues = [i.as_dict() for i in result.issues[:JOB_ISSUES_SHOWN]]
        job.report_path = report_path
        if result.ignored_columns:
            job.message = _("Kolom yang tidak dikenal dan diabaikan: %s.") % ", ".join(
                result.ignored_columns
            )
    except ApplicationError as exc:
        job.refresh_from_db()
        job.status = ImportStatus.FAILED
        job.message = str(exc.message)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.refresh_from_db()
        job.status = ImportStatus.FAILED
        job.message = _("Impor gagal karena kesalahan sistem; tidak ada data yang diimpor.")
    finally:
        # The uploaded file holds personal data and is not needed once read.
        if source is not None:
            source.unlink(missing_ok=True)
    job.source_path = ""
    job.finished_at = timezone.now()
    job.save()
    return job


def import_job_get(user, pk) -> ImportJob:
    """Returns an import job its creator (or an administrator) may see, else raises NotFound."""
    jobs = ImportJob.objects.select_related("unit", "created_by")
    if user.role != Role.ADMIN:
        jobs = jobs.filter(created_by=user)
    try:
        return jobs.get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Impor tidak ditemukan.")) from None


def import_jobs_recent(user, *, limit: int = 10) -> QuerySet[ImportJob]:
    """Returns the user's latest import jobs."""
    return ImportJob.objects.filter(created_by=user).select_related("unit")[:limit]


@transaction.atomic
def import_report_open(*, actor, job: ImportJob) -> Path:
    """Returns the path of a job's error report and records the download (it holds personal data)."""
    job = import_job_get(actor, job.pk)
    path = _media_path(job.report_path) if job.report_path else None
    if path is None or not path.exists():
        raise NotFound(_("Laporan impor tidak tersedia."))
    audit_record(
        actor=actor,
        action="export",
        obj=job,
        changes={"report": job.report_path, "file_name": job.file_name},
    )
    return path
