"""Budget measurements against one configured database (run by bench/budget/run.py, not a test).

    DATABASE_URL=... python -m bench.budget.measure --sp2d FILE --inputs DIR [--ta YEAR]

Against the configured database (migrated, units loaded): loads the SP2D file plainly
(executemany on SQLite, COPY on PostgreSQL, no checks) and times it, empties the table, imports
the same file with `budget_import` and times that, imports it again (nothing may change), imports
the DIPA, Hal III, blokir and output files of `--inputs` so every figure has its inputs, then
times `score_table` (every satker's figures and the eselon I's) from the stored summary, and again
after rebuilding the summary from the SP2D lines. In the same process DuckDB loads the same SP2D
and DIPA/blokir files and computes the same aggregates in SQL; its results are checked against
atensi's (the monthly summary row by row, and each satker's pagu, blokir, realisation and
absorption). Prints one JSON object.
"""

import argparse
import csv
import datetime as dt
import json
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("dipa", "plan", "blokir", "output")


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _best(fn, repeats: int = 3) -> tuple[float, object]:
    """Runs fn `repeats` times; returns the shortest time in seconds and the last result."""
    timings, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - started)
    return min(timings), result


# --- atensi -----------------------------------------------------------------------------------


def plain_load(path: Path) -> float:
    """Loads the file into budget_realisation as plainly as possible; returns seconds."""
    from django.db import connection, transaction

    from atensi.organisation.models import Unit

    units = dict(Unit.objects.values_list("code", "id"))
    columns = (
        "ta, unit_id, kppn, program_code, kegiatan_code, kro_code, ro_code, akun, jenis_belanja, "
        "sumber_dana, sp2d_number, sp2d_date, spm_type, amount, line_key"
    )
    started = time.perf_counter()
    with open(path, newline="") as f, transaction.atomic(), connection.cursor() as cursor:
        reader = csv.reader(f)
        next(reader)
        rows = (
            (
                int(r[0]),
                units[r[1]],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[7][:2],
                r[8],
                r[9],
                r[10],
                r[11],
                int(r[12]),
                f"plain-{n}",
            )
            for n, r in enumerate(reader)
        )
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY budget_realisation ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 15)
            sql = f"INSERT INTO budget_realisation ({columns}) VALUES ({marks})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    return time.perf_counter() - started


def empty(ta: int) -> None:
    """Removes the bench TA's budget data (and the bench import batches)."""
    from django.db import transaction

    from atensi.budget.models import (
        Allocation,
        Blokir,
        ImportBatch,
        MonthlyPlan,
        Output,
        OutputReport,
        PeriodLock,
        Realisation,
        RealisationMonth,
        Restatement,
        Revision,
    )

    with transaction.atomic():
        Realisation.objects.filter(ta=ta).delete()
        RealisationMonth.objects.filter(ta=ta).delete()
        Restatement.objects.filter(lock__ta=ta).delete()
        PeriodLock.objects.filter(ta=ta).delete()
        OutputReport.objects.filter(output__ta=ta).delete()
        Blokir.objects.filter(ta=ta).delete()
        Allocation.objects.filter(output__ta=ta).delete()
        Output.objects.filter(ta=ta).delete()
        MonthlyPlan.objects.filter(ta=ta).delete()
        Revision.objects.filter(ta=ta).delete()
        ImportBatch.objects.filter(file_name__startswith="bench-").delete()


def _summary_rows(ta: int) -> set[tuple]:
    from atensi.budget.models import RealisationMonth

    return set(
        RealisationMonth.objects.filter(ta=ta)
        .order_by()
        .values_list(
            "unit__code",
            "program_code",
            "kegiatan_code",
            "kro_code",
            "ro_code",
            "jenis_belanja",
            "month",
            "amount",
            "lines",
        )
    )


# --- DuckDB -----------------------------------------------------------------------------------

