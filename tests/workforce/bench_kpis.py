"""Measures the workforce KPIs at national scale on PostgreSQL (not a test).

    DATABASE_URL=postgres://.../db ATENSI_DATA_DIR=... python -m tests.workforce.bench_kpis \
        [--cases 1000000] [--services 10000000] [--workers 3000] [--rebuild]

Against a migrated database with the units and case rules loaded: builds (once, in SQL) the
workers, persons, cases over 2024–2026 with their milestones, one holding per case (5 % of the
cases reassigned once, to a colleague), services, aftercare visits, leave and monthly reports;
then times `kpi_table` for every worker nationwide over 2025, per sentra, per target group, the
like-with-like cells, and one sentra's team board figures. Prints one JSON object.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

MARK = "bench-workforce"


def _setup():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


BUILD = """
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, role, unit_id, phone, failed_logins)
SELECT '!', false, 'bench_p' || i, 'Pendamping', i::text, '', false, true,
       '2023-01-01T00:00:00+07', 'pendamping', u.id, '', 0
FROM generate_series(1, %(workers)s) i
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM organisation_unit
      WHERE type = 'sentra') u ON u.n = i %% (SELECT count(*) FROM organisation_unit WHERE type = 'sentra');

CREATE TEMP TABLE bench_workers AS
SELECT id, unit_id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
WHERE username LIKE 'bench_p%%';
CREATE INDEX ON bench_workers (n);

INSERT INTO registry_person (created_at, updated_at, registry_id, no_nik_reason, no_kk, full_name,
    name_normalized, aliases, sex, birth_place, birth_date_estimated, address, phone, target_group,
    disability_types, photo, nik_warnings, version, unit_id)
SELECT now(), now(), 'BENCH' || i, 'unknown', '', 'Orang ' || i, 'orang ' || i, '[]', 'L', '',
       false, '', '', 'anak', '[]', '', '[]', 1, (SELECT min(id) FROM organisation_unit)
FROM generate_series(1, %(cases)s) i;

CREATE TEMP TABLE bench_cases AS
SELECT i,
       (SELECT min(id) FROM registry_person WHERE registry_id LIKE 'BENCH%%') + i - 1 AS person_id,
       timestamptz '2024-01-01T08:00:00+07' + (random() * 1035) * interval '1 day' AS received_at,
       (ARRAY['emergency','urgent','normal','normal','normal'])[1 + floor(random() * 5)] AS urgency,
       (ARRAY['anak','disabilitas','lansia','napza','tuna_sosial','odha','bencana'])[1 + floor(random() * 7)] AS target_group,
       (ARRAY['family','community','residential'])[1 + floor(random() * 3)] AS approach,
       floor(random() * %(workers)s)::int AS worker_n,
       random() AS r
FROM generate_series(1, %(cases)s) i;

INSERT INTO cases_case (created_at, updated_at, number, source, referrer_name, referrer_institution,
    referrer_contact, referral_note, received_at, urgency, target_group, approach, stage,
    sk_number, termination_reason, outcome_rating, termination_note, reopened_count, version,
    person_id, unit_id, pendamping_id, first_contact_at, assessed_at, plan_approved_at,
    terminated_at, closed_at)
SELECT now(), now(), 'BENCH-' || c.i, 'dinsos', '', '', '', '', c.received_at, c.urgency,
       c.target_group, c.approach,
       CASE WHEN c.r < 0.35 THEN 'closed' WHEN c.r < 0.45 THEN 'aftercare'
            WHEN c.r < 0.65 THEN 'intervention' WHEN c.r < 0.8 THEN 'planning'
            WHEN c.r < 0.9 THEN 'assessment' ELSE 'intake' END,
       '', CASE WHEN c.r < 0.45 THEN (CASE WHEN c.r < 0.27 THEN 'goals_met' ELSE 'withdrew' END) ELSE '' END,
       '', '', 0, 1, c.person_id, w.unit_id, w.id,
       CASE WHEN c.r < 0.9 THEN c.received_at + (random() * 300) * interval '1 hour' END,
       CASE WHEN c.r < 0.8 THEN c.received_at + (50 + random() * 500) * interval '1 hour' END,
       CASE WHEN c.r < 0.65 THEN c.received_at + (200 + random() * 900) * interval '1 hour' END,
       CASE WHEN c.r < 0.45 THEN c.received_at + (60 + random() * 120) * interval '1 day' END,
       CASE WHEN c.r < 0.35 THEN c.received_at + (200 + random() * 100) * interval '1 day' END
