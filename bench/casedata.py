"""The national case data set shared by the read-path benchmarks (bench/cases, bench/workforce).

    python -m bench.casedata [--quick] [--rebuild]

Builds once, in a PostgreSQL database of its own (`atensi_bench_cases`, or
`atensi_bench_cases_quick` at the smoke scale), everything the case list, the work queues, the
workforce KPIs and the team board read: the 31 sentra with a head, three supervisors and their
pendamping (with worker profiles), one person per case, 1,000,000 cases received over 2024–2026
in every stage with the milestones their stage implies, decrees, plans (approved, submitted,
draft), one holding per case with 5 % reassigned to a colleague after a month, 10,000,000
service deliveries within each case's intervention period and their daily tally, aftercare
visits (done, due, late), leave with its leave days, and monthly reports. All in SQL
(generate_series), so the full set takes minutes, not hours.

A row in the table `bench_dataset` marks a finished build with its scale; a later run with the
same scale reuses the database, anything else (no mark, another scale, --rebuild) drops and
rebuilds it. Older cases are mostly closed, recent ones mostly open, as in a real caseload.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import POSTGRES_SERVER, ROOT, percentiles

# The data set's own database on the benchmark PostgreSQL server (bench.common).
DATABASE = "atensi_bench_cases"


@dataclass(frozen=True)
class Scale:
    cases: int
    services: int
    workers: int  # pendamping nationwide; each sentra also gets a head and three supervisors

    @property
    def database(self) -> str:
        return DATABASE if self == FULL else f"{DATABASE}_quick"


FULL = Scale(cases=1_000_000, services=10_000_000, workers=3000)
QUICK = Scale(cases=20_000, services=200_000, workers=310)
SUPERVISORS_PER_SENTRA = 3

# One statement per ";\n". %(name)s are the scale's figures; %% is a literal percent sign.
BUILD = """
SET work_mem = '1GB';

CREATE TEMP TABLE bench_units AS
SELECT id, code, row_number() OVER (ORDER BY code) - 1 AS n FROM organisation_unit
WHERE type = 'sentra';

INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, role, unit_id, phone, failed_logins)
SELECT '!', true, 'bench_admin', 'Admin', 'Bench', '', false, true, '2023-01-01T00:00:00+07',
       'admin', id, '', 0
FROM organisation_unit WHERE code = '630001';

INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, role, unit_id, phone, failed_logins)
SELECT '!', false, 'bench_head_' || u.code, 'Kepala', u.code, '', false, true,
       '2023-01-01T00:00:00+07', 'head', u.id, '', 0
FROM bench_units u;

INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, role, unit_id, phone, failed_logins)
SELECT '!', false, 'bench_sup_' || u.code || '_' || k, 'Supervisor', u.code || '-' || k, '',
       false, true, '2023-01-01T00:00:00+07', 'supervisor', u.id, '', 0
FROM bench_units u, generate_series(0, %(supervisors)s - 1) k;

INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
    is_staff, is_active, date_joined, role, unit_id, phone, failed_logins)
SELECT '!', false, 'bench_p' || i, 'Pendamping', i::text, '', false, true,
       '2023-01-01T00:00:00+07', 'pendamping', u.id, '', 0
FROM generate_series(1, %(workers)s) i
JOIN bench_units u ON u.n = i %% (SELECT count(*) FROM bench_units);

CREATE TEMP TABLE bench_workers AS
SELECT id, unit_id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
WHERE username LIKE 'bench\\_p%%';
CREATE UNIQUE INDEX ON bench_workers (n);
ANALYZE bench_workers;

CREATE TEMP TABLE bench_supervisors AS
SELECT a.id, a.unit_id, row_number() OVER (PARTITION BY a.unit_id ORDER BY a.id) - 1 AS k
FROM accounts_user a WHERE a.role = 'supervisor' AND a.username LIKE 'bench\\_sup\\_%%';
CREATE UNIQUE INDEX ON bench_supervisors (unit_id, k);
ANALYZE bench_supervisors;

INSERT INTO workforce_workerprofile (created_at, updated_at, user_id, kind, employment,
    employee_number, areas, languages, specialisations, certificate_level, certificate_number,
    certificate_issued_on, certificate_expires_on, version)