DUCKDB_SUMMARY = """
    SELECT kode_satker, program, kegiatan, kro, ro, left(akun, 2) AS jenis,
           month(tanggal_sp2d) AS month, sum(nilai) AS amount, count(*) AS lines
    FROM sp2d WHERE tahun = $ta
    GROUP BY ALL
"""
# Each satker's pagu, blokir in force and realisation at the period's end, and absorption
# against pagu and against pagu − blokir, as atensi's figures_for computes them.
DUCKDB_FIGURES = """
    WITH real AS (
        SELECT kode_satker, sum(nilai) AS realisasi FROM sp2d
        WHERE tahun = $ta AND month(tanggal_sp2d) <= $month GROUP BY kode_satker
    ), pagu AS (
        SELECT kode_satker, sum(pagu) AS pagu FROM dipa WHERE tahun = $ta GROUP BY kode_satker
    ), blocked AS (
        SELECT kode_satker, sum(jumlah) AS blokir FROM blokir
        WHERE tahun = $ta AND tanggal_blokir <= $as_of
          AND (tanggal_dibuka IS NULL OR $as_of < tanggal_dibuka)
        GROUP BY kode_satker
    )
    SELECT p.kode_satker, p.pagu, coalesce(b.blokir, 0) AS blokir,
           coalesce(r.realisasi, 0) AS realisasi,
           round(coalesce(r.realisasi, 0) * 100.0 / p.pagu, 2) AS penyerapan,
           round(coalesce(r.realisasi, 0) * 100.0 / (p.pagu - coalesce(b.blokir, 0)), 2)
               AS penyerapan_netto
    FROM pagu p LEFT JOIN real r USING (kode_satker) LEFT JOIN blocked b USING (kode_satker)
    ORDER BY p.kode_satker
"""


