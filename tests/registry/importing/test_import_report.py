import datetime as dt
import io

from openpyxl import load_workbook

from atensi.registry.importing import import_report_write, person_import

from .files import HEADERS, csv_file, row, xlsx_file


def report_rows(result, tmp_path):
    path = tmp_path / "laporan.xlsx"
    import_report_write(result, path)
    sheet = load_workbook(path)["data"]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_report_is_a_copy_of_the_file_with_an_error_column(pendamping_a, tmp_path):
    rows = [row(nama_lengkap="Baik"), row(nama_lengkap="Salah", jenis_kelamin="X")]
    result = person_import(
        actor=pendamping_a, file=io.BytesIO(csv_file(rows)), file_name="orang.csv"
    )

    header, good, bad = report_rows(result, tmp_path)

    assert header == [*HEADERS, "kesalahan", "peringatan", "status_impor"]
    assert good[HEADERS.index("nama_lengkap")] == "Baik"
    assert good[-3:] == [None, None, "tidak diimpor"]
    assert bad[HEADERS.index("nama_lengkap")] == "Salah"
    assert bad[-3].startswith("jenis_kelamin: ")
    assert bad[-1] == "tidak diimpor"


def test_the_report_marks_imported_rows_and_keeps_warnings_and_dates(pendamping_a, tmp_path):
    born = dt.date(2011, 3, 9)
    rows = [
        row(born=born, tanggal_lahir=dt.datetime(2011, 3, 10)),
        row(jenis_kelamin="X"),
    ]
    result = person_import(
        actor=pendamping_a,
        file=io.BytesIO(xlsx_file(rows)),
        file_name="orang.xlsx",
        valid_only=True,
    )

    _header, warned, bad = report_rows(result, tmp_path)

    assert warned[HEADERS.index("tanggal_lahir")] == dt.datetime(2011, 3, 10)
    assert "nik: " in warned[-2]
    assert warned[-1] == "diimpor"
    assert bad[-1] == "tidak diimpor"


def test_a_corrected_report_can_be_uploaded_again(pendamping_a, tmp_path):
    rows = [row(jenis_kelamin="X")]
    result = person_import(actor=pendamping_a, file=io.BytesIO(csv_file(rows)), file_name="a.csv")
    path = tmp_path / "laporan.xlsx"
    import_report_write(result, path)
    book = load_workbook(path)
    book["data"].cell(row=2, column=HEADERS.index("jenis_kelamin") + 1).value = "L"
    book.save(path)

    again = person_import(actor=pendamping_a, file=path)

    assert (again.created, again.ignored_columns) == (1, [])


def test_text_that_looks_like_a_formula_stays_text_in_the_report(pendamping_a, tmp_path):
    rows = [row(nama_lengkap='=HYPERLINK("http://x.example","klik")', jenis_kelamin="X")]
    result = person_import(actor=pendamping_a, file=io.BytesIO(csv_file(rows)), file_name="a.csv")
    path = tmp_path / "laporan.xlsx"

    import_report_write(result, path)

    cell = load_workbook(path)["data"].cell(row=2, column=HEADERS.index("nama_lengkap") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")
