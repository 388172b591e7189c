"""Duplicate detection benchmark: atensi against Splink 5 (DuckDB) on the same data, same run.

    python -m bench.dedup.run [--quick] [--records 100000,1000000] [--seed 1] [--only SYSTEM]

`make bench` runs it as its "dedup" section: by default at 100,000 and 1,000,000 records; with
--quick at 10,000 records, atensi against Splink only. Targets (issue 6): F1 higher than Splink's,
wall time shorter than Splink's, and 1,000,000 records in under 60 s.

For each size: generates the population once (bench/dedup/generate.py, kept under
var/bench/dedup/), then runs every system in its own process (so wall time and peak memory are
its own) from reading the CSV to the pairs at its own cut-off, and scores the pairs against the
generator's truth: pairwise precision, recall and F1. Systems:
- atensi: `atensi dedup file` with every column the data has;
- atensi (4 fields): the same engine on name, birth date, NIK and region only — Splink's fields;
- splink: Splink 5 on DuckDB, configured as its documentation suggests: NameComparison with term
  frequencies, DateOfBirthComparison, NIK at Levenshtein ≤ 1, region village/district/regency;
  blocking on NIK, name + birth year, birth date + name prefix, birth date + regency, name +
  regency; λ from deterministic rules, u from 10⁷ random pairs, m by EM on two rules; pairs at
  match probability ≥ 0.5.
Wall time is the child process's own, from reading the CSV to the written pairs; the load average
of the machine (shared with other work) is recorded before and after each run. With --repeat N
the systems run N times in turn and each keeps its fastest run (F1 does not change: both are
deterministic), which evens out a load that changes while they run.
Writes bench/dedup/results.json (with the "summary" rows of `make bench`) and results.md.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.dedup.generate import generate, persons_for, write_csv
from bench.dedup.metrics import pairwise_scores

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = ROOT / "var" / "bench" / "dedup"
RESULTS_JSON = Path(__file__).resolve().parent / "results.json"
RESULTS_MD = Path(__file__).resolve().parent / "results.md"
SYSTEMS = ("atensi", "atensi-4", "splink")
QUICK_SYSTEMS = ("atensi", "splink")
SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)
MAX_SECONDS_AT_1M = 60.0
ALL_COLUMNS = [
    "name=full_name",
    "birth_date=birth_date",
    "sex=sex",
    "nik=nik",
    "kk=no_kk",
    "region=village_code",
    "address=address",
    "parent_name=mother_name",
    "phone=phone",
    "birth_place=birth_place",
]
FOUR_COLUMNS = ["name=full_name", "birth_date=birth_date", "nik=nik", "region=village_code"]


def data_file(records: int, seed: int) -> Path:
    path = DATA_DIR / f"people-{records}-seed{seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        rows = generate(persons_for(records), seed=seed)
        write_csv(rows, path)
        print(f"generated {len(rows)} records in {time.perf_counter() - started:.0f} s → {path}")
    return path


# --- one system, in a child process -------------------------------------------------------------


def run_atensi(data: Path, output: Path, columns: list[str]) -> dict:
    from atensi.dedup.filemode import dedup_file

    summary = dedup_file(
        input_path=data, id_column="record_id", columns=columns, output_path=output
    )
    return {
        "threshold": round(summary.threshold, 4),
        "candidate_pairs": summary.candidate_pairs,
        "stages_s": summary.timings,
    }


SPLINK_INPUT = """
CREATE TABLE people AS
SELECT
    record_id,
    nullif(trim(regexp_replace(lower(full_name), '[^a-z ]+', ' ', 'g')), '') AS name,
    CAST(try_strptime(birth_date, '%d-%m-%Y') AS DATE) AS dob,
    coalesce(
        year(try_strptime(birth_date, '%d-%m-%Y')),
        CASE WHEN length(birth_date) = 4 THEN try_cast(birth_date AS INTEGER) END
    ) AS birth_year,
    nullif(nik, '') AS nik,
    nullif(replace(village_code, '.', ''), '') AS village,
    nullif(substr(replace(village_code, '.', ''), 1, 6), '') AS district,
    nullif(substr(replace(village_code, '.', ''), 1, 4), '') AS regency
