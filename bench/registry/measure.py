"""The measurements, run inside Django against one benchmark database (see bench/registry/run.py).

Prints one JSON object on stdout: search latencies with their raw-SQL baselines, and the bulk
import rate next to a plain executemany (SQLite) or COPY (PostgreSQL) of the same rows.
"""

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

from bench.common import percentiles


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - started) * 1000, out


def _timed_cpu(fn, *args) -> tuple[float, float, object]:
    """Returns wall and CPU milliseconds: on a shared machine the CPU time of this process shows
    what the work costs without the waits for a CPU (all of it for SQLite, which runs in-process;
    only the client side for PostgreSQL)."""
    cpu = time.process_time()
    started = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, out


# --- Search ---------------------------------------------------------------------------------


def _sample_persons(rng: random.Random, n: int) -> list[tuple[int, str | None, str, str]]:
    """Returns (id, nik, full_name, name_normalized) of `n` persons spread over the table."""
    from atensi.registry.models import Person

    bounds = Person.objects.order_by("id").values_list("id", flat=True)
    low, high = bounds.first(), bounds.last()
    picked: dict[int, tuple] = {}
    while len(picked) < n:
        start = rng.randint(low, high)
        row = (
            Person.objects.filter(id__gte=start)
            .order_by("id")
            .values_list("id", "nik", "full_name", "name_normalized")
            .first()
        )
        if row:
            picked[row[0]] = row
    return list(picked.values())


def name_query(rng: random.Random, full_name: str) -> tuple[str, str]:
    """Returns how someone might type `full_name` into the search box, and the kind of change."""
    from atensi.demodata import names

    words = full_name.split()
    roll = rng.random()
    if roll < 0.30:
        return full_name, "exact"
    if roll < 0.50:
        return names.typo(rng, full_name), "typo"
    if roll < 0.65:
        return names.old_spelling(full_name), "old_spelling"
    if roll < 0.75:
        muhammad = [w for w in words if w in names.MUHAMMAD]
        if muhammad:
            other = rng.choice([m for m in names.MUHAMMAD if m != muhammad[0]])
            return full_name.replace(muhammad[0], other, 1), "muhammad"
        return full_name.lower(), "lowercase"
    if roll < 0.90 and len(words) > 2:
        return f"{words[0]} {words[-1]}", "first_last"
    if roll < 0.90:
        return names.typo(rng, full_name).upper(), "typo_upper"
    return max(words, key=len), "one_word"


