"""File mode: duplicates inside one spreadsheet (CSV), for data officers cleaning it before import.

Plain Python around the engine (no database): read the CSV, map columns to roles, run the model,
write `id_a,id_b,probability` for every pair at or above the threshold, likeliest first.
"""

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _
from pyarrow import csv as pa_csv

from atensi.dedup.engine import ROLES, Settings, build_dataset, deduplicate
from atensi.dedup.engine.dataset import PARTS

# Roles of `--column ROLE=COL[,COL…]`: the engine's; birth_place is compared like a name (fuzzy).
FILE_ROLES = ROLES
OUTPUT_HEADER = ["id_a", "id_b", "probability"]
# Where the model runs: in this process, or on Apache Spark (atensi.dedup.engine.spark).
ENGINES = ("embedded", "spark")


class FileModeError(Exception):
    """A problem with the command line or the input file, told to the person in plain words.

    The messages go through Django's gettext, so the caller has Django set up (the command does).
    """


@dataclass
class ColumnSpec:
    role: str
    columns: list[str]


def parse_column_spec(text: str) -> ColumnSpec:
    """Returns the role and columns of one `ROLE=COL[,COL…]` argument."""
    role, sep, columns = text.partition("=")
    role = role.strip().lower()
    names = [c.strip() for c in columns.split(",") if c.strip()]
    if not sep or not names:
        raise FileModeError(_("--column %(spec)s: tulis PERAN=KOLOM[,KOLOM…]") % {"spec": text})
    if role not in FILE_ROLES:
        raise FileModeError(
            _("--column %(spec)s: peran %(role)s tidak dikenal; peran yang ada: %(roles)s")
            % {"spec": text, "role": role, "roles": ", ".join(FILE_ROLES)}
        )
    return ColumnSpec(role, names)


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


@dataclass
class Table:
    """A CSV file as columns of strings (pyarrow), by header name."""

    header: list[str]
    columns: dict[str, pa.ChunkedArray]

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def column(self, name: str) -> pa.ChunkedArray:
        return self.columns[name]