FROM bench_cases c JOIN bench_workers w ON w.n = c.worker_n;

INSERT INTO workforce_caseholding (case_id, worker_id, unit_id, since, until, since_day, until_day)
SELECT id, pendamping_id, unit_id, received_at,
       CASE WHEN id %% 20 = 0 THEN received_at + interval '30 days' END,
       (received_at AT TIME ZONE 'Asia/Jakarta')::date,
       CASE WHEN id %% 20 = 0 THEN ((received_at + interval '30 days') AT TIME ZONE 'Asia/Jakarta')::date END
FROM cases_case WHERE number LIKE 'BENCH-%%';
INSERT INTO workforce_caseholding (case_id, worker_id, unit_id, since, until, since_day, until_day)
SELECT c.id, w2.id, c.unit_id, c.received_at + interval '30 days', NULL,
       ((c.received_at + interval '30 days') AT TIME ZONE 'Asia/Jakarta')::date, NULL
FROM cases_case c JOIN bench_workers w ON w.id = c.pendamping_id
JOIN bench_workers w2 ON w2.n = (w.n + (SELECT count(*) FROM organisation_unit WHERE type = 'sentra')) %% %(workers)s
WHERE c.number LIKE 'BENCH-%%' AND c.id %% 20 = 0;
UPDATE cases_case c SET pendamping_id = h.worker_id FROM workforce_caseholding h
WHERE h.case_id = c.id AND h.until IS NULL AND c.id %% 20 = 0 AND c.number LIKE 'BENCH-%%';

INSERT INTO cases_servicedelivery (delivered_on, component, description, provider_name, quantity,
    unit_cost, ro_code, recorded_at, case_id, provider_id)
SELECT LEAST((c.received_at AT TIME ZONE 'Asia/Jakarta')::date + (s %% 200), date '2026-11-20'),
       'family_support', 'Layanan', '', 1, 0, '', now(), c.id, c.pendamping_id
FROM generate_series(1, %(services)s) s
JOIN cases_case c ON c.id = (SELECT min(id) FROM cases_case WHERE number LIKE 'BENCH-%%')
                            + ((s::bigint * 7919) %% %(cases)s);

INSERT INTO workforce_servicetally (day, worker_id, unit_id, target_group, approach, services)
SELECT s.delivered_on, h.worker_id, h.unit_id, c.target_group, c.approach, count(*)
FROM cases_servicedelivery s JOIN cases_case c ON c.id = s.case_id
JOIN workforce_caseholding h ON h.case_id = s.case_id AND h.since_day <= s.delivered_on
     AND (h.until_day IS NULL OR h.until_day > s.delivered_on)
WHERE c.number LIKE 'BENCH-%%'
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO cases_aftercarevisit (scheduled_for, done_at, notes, case_id, visited_by_id)
SELECT (terminated_at AT TIME ZONE 'Asia/Jakarta')::date + 30,
       CASE WHEN random() < 0.8 THEN terminated_at + (30 + random() * 14) * interval '1 day' END,
       '', id, pendamping_id
FROM cases_case WHERE number LIKE 'BENCH-%%' AND terminated_at IS NOT NULL;

INSERT INTO workforce_absence (kind, starts_on, ends_on, note, recorded_at, worker_id)
SELECT 'annual', d, d + 4, '', now(), w.id
FROM bench_workers w, LATERAL (SELECT date '2025-01-01' + floor(random() * 700)::int AS d
                               FROM generate_series(1, 3)) x;