FROM read_csv('{path}', all_varchar = true, header = true)
"""


def run_splink(data: Path, output: Path) -> dict:
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.execute(SPLINK_INPUT.format(path=str(data).replace("'", "''")))
    db_api = DuckDBAPI(connection=con)
    people = db_api.register("people")
    region = cl.CustomComparison(
        output_column_name="region",
        comparison_levels=[
            cll.NullLevel("village"),
            cll.ExactMatchLevel("village"),
            cll.ExactMatchLevel("district"),
            cll.ExactMatchLevel("regency"),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.LevenshteinAtThresholds("nik", 1),
            region,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("name", "birth_year"),
            block_on("dob", "substr(name, 1, 3)"),
            block_on("dob", "regency"),
            block_on("name", "regency"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(people, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "regency"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    table = predictions.as_duckdbpyrelation().select("record_id_l, record_id_r, match_probability")
    con.execute(f"COPY ({table.sql_query()}) TO '{output}' (HEADER, DELIMITER ',')")
    return {"threshold": 0.5}


def child(system: str, data: Path, output: Path) -> None:
    started = time.perf_counter()
    if system == "atensi":
        detail = run_atensi(data, output, ALL_COLUMNS)
    elif system == "atensi-4":
        detail = run_atensi(data, output, FOUR_COLUMNS)
    else:
        detail = run_splink(data, output)
    detail["wall_s"] = round(time.perf_counter() - started, 2)
    detail["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(detail))


# --- the parent: run, score, write ---------------------------------------------------------------


def score(data: Path, pairs: Path) -> dict:
    with data.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        ids, clusters = [], []
        for row in reader:
            ids.append(row["record_id"])
            clusters.append(row["cluster_id"])
    position = {record_id: n for n, record_id in enumerate(ids)}
    with pairs.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = [(position[a], position[b]) for a, b, _p in reader]
    i = np.array([a for a, _ in rows], dtype=np.int64)
    j = np.array([b for _, b in rows], dtype=np.int64)
    return {"records": len(ids), **pairwise_scores(clusters, i, j)}


def bench_one(system: str, data: Path) -> dict:
    output = DATA_DIR / f"pairs-{system}-{data.stem}.csv"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "ATENSI_LOG_LEVEL": "ERROR"}
    print(f"  {system} …", end="", flush=True)
    load_before = os.getloadavg()
    done = subprocess.run(
        [sys.executable, "-m", "bench.dedup.run", "--child", system, str(data), str(output)],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )
    detail = json.loads(done.stdout.strip().splitlines()[-1])
    detail["load_average"] = {
        "before": [round(x, 2) for x in load_before],
        "after": [round(x, 2) for x in os.getloadavg()],
    }
    detail.update(score(data, output))
    print(
        f" {detail['wall_s']:.1f} s, F1 {detail['f1']:.4f} "
        f"(P {detail['precision']:.4f}, R {detail['recall']:.4f}), {detail['peak_rss_mb']} MB"
    )
    return {"system": system, **detail}


def _best_of(run: dict) -> str:
    return f"; fastest of {run['runs']} runs each" if run.get("runs", 1) > 1 else ""


def summary(results: list[dict]) -> list[dict]:
    """The rows `make bench` prints: per size, F1 and wall time of atensi against Splink."""
    rows = []
    by_size: dict[int, dict[str, dict]] = {}
    for r in results:
        by_size.setdefault(r["records"], {})[r["system"]] = r
    for records, systems in by_size.items():
        ours, theirs = systems.get("atensi"), systems.get("splink")
        if not ours or not theirs:
            continue
        rows.append(
            {
                "measure": f"F1 at {records:,} records, atensi vs Splink",
                "value": f"{ours['f1']:.4f} vs {theirs['f1']:.4f} (P {ours['precision']:.4f} / "
                f"R {ours['recall']:.4f} vs P {theirs['precision']:.4f} / "
                f"R {theirs['recall']:.4f})",
                "target": "higher than Splink",
                "met": ours["f1"] > theirs["f1"],
            }
        )
        load = ours["load_average"]["before"][0]
        rows.append(
            {
                "measure": f"wall time at {records:,} records, atensi vs Splink",
                "value": f"{ours['wall_s']:.1f} s vs {theirs['wall_s']:.1f} s "
                f"({ours['wall_s'] / theirs['wall_s']:.2f}×; load average {load:.1f}"
                f"{_best_of(ours)})",
                "target": "faster than Splink",
                "met": ours["wall_s"] < theirs["wall_s"],
            }
        )
        if records > 500_000:  # the 1,000,000 size (the generator gives about that many)
            rows.append(
                {
                    "measure": f"atensi wall time at {records:,} records",
                    "value": f"{ours['wall_s']:.1f} s (load average {load:.1f} on "
                    f"{os.cpu_count()} cores)",
                    "target": f"< {MAX_SECONDS_AT_1M:g} s",
                    "met": ours["wall_s"] < MAX_SECONDS_AT_1M,
                }
            )
    return rows


def write_results(results: list[dict], quick: bool = False) -> None:
    payload = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "quick": quick,
        "summary": summary(results),
        "results": results,
    }
    RESULTS_JSON.write_text(json.dumps(payload, indent=2) + "\n")
    lines = [
        "# Duplicate detection: atensi vs Splink 5 (DuckDB)",
        "",
        f"{payload['when']} · {payload['machine']} · `python -m bench.dedup.run"
        f"{' --quick' if quick else ''}`",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
    ]
    for row in payload["summary"]:
        met = {True: "✓", False: "✗", None: ""}[row["met"]]
        lines.append(f"| {row['measure']} | {row['value']} | {row['target']} | {met} |")
    lines += [
        "",
        "| records | system | wall (s) | precision | recall | F1 | pairs | cut-off | peak MB "
        "| load avg before → after |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        load = r["load_average"]
        lines.append(
            f"| {r['records']:,} | {r['system']} | {r['wall_s']:.1f} | {r['precision']:.4f} | "
            f"{r['recall']:.4f} | {r['f1']:.4f} | {r['predicted_pairs']:,} | {r['threshold']} | "
            f"{r['peak_rss_mb']:,} | {load['before'][0]:.1f} → {load['after'][0]:.1f} |"
        )
    stages = [r for r in results if r.get("stages_s")]
    if stages:
        names = list(stages[0]["stages_s"])
        lines += [
            "",
            "atensi's stages (s): " + ", ".join(names),
            "",
            "| records | system | " + " | ".join(names) + " |",
            "|---:|---|" + "---:|" * len(names),
        ]
        for r in stages:
            cells = " | ".join(f"{r['stages_s'].get(n, 0):.1f}" for n in names)
            lines.append(f"| {r['records']:,} | {r['system']} | {cells} |")
    RESULTS_MD.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 records, atensi vs Splink")
    parser.add_argument(
        "--records",
        help=f"sizes, comma separated (default {','.join(map(str, SIZES))}; "
        f"--quick: {','.join(map(str, QUICK_SIZES))})",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=SYSTEMS, action="append")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the systems this many times in turn and keep each one's fastest run "
        "(the machine is shared: its load changes from one run to the next)",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("SYSTEM", "DATA", "OUTPUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        system, data, output = args.child
        if system.startswith("atensi"):
            import django

            django.setup()
        child(system, Path(data), Path(output))
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    sizes = (
        [int(n) for n in args.records.split(",")]
        if args.records
        else QUICK_SIZES
        if args.quick
        else SIZES
    )
    systems = args.only or (QUICK_SYSTEMS if args.quick else SYSTEMS)
    results = []
    for records in sizes:
        data = data_file(records, args.seed)
        print(f"== {records:,} records ({data.name})")
        best: dict[str, dict] = {}
        for _round in range(max(args.repeat, 1)):
            for system in systems:
                run = bench_one(system, data)
                run["runs"] = best.get(system, {}).get("runs", 0) + 1
                if system not in best or run["wall_s"] < best[system]["wall_s"]:
                    best[system] = run
                else:
                    best[system]["runs"] = run["runs"]
        results.extend(best[system] for system in systems)
    write_results(results, args.quick)
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