def search_bench(*, queries: int, seed: int, repeats: int = 3) -> dict:
    from django.db import connection

    from atensi.accounts.models import Role, User
    from atensi.lib.nik import clean_nik
    from atensi.registry.models import Person, PersonNameToken
    from atensi.registry.selectors import person_search, persons_visible_to

    rng = random.Random(seed)
    admin = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    visible = persons_visible_to(admin)
    sample = _sample_persons(rng, queries)
    person_table = connection.ops.quote_name(Person._meta.db_table)
    token_table = connection.ops.quote_name(PersonNameToken._meta.db_table)

    # NIK: mostly NIKs on the register; one in ten well-formed but unknown (falls back to No. KK).
    niks = []
    for _id, nik, _name, _norm in sample:
        if nik and rng.random() < 0.9:
            niks.append((nik, True))
        else:
            base = nik or "3175014107120003"
            niks.append((base[:12] + f"{rng.randrange(1, 10000):04d}", False))

    def run_nik(nik):
        return person_search(visible, nik)

    def raw_nik(nik):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {person_table} WHERE nik = %s", [clean_nik(nik)])
            return cursor.fetchall()

    def raw_pk(pk):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {person_table} WHERE id = %s", [pk])
            return cursor.fetchall()

    def raw_token(key):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT person_id FROM {token_table} WHERE key = %s LIMIT 50", [key])
            return cursor.fetchall()

    from atensi.lib.names import name_tokens, token_key

    names_typed = [(pid, *name_query(rng, full), norm) for pid, _nik, full, norm in sample]

    # warm the caches the way a running server has them warm
    for nik, _known in niks[:20]:
        run_nik(nik)
    for _pid, query, _kind, _norm in names_typed[:20]:
        person_search(visible, query)

    # Each query runs `repeats` times, the passes one after the other: the first pass is what
    # a user meets; the best of the passes is the cost of the work itself, without the waits
    # for a CPU that other processes on a shared machine cause.
    nik_runs: list[list[tuple[float, float]]] = [[] for _ in niks]
    name_runs: list[list[tuple[float, float]]] = [[] for _ in names_typed]
    nik_raw, pk_raw, token_raw = ([[] for _ in sample] for _ in range(3))
    nik_found = hits = same_name = 0
    by_kind: dict[str, list] = {}
    for number in range(max(1, repeats)):
        for i, ((nik, known), (pid, *_rest)) in enumerate(zip(niks, sample, strict=True)):
            ms, cpu_ms, found = _timed_cpu(run_nik, nik)
            nik_runs[i].append((ms, cpu_ms))
            nik_raw[i].append(_timed(raw_nik, nik)[0])
            pk_raw[i].append(_timed(raw_pk, pid)[0])
            if number == 0:
                nik_found += bool(found) and known
        for i, (pid, query, kind, norm) in enumerate(names_typed):
            ms, cpu_ms, found = _timed_cpu(person_search, visible, query)
            name_runs[i].append((ms, cpu_ms))
            key = next((token_key(t) for t in name_tokens(query)), "")
            token_raw[i].append(_timed(raw_token, key)[0])
            if number == 0:
                hit = pid in {p.id for p in found}
                close = hit or any(p.name_normalized == norm for p in found)
                hits += hit
                same_name += close
                by_kind.setdefault(kind, []).append((i, hit, close))

    def first(runs):
        return percentiles([r[0][0] for r in runs])

    def best(runs):
        return percentiles([min(wall for wall, _cpu in r) for r in runs])

    def cpu(runs):
        return percentiles([min(c for _wall, c in r) for r in runs])

    def best_plain(runs):
        return percentiles([min(r) for r in runs])

    nik, name = best(nik_runs), best(name_runs)
    baseline_nik, baseline_pk = best_plain(nik_raw), best_plain(pk_raw)
    return {
        "persons": Person.objects.count(),
        "queries": len(sample),
        "repeats": max(1, repeats),
        "nik_search_first_pass": first(nik_runs),
        "nik_search": nik,
        "nik_search_cpu": cpu(nik_runs),
        "nik_found": nik_found,
        "nik_known": sum(1 for _n, known in niks if known),
        "name_search_first_pass": first(name_runs),
        "name_search": name,
        "name_search_cpu": cpu(name_runs),
        "name_hit_rate": round(hits / len(names_typed), 3),
        "name_same_name_rate": round(same_name / len(names_typed), 3),
        "name_by_kind": {
            kind: {
                "n": len(rows),
                "p95_ms": best([name_runs[i] for i, _h, _c in rows])["p95_ms"],
                "hit_rate": round(sum(r[1] for r in rows) / len(rows), 3),
                "same_name_rate": round(sum(r[2] for r in rows) / len(rows), 3),
            }
            for kind, rows in sorted(by_kind.items())
        },
        "baseline_sql_nik": baseline_nik,
        "baseline_sql_pk": baseline_pk,
        "baseline_sql_token": best_plain(token_raw),
        "ratio_nik_p95_to_sql_nik_p95": round(nik["p95_ms"] / max(baseline_nik["p95_ms"], 1e-3), 1),
        "ratio_name_p95_to_sql_pk_p95": round(name["p95_ms"] / max(baseline_pk["p95_ms"], 1e-3), 1),
        "examples": [{"query": q, "kind": k} for _pid, q, k, _n in names_typed[:12]],
    }


# --- Import ---------------------------------------------------------------------------------


def _import_rows(n: int, seed: int) -> list[dict]:
    """Returns `n` clean, new persons (no NIK twice) as the import template's columns."""
    from atensi.demodata.build import STAFFED_SENTRA
    from atensi.demodata.generator import DUPLICATE, person_spec, world_load

    world = world_load(set(STAFFED_SENTRA))
    rows, seen, index = [], set(), 0
    while len(rows) < n:
        spec = person_spec(world, seed, index)
        index += 1
        values = spec.values
        if spec.kind == DUPLICATE or (values["nik"] and values["nik"] in seen):
            continue
        seen.add(values["nik"])
        rows.append(
            {
                "nik": values["nik"] or "",
                "no_kk": values["no_kk"],
                "nama_lengkap": values["full_name"],
                "alias": "; ".join(values["aliases"]),
                "jenis_kelamin": values["sex"],
                "tempat_lahir": values["birth_place"],
                "tanggal_lahir": values["birth_date"].isoformat(),
                "alamat": values["address"],
                "kode_desa": values["village"],
                "telepon": values["phone"],
                "klaster": values["target_group"],
                "ragam_disabilitas": "; ".join(values["disability_types"]),
                "alasan_tanpa_nik": values["no_nik_reason"],
            }
        )
    return rows


