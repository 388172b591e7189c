"""Workforce benchmark (issue 5): nationwide KPIs and the team board at 1,000,000 cases.

    python -m bench.workforce.run [--quick] [--repeats N] [--rebuild]

On the shared national data set (bench/casedata.py, PostgreSQL database atensi_bench_cases:
1,000,000 cases, 10,000,000 services, 3,000 pendamping in 31 sentra), measures:
- the KPI table of every worker nationwide over a year (2025), as the national view and the API
  compute it (atensi.workforce.kpis.kpi_table, by worker and sentra), and per sentra, per target
  group, the like-with-like cells (sentra × target group × approach);
- one sentra's team board (/tenaga/tim/) through Django's test client as its head sees it (last
  month, the default), and its data part (live caseloads + the team's KPI table), p50/p95.
The KPIs add up kept months (atensi/workforce/kpi_months.py): the first reading after they are
forgotten counts and keeps every settled month of the year, and is reported on its own; the
timed readings after it are what every later reader gets until a change touches a month.
Baselines, measured in the same run: a plain count(*) scan of the cases and of the services
(what any figure over every case and service competes with) for the KPIs, and a raw SQL
primary-key lookup for the board. Writes bench/workforce/results.json (with "summary") and
bench/workforce/results.md.
"""

import argparse
import datetime as dt
import os
import platform
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bench import casedata  # noqa: E402
from bench.common import targets_table  # noqa: E402

TARGET_KPI_S = 2.0
TARGET_BOARD_P95_MS = 150.0
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _scan(table: str):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            cursor.fetchone()

    return run


def _pk_lookup():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM cases_case")
        low, high = cursor.fetchone()
    rng = random.Random(20261122)

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM cases_case WHERE id = %s", [rng.randint(low, high)])
            cursor.fetchall()

    return run


def _show(name: str, timing: dict, unit: str = "ms") -> None:
    scale = 1000 if unit == "s" else 1
    print(
        f"  {name:<58} p50 {timing['p50_ms'] / scale:8.2f}  p95 {timing['p95_ms'] / scale:8.2f}"
        f"  max {timing['max_ms'] / scale:8.2f} {unit}",
        flush=True,
    )


def run(repeats: int, kpi_repeats: int) -> dict:
    from django.test import Client

    from atensi.accounts.models import Role, User
    from atensi.cases.models import Case, ServiceDelivery
    from atensi.workforce import kpis
    from atensi.workforce.kpi_months import months_forget
    from atensi.workforce.rules import RuleBook
    from atensi.workforce.selectors import caseloads, workers_visible_to

    admin = User.objects.get(username="bench_admin")
    head = (
        User.objects.filter(role=Role.HEAD, username__startswith="bench_")
        .order_by("unit__code")
        .first()
    )
    load_before = casedata.load_average()
    baselines = {
        "scan_cases": casedata.sample(_scan("cases_case"), kpi_repeats),
        "scan_services": casedata.sample(_scan("cases_servicedelivery"), kpi_repeats),
        "pk_lookup": casedata.sample(_pk_lookup(), max(repeats * 4, 50), warmup=5),
    }
    for name, timing in baselines.items():
        _show(f"baseline {name}", timing)
    scans_ms = baselines["scan_cases"]["p50_ms"] + baselines["scan_services"]["p50_ms"]
    year = kpis.Period(*YEAR)
    kpi_rows = {}
    measures = []
    # The first reading after the kept months are gone (a bulk load, new rules) counts every
    # settled month of the year; the readings after it add up the kept months.
    months_forget()

    def national():
        kpi_rows["cold"] = len(kpis.kpi_table(admin, year, by=("worker", "unit")))

    timing = casedata.sample(national, 1, warmup=0)
    name = "KPIs over 2025, every worker nationwide, first reading (counts and keeps 12 months)"
    _show(name, timing, "s")
    measures.append(
        {
            "name": name,
            "kind": "kpis",
            "rows": kpi_rows["cold"],
            "queries": "",
            **timing,
            "ratio_p50_to_scans": round(timing["p50_ms"] / scans_ms, 2),
        }
    )
    for label, by in (
        ("every worker nationwide (worker, sentra)", ("worker", "unit")),
        ("per sentra", ("unit",)),
        ("per target group", ("target_group",)),
        ("like with like (sentra × target group × approach)", ("unit", "target_group", "approach")),
    ):

        def table(by=by):
            kpi_rows[by] = len(kpis.kpi_table(admin, year, by=by))

        timing = casedata.sample(table, kpi_repeats)
        name = f"KPIs over 2025, {label}"
        _show(name, timing, "s")
        measures.append(
            {
                "name": name,
                "kind": "kpis",
                "rows": kpi_rows[by],
                "queries": casedata.query_count(table),
                **timing,
                "ratio_p50_to_scans": round(timing["p50_ms"] / scans_ms, 2),
            }
        )
    rules = RuleBook()
    month = kpis.Period.month(dt.date.today().replace(day=1) - dt.timedelta(days=1))

    def board_data():
        workers = workers_visible_to(head).filter(unit=head.unit_id)
        caseloads(workers, rules=rules)
        kpis.kpi_table(
            head, month, by=("worker",), filters=kpis.Filters(unit=head.unit_id), rules=rules
        )

    client = Client()
    client.force_login(head)

    def board_page():
        response = client.get("/tenaga/tim/")
        if response.status_code != 200:
            raise RuntimeError(f"GET /tenaga/tim/ answered {response.status_code}")

    for name, fn in (
        ("team board data (caseloads + team KPIs, last month)", board_data),
        ("team board page /tenaga/tim/, head", board_page),
    ):
        timing = casedata.sample(fn, repeats)
        _show(name, timing)
        measures.append(
            {
                "name": name,
                "kind": "board",
                "queries": casedata.query_count(fn),
                **timing,
                "ratio_p95_to_pk_lookup": round(
                    timing["p95_ms"] / baselines["pk_lookup"]["p95_ms"], 1
                ),
            }
        )
    return {
        "data": {
            "cases": Case.objects.count(),
            "services": ServiceDelivery.objects.count(),
            "workers": User.objects.filter(role=Role.PENDAMPING).count(),
            "sentra_workers": User.objects.filter(
                role=Role.PENDAMPING, unit_id=head.unit_id
            ).count(),
            "head": head.username,
        },
        "baselines": baselines,
        "measures": measures,
        "load_average": {"before": load_before, "after": casedata.load_average()},
    }