SELECT now(), now(), w.id,
       (ARRAY['pendamping_atensi','pendamping_atensi','pekerja_sosial','tks'])[1 + w.n %% 4],
       (ARRAY['contract','pppk','pns'])[1 + w.n %% 3], '', '[]', '["id"]',
       jsonb_build_array((ARRAY['anak','disabilitas','lansia','napza','tuna_sosial','odha','bencana'])[1 + w.n %% 7]),
       CASE WHEN w.n %% 3 = 0 THEN 'generalis' ELSE '' END,
       CASE WHEN w.n %% 3 = 0 THEN 'SERT-' || w.n ELSE '' END,
       CASE WHEN w.n %% 3 = 0 THEN date '2023-06-01' END,
       CASE WHEN w.n %% 3 = 0 THEN date '2026-06-01' + (w.n %% 400)::int END, 1
FROM bench_workers w;

CREATE TEMP TABLE bench_cases AS
SELECT i, received_at, urgency, target_group, approach, worker_n, r, r2,
       CASE
         WHEN age > 365 THEN CASE WHEN r < 0.82 THEN 7 WHEN r < 0.90 THEN 6 WHEN r < 0.92 THEN 5
                                  WHEN r < 0.94 THEN 4 WHEN r < 0.97 THEN 3 WHEN r < 0.98 THEN 2
                                  WHEN r < 0.99 THEN 1 ELSE 0 END
         WHEN age > 90 THEN CASE WHEN r < 0.35 THEN 7 WHEN r < 0.55 THEN 6 WHEN r < 0.60 THEN 5
                                 WHEN r < 0.70 THEN 4 WHEN r < 0.88 THEN 3 WHEN r < 0.94 THEN 2
                                 WHEN r < 0.97 THEN 1 ELSE 0 END
         ELSE CASE WHEN r < 0.03 THEN 7 WHEN r < 0.08 THEN 6 WHEN r < 0.10 THEN 5
                   WHEN r < 0.15 THEN 4 WHEN r < 0.40 THEN 3 WHEN r < 0.60 THEN 2
                   WHEN r < 0.78 THEN 1 ELSE 0 END
       END AS n
FROM (
  SELECT i, received_at, extract(epoch FROM now() - received_at) / 86400 AS age,
         (ARRAY['emergency','urgent','normal','normal','normal'])[1 + floor(random() * 5)] AS urgency,
         (ARRAY['anak','disabilitas','lansia','napza','tuna_sosial','odha','bencana'])[1 + floor(random() * 7)] AS target_group,
         (ARRAY['family','community','residential'])[1 + floor(random() * 3)] AS approach,
         floor(random() * %(workers)s)::int AS worker_n, random() AS r, random() AS r2
  FROM (SELECT i, timestamptz '2024-01-01T08:00:00+07'
                  + random() * (now() - timestamptz '2024-01-01T08:00:00+07') AS received_at
        FROM generate_series(1, %(cases)s) i) g
) x;

INSERT INTO registry_person (created_at, updated_at, registry_id, no_nik_reason, no_kk, full_name,
    name_normalized, aliases, sex, birth_place, birth_date_estimated, address, phone, target_group,
    disability_types, photo, nik_warnings, version, unit_id)
SELECT c.received_at, c.received_at, 'BENCH' || c.i, 'unknown', '', 'Orang ' || c.i,
       'orang ' || c.i, '[]', (ARRAY['L','P'])[1 + c.i %% 2], '', false, '', '', c.target_group,
       '[]', '', '[]', 1, w.unit_id
FROM bench_cases c JOIN bench_workers w ON w.n = c.worker_n;

CREATE TEMP TABLE bench_times AS
SELECT c.*, w.id AS pendamping_id, w.unit_id,
       (SELECT min(id) FROM registry_person WHERE registry_id LIKE 'BENCH%%') + c.i - 1 AS person_id,
       s.id AS supervisor_id,
       CASE WHEN c.n >= 1 THEN LEAST(c.received_at + (1 + random() * random() * 120) * interval '1 hour', now()) END AS fc,
       CASE WHEN c.n >= 2 THEN LEAST(c.received_at + (30 + random() * 500) * interval '1 hour', now()) END AS asd,
       CASE WHEN c.n >= 3 THEN LEAST(c.received_at + (540 + random() * 900) * interval '1 hour', now()) END AS pa,
       CASE WHEN c.n >= 5 THEN LEAST(c.received_at + (100 + random() * 150) * interval '1 day', now()) END AS term,
       CASE WHEN c.n >= 7 THEN LEAST(c.received_at + (260 + random() * 100) * interval '1 day', now()) END AS closed
FROM bench_cases c JOIN bench_workers w ON w.n = c.worker_n
JOIN bench_supervisors s ON s.unit_id = w.unit_id AND s.k = c.i %% %(supervisors)s;

