"""Reading CSV and Excel tables as streams: encodings, delimiters, headers, blank rows."""

import io

import pytest
from openpyxl import Workbook

from atensi.common.errors import ApplicationError
from atensi.lib.tabular import header_key, open_table


def rows_of(data: bytes, name: str):
    with open_table(io.BytesIO(data), name) as table:
        return table.headers, table.keys, list(table.rows), table.estimated_rows


def test_headers_are_compared_by_a_normalised_key():
    assert header_key("\ufeffKode Satker") == "kode_satker"
    assert header_key(" TGL-SP2D ") == "tgl_sp2d"
    assert header_key("No./SP2D") == "no_sp2d"


def test_csv_with_bom_semicolons_and_blank_lines():
    data = "\ufeffTahun;Kode Satker\n2024;630108\n\n;\n2024;630117\n".encode()
    headers, keys, rows, estimated = rows_of(data, "x.csv")
    assert headers == ["Tahun", "Kode Satker"] and keys == ["tahun", "kode_satker"]
    assert rows == [(2, ["2024", "630108"]), (5, ["2024", "630117"])]
    assert estimated == 4


def test_csv_saved_by_excel_on_windows_is_read_as_cp1252():
    data = "nama,kota\nJos\xe9,Bogor\n".encode("cp1252")
    _headers, _keys, rows, _n = rows_of(data, "x.csv")
    assert rows == [(2, ["José", "Bogor"])]


def test_short_rows_are_padded_and_long_rows_cut():
    _h, _k, rows, _n = rows_of(b"a,b,c\n1\n1,2,3,4\n", "x.csv")
    assert rows == [(2, ["1", None, None]), (3, ["1", "2", "3"])]


def test_a_column_twice_is_refused():
    with pytest.raises(ApplicationError, match="lebih dari sekali"):
        rows_of(b"tahun,Tahun\n1,2\n", "x.csv")


def test_an_empty_file_is_refused():
    with pytest.raises(ApplicationError, match="kosong"):
        rows_of(b"", "x.csv")


def test_other_formats_are_refused():
    with pytest.raises(ApplicationError, match=".csv atau .xlsx"):
        rows_of(b"x", "x.xls")


def test_xlsx_reads_the_data_sheet_with_typed_cells():
    book = Workbook()
    book.active.title = "petunjuk"
    sheet = book.create_sheet("data")
    sheet.append(["tahun", "nilai"])
    sheet.append([2024, 1500.0])
    sheet.append([None, None])
    sheet.append([2025, "1.000"])
    out = io.BytesIO()
    book.save(out)
    headers, _k, rows, _n = rows_of(out.getvalue(), "x.xlsx")
    assert headers == ["tahun", "nilai"]
    assert rows == [(2, [2024, 1500]), (4, [2025, "1.000"])]


def test_a_broken_workbook_is_refused_with_a_message():
    with pytest.raises(ApplicationError, match="Excel tidak dapat dibaca"):
        rows_of(b"not a zip", "x.xlsx")