def duckdb_measure(sp2d: Path, inputs: Path, ta: int) -> dict:
    """Loads the same files into an in-memory DuckDB and computes the same aggregates."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    started = time.perf_counter()
    con.execute(
        """CREATE TABLE sp2d AS SELECT * FROM read_csv($path, header = true, columns = {
            'tahun': 'INTEGER', 'kode_satker': 'VARCHAR', 'kppn': 'VARCHAR',
            'program': 'VARCHAR', 'kegiatan': 'VARCHAR', 'kro': 'VARCHAR', 'ro': 'VARCHAR',
            'akun': 'VARCHAR', 'sumber_dana': 'VARCHAR', 'nomor_sp2d': 'VARCHAR',
            'tanggal_sp2d': 'DATE', 'jenis_spm': 'VARCHAR', 'nilai': 'BIGINT'})""",
        {"path": str(sp2d)},
    )
    load_s = time.perf_counter() - started
    for kind in ("dipa", "blokir"):
        con.execute(
            f"CREATE TABLE {kind} AS SELECT * FROM read_csv($path, header = true, "
            "types = {'kode_satker': 'VARCHAR'})",
            {"path": str(inputs / f"bench-{kind}.csv")},
        )
    as_of = dt.date(ta, 12, 31)

    def both():
        summary = con.execute(DUCKDB_SUMMARY, {"ta": ta}).fetchall()
        figures = con.execute(DUCKDB_FIGURES, {"ta": ta, "month": 12, "as_of": as_of}).fetchall()
        return summary, figures

    seconds, (summary, figures) = _best(both)
    return {
        "load_s": round(load_s, 3),
        "aggregates_s": round(seconds, 4),
        "summary": {tuple(row) for row in summary},
        "figures": figures,
        "version": duckdb.__version__,
    }


def _compare(atensi_summary: set, atensi_table: dict, duck: dict) -> dict:
    """Checks DuckDB's aggregates equal atensi's; returns what was compared and what differed."""
    two = Decimal("0.01")
    by_code = {row["code"]: row for row in atensi_table["satker"]}
    figure_diffs = []
    for code, pagu, blokir, realisasi, penyerapan, netto in duck["figures"]:
        ours = by_code.get(code)
        theirs = {
            "pagu": int(pagu),
            "blokir": int(blokir),
            "realisasi": int(realisasi),
            "penyerapan": Decimal(str(penyerapan)).quantize(two, ROUND_HALF_UP),
            "penyerapan_netto": Decimal(str(netto)).quantize(two, ROUND_HALF_UP),
        }
        if ours is None:
            figure_diffs.append({"code": code, "atensi": None, "duckdb": str(theirs)})
            continue
        mine = {
            key: Decimal(str(ours[key])).quantize(two) if "penyerapan" in key else ours[key]
            for key in theirs
        }
        if mine != theirs:
            figure_diffs.append({"code": code, "atensi": str(mine), "duckdb": str(theirs)})
    missing = set(by_code) - {row[0] for row in duck["figures"]}
    only_atensi = atensi_summary - duck["summary"]
    only_duckdb = duck["summary"] - atensi_summary
    return {
        "summary_rows": len(atensi_summary),
        "summary_equal": not only_atensi and not only_duckdb,
        "summary_differences": len(only_atensi) + len(only_duckdb),
        "satker_compared": len(duck["figures"]),
        "figures_equal": not figure_diffs and not missing,
        "figure_differences": figure_diffs[:5] + [{"code": c, "duckdb": None} for c in missing],
    }


# --- the run ----------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.budget.measure")
    parser.add_argument("--sp2d", type=Path, required=True, help="the SP2D CSV file")
    parser.add_argument("--inputs", type=Path, required=True, help="folder of the DIPA etc. files")
    parser.add_argument("--ta", type=int, required=True)
    parser.add_argument("--lines", type=int, required=True, help="lines in the SP2D file")
    opts = parser.parse_args(argv)
    _setup()
    from django.db import connection

    from atensi.accounts.models import Role, User
    from atensi.budget.figures import period_for, score_table
    from atensi.budget.importing import budget_import
    from atensi.budget.rules import rule_sets_load
    from atensi.budget.services import realisation_summary_rebuild
    from atensi.organisation.models import Unit

    rule_sets_load()
    actor = User.objects.filter(username="bench-budget").first() or User.objects.create(
        username="bench-budget", role=Role.ADMIN, unit=Unit.objects.get(code="630001")
    )
    out: dict = {"database": connection.vendor, "lines": opts.lines, "ta": opts.ta}
    ta = opts.ta

    empty(ta)
    out["plain_load_s"] = round(plain_load(opts.sp2d), 2)
    empty(ta)
    started = time.perf_counter()
    result = budget_import(actor=actor, kind="realisation", file=opts.sp2d)
    out["import_s"] = round(time.perf_counter() - started, 2)
    if result.created != opts.lines:
        raise SystemExit(f"import created {result.created} of {opts.lines}: {result.as_dict()}")
    out["import_ratio"] = round(out["plain_load_s"] / out["import_s"], 3)
    out["plain_rows_per_s"] = round(opts.lines / out["plain_load_s"])
    out["import_rows_per_s"] = round(opts.lines / out["import_s"])
    started = time.perf_counter()
    again = budget_import(actor=actor, kind="realisation", file=opts.sp2d)
    out["reimport_s"] = round(time.perf_counter() - started, 2)
    out["reimport_unchanged"] = again.created == 0 and again.skipped == opts.lines

    started = time.perf_counter()
    for kind in KINDS:
        done = budget_import(actor=actor, kind=kind, file=opts.inputs / f"bench-{kind}.csv")
        if done.rejected:
            raise SystemExit(f"{kind} import rejected rows: {done.as_dict()}")
    out["budget_files_s"] = round(time.perf_counter() - started, 2)

    period = period_for(ta, month=12)
    seconds, table = _best(lambda: score_table(ta, period))
    out["all_figures_s"] = round(seconds, 3)
    out["satker"] = len(table["satker"])
    out["ikpa_computed"] = sum(1 for row in table["satker"] if row["ikpa"] is not None)
    out["nka_computed"] = sum(1 for row in table["satker"] if row["nka"] is not None)

    def from_lines():
        realisation_summary_rebuild(ta=ta)
        return score_table(ta, period)

    seconds, _table = _best(from_lines, repeats=2)
    out["all_figures_from_lines_s"] = round(seconds, 3)
    summary = _summary_rows(ta)

    duck = duckdb_measure(opts.sp2d, opts.inputs, ta)
    out["duckdb"] = {k: duck[k] for k in ("load_s", "aggregates_s", "version")}
    out["ratio_to_duckdb"] = round(out["all_figures_s"] / duck["aggregates_s"], 1)
    out["ratio_from_lines_to_duckdb"] = round(
        out["all_figures_from_lines_s"] / duck["aggregates_s"], 1
    )
    out["check"] = _compare(summary, table, duck)
    empty(ta)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