INSERT INTO cases_case (created_at, updated_at, number, source, referrer_name, referrer_institution,
    referrer_contact, referral_note, received_at, urgency, target_group, approach, stage,
    sk_number, sk_date, termination_reason, outcome_rating, termination_note, reopened_count,
    version, person_id, unit_id, pendamping_id, supervisor_id, first_contact_at, assessed_at,
    plan_approved_at, terminated_at, closed_at)
SELECT t.received_at, COALESCE(t.closed, t.term, t.pa, t.asd, t.fc, t.received_at),
       'KS-' || to_char(t.received_at AT TIME ZONE 'Asia/Jakarta', 'YYYY') || '-'
             || upper(lpad(to_hex(t.i), 6, '0')),
       (ARRAY['dinsos','police','hospital','school','community','family','self','hotline','other_sentra','outreach'])[1 + t.i %% 10],
       'Pelapor ' || t.i, '', '', 'Rujukan', t.received_at, t.urgency, t.target_group, t.approach,
       (ARRAY['intake','assessment','planning','intervention','monitoring','termination','aftercare','closed'])[1 + t.n],
       CASE WHEN t.n >= 3 THEN 'SK/' || t.i ELSE '' END,
       CASE WHEN t.n >= 3 THEN (t.pa AT TIME ZONE 'Asia/Jakarta')::date END,
       CASE WHEN t.n >= 5 THEN (CASE WHEN t.r2 < 0.6 THEN 'goals_met' WHEN t.r2 < 0.75 THEN 'referred'
                                     WHEN t.r2 < 0.9 THEN 'withdrew' ELSE 'lost_contact' END) ELSE '' END,
       CASE WHEN t.n >= 5 THEN (CASE WHEN t.r2 < 0.6 THEN 'improved' ELSE 'stable' END) ELSE '' END,
       '', CASE WHEN t.i %% 97 = 0 THEN 1 ELSE 0 END, 1, t.person_id, t.unit_id, t.pendamping_id,
       t.supervisor_id, t.fc, t.asd, t.pa, t.term, t.closed
FROM bench_times t ORDER BY t.i;
ANALYZE cases_case;

CREATE TEMP TABLE bench_ids AS
SELECT c.id, t.i, t.n, t.pa, t.term, t.closed, t.pendamping_id, t.supervisor_id, t.received_at
FROM cases_case c JOIN bench_times t
  ON c.number = 'KS-' || to_char(t.received_at AT TIME ZONE 'Asia/Jakarta', 'YYYY') || '-'
                || upper(lpad(to_hex(t.i), 6, '0'));
CREATE UNIQUE INDEX ON bench_ids (i);
ANALYZE bench_ids;

INSERT INTO cases_plan (created_at, updated_at, case_id, number, goals, status, submitted_at,
    decided_by_id, decided_at, decision_comment, created_by_id)
SELECT b.received_at, COALESCE(b.pa, b.received_at), b.id, 1,
       '[{"code": "G1", "text": "Fungsi sosial pulih", "met": false}]',
       CASE WHEN b.n >= 3 THEN 'approved' WHEN b.i %% 2 = 0 THEN 'submitted' ELSE 'draft' END,
       CASE WHEN b.n >= 3 THEN b.pa - interval '2 days'
            WHEN b.i %% 2 = 0 THEN LEAST(b.received_at + interval '20 days', now()) END,
       CASE WHEN b.n >= 3 THEN b.supervisor_id END, b.pa, '', b.pendamping_id
FROM bench_ids b WHERE b.n >= 2;

INSERT INTO workforce_caseholding (case_id, worker_id, unit_id, since, until, since_day, until_day,
    case_closed_at)
SELECT b.id, b.pendamping_id, w.unit_id, b.received_at,
       CASE WHEN b.i %% 20 = 0 THEN b.received_at + interval '30 days' END,
       (b.received_at AT TIME ZONE 'Asia/Jakarta')::date,
       CASE WHEN b.i %% 20 = 0 THEN ((b.received_at + interval '30 days') AT TIME ZONE 'Asia/Jakarta')::date END,
       b.closed
FROM bench_ids b JOIN bench_workers w ON w.id = b.pendamping_id;

CREATE TEMP TABLE bench_moves AS
SELECT b.id, w2.id AS worker_id, w2.unit_id, b.received_at + interval '30 days' AS since, b.closed
FROM bench_ids b JOIN bench_workers w ON w.id = b.pendamping_id
JOIN bench_workers w2 ON w2.n = (w.n + (SELECT count(*) FROM bench_units)) %% %(workers)s
WHERE b.i %% 20 = 0;
ANALYZE bench_moves;

