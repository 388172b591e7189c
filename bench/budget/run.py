"""Budget benchmark (issue 4): SP2D import and all figures of a TA, on SQLite and PostgreSQL.

    python -m bench.budget.run [--lines N] [--quick] [--only sqlite|postgres] [--ta YEAR]

Writes once, under var/bench/budget/, a realistic SP2D export of N lines (default 1,000,000) for
the 31 sentra and the DIPA, Hal III, blokir and output files that give every figure its inputs
(reused by later runs: the same seed gives the same files). For each database (var/bench/
budget.sqlite3, and atensi_bench_budget on PostgreSQL) it migrates, loads the units, then runs
bench/budget/measure.py in its own process:

- import: `budget_import` of the SP2D file (rows/s) against a plain bulk load of the same file
  into the same table (executemany on SQLite, COPY on PostgreSQL) — target ≥ 30 %;
- all figures: `score_table` (every satker's realisation, IKPA, NKA and the eselon I's) from the
  N stored lines — target < 2 s — and, in the same process, DuckDB computing the same aggregates
  in SQL over the same rows loaded from the same CSV, with the ratio atensi / DuckDB and a check
  that both give the same figures.

Writes bench/budget/results.json (with "summary", one row per target and database) and
bench/budget/results.md.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

from bench.common import (
    BENCH_DIR,
    LABELS,
    ROOT,
    backends_run,
    check,
    machine,
    now,
    postgres_database,
    python_run,
    results_write,
    sqlite_database,
)

HERE = Path(__file__).resolve().parent
FILES_DIR = BENCH_DIR / "budget"
POSTGRES_DB = "atensi_bench_budget"
SEED = 7
TARGETS = {"import_ratio": 0.30, "all_figures_s": 2.0}

UNITS = [f"6301{i:02d}" for i in range(1, 32)]
AKUN = ["511111", "511121", "521211", "521219", "522151", "524111", "532111", "571111"]
ROS = [("6371", "QDB", f"{i:03d}") for i in range(1, 6)] + [
    ("6372", "QAH", f"{i:03d}") for i in range(1, 4)
]
SP2D_HEADER = [
    "tahun",
    "kode_satker",
    "kppn",
    "program",
    "kegiatan",
    "kro",
    "ro",
    "akun",
    "sumber_dana",
    "nomor_sp2d",
    "tanggal_sp2d",
    "jenis_spm",
    "nilai",
]


# --- the data set -----------------------------------------------------------------------------


def write_sp2d(path: Path, lines: int, ta: int) -> None:
    """Writes a realistic SP2D export: one KPPN per satker, 8 RO, 8 akun, 2 % corrections."""
    rng = random.Random(SEED)
    start = dt.date(ta, 1, 1)
    partial = path.with_suffix(".partial")
    with open(partial, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SP2D_HEADER)
        for i in range(lines):
            unit = rng.choice(UNITS)
            kegiatan, kro, ro = rng.choice(ROS)
            amount = rng.randrange(100_000, 50_000_000)
            if rng.random() < 0.02:
                amount = -amount
            w.writerow(
                [
                    ta,
                    unit,
                    f"{int(unit[-2:]) * 5:03d}",
                    "027.05.DN",
                    kegiatan,
                    kro,
                    ro,
                    rng.choice(AKUN),
                    "RM",
                    f"{ta % 100}{i:013d}",
                    (start + dt.timedelta(days=rng.randrange(365))).isoformat(),
                    rng.choice(("LS", "GUP", "UP", "TUP")),
                    amount,
                ]
            )
    partial.replace(path)


def _write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def write_inputs(folder: Path, ta: int) -> None:
    """Writes the DIPA (8 RO × 8 akun per sentra), Hal III, blokir and monthly output reports.

    Half of the blokir are released mid-year and half are still in force at the year's end, so
    the figures against pagu − blokir differ from those against pagu.
    """
    dipa, plan, blokir, output = [], [], [], []
    for n, unit in enumerate(UNITS):
        for kegiatan, kro, ro in ROS:
            for akun in AKUN:
                dipa.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "program": "027.05.DN",
                        "kegiatan": kegiatan,
                        "kro": kro,
                        "ro": ro,
                        "nama_ro": f"RO {ro}",
                        "target_volume": 1000,
                        "satuan": "Orang",
                        "klaster": "anak",
                        "komponen": "051",
                        "akun": akun,
                        "sumber_dana": "RM",
                        "uraian": akun,
                        "pagu": 2_000_000_000,
                        "berlaku_mulai": f"{ta}-01-01",
                    }
                )
            for month in range(1, 13):
                output.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "kegiatan": kegiatan,
                        "kro": kro,
                        "ro": ro,
                        "bulan": month,
                        "tvro": 1000,
                        "rvro": month * 80,
                        "tanggal_lapor": (
                            dt.date(ta, month, 28) + dt.timedelta(days=7)
                        ).isoformat(),
                    }
                )
        for jenis in ("51", "52", "53", "57"):
            for month in range(1, 13):
                plan.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "bulan": month,
                        "jenis_belanja": jenis,
                        "rencana": 700_000_000,
                        "berlaku_mulai": f"{ta}-01-01",
                    }
                )
        blokir.append(
            {
                "tahun": ta,
                "kode_satker": unit,
                "jenis_belanja": "52",
                "jumlah": 1_300_000_000,
                "alasan": "Menunggu dokumen",
                "tanggal_blokir": f"{ta}-01-02",
                "tanggal_dibuka": f"{ta}-06-30" if n % 2 else "",
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in (("dipa", dipa), ("plan", plan), ("blokir", blokir), ("output", output)):
        _write_rows(folder / f"bench-{kind}.csv", rows)


def data_set(lines: int, ta: int) -> tuple[Path, Path]:
    """Returns the SP2D file and the inputs folder, writing them when they do not exist yet."""
    folder = FILES_DIR / f"ta{ta}"
    sp2d = folder / f"bench-sp2d-{lines}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    if not sp2d.exists():
        print(f"writing {lines:,} SP2D lines to {sp2d.relative_to(ROOT)} ...", flush=True)
        write_sp2d(sp2d, lines, ta)
    write_inputs(folder, ta)
    return sp2d, folder


# --- the databases ----------------------------------------------------------------------------


def _sqlite_url() -> tuple[str | None, str]:
    return sqlite_database(BENCH_DIR / "budget.sqlite3")


def _postgres_url() -> tuple[str | None, str]:
    return postgres_database(POSTGRES_DB)


BACKENDS = {"sqlite": _sqlite_url, "postgres": _postgres_url}


def bench_backend(name: str, url: str, sp2d: Path, inputs: Path, opts) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ATENSI_DATA_DIR": str(BENCH_DIR),
        "ATENSI_LOG_LEVEL": "ERROR",
    }
    print(f"\n== {name}: {url}", flush=True)
    python_run(["-m", "atensi", "migrate", "--no-input", "--verbosity", "0"], env)
    python_run(["-m", "atensi", "units", "load"], env, capture=True)
    load_before = os.getloadavg()
    print(f"measuring ({opts.lines:,} SP2D lines) ...", flush=True)
    result = json.loads(
        python_run(
            [
                "-m",
                "bench.budget.measure",
                "--sp2d",
                str(sp2d),
                "--inputs",
                str(inputs),
                "--ta",
                str(opts.ta),
                "--lines",
                str(opts.lines),
            ],
            env,
            capture=True,
        )
    )
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    return result


# --- the report -------------------------------------------------------------------------------


def table(results: dict) -> str:
    """Returns the results as a Markdown table, one column per database."""
    names = list(results["backends"])
    lines = [
        "| | " + " | ".join(LABELS[n] for n in names) + " | target |",
        "|---" * (len(names) + 2) + "|",
    ]

    def row(label, fn, target=""):
        cells = []
        for n in names:
            r = results["backends"][n]
            cells.append("–" if "skipped" in r else fn(r))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    row("SP2D lines", lambda r: f"{r['lines']:,}")
    row(
        "import (`budget_import`, checks, idempotence keys, summary)",
        lambda r: f"{r['import_rows_per_s']:,} rows/s ({r['import_s']} s)",
    )
    row(
        "  baseline: plain bulk load of the same file",
        lambda r: (
            f"{r['plain_rows_per_s']:,} rows/s ({r['plain_load_s']} s, "
            + ("COPY" if r["database"] == "postgresql" else "executemany")
            + ")"
        ),
    )
    row(
        "  ratio import / plain load",
        lambda r: f"{r['import_ratio']:.0%} {check(r['import_ratio'] >= TARGETS['import_ratio'])}",
        f"≥ {TARGETS['import_ratio']:.0%}",
    )
    row(
        "  the same file again (nothing changes)",
        lambda r: f"{r['reimport_s']} s " + check(r["reimport_unchanged"]),
    )
    row(
        "all figures of the TA (`score_table`, every satker + eselon I), best of 3",
        lambda r: (
            f"{r['all_figures_s']:.3f} s " + check(r["all_figures_s"] < TARGETS["all_figures_s"])
        ),
        f"< {TARGETS['all_figures_s']:g} s",
    )
    row(
        "  the same after rebuilding the monthly summary from the lines",
        lambda r: f"{r['all_figures_from_lines_s']:.3f} s",
    )
    row(
        "  DuckDB: the same aggregates in SQL over the same rows (in memory)",
        lambda r: (
            f"{r['duckdb']['aggregates_s'] * 1000:.1f} ms "
            f"(CSV load {r['duckdb']['load_s']} s, DuckDB {r['duckdb']['version']})"
        ),
    )
    row(
        "  ratio atensi / DuckDB (stored figures; from the lines)",
        lambda r: f"{r['ratio_to_duckdb']:g}× ; {r['ratio_from_lines_to_duckdb']:g}×",
    )
    row(
        "  DuckDB equals atensi: monthly summary rows; satker pagu/blokir/realisasi/%",
        lambda r: (
            f"{check(r['check']['summary_equal'])} {r['check']['summary_rows']:,} rows; "
            f"{check(r['check']['figures_equal'])} {r['check']['satker_compared']} satker"
        ),
    )
    row(
        "satker with IKPA / NKA computed",
        lambda r: f"{r['ikpa_computed']} / {r['nka_computed']} of {r['satker']}",
    )
    row(
        "load average before → after",
        lambda r: f"{r['load_average']['before'][0]:.1f} → {r['load_average']['after'][0]:.1f}",
    )
    notes = [
        f"\n{LABELS[n]} skipped: {r['skipped']}"
        for n, r in results["backends"].items()
        if "skipped" in r
    ]
    return "\n".join(lines + notes)


def summary(results: dict) -> list[dict]:
    """The rows `make bench` prints for this section: each target, per database."""
    rows = []
    for name, r in results["backends"].items():
        label = LABELS[name]
        if "skipped" in r:
            rows.append({"measure": label, "value": f"skipped: {r['skipped']}", "met": False})
            continue
        rows.append(
            {
                "measure": f"{label}: import of {r['lines']:,} SP2D lines vs a plain bulk load",
                "value": f"{r['import_ratio']:.0%} ({r['import_rows_per_s']:,} vs "
                f"{r['plain_rows_per_s']:,} rows/s)",
                "target": f">= {TARGETS['import_ratio']:.0%}",
                "met": r["import_ratio"] >= TARGETS["import_ratio"],
            }
        )
        equal = r["check"]["summary_equal"] and r["check"]["figures_equal"]
        rows.append(
            {
                "measure": f"{label}: all figures of a TA from {r['lines']:,} lines",
                "value": f"{r['all_figures_s']:.3f} s (DuckDB {r['duckdb']['aggregates_s']:.3f} s, "
                f"{r['ratio_to_duckdb']:g}×; same figures: {'yes' if equal else 'NO'})",
                "target": f"< {TARGETS['all_figures_s']:g} s",
                "met": r["all_figures_s"] < TARGETS["all_figures_s"] and equal,
            }
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.budget.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="SP2D lines")
    parser.add_argument("--ta", type=int, default=2023, help="the fiscal year of the data set")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 lines")
    parser.add_argument("--only", choices=sorted(BACKENDS), help="one database only")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.lines = min(opts.lines, 20_000)
    sp2d, inputs = data_set(opts.lines, opts.ta)
    results: dict = {
        "run_at": now(),
        "lines": opts.lines,
        "quick": opts.quick,
        "machine": machine(),
        "targets": TARGETS,
    }
    results["backends"] = backends_run(
        BACKENDS, opts.only, lambda name, url: bench_backend(name, url, sp2d, inputs, opts)
    )
    results["summary"] = summary(results)
    results_write(HERE, results, f"Budget benchmark: {opts.lines:,} SP2D lines", table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
