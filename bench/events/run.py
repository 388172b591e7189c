"""Events benchmark (issue 3): service deliveries written through the real API vs raw inserts.

    python -m bench.events.run [--quick] [--only sqlite|postgres] [--clients 1,8,32]
                               [--seconds S] [--workers W] [--threads T]

For each database: migrates, loads the units and case rules, and builds (once, reused later) one
pendamping per client with cases in the intervention stage after penetapan PM, all through the
real services (bench/events/prepare.py). Then it starts the real application server — gunicorn
serving config.wsgi with DEBUG off, persistent database connections, on a local port — and drives
it with N = 1, 8, 32 concurrent clients, each a thread with its own keep-alive HTTP connection
and token, POSTing service deliveries to /api/v1/cases/<id>/services/ (token auth, permission,
validation, row lock, the row, its timeline event and its audit row) for a fixed time. It checks
that every answered write landed with its audit row and timeline event.

The baseline runs in the same command on the same database and table: raw single-row INSERTs
into cases_servicedelivery from N concurrent clients, autocommit, one INSERT per transaction —
pgbench with a custom script where it is installed (PostgreSQL), and a psycopg/sqlite3 loop with
one connection per thread. The ratio is taken against the faster of the two raw rates.

Why these server settings on 2 cores: the request path is Python, so one process uses at most
one core (the GIL); `2 × cores` worker processes keep both cores busy while some workers wait
for PostgreSQL (each write commits, waiting for the WAL flush). gthread workers keep HTTP
connections alive between requests (gunicorn's sync workers close them after every response)
and a few threads per worker overlap those waits. Persistent database connections
(ATENSI_DB_CONN_MAX_AGE) are what a production deployment sets: a new PostgreSQL connection per
request costs a backend process start.

Writes bench/events/results.json and bench/events/results.md.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import (
    BENCH_DIR,
    LABELS,
    ROOT,
    backends_run,
    machine,
    now,
    percentiles,
    postgres_database,
    python_run,
    results_write,
    sqlite_database,
)

HERE = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "events"
DATABASE = "atensi_bench_events"
TARGET_RATIO = 0.10
CASES_PER_CLIENT = 8
DESCRIPTION = "Konseling keluarga (uji beban)"
RAW_INSERT = (
    "INSERT INTO cases_servicedelivery (case_id, delivered_on, component, description, "
    "provider_id, provider_name, quantity, unit_cost, ro_code, recorded_by_id, recorded_at) "
    "VALUES ({p}, CURRENT_DATE, 'family_support', 'Sisipan mentah (uji beban)', {p}, '', 1, 0, "
    "'', {p}, CURRENT_TIMESTAMP)"
)


# --- databases -----------------------------------------------------------------------------


def _sqlite_url() -> tuple[str | None, str]:
    return sqlite_database(DATA_DIR / "events.sqlite3")


def _postgres_url() -> tuple[str | None, str]:
    return postgres_database(DATABASE)


BACKENDS = {"postgres": _postgres_url, "sqlite": _sqlite_url}


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "ATENSI_DATA_DIR": str(DATA_DIR),
        "ATENSI_DEBUG": "0",
        "ATENSI_LOG_LEVEL": "ERROR",
        "ATENSI_DB_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def prepare(env: dict, clients: int) -> dict:
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["regions", "load", "--without-villages"],
        ["units", "load"],
        ["cases", "rules"],
    ):
        python_run(["-m", "atensi", *command], env, capture=True)
    started = time.monotonic()
    built = json.loads(
        python_run(
            [
                "-m",
                "bench.events.prepare",
                "build",
                "--clients",
                str(clients),
                "--cases-per-client",
                str(CASES_PER_CLIENT),
            ],
            env,
            capture=True,
        )
    )
    built["seconds"] = round(time.monotonic() - started, 1)
    return built


# --- the application server ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi on a local port, stopped by its own process id."""

    def __init__(self, env: dict, workers: int, threads: int):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--keep-alive",
                "60",
                "--backlog",
                "256",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start listening within 60 s")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the worker processes (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = children.read_text().split()
        except OSError:
            return 0.0
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- load ------------------------------------------------------------------------------------


