"""Measures the SP2D import against a plain bulk load, and all figures of a TA (not a test).

    DATABASE_URL=... ATENSI_DATA_DIR=... python -m tests.budget.bench_budget [--lines N] [--keep]

Against the configured database (migrated, units loaded): writes an SP2D file of N lines for the
31 sentra (default 1,000,000), loads it plainly (executemany on SQLite, COPY on PostgreSQL,
no checks) and times that, empties the table, imports the same file with `budget_import` and
times that, imports it again (nothing new), then times `score_table` — every satker's figures
and the eselon I's. Prints one JSON object. Deletes the lines it added unless --keep.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def _setup():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def write_file(path: Path, lines: int, ta: int, seed: int = 7) -> None:
    """Writes a realistic SP2D export: one KPPN per satker, 8 RO, 9 akun, 2 % corrections."""
    rng = random.Random(seed)
    units = [f"6301{i:02d}" for i in range(1, 32)]
    akun = ["511111", "511121", "521211", "521219", "522151", "524111", "532111", "571111"]
    ros = [("6371", "QDB", f"{i:03d}") for i in range(1, 6)] + [
        ("6372", "QAH", f"{i:03d}") for i in range(1, 4)
    ]
    start = dt.date(ta, 1, 1)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "tahun",
                "kode_satker",
                "kppn",
                "program",
                "kegiatan",
                "kro",
                "ro",
                "akun",
                "sumber_dana",
                "nomor_sp2d",
                "tanggal_sp2d",
                "jenis_spm",
                "nilai",
            ]
        )
        for i in range(lines):
            unit = rng.choice(units)
            kegiatan, kro, ro = rng.choice(ros)
            amount = rng.randrange(100_000, 50_000_000)
            if rng.random() < 0.02:
                amount = -amount
            w.writerow(
                [
                    ta,
                    unit,
                    f"{int(unit[-2:]) * 5:03d}",
                    "027.05.DN",
                    kegiatan,
                    kro,
                    ro,
                    rng.choice(akun),
                    "RM",
                    f"{ta % 100}{i:013d}",
                    (start + dt.timedelta(days=rng.randrange(365))).isoformat(),
                    rng.choice(("LS", "GUP", "UP", "TUP")),
                    amount,
                ]
            )


def plain_load(path: Path) -> float:
    """Loads the file into budget_realisation as plainly as possible; returns seconds."""
    from django.db import connection, transaction

    from atensi.organisation.models import Unit

    units = dict(Unit.objects.values_list("code", "id"))
    columns = (
        "ta, unit_id, kppn, program_code, kegiatan_code, kro_code, ro_code, akun, jenis_belanja, "
        "sumber_dana, sp2d_number, sp2d_date, spm_type, amount, line_key"
    )
    started = time.perf_counter()
    with open(path, newline="") as f, transaction.atomic(), connection.cursor() as cursor:
        reader = csv.reader(f)
        next(reader)

        def rows():
            for n, r in enumerate(reader):
                yield (
                    int(r[0]),
                    units[r[1]],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[7][:2],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    int(r[12]),
                    f"plain-{n}",
                )

        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY budget_realisation ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 15)
            sql = f"INSERT INTO budget_realisation ({columns}) VALUES ({marks})"
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    return time.perf_counter() - started


def budget_files(actor, ta: int) -> float:
    """Imports a DIPA (8 RO × 8 akun), Hal III, blokir and monthly output reports for the 31
    sentra, so that every figure has its inputs; returns seconds."""
    from atensi.budget.importing import budget_import
    from tests.budget.factories import upload

    units = [f"6301{i:02d}" for i in range(1, 32)]
    ros = [("6371", "QDB", f"{i:03d}") for i in range(1, 6)] + [
        ("6372", "QAH", f"{i:03d}") for i in range(1, 4)
    ]
    akun = ["511111", "511121", "521211", "521219", "522151", "524111", "532111", "571111"]
    dipa, plan, blokir, output = [], [], [], []
    for unit in units:
        for kegiatan, kro, ro in ros:
            for a in akun:
                dipa.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "program": "027.05.DN",
                        "kegiatan": kegiatan,
                        "kro": kro,
                        "ro": ro,
                        "nama_ro": f"RO {ro}",
                        "target_volume": 1000,
                        "satuan": "Orang",
                        "klaster": "anak",
                        "komponen": "051",
                        "akun": a,
                        "sumber_dana": "RM",
                        "uraian": a,
                        "pagu": 2_000_000_000,
                        "berlaku_mulai": f"{ta}-01-01",
                    }
                )
            for month in range(1, 13):
                output.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "kegiatan": kegiatan,
                        "kro": kro,
                        "ro": ro,
                        "bulan": month,
                        "tvro": 1000,
                        "rvro": month * 80,
                        "tanggal_lapor": (
                            dt.date(ta, month, 28) + dt.timedelta(days=7)
                        ).isoformat(),
                    }
                )
        for jenis in ("51", "52", "53", "57"):
            for month in range(1, 13):
                plan.append(
                    {
                        "tahun": ta,
                        "kode_satker": unit,
                        "bulan": month,
                        "jenis_belanja": jenis,
                        "rencana": 700_000_000,
                        "berlaku_mulai": f"{ta}-01-01",
                    }
                )
        blokir.append(
            {
                "tahun": ta,
                "kode_satker": unit,
                "jenis_belanja": "52",
                "jumlah": 1_300_000_000,
                "alasan": "Menunggu dokumen",
                "tanggal_blokir": f"{ta}-01-02",
                "tanggal_dibuka": f"{ta}-06-30",
            }
        )
    started = time.perf_counter()
    for kind, rows in (("dipa", dipa), ("plan", plan), ("blokir", blokir), ("output", output)):
        result = budget_import(actor=actor, kind=kind, file=upload(kind, rows, f"bench-{kind}.csv"))
        assert not result.rejected, result.as_dict()
    return time.perf_counter() - started


def empty(ta: int) -> None:
    from django.db import transaction

    from atensi.budget.models import (
        Allocation,
        Blokir,
        ImportBatch,
        MonthlyPlan,
        Output,
        OutputReport,
        Realisation,
        RealisationMonth,
        Revision,
    )

    with transaction.atomic():
        Realisation.objects.filter(ta=ta).delete()
        RealisationMonth.objects.filter(ta=ta).delete()
        OutputReport.objects.filter(output__ta=ta).delete()
        Allocation.objects.filter(output__ta=ta).delete()
        Output.objects.filter(ta=ta).delete()
        MonthlyPlan.objects.filter(ta=ta).delete()
        Blokir.objects.filter(ta=ta).delete()
        Revision.objects.filter(ta=ta).delete()
        ImportBatch.objects.filter(file_name__startswith="bench-").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--ta", type=int, default=2023)
    parser.add_argument("--keep", action="store_true")
    opts = parser.parse_args()
    _setup()
    from django.db import connection

    from atensi.accounts.models import Role, User
    from atensi.budget.figures import period_for, score_table
    from atensi.budget.importing import budget_import
    from atensi.budget.rules import rule_sets_load
    from atensi.organisation.models import Unit

    rule_sets_load()
    actor = User.objects.filter(username="bench-budget").first() or User.objects.create(
        username="bench-budget", role=Role.ADMIN, unit=Unit.objects.get(code="630001")
    )
    out = {"database": connection.vendor, "lines": opts.lines}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-sp2d.csv"
        write_file(path, opts.lines, opts.ta)
        empty(opts.ta)
        out["plain_load_s"] = round(plain_load(path), 2)
        empty(opts.ta)
        started = time.perf_counter()
        result = budget_import(actor=actor, kind="realisation", file=path)
        out["import_s"] = round(time.perf_counter() - started, 2)
        assert result.created == opts.lines, result.as_dict()
        out["import_ratio"] = round(out["plain_load_s"] / out["import_s"], 3)
        out["plain_rows_per_s"] = round(opts.lines / out["plain_load_s"])
        out["import_rows_per_s"] = round(opts.lines / out["import_s"])
        started = time.perf_counter()
        again = budget_import(actor=actor, kind="realisation", file=path)
        out["reimport_s"] = round(time.perf_counter() - started, 2)
        assert again.created == 0 and again.skipped == opts.lines
    out["budget_files_s"] = round(budget_files(actor, opts.ta), 2)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        table = score_table(opts.ta, period_for(opts.ta, month=12))
        timings.append(time.perf_counter() - started)
    out["all_figures_s"] = round(min(timings), 3)
    out["satker"] = len(table["satker"])
    out["ikpa_computed"] = sum(1 for row in table["satker"] if row["ikpa"] is not None)
    if not opts.keep:
        empty(opts.ta)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