def _write_csv(rows: list[dict], path: Path) -> None:
    from atensi.registry.importing import COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[c.name for c in COLUMNS])
        writer.writeheader()
        writer.writerows(rows)


def _delete_after(max_id: int) -> None:
    """Removes the persons a measurement added, so the database stays at its scale."""
    from django.db import connection, transaction

    from atensi.registry.models import Person, PersonNameToken

    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {qn(PersonNameToken._meta.db_table)} WHERE person_id > %s", [max_id]
        )
        cursor.execute(f"DELETE FROM {qn(Person._meta.db_table)} WHERE id > %s", [max_id])


def _fresh_registry_ids(n: int) -> list[str]:
    """Returns `n` registry numbers not in use: 8 random characters do collide at 10^6 rows."""
    from atensi.registry.models import Person
    from atensi.registry.services import new_registry_id

    fresh: set[str] = set()
    while len(fresh) < n:
        drawn = {new_registry_id() for _ in range(n - len(fresh))} - fresh
        for start in range(0, len(drawn), 900):
            chunk = sorted(drawn)[start : start + 900]
            taken = Person.objects.filter(registry_id__in=chunk).values_list(
                "registry_id", flat=True
            )
            drawn -= set(taken)
        fresh |= drawn
    return sorted(fresh)