def _drive(n: int, seconds: float, warmup: float, work) -> dict:
    """Runs `work(index)` -> step() in n threads; step() returns a result or raises.

    Every thread runs `warmup` seconds unrecorded, then records each step's latency until the
    common deadline. Returns the rate, the latencies and what the steps returned.
    """
    barrier = threading.Barrier(n + 1)
    outcomes = [None] * n

    def thread(index: int) -> None:
        step = work(index)
        latencies, results, errors, done = [], [], [], 0
        barrier.wait()
        start = time.perf_counter()
        record_from = start + warmup
        stop_at = record_from + seconds
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            try:
                result = step()
            except Exception as exc:  # noqa: BLE001 — reported, counted, never hidden
                errors.append(repr(exc)[:300])
                result = None
            ended = time.perf_counter()
            done += result is not None
            if began >= record_from and result is not None:
                latencies.append((ended - began) * 1000)
                results.append(result)
        outcomes[index] = (latencies, results, errors, done)

    threads = [threading.Thread(target=thread, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    for t in threads:
        t.join()
    latencies = [x for o in outcomes for x in o[0]]
    results = [x for o in outcomes for x in o[1]]
    errors = [x for o in outcomes for x in o[2]]
    return {
        "done_with_warmup": sum(o[3] for o in outcomes),
        "per_s": round(len(latencies) / seconds, 1),
        **percentiles(latencies),
        "errors": len(errors),
        "error_sample": errors[:3],
        "results": results,
    }


def api_run(port: int, clients: list[dict], n: int, seconds: float, warmup: float) -> dict:
    today = dt.date.today().isoformat()

    def work(index: int):
        client = clients[index % len(clients)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {
            "Authorization": f"Token {client['token']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "atensi-bench-events",
        }
        counter = iter(range(10**9))

        def step():
            case = client["cases"][next(counter) % len(client["cases"])]
            body = json.dumps(
                {
                    "delivered_on": today,
                    "component": "family_support",
                    "description": DESCRIPTION,
                }
            )
            conn.request("POST", f"/api/v1/cases/{case}/services/", body, headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 201:
                raise RuntimeError(f"HTTP {response.status}: {payload[:200]!r}")
            return json.loads(payload)["id"]

        return step

    outcome = _drive(n, seconds, warmup, work)
    outcome["ids"] = outcome.pop("results")
    return outcome


def raw_loop_run(name: str, url: str, clients: list[dict], n: int, seconds, warmup) -> dict:
    """Single-row INSERTs into the same table, autocommit, one connection per thread."""
    ids = {c["username"]: c for c in clients}
    user_ids = _user_ids(name, url, list(ids))

    def work(index: int):
        client = clients[index % len(clients)]
        user_id = user_ids[client["username"]]
        counter = iter(range(10**9))
        if name == "postgres":
            import psycopg

            conn = psycopg.connect(url, autocommit=True)
            sql = RAW_INSERT.format(p="%s")

            def step():
                case = client["cases"][next(counter) % len(client["cases"])]
                conn.execute(sql, (case, user_id, user_id), prepare=True)
                return 1

        else:
            conn = sqlite3.connect(
                url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
            )
            conn.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            )
            sql = RAW_INSERT.format(p="?")

            def step():
                case = client["cases"][next(counter) % len(client["cases"])]
                conn.execute(sql, (case, user_id, user_id))
                return 1

        return step

    outcome = _drive(n, seconds, warmup, work)
    outcome.pop("results")
    return outcome


def _user_ids(name: str, url: str, usernames: list[str]) -> dict:
    query = "SELECT username, id FROM accounts_user WHERE username = ANY(%s)"
    if name == "postgres":
        import psycopg

        with psycopg.connect(url) as c:
            return dict(c.execute(query, [usernames]).fetchall())
    with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
        marks = ",".join("?" * len(usernames))
        return dict(
            c.execute(
                f"SELECT username, id FROM accounts_user WHERE username IN ({marks})", usernames
            ).fetchall()
        )


def pgbench_run(url: str, clients: list[dict], n: int, seconds: float, warmup: float) -> dict:
    """The same INSERT through pgbench (C client, prepared statements), latencies from its log."""
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        return {"skipped": "pgbench is not installed"}
    cases = sorted(c for client in clients for c in client["cases"])
    user_id = _user_ids("postgres", url, [clients[0]["username"]])[clients[0]["username"]]
    with tempfile.TemporaryDirectory(prefix="atensi-bench-events-") as tmp:
        script = Path(tmp) / "insert.sql"
        # pgbench picks one of the bench cases at random for each INSERT.
        script.write_text(
            f"\\set i random(1, {len(cases)})\n"
            + RAW_INSERT.format(p="{p}")
            .replace("{p}", f"(ARRAY[{','.join(map(str, cases))}]::bigint[])[:i]", 1)
            .replace("{p}", str(user_id))
            + ";\n"
        )
        total = int(round(seconds + warmup))
        done = subprocess.run(
            [
                pgbench,
                "--no-vacuum",
                "--client",
                str(n),
                "--jobs",
                str(min(n, os.cpu_count() or 1)),
                "--time",
                str(total),
                "--protocol",
                "prepared",
                "--file",
                str(script),
                "--log",
                "--log-prefix",
                str(Path(tmp) / "tx"),
                url,
            ],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        if done.returncode != 0:
            return {"skipped": f"pgbench failed: {done.stderr.strip()[:300]}"}
        latencies = []
        first = None
        for log in Path(tmp).glob("tx*"):
            for line in log.read_text().splitlines():
                parts = line.split()
                at = int(parts[4]) + int(parts[5]) / 1e6
                latencies.append((at, int(parts[2]) / 1000))
                first = at if first is None else min(first, at)
    recorded = [ms for at, ms in latencies if at - first >= warmup]
    window = max(t for t, _ in latencies) - (first + warmup)
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    return {
        "per_s": round(len(recorded) / window, 1) if window > 0 else None,
        **percentiles(recorded),
        "errors": 0,
        "pgbench_tps": float(tps.group(1)) if tps else None,
    }


# --- one database ------------------------------------------------------------------------------


def bench_backend(name: str, url: str, opts) -> dict:
    env = _env(url)
    print(f"\n== {LABELS[name]}: {url}", flush=True)
    most = max(opts.clients)
    built = prepare(env, most)
    clients = built["clients"]
    print(f"{len(clients)} clients × {CASES_PER_CLIENT} cases ready ({built['seconds']} s)")
    result = {
        "server": {
            "workers": opts.workers,
            "threads": opts.threads,
            "worker_class": "gthread",
            "conn_max_age": env["ATENSI_DB_CONN_MAX_AGE"],
        },
        "build_seconds": built["seconds"],
        "load_average_before": os.getloadavg(),
        "levels": {},
    }
    server = Server(env, opts.workers, opts.threads)
    try:
        # Every worker imports the URLconf and views on its first request: not part of a level.
        api_run(server.port, clients, opts.workers * opts.threads, 2.0, opts.warmup + 2.0)
        for n in opts.clients:
            level = {}
            cpu_before = server.cpu_seconds()
            api = api_run(server.port, clients, n, opts.seconds, opts.warmup)
            cpu = server.cpu_seconds() - cpu_before
            api["server_cpu_ms_per_write"] = (
                round(cpu * 1000 / api["done_with_warmup"], 2) if api["done_with_warmup"] else None
            )
            # What the workers could answer with every core to themselves (the database and the
            # clients left out): an upper bound read from the CPU cost, not a measured rate.
            api["cpu_bound_ceiling_per_s"] = (
                round((os.cpu_count() or 1) * 1000 / api["server_cpu_ms_per_write"])
                if api["server_cpu_ms_per_write"]
                else None
            )
            ids = api.pop("ids")
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(ids, f)
            try:
                api["verified"] = json.loads(
                    python_run(
                        ["-m", "bench.events.prepare", "verify", "--ids-file", f.name],
                        env,
                        capture=True,
                    )
                )
            finally:
                os.unlink(f.name)
            level["api"] = api
            level["raw_loop"] = raw_loop_run(name, url, clients, n, opts.seconds, opts.warmup)
            if name == "postgres":
                level["pgbench"] = pgbench_run(url, clients, n, opts.seconds, opts.warmup)
            raws = [level["raw_loop"]] + ([level["pgbench"]] if "pgbench" in level else [])
            best = max((r.get("per_s") or 0) for r in raws)
            level["raw_per_s"] = best
            level["ratio"] = round(api["per_s"] / best, 4) if best else None
            level["load_average"] = os.getloadavg()
            result["levels"][str(n)] = level
            print(
                f"  {n:>2} clients: API {api['per_s']:.0f}/s p50 {api['p50_ms']} p95 "
                f"{api['p95_ms']} ms ({api['errors']} errors, server CPU "
                f"{api['server_cpu_ms_per_write']} ms/write) | raw loop "
                f"{level['raw_loop']['per_s']:.0f}/s"
                + (f" | pgbench {level['pgbench'].get('per_s')}/s" if "pgbench" in level else "")
                + f" | ratio {level['ratio']:.1%} | load {level['load_average'][0]:.1f}",
                flush=True,
            )
    finally:
        server.stop()
    result["load_average_after"] = os.getloadavg()
    return result


# --- reporting -------------------------------------------------------------------------------


def _ms(figures: dict) -> str:
    if figures.get("p50_ms") is None:
        return "–"
    return f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} ms"


def _written_ok(verified: dict) -> bool:
    return (
        verified["answered"]
        == verified["rows"]
        == verified["audit_rows"]
        == verified["timeline_events"]
    )


def table(results: dict) -> str:
    lines = [
        "| database | clients | API writes/s | API p50 / p95 | server CPU per write "
        "| raw loop rows/s | raw loop p50 / p95 | pgbench rows/s | pgbench p50 / p95 | API / raw "
        "| writes verified | load avg |",
        "|---" * 12 + "|",
    ]
    for name, r in results["backends"].items():
        if "skipped" in r:
            lines.append(f"| {LABELS[name]} | skipped: {r['skipped']} |" + " |" * 10)
            continue
        for n, level in r["levels"].items():
            api, loop, pgb = level["api"], level["raw_loop"], level.get("pgbench", {})
            v = api["verified"]
            ratio = level["ratio"]
            mark = ""
            if name == "postgres" and ratio is not None:
                mark = " ✓" if ratio >= TARGET_RATIO else " ✗"
            lines.append(
                f"| {LABELS[name]} | {n} | {api['per_s']:,.0f}"
                + (f" ({api['errors']} errors)" if api["errors"] else "")
                + f" | {_ms(api)} | {api['server_cpu_ms_per_write'] or '–'} ms"
                + f" (ceiling {api['cpu_bound_ceiling_per_s'] or '–'}/s)"
                + f" | {loop['per_s']:,.0f} | {_ms(loop)} | "
                + (f"{pgb['per_s']:,.0f} | {_ms(pgb)}" if pgb.get("per_s") else "– | –")
                + f" | {ratio:.1%}{mark} | "
                + ("✓" if _written_ok(v) else "✗")
                + f" {v['rows']:,} rows, {v['audit_rows']:,} audit, {v['timeline_events']:,} events"
                + f" | {level['load_average'][0]:.1f} |"
            )
    notes = []
    for name, r in results["backends"].items():
        if "skipped" in r:
            continue
        s = r["server"]
        notes.append(
            f"\n{LABELS[name]}: gunicorn {s['workers']} × {s['worker_class']} workers, "
            f"{s['threads']} threads each, keep-alive, ATENSI_DB_CONN_MAX_AGE={s['conn_max_age']}; "
            f"load average {r['load_average_before'][0]:.1f} before → "
            f"{r['load_average_after'][0]:.1f} after."
        )
    notes.append(
        f"\nEach level runs {results['seconds']:g} s after {results['warmup']:g} s of warm-up. "
        "API / raw is against the faster raw baseline of the two (raw loop: Python threads, one "
        "connection each; pgbench: C client). Target (PostgreSQL): API / raw ≥ "
        f"{TARGET_RATIO:.0%}. SQLite is for information (one writer at a time). Server CPU per "
        "write is the user + system time of the gunicorn workers over the level divided by the "
        "writes answered: what a write costs the application whatever the machine's load (the "
        "database's own work is not in it). On a machine shared with other work the API, which "
        "needs CPU for every write, loses more than the raw inserts, which mostly wait for the "
        "WAL flush; the load average says how shared it was. Ceiling: cores × 1000 / server CPU "
        "per write, what the workers could answer with every core to themselves (an upper bound, "
        "not a measurement)."
    )
    return "\n".join(lines + notes)


def summary(results: dict) -> list[dict]:
    rows = []
    for name, r in results["backends"].items():
        label = LABELS[name]
        if "skipped" in r:
            rows.append(
                {
                    "measure": f"{label}: service-delivery writes via API vs raw inserts",
                    "value": f"skipped: {r['skipped']}",
                    "target": f">= {TARGET_RATIO:.0%}" if name == "postgres" else None,
                    "met": False if name == "postgres" else None,
                }
            )
            continue
        for n, level in r["levels"].items():
            api = level["api"]
            ratio = level["ratio"] or 0
            written = _written_ok(api["verified"])
            ok = written and api["errors"] == 0
            rows.append(
                {
                    "measure": f"{label}: service-delivery writes via API / raw inserts, "
                    f"{n} client{'s' if n != '1' else ''}",
                    "value": f"{ratio:.1%} ({api['per_s']:,.0f} vs {level['raw_per_s']:,.0f}/s; "
                    f"API p95 {api['p95_ms']} ms; load {level['load_average'][0]:.1f})"
                    + ("" if written else "; answered writes NOT all found with audit and event")
                    + (f"; {api['errors']} requests failed" if api["errors"] else ""),
                    "target": f">= {TARGET_RATIO:.0%}" if name == "postgres" else None,
                    "met": (ratio >= TARGET_RATIO and ok) if name == "postgres" else None,
                }
            )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.events.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: short levels")
    parser.add_argument("--only", choices=sorted(BACKENDS), help="one database only")
    parser.add_argument(
        "--clients",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[1, 8, 32],
        help="concurrency levels (default 1,8,32)",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=3.0, help="unrecorded seconds per level")
    cpus = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=2 * cpus, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.seconds = min(opts.seconds, 4.0)
        opts.warmup = min(opts.warmup, 1.0)

    results: dict = {
        "run_at": now(),
        "quick": opts.quick,
        "seconds": opts.seconds,
        "warmup": opts.warmup,
        "clients": opts.clients,
        "machine": machine(),
        "target_ratio": TARGET_RATIO,
    }
    results["backends"] = backends_run(
        BACKENDS,
        opts.only,
        lambda name, url: bench_backend(name, url, opts),
        failures=(subprocess.CalledProcessError, RuntimeError),
    )
    results["summary"] = summary(results)
    results_write(HERE, results, "Case-event writes through the API", table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
