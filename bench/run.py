"""`make bench`: every benchmark of atensi, one section per capability, in one command.

    python -m bench.run [--only SECTION[,SECTION...]] [--quick]

Sections (each also runs on its own as `python -m bench.<section>.run --help`):
  registry   issue 2: NIK and name search at 1,000,000 persons, bulk import vs a plain insert
  cases      issue 3: case list and work queue at 1,000,000 cases and 10,000,000 services
  events     issue 3: case-event writes through the real API vs raw single-row inserts, 1/8/32 clients
  budget     issue 4: SP2D import vs a plain bulk load; all figures of a TA vs DuckDB
  workforce  issue 5: nationwide KPIs and the team board at 1,000,000 cases
  dedup      issue 6: atensi against Splink on synthetic populations of 100,000 and 1,000,000

Each section runs in its own process, writes bench/<section>/results.json and results.md, and
puts in its results a "summary": a list of {"measure", "value", "target", "met"} rows. This
command gathers the sections into bench/results.json and bench/results.md and prints the summary.
A section that fails is reported as failed; the others still run. Every figure in a section is
measured against a baseline run in the same command, because the machine is shared and noisy.
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SECTIONS = ("registry", "cases", "events", "budget", "workforce", "dedup")


def section_run(name: str, quick: bool) -> dict:
    """Runs one section in its own process; returns what it wrote, or why it did not."""
    if importlib.util.find_spec(f"bench.{name}.run") is None:
        return {"status": "missing", "why": f"bench/{name}/run.py does not exist"}
    args = [sys.executable, "-m", f"bench.{name}.run"] + (["--quick"] if quick else [])
    print(f"\n### {name}: {' '.join(args[1:])}", flush=True)
    started = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=os.environ.copy())
    seconds = round(time.monotonic() - started, 1)
    results_path = BENCH / name / "results.json"
    if done.returncode != 0:
        return {"status": "failed", "why": f"exit code {done.returncode}", "seconds": seconds}
    try:
        results = json.loads(results_path.read_text())
    except (OSError, ValueError) as exc:
        return {"status": "failed", "why": f"no readable {results_path}: {exc}", "seconds": seconds}
    return {"status": "ran", "seconds": seconds, "results": results}


def summary_table(sections: dict) -> str:
    lines = ["| section | measure | value | target | met |", "|---|---|---|---|---|"]
    for name, outcome in sections.items():
        if outcome["status"] != "ran":
            lines.append(f"| {name} | {outcome['status']}: {outcome['why']} | | | |")
            continue
        for row in outcome["results"].get("summary", []):
            met = {True: "✓", False: "✗", None: ""}[row.get("met")]
            lines.append(
                f"| {name} | {row['measure']} | {row['value']} | {row.get('target') or ''} | {met} |"
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        default=list(SECTIONS),
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run at small scale")
    opts = parser.parse_args(argv)
    unknown = [name for name in opts.only if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    run_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    sections = {name: section_run(name, opts.quick) for name in opts.only}
    combined = {
        "run_at": run_at,
        "quick": opts.quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_after": os.getloadavg(),
        },
        "sections": sections,
    }
    (BENCH / "results.json").write_text(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    details = "\n".join(
        f"\n## {name}\n\n{(BENCH / name / 'results.md').read_text()}"
        for name, outcome in sections.items()
        if outcome["status"] == "ran" and (BENCH / name / "results.md").exists()
    )
    table = summary_table(sections)
    (BENCH / "results.md").write_text(
        f"# atensi benchmarks\n\nRun {run_at} on {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}{' (quick run)' if opts.quick else ''}.\n\n"
        f"{table}\n{details}"
    )
    print("\n" + table)
    print("\nwritten: bench/results.json, bench/results.md")
    return 0 if all(outcome["status"] == "ran" for outcome in sections.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
