"""Case list and work queues benchmark (issue 3): 1,000,000 cases, 10,000,000 services.

    python -m bench.cases.run [--quick] [--repeats N] [--rebuild]

On the shared national data set (bench/casedata.py, PostgreSQL database atensi_bench_cases),
measures p50/p95 of:
- the case list's first page for a sentra head, through the selectors the page and the API use
  (cases_visible_to + cases_filter, the page's select_related/annotate/order, the paginator's
  count), unfiltered and filtered by stage, overdue, pendamping;
- every work queue (my cases, overdue steps, waiting for my approval, aftercare due) for a
  pendamping, a supervisor and a head, as the queue page reads them (first rows + count);
- the real pages and API endpoints through Django's test client (/kasus/, /kasus/antrian/,
  /api/v1/cases/, /api/v1/cases/queues/);
and counts the SQL queries of each at 25 and at 100 rows, which must be equal. The baseline,
measured in the same run, is a raw SQL primary-key lookup of a case. Writes
bench/cases/results.json (with "summary") and bench/cases/results.md.
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

TARGET_P95_MS = 150.0
SIZES = (25, 100)


def _people():
    """The sentra with the most cases, its head and first supervisor, and its busiest pendamping."""
    from django.db.models import Count

    from atensi.accounts.models import Role, User
    from atensi.cases import workflow
    from atensi.cases.models import Case

    unit_id = (
        Case.objects.values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .values_list("unit_id", flat=True)
        .first()
    )
    head = User.objects.get(role=Role.HEAD, unit_id=unit_id, username__startswith="bench_")
    supervisor = (
        User.objects.filter(role=Role.SUPERVISOR, unit_id=unit_id, username__startswith="bench_")
        .order_by("pk")
        .first()
    )
    busiest = (
        Case.objects.filter(unit_id=unit_id, stage__in=workflow.ACTIVE, pendamping__isnull=False)
        .values("pendamping_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "pendamping_id")
        .first()
    )
    pendamping = User.objects.get(pk=busiest["pendamping_id"])
    return head, supervisor, pendamping


def _case_list(user, size: int, **filters):
    """The case list's first page as the page builds it (atensi/cases/views.case_list)."""
    from django.core.paginator import Paginator

    from atensi.cases.selectors import cases_filter, cases_visible_to, processing_stopped

    cases = cases_filter(cases_visible_to(user), user, **filters)
    ordered = (
        cases.select_related("person", "unit", "pendamping")
        .annotate(stopped=processing_stopped())
        .order_by("-received_at", "-id")
    )
    page = Paginator(ordered, size).get_page(1)
    return list(page.object_list), page.paginator.count


def _queue(queryset, size: int):
    """A queue as the queue page and the API read it: the first rows, and the count if more."""
    rows = list(queryset[:size])
    return rows, (queryset.count() if len(rows) == size else len(rows))


def _queues(user) -> dict:
    from atensi.cases import workflow
    from atensi.cases.selectors import (
        queue_aftercare_due,
        queue_my_cases,
        queue_overdue,
        queue_waiting_approval,
    )

    out = {
        "my cases": lambda: queue_my_cases(user).order_by("-received_at", "-id"),
        "overdue steps": lambda: queue_overdue(user),
        "aftercare due": lambda: queue_aftercare_due(user),
    }
    if user.role in workflow.CASE_LEADS:
        out["waiting for my approval"] = lambda: queue_waiting_approval(user)
    return out


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client, path: str):
    def run():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    return run


def _measure(name: str, kind: str, fn_at_size, repeats: int, sizes=SIZES) -> dict:
    """Times `fn_at_size(sizes[0])` and counts the queries at each size."""
    counts = {size: casedata.query_count(lambda s=size: fn_at_size(s)) for size in sizes}
    timing = casedata.sample(lambda: fn_at_size(sizes[0]), repeats)
    row = {"name": name, "kind": kind, **timing, "queries": {str(k): v for k, v in counts.items()}}
    print(
        f"  {name:<62} p50 {timing['p50_ms']:8.1f}  p95 {timing['p95_ms']:8.1f} ms"
        f"  queries {' / '.join(str(v) for v in counts.values())}",
        flush=True,
    )
    return row


