"""Registry benchmark (issue 2): search and bulk import at national scale, SQLite and PostgreSQL.

    python -m bench.registry.run [--scale N] [--quick] [--only sqlite|postgres] [--queries N]
                        [--import-rows N] [--skip-import]

For each database: builds the benchmark data set once (`atensi demo --scale N`, kept under
var/bench/ for SQLite and in the database atensi_bench_<N> on PostgreSQL, reused by later runs),
then runs bench/registry/measure.py against it in a separate process. Writes
bench/registry/results.json and bench/registry/results.md and prints the table. Every figure comes with a baseline measured in the same
run (a raw SQL lookup, a plain executemany/COPY), because the machine is shared and noisy.
"""

import argparse
import json
import os
import sys
import time
from functools import partial
from pathlib import Path

from bench.common import (
    BENCH_DIR,
    LABELS,
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
RESULTS_JSON = HERE / "results.json"
SEED = 20260701
TARGETS = {"nik_p95_ms": 5.0, "name_p95_ms": 150.0, "import_ratio": 0.25}


def _sqlite_url(scale: int) -> tuple[str | None, str]:
    return sqlite_database(BENCH_DIR / f"bench-{scale}.sqlite3")


def _postgres_url(scale: int) -> tuple[str | None, str]:
    return postgres_database(f"atensi_bench_{scale}")


BACKENDS = {"sqlite": _sqlite_url, "postgres": _postgres_url}


def _earlier_search(name: str, opts) -> tuple[dict, str] | None:
    """Returns the search figures of the last run at the same scale, and when they were measured."""
    try:
        earlier = json.loads(RESULTS_JSON.read_text())
    except (OSError, ValueError):
        return None
    backend = earlier.get("backends", {}).get(name, {})
    if earlier.get("scale") != opts.scale or "search" not in backend:
        return None
    return backend["search"], backend.get("search_measured_at", earlier["run_at"])


def bench_backend(name: str, url: str, opts) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ATENSI_DATA_DIR": str(BENCH_DIR),
        "ATENSI_LOG_LEVEL": "ERROR",
    }
    print(f"\n== {name}: {url}", flush=True)
    python_run(["-m", "atensi", "migrate", "--no-input", "--verbosity", "0"], env)
    started = time.monotonic()
    built = python_run(
        ["-m", "atensi", "demo", "--scale", str(opts.scale), "--seed", str(SEED), "--no-logins"],
        env,
        capture=True,
    )
    build_s = time.monotonic() - started
    print(built.strip(), flush=True)
    load_before = os.getloadavg()
    measure_args = [
        "-m",
        "bench.registry.measure",
        "--queries",
        str(opts.queries),
        "--repeats",
        str(opts.repeats),
        "--import-rows",
        str(opts.import_rows),
        "--data-dir",
        str(BENCH_DIR),
    ]
    measure_args += ["--import-repeats", str(opts.import_repeats)]
    if opts.skip_import:
        measure_args.append("--skip-import")
    earlier = _earlier_search(name, opts) if opts.skip_search else None
    if earlier:
        measure_args.append("--skip-search")
    print(
        f"measuring ({opts.queries} queries, import of {opts.import_rows:,} rows) ...", flush=True
    )
    result = json.loads(python_run(measure_args, env, capture=True))
    if earlier:
        result["search"], result["search_measured_at"] = earlier
    result["build"] = {
        "seconds": round(build_s, 1),
        "added_now": "tidak ada yang ditambahkan" not in built,
        "output": built.strip().splitlines()[0] if built.strip() else "",
    }
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    return result


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _seconds(runs) -> str:
    return " / ".join(f"{s:g}" for s in runs) + " s" if runs else "–"