INSERT INTO workforce_caseholding (case_id, worker_id, unit_id, since, until, since_day, until_day,
    case_closed_at)
SELECT id, worker_id, unit_id, since, NULL, (since AT TIME ZONE 'Asia/Jakarta')::date, NULL, closed
FROM bench_moves;

UPDATE cases_case c SET pendamping_id = m.worker_id FROM bench_moves m WHERE m.id = c.id;

CREATE TEMP TABLE bench_served AS
SELECT row_number() OVER (ORDER BY b.id) - 1 AS k, b.id, b.pendamping_id AS first_worker,
       m.worker_id AS moved_worker, (m.since AT TIME ZONE 'Asia/Jakarta')::date AS moved_on,
       (b.pa AT TIME ZONE 'Asia/Jakarta')::date AS first_day,
       GREATEST(1, (COALESCE(b.term, now()) AT TIME ZONE 'Asia/Jakarta')::date
                   - (b.pa AT TIME ZONE 'Asia/Jakarta')::date) AS span
FROM bench_ids b LEFT JOIN bench_moves m ON m.id = b.id WHERE b.n >= 3;
CREATE UNIQUE INDEX ON bench_served (k);
ANALYZE bench_served;

INSERT INTO cases_servicedelivery (delivered_on, component, description, provider_name, quantity,
    unit_cost, ro_code, recorded_at, case_id, provider_id, recorded_by_id)
SELECT d.day,
       (ARRAY['basic_needs','care','family_support','therapy','vocational','assistance','accessibility'])[1 + s %% 7],
       'Layanan', '', 1 + s %% 3, (ARRAY[0, 25000, 50000, 150000])[1 + s %% 4],
       (ARRAY['6302.QDB.001','6302.QDB.002','6302.QEA.001'])[1 + s %% 3],
       (d.day + time '17:00') AT TIME ZONE 'Asia/Jakarta', v.id, d.worker, d.worker
FROM generate_series(0, %(services)s - 1) s
JOIN bench_served v ON v.k = s::bigint * (SELECT count(*) FROM bench_served) / %(services)s,
LATERAL (SELECT LEAST(v.first_day + (s %% v.span)::int,
                      (now() AT TIME ZONE 'Asia/Jakarta')::date) AS day) d0,
LATERAL (SELECT d0.day,
                CASE WHEN v.moved_on <= d0.day THEN v.moved_worker ELSE v.first_worker END
                AS worker) d;

ANALYZE cases_servicedelivery;

INSERT INTO workforce_servicetally (day, worker_id, unit_id, target_group, approach, services)
SELECT s.delivered_on, s.provider_id, w.unit_id, c.target_group, c.approach, count(*)
FROM cases_servicedelivery s JOIN cases_case c ON c.id = s.case_id
JOIN bench_workers w ON w.id = s.provider_id
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO workforce_servicetallymonth (month, worker_id, unit_id, target_group, approach,
    services)
SELECT date_trunc('month', day)::date, worker_id, unit_id, target_group, approach, sum(services)
FROM workforce_servicetally GROUP BY 1, 2, 3, 4, 5;

INSERT INTO cases_aftercarevisit (scheduled_for, done_at, notes, case_id, visited_by_id)
SELECT v.day,
       CASE WHEN b.n = 7 OR ((v.day + 14) < now()::date AND random() < 0.7)
            THEN LEAST((v.day + time '10:00') AT TIME ZONE 'Asia/Jakarta'
                       + random() * 14 * interval '1 day', now()) END,
       '', b.id, NULL
FROM bench_ids b,
     LATERAL (SELECT (b.term AT TIME ZONE 'Asia/Jakarta')::date + g AS day
              FROM unnest(ARRAY[30, 90]) g) v
WHERE b.n >= 5;

