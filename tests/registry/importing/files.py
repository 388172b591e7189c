"""Building import files (CSV and .xlsx) for the tests."""

import csv
import datetime as dt
import io

from openpyxl import Workbook

from atensi.registry.importing import COLUMNS
from tests.registry.factories import nik_for

HEADERS = [c.name for c in COLUMNS]


def row(**overrides) -> dict:
    """Returns a valid row; a NIK consistent with the birth date and sex unless overridden."""
    born = overrides.pop("born", dt.date(2011, 3, 9))
    sex = overrides.get("jenis_kelamin", "L")
    values = {
        "nik": nik_for(born, sex),
        "no_kk": "3175010101110001",
        "nama_lengkap": "Budi Santoso",
        "alias": "",
        "jenis_kelamin": sex,
        "tempat_lahir": "Jakarta",
        "tanggal_lahir": born.isoformat(),
        "alamat": "Jl. Mawar 1",
        "kode_desa": "31.75.01.1001",
        "telepon": "081234567890",
        "klaster": "anak",
        "ragam_disabilitas": "",
        "alasan_tanpa_nik": "",
    }
    values.update(overrides)
    return values


def csv_file(rows: list[dict], *, delimiter: str = ",", bom: bool = False, headers=None) -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_file(rows: list[dict], *, headers=None) -> bytes:
    headers = headers or HEADERS
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