def _raw_rows(rows: list[dict], unit_id: int, user_id: int) -> tuple[list[str], list[list]]:
    """Returns the person table's columns and the same rows as plain values, ready to insert."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from atensi.lib.names import normalize_name
    from atensi.registry.models import Person

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    out = []
    for row, registry_id in zip(rows, _fresh_registry_ids(len(rows)), strict=True):
        values = {
            "created_at": now,
            "updated_at": now,
            "registry_id": registry_id,
            "nik": row["nik"] or None,
            "no_nik_reason": row["alasan_tanpa_nik"],
            "no_kk": row["no_kk"],
            "full_name": row["nama_lengkap"],
            "name_normalized": normalize_name(row["nama_lengkap"]),
            "aliases": json.dumps([a for a in row["alias"].split("; ") if a]),
            "sex": row["jenis_kelamin"],
            "birth_place": row["tempat_lahir"],
            "birth_date": ops.adapt_datefield_value(dt.date.fromisoformat(row["tanggal_lahir"])),
            "birth_date_estimated": False,
            "address": row["alamat"],
            "village_id": row["kode_desa"] or None,
            "phone": row["telepon"],
            "target_group": row["klaster"],
            "disability_types": json.dumps([d for d in row["ragam_disabilitas"].split("; ") if d]),
            "photo": "",
            "unit_id": unit_id,
            "registered_by_id": user_id,
            "nik_warnings": "[]",
            "version": 1,
        }
        out.append([values[f.attname] for f in fields])
    return [f.column for f in fields], out


def _cpu_clock():
    """Returns a function giving the CPU seconds used so far by this process and by the database
    server's process serving this connection (PostgreSQL on this machine; else None).

    On a shared machine wall times swing with the other processes' load; CPU time is the work
    itself. SQLite runs inside this process, so its work is all in the first figure.
    """
    from django.db import connection

    server_stat = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            candidate = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        if candidate.exists():
            server_stat = candidate
    ticks = os.sysconf("SC_CLK_TCK")

    def clock() -> tuple[float, float | None]:
        server = None
        if server_stat is not None:
            # utime and stime, fields 14 and 15; the command name (field 2) has no spaces here.
            fields = server_stat.read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / ticks
        return time.process_time(), server

    return clock


def _cpu_seconds(clock, started) -> tuple[float, float | None]:
    now = clock()
    server = None if started[1] is None else now[1] - started[1]
    return now[0] - started[0], server


def import_bench(*, rows_wanted: int, seed: int, data_dir: Path, repeats: int = 3) -> dict:
    """Measures person_import of a CSV file against a plain insert of the same rows.

    The two run in turns, `repeats` times each, and the best run of each counts: other processes
    on a shared machine only ever slow a run down, so the fastest is the nearest to the real
    cost. The CPU time of the import and of the plain insert (client and server) is reported as
    well, since it does not depend on the load.
    """
    from django.db import connection, transaction

    from atensi.accounts.models import Role, User
    from atensi.organisation.models import Unit
    from atensi.registry.importing import person_import
    from atensi.registry.models import Person

    admin = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    unit = Unit.objects.get(code="630108")
    rows = _import_rows(rows_wanted, seed)
    path = data_dir / f"import-{rows_wanted}-{seed}.csv"
    if not path.exists():
        _write_csv(rows, path)
    before = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    clock = _cpu_clock()

    def run_import() -> dict:
        stages: dict[str, float] = {}
        last = {"stage": None, "at": time.perf_counter()}

        def progress(stage, done, total):
            now = time.perf_counter()
            if last["stage"] is not None:
                stages[last["stage"]] = stages.get(last["stage"], 0) + now - last["at"]
            last.update(stage=stage, at=now)

        cpu_started = clock()
        started = time.perf_counter()
        result = person_import(actor=admin, file=path, unit=unit, progress=progress)
        seconds = time.perf_counter() - started
        client_cpu, server_cpu = _cpu_seconds(clock, cpu_started)
        if last["stage"] is not None:
            stages[last["stage"]] = stages.get(last["stage"], 0) + time.perf_counter() - last["at"]
        _delete_after(before)
        return {
            "seconds": seconds,
            "client_cpu": client_cpu,
            "server_cpu": server_cpu,
            "created": result.created,
            "errors": [i.as_dict() for i in result.issues if i.level == "error"][:5],
            "stages": {str(k): round(v, 2) for k, v in stages.items()},
        }

    columns, params = _raw_rows(rows, unit.pk, admin.pk)
    qn = connection.ops.quote_name
    table = qn(Person._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    method = "COPY" if connection.vendor == "postgresql" else "executemany"

    def run_raw() -> dict:
        cpu_started = clock()
        started = time.perf_counter()
        with transaction.atomic():
            if method == "COPY":
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
                ):
                    for row in params:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({placeholders})", params
                    )
        seconds = time.perf_counter() - started
        client_cpu, server_cpu = _cpu_seconds(clock, cpu_started)
        _delete_after(before)
        return {"seconds": seconds, "client_cpu": client_cpu, "server_cpu": server_cpu}

    imports, raws = [], []
    for _ in range(max(1, repeats)):
        imports.append(run_import())
        raws.append(run_raw())
    best_import = min(imports, key=lambda r: r["seconds"])
    best_raw = min(raws, key=lambda r: r["seconds"])
    created = best_import["created"]
    import_rate = created / best_import["seconds"]
    raw_rate = len(params) / best_raw["seconds"]

    def cpu_total(runs):
        return min(r["client_cpu"] + (r["server_cpu"] or 0) for r in runs)

    import_cpu, raw_cpu = cpu_total(imports), cpu_total(raws)
    return {
        "rows": len(rows),
        "imported": created,
        "errors": best_import["errors"],
        "repeats": len(imports),
        "import_seconds": round(best_import["seconds"], 2),
        "import_seconds_all": [round(r["seconds"], 2) for r in imports],
        "import_rows_per_s": round(import_rate),
        "import_stage_seconds": best_import["stages"],
        "import_cpu_seconds": round(import_cpu, 2),
        "raw_method": method,
        "raw_seconds": round(best_raw["seconds"], 2),
        "raw_seconds_all": [round(r["seconds"], 2) for r in raws],
        "raw_rows_per_s": round(raw_rate),
        "raw_cpu_seconds": round(raw_cpu, 2),
        "cpu_measures_server": imports[0]["server_cpu"] is not None or method == "executemany",
        "ratio_import_to_raw": round(import_rate / raw_rate, 3),
        "ratio_import_to_raw_cpu": round(raw_cpu / import_cpu * created / len(params), 3)
        if import_cpu
        else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--import-repeats", type=int, default=3)
    args = parser.parse_args(argv)
    _setup()
    from django.db import connection

    out: dict = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            out["server_version"] = "SQLite " + cursor.fetchone()[0]
        else:
            cursor.execute("SELECT version()")
            out["server_version"] = cursor.fetchone()[0].split(" on ")[0]
    if not args.skip_search:
        out["search"] = search_bench(queries=args.queries, seed=args.seed, repeats=args.repeats)
    if not args.skip_import:
        try:
            out["import"] = import_bench(
                rows_wanted=args.import_rows,
                seed=args.seed,
                data_dir=args.data_dir,
                repeats=args.import_repeats,
            )
        except Exception as exc:  # the search figures stand on their own; report what failed
            import traceback

            traceback.print_exc()
            out["import_error"] = f"{exc.__class__.__name__}: {exc}"
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