def _baseline(repeats: int) -> dict:
    """A raw SQL primary-key lookup of a random case, the floor of any read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM cases_case")
        low, high = cursor.fetchone()
    rng = random.Random(20261122)

    def lookup():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM cases_case WHERE id = %s", [rng.randint(low, high)])
            cursor.fetchall()

    return casedata.sample(lookup, max(repeats * 4, 50), warmup=5)


def run(repeats: int) -> dict:
    from atensi.cases.choices import Stage
    from atensi.cases.models import Case, ServiceDelivery

    head, supervisor, pendamping = _people()
    load_before = casedata.load_average()
    baseline = _baseline(repeats)
    print(f"  baseline: raw pk lookup p50 {baseline['p50_ms']} p95 {baseline['p95_ms']} ms")
    rows = []
    list_filters = {
        "no filter": {},
        "stage = intervention": {"stage": Stage.INTERVENTION},
        "overdue": {"overdue": True},
        "pendamping": {"pendamping_id": pendamping.pk},
        "stage = assessment + overdue + pendamping": {
            "stage": Stage.ASSESSMENT,
            "overdue": True,
            "pendamping_id": pendamping.pk,
        },
    }
    for label, filters in list_filters.items():
        rows.append(
            _measure(
                f"case list, head, first page, {label}",
                "list",
                lambda size, f=filters: _case_list(head, size, **f),
                repeats,
            )
        )
    for role, user in (("pendamping", pendamping), ("supervisor", supervisor), ("head", head)):
        for queue, build in _queues(user).items():
            rows.append(
                _measure(
                    f"queue {queue}, {role}",
                    "queue",
                    lambda size, b=build: _queue(b(), size),
                    repeats,
                )
            )
    # The real doors: the HTML pages (25 rows a page, 20 a queue) and the API at 25 and 100.
    head_client = _client(head)
    page_filters = f"?stage={Stage.INTERVENTION}&overdue=on&pendamping={pendamping.pk}"
    for label, path in (("/kasus/", "/kasus/"), ("/kasus/ with filters", "/kasus/" + page_filters)):
        rows.append(
            _measure(
                f"page {label}, head",
                "page",
                lambda _s, p=path: _get(head_client, p)(),
                repeats,
                (25,),
            )
        )
    for role, user in (("pendamping", pendamping), ("supervisor", supervisor), ("head", head)):
        client = _client(user)
        rows.append(
            _measure(
                f"page /kasus/antrian/, {role}",
                "page",
                lambda _s, c=client: _get(c, "/kasus/antrian/")(),
                repeats,
                (25,),
            )
        )
        rows.append(
            _measure(
                f"API /api/v1/cases/queues/, {role}",
                "api",
                lambda size, c=client: _get(c, f"/api/v1/cases/queues/?limit={size}")(),
                repeats,
            )
        )
    rows.append(
        _measure(
            "API /api/v1/cases/, head, first page",
            "api",
            lambda size: _get(head_client, f"/api/v1/cases/?page_size={size}")(),
            repeats,
        )
    )
    rows.append(
        _measure(
            "API /api/v1/cases/?stage=intervention&overdue=true, head",
            "api",
            lambda size: _get(
                head_client, f"/api/v1/cases/?stage=intervention&overdue=true&page_size={size}"
            )(),
            repeats,
        )
    )
    for row in rows:
        row["ratio_p95_to_baseline"] = round(row["p95_ms"] / baseline["p95_ms"], 1)
    return {
        "data": {
            "cases": Case.objects.count(),
            "services": ServiceDelivery.objects.count(),
            "sentra_cases": Case.objects.filter(unit_id=head.unit_id).count(),
            "pendamping_active_cases": Case.objects.filter(
                pendamping=pendamping, stage__in=[s for s in Stage if s != Stage.CLOSED]
            ).count(),
            "head": head.username,
            "supervisor": supervisor.username,
            "pendamping": pendamping.username,
        },
        "baseline_pk_lookup": baseline,
        "measures": rows,
        "load_average": {"before": load_before, "after": casedata.load_average()},
    }


def summary(results: dict) -> list[dict]:
    measures = results["measures"]

    def worst(kind: str, role: str = ""):
        chosen = [m for m in measures if m["kind"] == kind and role in m["name"]]
        return max(chosen, key=lambda m: m["p95_ms"])

    base = results["baseline_pk_lookup"]["p95_ms"]
    rows = []
    for label, pick in (
        ("case list, sentra head, first page (worst filter)", worst("list")),
        ("work queues, pendamping (worst queue)", worst("queue", "pendamping")),
        ("work queues, supervisor (worst queue)", worst("queue", "supervisor")),
        ("work queues, sentra head (worst queue)", worst("queue", "head")),
        (
            "pages and API through the test client (worst)",
            max((m for m in measures if m["kind"] in ("page", "api")), key=lambda m: m["p95_ms"]),
        ),
    ):
        rows.append(
            {
                "measure": f"{label} p95 at {results['data']['cases']:,} cases",
                "value": f"{pick['p95_ms']:.1f} ms ({pick['name']}; {pick['p95_ms'] / base:.0f}×"
                f" a pk lookup of {base:.2f} ms)",
                "target": f"< {TARGET_P95_MS:g} ms",
                "met": pick["p95_ms"] < TARGET_P95_MS,
            }
        )
    sized = [m for m in measures if len(m["queries"]) > 1]
    # Fewer queries at 100 rows is not growth: a queue that fills 25 rows but not 100 needs no
    # separate count at 100.
    growing = [m["name"] for m in sized if m["queries"]["100"] > m["queries"]["25"]]
    rows.append(
        {
            "measure": "query count at 100 rows vs 25 (list, queues, API)",
            "value": "never more at 100 in all " + str(len(sized))
            if not growing
            else "grows in: " + "; ".join(growing),
            "target": "no growth",
            "met": not growing,
        }
    )
    return rows


def markdown(results: dict) -> str:
    data = results["data"]
    lines = [
        "# Case list and work queues (issue 3)",
        "",
        f"Run {results['run_at']}{' (quick)' if results['quick'] else ''} on "
        f"{results['machine']['cpus']} CPUs, PostgreSQL database {results['database']}: "
        f"{data['cases']:,} cases, {data['services']:,} services; the sentra measured has "
        f"{data['sentra_cases']:,} cases, its busiest pendamping {data['pendamping_active_cases']:,}"
        f" open ones. Load average {results['load_average']['before']} before, "
        f"{results['load_average']['after']} after.",
        "",
        f"Baseline (same run): raw SQL primary-key lookup p50 "
        f"{results['baseline_pk_lookup']['p50_ms']} ms, p95 {results['baseline_pk_lookup']['p95_ms']} ms.",
        "",
        "| measure | p50 ms | p95 ms | p95 / baseline | queries at 25 / 100 |",
        "|---|---:|---:|---:|---|",
    ]
    for m in results["measures"]:
        queries = " / ".join(str(v) for v in m["queries"].values())
        lines.append(
            f"| {m['name']} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | "
            f"{m['ratio_p95_to_baseline']:.0f}× | {queries} |"
        )
    lines += ["", *targets_table(results["summary"])]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cases.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="smoke run on 20,000 cases")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per measure")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set first")
    opts = parser.parse_args(argv)
    scale = casedata.QUICK if opts.quick else casedata.FULL
    info = casedata.ensure(scale, rebuild=opts.rebuild)
    repeats = opts.repeats or (8 if opts.quick else 30)
    results = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": opts.quick,
        "repeats": repeats,
        "database": info["database"],
        "build_s": info["build_s"],
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "target_p95_ms": TARGET_P95_MS,
        **run(repeats),
    }
    results["summary"] = summary(results)
    text = markdown(results)
    casedata.write_results(HERE, results, text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
