"""Reading CSV and Excel (.xlsx) tables row by row, for imports of any size.

A table is its header row plus an iterator of (row number as the spreadsheet shows it, cells).
Rows are streamed, never all held at once: an SP2D export can hold a million lines. Blank rows
are skipped. Headers are compared by a normalised key (lower case, spaces, dots, dashes and
slashes as "_"), so "Kode Satker", "kode_satker" and "KODE-SATKER" are one column.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from atensi.common.errors import ApplicationError

SUFFIXES = (".csv", ".xlsx")
_HEADER_JUNK = re.compile(r"[\s.\-/]+")
_CHUNK = 1 << 20


def header_key(raw: Any) -> str:
    """Returns the normalised form of a column header."""
    text = str(raw or "").replace("\ufeff", "").strip().lower()
    return _HEADER_JUNK.sub("_", text).strip("_")


def file_error(message, **details) -> ApplicationError:
    return ApplicationError(message, code="import_file", details=details)


@dataclass
class Table:
    headers: list[str]  # as written in the file
    keys: list[str]  # normalised
    rows: Iterator[tuple[int, list]]
    estimated_rows: int  # for progress; 0 when unknown

    def index(self, key: str) -> int | None:
        """Returns the position of the column with this normalised key, or None."""
        try:
            return self.keys.index(key)
        except ValueError:
            return None


def _is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _headers(raw: list) -> tuple[list[str], list[str]]:
    headers = ["" if h is None else str(h).replace("\ufeff", "").strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    keys = [header_key(h) for h in headers]
    doubled = sorted({k for k in keys if k and keys.count(k) > 1})
    if doubled:
        raise file_error(
            _("Kolom berikut muncul lebih dari sekali: %s.") % ", ".join(doubled), columns=doubled
        )
    return headers, keys


def _rows(raw_rows: Iterator[list], width: int, first_number: int) -> Iterator[tuple[int, list]]:
    for number, raw in enumerate(raw_rows, start=first_number):
        cells = list(raw[:width])
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        first = cells[0] if cells else None
        # Most rows start with a value; only the others need the full blank check.
        if (first is None or (isinstance(first, str) and not first.strip())) and _is_blank(cells):
            continue  # blank lines, and rows Excel keeps because they were once formatted
        yield number, cells


def _binary(source) -> tuple[IO[bytes], bool]:
    """Returns a binary stream for a path or an uploaded file, and whether we opened it."""
    if isinstance(source, (str, Path)):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller's context
    if hasattr(source, "seek"):
        source.seek(0)
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source), True
    return source, False


def _count_lines(stream: IO[bytes]) -> int:
    count = 0
    while chunk := stream.read(_CHUNK):
        count += chunk.count(b"\n")
    stream.seek(0)
    return count


def _encoding(stream: IO[bytes]) -> str:
    head = stream.read(64 * 1024)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Cut at the last newline so a multi-byte character is never split by the sample's end.
    sample = head[: head.rfind(b"\n") + 1] or head
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        # "CSV" saved by Excel on Windows is in the ANSI code page, not UTF-8.
        return "cp1252"
    return "utf-8"


def _csv_rows(text: IO[str], delimiter: str) -> Iterator[list]:
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise file_error(
            _("Berkas CSV tidak berpengodean UTF-8 yang sah; simpan ulang sebagai CSV UTF-8.")
        ) from None
    except csv.Error as exc:
        raise file_error(_("Berkas CSV rusak: %s.") % exc) from None


@contextmanager
def _open_csv(source) -> Iterator[Table]:
    stream, opened = _binary(source)
    try:
        seekable = stream.seekable()
        estimated = _count_lines(stream) if seekable else 0
        encoding = _encoding(stream) if seekable else "utf-8-sig"
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        first = text.readline()
        if not first.strip():
            raise file_error(_("Berkas kosong: tidak ada baris judul kolom."))
        # Indonesian-locale Excel writes ';' because the comma is the decimal separator.
        delimiter = max((";", ",", "\t"), key=first.count)
        headers, keys = _headers(next(csv.reader([first], delimiter=delimiter)))
        try:
            yield Table(
                headers,
                keys,
                _rows(_csv_rows(text, delimiter), len(headers), 2),
                max(estimated - 1, 0),
            )
        finally:
            text.detach()  # the binary stream is closed (or left to its owner) below
    finally:
        if opened:
            stream.close()


@contextmanager
def _open_xlsx(source) -> Iterator[Table]:
    from openpyxl import load_workbook

    stream, opened = _binary(source)
    try:
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise file_error(
                _(
                    "Berkas Excel tidak dapat dibaca (%s). Simpan ulang sebagai .xlsx lalu unggah lagi."
                )
                % exc.__class__.__name__
            ) from None
        try:
            sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
            raw_rows = sheet.iter_rows(values_only=True)
            first = next(raw_rows, None)
            if first is None:
                raise file_error(_("Berkas kosong: tidak ada baris judul kolom."))
            headers, keys = _headers(list(first))
            estimated = max((sheet.max_row or 1) - 1, 0)
            yield Table(headers, keys, _rows(raw_rows, len(headers), 2), estimated)
        finally:
            book.close()
    finally:
        if opened:
            stream.close()


@contextmanager
def open_table(source, file_name: str = "") -> Iterator[Table]:
    """Opens a .csv or .xlsx file (a path, bytes or an uploaded file) as a streamed Table."""
    name = file_name or (
        str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "")
    )
    suffix = Path(name or "").suffix.lower()
    if suffix == ".csv":
        opener = _open_csv
    elif suffix == ".xlsx":
        opener = _open_xlsx
    else:
        raise file_error(_("Format berkas tidak didukung; unggah berkas .csv atau .xlsx."))
    with opener(source) as table:
        yield table