def summary(results: dict) -> list[dict]:
    by_name = {m["name"]: m for m in results["measures"]}
    data = results["data"]
    national = by_name["KPIs over 2025, every worker nationwide (worker, sentra)"]
    board = by_name["team board page /tenaga/tim/, head"]
    base = results["baselines"]
    scans = base["scan_cases"]["p50_ms"] + base["scan_services"]["p50_ms"]
    return [
        {
            "measure": f"KPIs of all {data['workers']:,} workers nationwide over a year, "
            f"{data['cases']:,} cases, {data['services']:,} services (median of runs)",
            "value": f"{national['p50_ms'] / 1000:.2f} s (max {national['max_ms'] / 1000:.2f} s;"
            f" {national['p50_ms'] / scans:.1f}× a count(*) of cases + services, {scans / 1000:.2f} s)",
            "target": f"< {TARGET_KPI_S:g} s",
            "met": national["p50_ms"] / 1000 < TARGET_KPI_S,
        },
        {
            "measure": f"team board of one sentra ({data['sentra_workers']} pendamping) p95",
            "value": f"{board['p95_ms']:.0f} ms (p50 {board['p50_ms']:.0f} ms; "
            f"{board['p95_ms'] / base['pk_lookup']['p95_ms']:.0f}× a pk lookup of "
            f"{base['pk_lookup']['p95_ms']:.2f} ms)",
            "target": f"< {TARGET_BOARD_P95_MS:g} ms",
            "met": board["p95_ms"] < TARGET_BOARD_P95_MS,
        },
    ]


def markdown(results: dict) -> str:
    data, base = results["data"], results["baselines"]
    lines = [
        "# Workforce KPIs and team board (issue 5)",
        "",
        f"Run {results['run_at']}{' (quick)' if results['quick'] else ''} on "
        f"{results['machine']['cpus']} CPUs, PostgreSQL database {results['database']}: "
        f"{data['cases']:,} cases, {data['services']:,} services, {data['workers']:,} pendamping."
        f" Load average {results['load_average']['before']} before, "
        f"{results['load_average']['after']} after.",
        "",
        "Baselines (same run): count(*) of the cases p50 "
        f"{base['scan_cases']['p50_ms']:.0f} ms, of the services {base['scan_services']['p50_ms']:.0f}"
        f" ms; raw primary-key lookup p95 {base['pk_lookup']['p95_ms']:.2f} ms.",
        "",
        "| measure | rows | queries | p50 | p95 | max | vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results["measures"]:
        if m["kind"] == "kpis":
            times = [f"{m[k] / 1000:.2f} s" for k in ("p50_ms", "p95_ms", "max_ms")]
            ratio = f"{m['ratio_p50_to_scans']:.1f}× scans"
        else:
            times = [f"{m[k]:.0f} ms" for k in ("p50_ms", "p95_ms", "max_ms")]
            ratio = f"{m['ratio_p95_to_pk_lookup']:.0f}× pk lookup"
        lines.append(
            f"| {m['name']} | {m.get('rows', '')} | {m['queries']} | {' | '.join(times)} | {ratio} |"
        )
    lines += ["", *targets_table(results["summary"])]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.workforce.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="smoke run on 20,000 cases")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs of the board")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set first")
    opts = parser.parse_args(argv)
    scale = casedata.QUICK if opts.quick else casedata.FULL
    info = casedata.ensure(scale, rebuild=opts.rebuild)
    repeats = opts.repeats or (8 if opts.quick else 30)
    results = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": opts.quick,
        "database": info["database"],
        "build_s": info["build_s"],
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "targets": {"kpis_s": TARGET_KPI_S, "board_p95_ms": TARGET_BOARD_P95_MS},
        **run(repeats, kpi_repeats=3 if opts.quick else 5),
    }
    results["summary"] = summary(results)
    text = markdown(results)
    casedata.write_results(HERE, results, text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