def table(results: dict) -> str:
    """Returns the results as a Markdown table, one column per database."""
    names = list(results["backends"])
    header = "| | " + " | ".join(LABELS[n] for n in names) + " | target |"
    lines = [header, "|---" * (len(names) + 2) + "|"]

    def row(label, fn, target=""):
        cells = []
        for n in names:
            r = results["backends"][n]
            cells.append("skipped" if "skipped" in r else fn(r))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    row("persons in the database", lambda r: _fmt(r["search"]["persons"]))
    if any("search_measured_at" in r for r in results["backends"].values()):
        row(
            "search figures measured",
            lambda r: r.get("search_measured_at", "in this run"),
        )

    def pair(r, name, digits=2):
        figures = r["search"][name]
        return f"{figures['p50_ms']:.{digits}f} / {figures['p95_ms']:.{digits}f} ms"

    for kind, label, target, digits in (
        ("nik", "NIK search", TARGETS["nik_p95_ms"], 2),
        ("name", "name search", TARGETS["name_p95_ms"], 1),
    ):
        row(
            f"{label} p50 / p95, best of {results.get('repeats', 3)} runs per query",
            lambda r, k=kind, t=target, d=digits: (
                pair(r, f"{k}_search", d) + " " + check(r["search"][f"{k}_search"]["p95_ms"] < t)
            ),
            f"p95 < {target:g} ms",
        )
        row(
            "  first run of each query",
            lambda r, k=kind, d=digits: pair(r, f"{k}_search_first_pass", d),
        )
        row(
            "  CPU time of the searching process",
            lambda r, k=kind, d=digits: pair(r, f"{k}_search_cpu", d),
            "SQLite: all the work",
        )
        baseline = "sql_nik" if kind == "nik" else "sql_pk"
        row(
            "  baseline: raw SQL "
            + ("`WHERE nik = %s`" if kind == "nik" else "by primary key")
            + ", best of runs",
            lambda r, b=baseline: pair(r, f"baseline_{b}"),
        )
        ratio = "ratio_nik_p95_to_sql_nik_p95" if kind == "nik" else "ratio_name_p95_to_sql_pk_p95"
        row(f"  ratio {label} / baseline (p95)", lambda r, x=ratio: f"{r['search'][x]:g}×")
    row(
        "  name search: person sought in the results / a same-name person",
        lambda r: f"{r['search']['name_hit_rate']:.0%} / {r['search']['name_same_name_rate']:.0%}",
    )
    if any("import" in r for r in results["backends"].values()):
        row(
            "bulk import (person_import, CSV), best of the runs",
            lambda r: (
                f"{_fmt(r['import']['import_rows_per_s'])} rows/s ({r['import']['import_seconds']} s"
                f" of {_seconds(r['import'].get('import_seconds_all'))})"
                if "import" in r
                else "–"
            ),
        )
        row(
            "  baseline: plain insert of the same rows, best of the runs",
            lambda r: (
                f"{_fmt(r['import']['raw_rows_per_s'])} rows/s ({r['import']['raw_method']}, "
                f"{r['import']['raw_seconds']} s of {_seconds(r['import'].get('raw_seconds_all'))})"
                if "import" in r
                else "–"
            ),
        )
        row(
            "  CPU time import / plain insert (this process + the database server's)",
            lambda r: (
                f"{r['import']['import_cpu_seconds']} s / {r['import']['raw_cpu_seconds']} s: "
                f"{r['import']['ratio_import_to_raw_cpu']:.0%} of the plain rate"
                if r.get("import", {}).get("ratio_import_to_raw_cpu")
                else "–"
            ),
        )
        row(
            "  ratio import / plain insert",
            lambda r: (
                f"{r['import']['ratio_import_to_raw']:.0%} "
                + check((r["import"]["ratio_import_to_raw"] or 0) >= TARGETS["import_ratio"])
                if "import" in r
                else "–"
            ),
            f"≥ {TARGETS['import_ratio']:.0%}",
        )
    row(
        "data set build (`atensi demo --scale`)",
        lambda r: (
            f"{r['build']['seconds']:g} s"
            + (" (built now)" if r["build"]["added_now"] else " (reused)")
        ),
    )
    row(
        "load average before → after",
        lambda r: f"{r['load_average']['before'][0]:.1f} → {r['load_average']['after'][0]:.1f}",
    )
    skipped = {n: r["skipped"] for n, r in results["backends"].items() if "skipped" in r}
    notes = [f"\n{LABELS[n]} skipped: {why}" for n, why in skipped.items()]
    notes += [
        f"\n{LABELS[n]} import failed: {r['import_error']}"
        for n, r in results["backends"].items()
        if "import_error" in r
    ]
    return "\n".join(lines + notes)


def summary(results: dict) -> list[dict]:
    """The rows `make bench` prints for this section: each target, per database."""
    rows = []
    for name, r in results["backends"].items():
        label = LABELS[name]
        if "skipped" in r:
            rows.append({"measure": f"{label}", "value": f"skipped: {r['skipped']}", "met": False})
            continue
        for kind, target in (("nik", TARGETS["nik_p95_ms"]), ("name", TARGETS["name_p95_ms"])):
            p95 = r["search"][f"{kind}_search"]["p95_ms"]
            rows.append(
                {
                    "measure": f"{label}: {kind} search p95 at {r['search']['persons']:,} persons",
                    "value": f"{p95:.2f} ms",
                    "target": f"< {target:g} ms",
                    "met": p95 < target,
                }
            )
        if "import" in r:
            ratio = r["import"]["ratio_import_to_raw"] or 0
            rows.append(
                {
                    "measure": f"{label}: import rows/s vs plain insert ({r['import']['raw_method']})",
                    "value": f"{ratio:.0%} ({_fmt(r['import']['import_rows_per_s'])} vs "
                    f"{_fmt(r['import']['raw_rows_per_s'])} rows/s, best of "
                    f"{r['import'].get('repeats', 1)} runs each)",
                    "target": f">= {TARGETS['import_ratio']:.0%}",
                    "met": ratio >= TARGETS["import_ratio"],
                }
            )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.registry.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scale", type=int, default=1_000_000, help="persons in the database")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 persons")
    parser.add_argument("--only", choices=sorted(BACKENDS), help="one database only")
    parser.add_argument("--queries", type=int, default=300, help="queries per kind of search")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each query")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows in the import file")
    parser.add_argument("--skip-import", action="store_true", help="measure search only")
    parser.add_argument(
        "--import-repeats", type=int, default=3, help="runs of the import and of its baseline"
    )
    parser.add_argument(
        "--skip-search", action="store_true", help="measure the import only (reuses the data set)"
    )
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.scale = min(opts.scale, 20_000)
        opts.queries = min(opts.queries, 100)
        opts.import_rows = min(opts.import_rows, 5_000)

    results: dict = {
        "run_at": now(),
        "scale": opts.scale,
        "quick": opts.quick,
        "repeats": opts.repeats,
        "machine": machine(),
        "targets": TARGETS,
        "backends": {},
    }
    locators = {name: partial(locate, opts.scale) for name, locate in BACKENDS.items()}
    results["backends"] = backends_run(
        locators, opts.only, lambda name, url: bench_backend(name, url, opts)
    )
    results["summary"] = summary(results)
    results_write(HERE, results, f"Registry benchmark: {opts.scale:,} persons", table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
