"""What the benchmark sections share: their databases, child processes and results files.

A section (bench/<name>/run.py) measures on SQLite and PostgreSQL: `sqlite_database` and
`postgres_database` give it a database of its own (created on first use, reused later),
`backends_run` runs its measurement on each and records why a database was skipped or failed,
and `results_write` writes bench/<name>/results.json and results.md and prints the table.
"""

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
# The PostgreSQL server (without a database name); each section creates its own database on it.
POSTGRES_SERVER = os.environ.get("ATENSI_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def percentiles(samples_ms: list[float]) -> dict:
    """n, p50 and p95 (nearest rank), min, max and mean of samples in milliseconds."""
    if not samples_ms:
        return {k: None for k in ("p50_ms", "p95_ms", "min_ms", "max_ms", "mean_ms")} | {"n": 0}
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(at(0.50), 3),
        "p95_ms": round(at(0.95), 3),
        "min_ms": round(ordered[0], 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def sqlite_database(path: Path) -> tuple[str | None, str]:
    """Returns the URL of a SQLite database at `path` (its folder created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", ""


def postgres_database(name: str) -> tuple[str | None, str]:
    """Returns the URL of the database `name`, creating it, or None and why it cannot be used."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed"
    try:
        with psycopg.connect(
            f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5
        ) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return None, f"PostgreSQL at {POSTGRES_SERVER} is not reachable: {exc}".strip()
    return f"{POSTGRES_SERVER}/{name}", ""


def python_run(args: list[str], env: dict, capture: bool = False) -> str:
    """Runs `python ARGS` in the project folder; returns its output when captured."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check(ok: bool) -> str:
    return "✓" if ok else "✗"


def targets_table(summary: list[dict]) -> list[str]:
    """The Markdown lines of a section's targets: measure (target), value, met."""
    lines = ["| target | value | met |", "|---|---|---|"]
    for row in summary:
        met = {True: "✓", False: "✗", None: ""}[row["met"]]
        lines.append(f"| {row['measure']} ({row['target']}) | {row['value']} | {met} |")
    return lines


def backends_run(
    backends: dict[str, Callable[[], tuple[str | None, str]]],
    only: str | None,
    measure: Callable[[str, str], dict],
    failures: tuple[type[BaseException], ...] = (subprocess.CalledProcessError,),
) -> dict:
    """Runs `measure(name, url)` on each database (or `only` one); a skip or failure says why."""
    outcome = {}
    for name, locate in backends.items():
        if only and name != only:
            continue
        url, why = locate()
        if url is None:
            print(f"\n== {LABELS[name]}: skipped — {why}", flush=True)
            outcome[name] = {"skipped": why}
            continue
        try:
            outcome[name] = measure(name, url)
        except failures as exc:
            outcome[name] = {"skipped": f"failed: {exc}"}
            print(f"\n== {LABELS[name]}: failed — {exc}", file=sys.stderr, flush=True)
    return outcome


def results_write(folder: Path, results: dict, title: str, table: str) -> None:
    """Writes folder/results.json and folder/results.md (title, run line, table) and prints."""
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    run_line = (
        f"Run {results['run_at']} on {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f"{' (quick run)' if results.get('quick') else ''}."
    )
    (folder / "results.md").write_text(f"# {title}\n\n{run_line}\n\n{table}\n")
    print("\n" + table)
    print(
        f"\nwritten: {(folder / 'results.json').relative_to(ROOT)}, "
        f"{(folder / 'results.md').relative_to(ROOT)}"
    )
