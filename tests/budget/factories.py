"""Budget data for tests, set through the import service from small CSV files."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from atensi.budget.importing import COLUMNS, budget_import

RO = {"program": "027.05.DN", "kegiatan": "6371", "kro": "QDB", "ro": "001"}


def csv_bytes(kind: str, rows: list[dict], *, delimiter: str = ",") -> bytes:
    """Writes rows (dicts keyed by template column names) as a CSV file of `kind`."""
    names = [c.name for c in COLUMNS[kind]]
    extra = [k for row in rows for k in row if k not in names]
    header = names + list(dict.fromkeys(extra))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return out.getvalue().encode("utf-8")


def upload(kind: str, rows: list[dict], name: str | None = None, **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or f"{kind}.csv", csv_bytes(kind, rows, **options))


def do_import(actor, kind: str, rows: list[dict], **options):
    """Imports rows of `kind` as a CSV file, as the page and the API do."""
    name = options.pop("name", None)
    return budget_import(actor=actor, kind=kind, file=upload(kind, rows, name), **options)


def dipa_line(unit="630108", ta=2023, akun="521211", pagu=600_000_000, **overrides) -> dict:
    row = {
        "tahun": ta,
        "kode_satker": unit,
        **RO,
        "nama_ro": "Layanan rehabilitasi sosial anak",
        "indikator": "Jumlah anak yang mendapat layanan",
        "target_volume": 100,
        "satuan": "Orang",
        "klaster": "anak",
        "komponen": "051",
        "akun": akun,
        "sumber_dana": "RM",
        "uraian": f"Belanja {akun}",
        "volume": 1,
        "harga_satuan": 0,
        "pagu": pagu,
        "berlaku_mulai": f"{ta}-01-01",
    }
    row.update(overrides)
    return row


def sp2d(unit="630108", ta=2023, akun="521211", amount=10_000_000, date=None, number="S1", **kw):
    row = {
        "tahun": ta,
        "kode_satker": unit,
        "kppn": "019",
        **RO,
        "akun": akun,
        "sumber_dana": "RM",
        "nomor_sp2d": number,
        "tanggal_sp2d": date or f"{ta}-01-15",
        "jenis_spm": "LS",
        "nilai": amount,
    }
    row.update(kw)
    return row


def plan_rows(unit="630108", ta=2023, amounts=None, valid_from=None, **kw) -> list[dict]:
    """amounts: {jenis: [12 monthly amounts] or one amount for every month}."""
    rows = []
    for jenis, value in (amounts or {}).items():
        monthly = value if isinstance(value, list) else [value] * 12
        for month, amount in enumerate(monthly, start=1):
            rows.append(
                {
                    "tahun": ta,
                    "kode_satker": unit,
                    "bulan": month,
                    "jenis_belanja": jenis,
                    "rencana": amount,
                    "berlaku_mulai": valid_from or f"{ta}-01-01",
                    **kw,
                }
            )
    return rows


def output_report(unit="630108", ta=2023, month=1, tvro=100, rvro=10, reported=None, **kw):
    row = {
        "tahun": ta,
        "kode_satker": unit,
        "kegiatan": RO["kegiatan"],
        "kro": RO["kro"],
        "ro": RO["ro"],
        "bulan": month,
        "tvro": tvro,
        "rvro": rvro,
        "tanggal_lapor": reported or f"{ta}-{month + 1:02d}-03",
    }
    row.update(kw)
    return row


def blokir(unit="630108", ta=2023, jenis="52", amount=100_000_000, **kw):
    row = {
        "tahun": ta,
        "kode_satker": unit,
        "jenis_belanja": jenis,
        "jumlah": amount,
        "alasan": "Menunggu dokumen",
        "tanggal_blokir": f"{ta}-01-02",
    }
    row.update(kw)
    return row