def read_table(path: Path) -> Table:
    """Returns the header and columns of a CSV file (comma, semicolon, tab or | separated).

    Arrow's CSV reader parses on every core; a file it cannot take as it is (rows of unequal
    length, line breaks inside quoted cells) is read again with Python's csv module.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            sample = f.read(65536)
            f.seek(0)
            dialect = _sniff_dialect(sample)
            header = next(csv.reader(f, dialect), None)
    except FileNotFoundError:
        raise FileModeError(_("%(path)s: berkas tidak ada") % {"path": path}) from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    if not header:
        raise FileModeError(_("%(path)s: berkas kosong (tanpa baris judul)") % {"path": path})
    header = [h.strip() for h in header]
    names = [f"c{k}" for k in range(len(header))]  # the header may repeat a name
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=dialect.delimiter, quote_char=dialect.quotechar or '"'
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
        columns = {h: table.column(n) for h, n in reversed(list(zip(header, names, strict=True)))}
    except (pa.ArrowInvalid, UnicodeDecodeError):
        columns = _read_with_python(path, dialect, header)
    return Table(header, columns)


def _not_utf8(path: Path) -> FileModeError:
    return FileModeError(
        _("%(path)s: bukan teks UTF-8; simpan lembar kerja sebagai CSV UTF-8") % {"path": path}
    )


def _read_with_python(path: Path, dialect, header: list[str]) -> dict[str, pa.ChunkedArray]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, dialect)
            next(reader, None)
            rows = list(reader)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    columns: dict[str, pa.ChunkedArray] = {}
    for k, name in reversed(list(enumerate(header))):
        cells = [row[k] if k < len(row) else "" for row in rows]
        columns[name] = pa.chunked_array([pa.array(cells, pa.string())])
    return columns


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(column)


def _joined(columns: list[pa.ChunkedArray], separator: str, skip_empty: bool) -> pa.ChunkedArray:
    """Returns the cells of several columns joined per row (empty cells left out if skip_empty)."""
    if len(columns) == 1:
        return columns[0]
    if skip_empty:
        parts = [pc.if_else(pc.equal(c, ""), pa.scalar(None, pa.string()), c) for c in columns]
        joined = pc.binary_join_element_wise(*parts, separator, null_handling="skip")
        return pc.fill_null(joined, "")
    return pc.binary_join_element_wise(*columns, separator)


def _values(specs: list[ColumnSpec], table: Table) -> tuple[dict, dict]:
    header = table.header
    for spec in specs:
        missing = [c for c in spec.columns if c not in table.columns]
        if missing:
            raise FileModeError(
                _(
                    "--column %(role)s=…: kolom %(missing)s tidak ada di berkas; kolomnya: %(header)s"
                )
                % {"role": spec.role, "missing": ", ".join(missing), "header": ", ".join(header)}
            )
    seen = [s.role for s in specs if s.role != "other"]
    twice = sorted({r for r in seen if seen.count(r) > 1})
    if twice:
        raise FileModeError(
            _("peran %(roles)s disebut lebih dari sekali; tulis kolom-kolomnya dalam satu --column")
            % {"roles": ", ".join(twice)}
        )

    values: dict[str, pa.ChunkedArray] = {}
    others: dict[str, pa.ChunkedArray] = {}
    for spec in specs:
        # A single column goes to the normalisers as it is (each ignores surrounding spaces);
        # cells that are joined are trimmed first, so that a blank one counts as empty.
        data = [
            table.column(c) if len(spec.columns) == 1 else _trimmed(table.column(c))
            for c in spec.columns
        ]
        if spec.role == "other":
            others.update(zip(spec.columns, data, strict=True))
        elif spec.role == "region":
            values["region"] = _joined(data, PARTS, skip_empty=False)
        elif spec.role == "birth_date":
            if len(data) == 1:
                values["birth_date"] = data[0]
            elif len(data) == 3:
                day, month, year = (
                    pc.if_else(pc.equal(c, ""), "00", c) if k < 2 else c for k, c in enumerate(data)
                )
                date = pc.binary_join_element_wise(day, month, year, "-")
                values["birth_date"] = pc.if_else(pc.equal(year, ""), "", date)
            else:
                raise FileModeError(
                    _("--column birth_date=…: satu kolom (tanggal) atau tiga (hari, bulan, tahun)")
                )
        elif spec.role in {"nik", "kk", "phone", "sex"}:
            first = pc.coalesce(
                *[pc.if_else(pc.equal(c, ""), pa.scalar(None, pa.string()), c) for c in data]
            )
            values[spec.role] = pc.fill_null(first, "")
        else:
            values[spec.role] = _joined(data, " ", skip_empty=True)
    return values, others


Progress = Callable[[str, int, int], None]


@dataclass
class FileRunSummary:
    records: int
    candidate_pairs: int
    pairs_written: int
    threshold: float
    model_threshold: float
    timings: dict


def dedup_file(
    *,
    input_path: Path,
    id_column: str,
    columns: list[str],
    output_path: Path,
    threshold: float | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    engine: str = "embedded",
) -> FileRunSummary:
    """Writes the likely duplicate pairs of a CSV file to output_path and returns a summary."""
    if engine not in ENGINES:
        raise FileModeError(
            _("--engine %(engine)s: pilih salah satu dari %(engines)s")
            % {"engine": engine, "engines": ", ".join(ENGINES)}
        )
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise FileModeError(
            _("--threshold %(value)s: peluang antara 0 dan 1") % {"value": threshold}
        )
    specs = [parse_column_spec(text) for text in columns]
    if not specs:
        raise FileModeError(_("sebutkan sedikitnya satu --column PERAN=KOLOM (misalnya name=nama)"))
    started = time.perf_counter()
    table = read_table(Path(input_path))
    header = table.header
    if id_column not in header:
        raise FileModeError(
            _("--id-column %(column)s: kolom tidak ada; kolomnya: %(header)s")
            % {"column": id_column, "header": ", ".join(header)}
        )
    if progress:
        progress("reading", 0, 1)
    id_cells = _trimmed(table.column(id_column))
    blank = np.flatnonzero(pc.equal(id_cells, "").to_numpy(zero_copy_only=False)) + 2
    if len(blank):
        raise FileModeError(
            _("%(column)s: id kosong pada baris %(lines)s")
            % {"column": id_column, "lines": _lines(blank.tolist())}
        )
    ids = id_cells.to_pylist()
    if pc.count_distinct(id_cells).as_py() != len(ids):
        seen: set[str] = set()
        repeated = [n + 2 for n, value in enumerate(ids) if value in seen or seen.add(value)]
        raise FileModeError(
            _("%(column)s: id yang sama muncul lagi pada baris %(lines)s")
            % {"column": id_column, "lines": _lines(repeated)}
        )
    values, others = _values(specs, table)
    timings = {"reading": round(time.perf_counter() - started, 3)}
    started = time.perf_counter()
    dataset = build_dataset(ids, values, others)
    timings["normalising"] = round(time.perf_counter() - started, 3)
    if engine == "spark":
        from atensi.dedup.engine.spark import deduplicate_spark

        result = deduplicate_spark(dataset, settings, progress)
    else:
        result = deduplicate(dataset, settings, progress)
    timings.update(result.timings)
    started = time.perf_counter()
    cut = result.threshold if threshold is None else threshold
    chosen = result.above(cut)
    id_array = np.asarray(ids, dtype=object)
    i, j, p = result.pairs.i[chosen], result.pairs.j[chosen], result.probability[chosen]
    with Path(output_path).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(OUTPUT_HEADER)
        writer.writerows(zip(id_array[i], id_array[j], (f"{x:.6f}" for x in p), strict=True))
    timings["writing"] = round(time.perf_counter() - started, 3)
    return FileRunSummary(
        records=len(ids),
        candidate_pairs=len(result.pairs.i),
        pairs_written=len(chosen),
        threshold=cut,
        model_threshold=result.threshold,
        timings=timings,
    )


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    if len(numbers) > 10:
        return _("%(shown)s dan %(more)d lagi") % {"shown": shown, "more": len(numbers) - 10}
    return shown
