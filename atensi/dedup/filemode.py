"""File mode: duplicates inside one spreadsheet (CSV), for data officers cleaning it before import.

Plain Python around the engine (no database): read the CSV, map columns to roles, run the model,
write `id_a,id_b,probability` for every pair at or above the threshold, likeliest first.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from atensi.dedup.engine import Settings, build_dataset, deduplicate

# Roles of `--column ROLE=COL[,COL…]`; birth_place is compared like a name (fuzzy).
FILE_ROLES = (
    "name",
    "birth_date",
    "sex",
    "nik",
    "kk",
    "address",
    "region",
    "parent_name",
    "phone",
    "birth_place",
    "other",
)
OUTPUT_HEADER = ["id_a", "id_b", "probability"]


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


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Returns the header and rows of a CSV file (comma, semicolon or tab separated)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            sample = f.read(65536)
            f.seek(0)
            reader = csv.reader(f, _sniff_dialect(sample))
            header = next(reader, None)
            rows = list(reader)
    except FileNotFoundError:
        raise FileModeError(_("%(path)s: berkas tidak ada") % {"path": path}) from None
    except UnicodeDecodeError:
        raise FileModeError(
            _("%(path)s: bukan teks UTF-8; simpan lembar kerja sebagai CSV UTF-8") % {"path": path}
        ) from None
    if not header:
        raise FileModeError(_("%(path)s: berkas kosong (tanpa baris judul)") % {"path": path})
    return [h.strip() for h in header], rows


def _values(specs: list[ColumnSpec], header: list[str], rows: list[list[str]]) -> tuple[dict, dict]:
    position = {name: index for index, name in enumerate(header)}
    for spec in specs:
        missing = [c for c in spec.columns if c not in position]
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

    def cells(spec: ColumnSpec) -> list[list[str]]:
        index = [position[c] for c in spec.columns]
        return [[row[k].strip() if k < len(row) else "" for k in index] for row in rows]

    values: dict[str, list] = {}
    others: dict[str, list[str]] = {}
    for spec in specs:
        data = cells(spec)
        if spec.role == "other":
            for offset, column in enumerate(spec.columns):
                others[column] = [row[offset] for row in data]
        elif spec.role == "region":
            values["region"] = data
        elif spec.role == "birth_date":
            if len(spec.columns) == 1:
                values["birth_date"] = [row[0] for row in data]
            elif len(spec.columns) == 3:
                values["birth_date"] = [
                    f"{d or '00'}-{m or '00'}-{y}" if y else "" for d, m, y in data
                ]
            else:
                raise FileModeError(
                    _("--column birth_date=…: satu kolom (tanggal) atau tiga (hari, bulan, tahun)")
                )
        elif spec.role in {"nik", "kk", "phone", "sex"}:
            values[spec.role] = [next((v for v in row if v), "") for row in data]
        else:
            values[spec.role] = [" ".join(v for v in row if v) for row in data]
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
) -> FileRunSummary:
    """Writes the likely duplicate pairs of a CSV file to output_path and returns a summary."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise FileModeError(
            _("--threshold %(value)s: peluang antara 0 dan 1") % {"value": threshold}
        )
    specs = [parse_column_spec(text) for text in columns]
    if not specs:
        raise FileModeError(_("sebutkan sedikitnya satu --column PERAN=KOLOM (misalnya name=nama)"))
    header, rows = read_table(Path(input_path))
    if id_column not in header:
        raise FileModeError(
            _("--id-column %(column)s: kolom tidak ada; kolomnya: %(header)s")
            % {"column": id_column, "header": ", ".join(header)}
        )
    if progress:
        progress("reading", 0, 1)
    id_index = header.index(id_column)
    ids = [row[id_index].strip() if id_index < len(row) else "" for row in rows]
    blank = [n + 2 for n, value in enumerate(ids) if not value]
    if blank:
        raise FileModeError(
            _("%(column)s: id kosong pada baris %(lines)s")
            % {"column": id_column, "lines": _lines(blank)}
        )
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        repeated = [n + 2 for n, value in enumerate(ids) if value in seen or seen.add(value)]
        raise FileModeError(
            _("%(column)s: id yang sama muncul lagi pada baris %(lines)s")
            % {"column": id_column, "lines": _lines(repeated)}
        )
    values, others = _values(specs, header, rows)
    dataset = build_dataset(ids, values, others)
    result = deduplicate(dataset, settings, progress)
    cut = result.threshold if threshold is None else threshold
    chosen = result.above(cut)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_HEADER)
    i, j, p = result.pairs.i, result.pairs.j, result.probability
    for row in chosen:
        writer.writerow([ids[i[row]], ids[j[row]], f"{p[row]:.6f}"])
    Path(output_path).write_text(buffer.getvalue(), encoding="utf-8")
    return FileRunSummary(
        records=len(ids),
        candidate_pairs=len(result.pairs.i),
        pairs_written=len(chosen),
        threshold=cut,
        model_threshold=result.threshold,
        timings=result.timings,
    )


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    if len(numbers) > 10:
        return _("%(shown)s dan %(more)d lagi") % {"shown": shown, "more": len(numbers) - 10}
    return shown