UPDATE cases_aftercarevisit a SET visited_by_id = c.pendamping_id FROM cases_case c
WHERE c.id = a.case_id AND a.done_at IS NOT NULL;

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
FROM bench_workers w, generate_series(date '2024-12-01', date '2026-09-01', interval '1 month') m
"""


def _server_connect():
    import psycopg

    return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5)


def _built(url: str, scale: Scale) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as c:
            row = c.execute(
                "SELECT cases, services, workers FROM bench_dataset WHERE name = 'cases'"
            ).fetchone()
    except psycopg.Error:
        return False
    return row == (scale.cases, scale.services, scale.workers)


def _django(url: str):
    """Points Django at the data set's database and sets it up (once per process)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ATENSI_LOG_LEVEL", "ERROR")
    os.environ.setdefault("ATENSI_DATA_DIR", str(ROOT / "var" / "bench"))
    Path(os.environ["ATENSI_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _build(scale: Scale) -> float:
    """Fills the empty, migrated database. Each statement commits on its own: a build that
    stops half-way leaves no mark, so the next run drops the database and starts again."""
    from django.core.management import call_command
    from django.db import connection

    from atensi.workforce.holdings import SYNC_NAME as holdings_mark
    from atensi.workforce.rules import rules_ensure
    from atensi.workforce.tally import SYNC_NAME as tally_mark

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("units", "load", verbosity=0)
    call_command("cases", "rules", verbosity=0)
    rules_ensure()
    figures = {
        "workers": scale.workers,
        "cases": scale.cases,
        "services": scale.services,
        "supervisors": SUPERVISORS_PER_SENTRA,
    }
    statements = [s for s in BUILD.split(";\n") if s.strip()]
    with connection.cursor() as cursor:
        for number, statement in enumerate(statements, 1):
            step = time.perf_counter()
            cursor.execute(statement, figures)
            first_line = " ".join(statement.split())[:70]
            print(
                f"  [{number}/{len(statements)}] {time.perf_counter() - step:6.1f} s  {first_line}",
                flush=True,
            )
        _mark_derived_tables_read(cursor, holdings_mark, tally_mark)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "CREATE TABLE bench_dataset (name text PRIMARY KEY, cases integer, services bigint,"
            " workers integer, seconds real, built_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            "INSERT INTO bench_dataset (name, cases, services, workers, seconds)"
            " VALUES ('cases', %s, %s, %s, %s)",
            [scale.cases, scale.services, scale.workers, time.perf_counter() - started],
        )
    return time.perf_counter() - started


def _mark_derived_tables_read(cursor, holdings_mark: str, tally_mark: str) -> None:
    """The holdings and the service tally were built in SQL above: mark their sources read.

    Without the marks the first KPI request would rebuild them from an audit trail the data set
    does not have (its rows were inserted directly).
    """
    cursor.execute(
        "INSERT INTO workforce_syncmark (name, last_audit_id, last_case_id, last_service_id,"
        " synced_at) VALUES (%s, 0, (SELECT COALESCE(max(id), 0) FROM cases_case), 0, now()),"
        " (%s, 0, 0, (SELECT COALESCE(max(id), 0) FROM cases_servicedelivery), now())"
        " ON CONFLICT (name) DO UPDATE SET last_case_id = GREATEST("
        "workforce_syncmark.last_case_id, EXCLUDED.last_case_id), last_service_id = GREATEST("
        "workforce_syncmark.last_service_id, EXCLUDED.last_service_id)",
        [holdings_mark, tally_mark],
    )


def ensure(scale: Scale, *, rebuild: bool = False) -> dict:
    """Makes the data set of `scale` ready and points this process's Django at it.

    Returns {"database", "url", "built_now", "build_s"}. Call before anything imports models
    (it runs django.setup()).
    """
    url = f"{POSTGRES_SERVER}/{scale.database}"
    reuse = not rebuild and _built(url, scale)
    if not reuse:
        with _server_connect() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{scale.database}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{scale.database}"')
    _django(url)
    info = {"database": scale.database, "url": url, "built_now": not reuse, "build_s": None}
    if reuse:
        # Migrations added since the build (indexes, derived tables) apply to the data set too.
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    if not reuse:
        print(
            f"building {scale.database}: {scale.cases:,} cases, {scale.services:,} services,"
            f" {scale.workers:,} pendamping ...",
            flush=True,
        )
        info["build_s"] = round(_build(scale), 1)
        print(f"built in {info['build_s']} s", flush=True)
    return info


# ---------------------------------------------------------------------------------------------
# Measuring, shared by the sections that read this data set
# ---------------------------------------------------------------------------------------------


def sample(fn, repeats: int, *, warmup: int = 1) -> dict:
    """Times `fn()` `repeats` times after `warmup` untimed runs; returns its percentiles."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def query_count(fn) -> int:
    """Returns how many SQL queries one call of `fn()` sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def write_results(directory: Path, results: dict, markdown: str) -> None:
    import json

    (directory / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    (directory / "results.md").write_text(markdown)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.casedata", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the smoke-run scale")
    parser.add_argument("--rebuild", action="store_true", help="drop and build again")
    opts = parser.parse_args(argv)
    info = ensure(QUICK if opts.quick else FULL, rebuild=opts.rebuild)
    print(f"{info['database']} ready ({'built now' if info['built_now'] else 'reused'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