INSERT INTO workforce_absenceday (absence_id, worker_id, day)
SELECT a.id, a.worker_id, d::date
FROM workforce_absence a, generate_series(a.starts_on, a.ends_on, interval '1 day') d
ON CONFLICT DO NOTHING;

INSERT INTO workforce_monthlyreport (created_at, updated_at, month, status, figures, figures_at,
    narrative, due_on, first_submitted_at, submitted_at, decision_comment, version, unit_id, worker_id)
SELECT now(), now(), m, 'approved', '{}', now(), 'Uraian', m + interval '1 month' + interval '6 days',
       m + interval '1 month' + (random() * 12) * interval '1 day',
       m + interval '1 month' + (random() * 12) * interval '1 day', '', 1, w.unit_id, w.id
FROM bench_workers w, generate_series(date '2024-12-01', date '2026-09-01', interval '1 month') m;
ANALYZE;
"""


def build(workers: int, cases: int, services: int) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in BUILD.split(";\n"):
            if statement.strip():
                cursor.execute(
                    statement, {"workers": workers, "cases": cases, "services": services}
                )
    return time.perf_counter() - started


def timed(fn, repeat: int = 3) -> float:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    _setup()
    from django.utils import timezone

    from atensi.accounts.models import Role, User
    from atensi.cases.models import Case, ServiceDelivery
    from atensi.workforce import kpis
    from atensi.workforce.holdings import SYNC_NAME
    from atensi.workforce.models import SyncMark
    from atensi.workforce.rules import rules_ensure
    from atensi.workforce.tally import SYNC_NAME as TALLY_NAME

    result = {"cases": args.cases, "services": args.services, "workers": args.workers}
    if args.rebuild or not Case.objects.filter(number__startswith="BENCH-").exists():
        rules_ensure()
        result["build_s"] = round(build(args.workers, args.cases, args.services), 1)
    # The bench data has no audit trail and its tally was built in SQL: mark both read.
    SyncMark.objects.update_or_create(
        name=SYNC_NAME,
        defaults={
            "last_case_id": Case.objects.order_by("-pk").values_list("pk", flat=True).first()
        },
    )
    SyncMark.objects.update_or_create(
        name=TALLY_NAME,
        defaults={
            "last_service_id": ServiceDelivery.objects.order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        },
    )
    admin = User.objects.filter(role=Role.ADMIN).first() or User(role=Role.ADMIN, is_active=True)
    if admin.pk is None:
        from atensi.organisation.models import Unit

        admin.username, admin.unit = "bench_admin", Unit.objects.get(code="630001")
        admin.save()
    year = kpis.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    now = timezone.now()
    result["kpis_by_worker_year_s"] = timed(
        lambda: kpis.kpi_table(admin, year, by=("worker", "unit"), now=now)
    )
    result["kpis_by_unit_year_s"] = timed(
        lambda: kpis.kpi_table(admin, year, by=("unit",), now=now)
    )
    result["kpis_by_target_group_year_s"] = timed(
        lambda: kpis.kpi_table(admin, year, by=("target_group",), now=now)
    )
    head = User.objects.filter(username="bench_p1").first()
    month = kpis.Period(dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    unit = kpis.Filters(unit=head.unit_id)
    result["kpis_one_sentra_month_s"] = timed(
        lambda: kpis.kpi_table(admin, month, by=("worker",), filters=unit, now=now)
    )
    rows = kpis.kpi_table(admin, year, by=("worker", "unit"), now=now)
    result["worker_rows"] = len(rows)
    # Baselines measured in the same run (the machine may be shared): one plain scan of each
    # big table, which any figure over every case and service must at least match.
    from django.db import connection

    def scan(table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)

    result["baseline_scan_cases_s"] = timed(lambda: scan("cases_case"))
    result["baseline_scan_services_s"] = timed(lambda: scan("cases_servicedelivery"))
    result["ratio_by_worker_to_scans"] = round(
        result["kpis_by_worker_year_s"]
        / (result["baseline_scan_cases_s"] + result["baseline_scan_services_s"]),
        2,
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
