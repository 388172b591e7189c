"""Importing SP2D realisation lines: checks per row, all or nothing, idempotent, fast path."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum
from openpyxl import Workbook

from atensi.budget.importing import budget_import
from atensi.budget.models import ImportBatch, Realisation, RealisationMonth
from atensi.budget.services import realisation_summary_rebuild
from atensi.common.errors import ApplicationError, PermissionDenied
from atensi.common.models import AuditLog

from .factories import csv_bytes, do_import, sp2d

pytestmark = pytest.mark.django_db


def summary(ta=2023):
    return sorted(
        RealisationMonth.objects.filter(ta=ta).values_list(
            "unit__code", "ro_code", "jenis_belanja", "month", "amount", "lines"
        )
    )


def test_it_imports_lines_with_jenis_belanja_from_the_akun(finance_a):
    result = do_import(
        finance_a,
        "realisation",
        [
            sp2d(akun="521211", amount="1.228.603.927", number="A1"),
            sp2d(akun="511111", amount="50000000", number="A2", date="15-02-2023"),
            sp2d(akun="571111", amount="-2.000.000", number="A3", date="20/02/2023"),
        ],
    )
    assert (result.rows, result.created, result.skipped, result.error_rows) == (3, 3, 0, 0)
    lines = {r.sp2d_number: r for r in Realisation.objects.all()}
    assert lines["A1"].amount == 1_228_603_927 and lines["A1"].jenis_belanja == "52"
    assert lines["A2"].jenis_belanja == "51" and str(lines["A2"].sp2d_date) == "2023-02-15"
    assert lines["A3"].amount == -2_000_000 and lines["A3"].jenis_belanja == "57"
    assert summary() == [
        ("630108", "001", "51", 2, 50_000_000, 1),
        ("630108", "001", "52", 1, 1_228_603_927, 1),
        ("630108", "001", "57", 2, -2_000_000, 1),
    ]
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.created, batch.rows, batch.imported_by) == (
        "realisation",
        3,
        3,
        finance_a,
    )
    assert AuditLog.objects.filter(action="import", object_id=str(batch.pk)).exists()


def test_importing_the_same_file_twice_changes_nothing(finance_a):
    rows = [sp2d(number=f"N{i}", amount=1_000_000 * i) for i in range(1, 6)]
    first = do_import(finance_a, "realisation", rows)
    before = summary()
    again = do_import(finance_a, "realisation", rows)
    assert (first.created, first.skipped) == (5, 0)
    assert (again.created, again.skipped, again.rows) == (0, 5, 5)
    assert Realisation.objects.count() == 5
    assert summary() == before


def test_a_later_file_adds_only_its_new_lines(finance_a):
    do_import(finance_a, "realisation", [sp2d(number="N1"), sp2d(number="N2")])
    result = do_import(
        finance_a, "realisation", [sp2d(number="N1"), sp2d(number="N2"), sp2d(number="N3")]
    )
    assert (result.created, result.skipped) == (1, 2)
    assert summary() == [("630108", "001", "52", 1, 30_000_000, 3)]


def test_identical_lines_in_one_file_are_two_lines_and_stay_idempotent(finance_a):
    rows = [sp2d(number="D1", amount=5_000_000)] * 2
    assert do_import(finance_a, "realisation", rows).created == 2
    assert do_import(finance_a, "realisation", rows).created == 0
    assert Realisation.objects.aggregate(s=Sum("amount"))["s"] == 10_000_000


def test_one_bad_row_imports_nothing_and_reports_row_column_and_message(finance_a):
    result = do_import(
        finance_a,
        "realisation",
        [
            sp2d(number="OK1"),
            sp2d(number="BAD", amount="12,5"),
            sp2d(number="OK2"),
        ],
    )
    assert result.rejected and result.error_rows == 1 and result.created == 0
    assert not Realisation.objects.exists() and not RealisationMonth.objects.exists()
    assert not ImportBatch.objects.exists()
    [issue] = result.issues
    assert (issue.row, issue.column) == (3, "nilai")
    assert "koma" in issue.message


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("nilai", "1.5e6", "notasi ilmiah"),
        ("nilai", "12,5", "Rupiah harus bulat"),
        ("nilai", "1.5", "bukan angka Rupiah"),
        ("nilai", "1,228,603,927", "koma"),
        ("nilai", "", "Wajib diisi"),
        ("akun", "541111", "jenis belanja 54 tidak dikenal"),
        ("akun", "5212", "6 digit"),
        ("kode_satker", "999999", "tidak terdaftar"),
        ("kode_satker", "63010", "6 digit"),
        ("tanggal_sp2d", "2024-01-03", "tidak dalam TA 2023"),
        ("tanggal_sp2d", "31-02-2023", "tidak ada di kalender"),
        ("jenis_spm", "XX", "Jenis SPM XX tidak dikenal"),
        ("sumber_dana", "ABC", "Sumber dana ABC tidak dikenal"),
        ("nomor_sp2d", "", "Wajib diisi"),
    ],
)
def test_it_rejects_bad_cells_with_an_indonesian_message(finance_a, field, value, words):
    result = do_import(finance_a, "realisation", [sp2d(**{field: value})])
    assert result.rejected
    assert [(i.row, i.column) for i in result.issues] == [(2, field)]
    assert words in result.issues[0].message


def test_every_problem_of_a_row_is_reported(finance_a):
    result = do_import(
        finance_a, "realisation", [sp2d(akun="541111", nilai="1.5e6", tanggal_sp2d="kemarin")]
    )
    assert sorted(i.column for i in result.issues) == ["akun", "nilai", "tanggal_sp2d"]


def test_valid_only_imports_the_good_rows_and_lists_the_bad(finance_a):
    result = do_import(
        finance_a,
        "realisation",
        [sp2d(number="OK1"), sp2d(number="BAD", akun="541111"), sp2d(number="OK2")],
        valid_only=True,
    )
    assert (result.created, result.error_rows, result.rejected) == (2, 1, False)
    assert set(Realisation.objects.values_list("sp2d_number", flat=True)) == {"OK1", "OK2"}


def test_a_finance_officer_imports_only_for_their_own_satker(finance_a):
    result = do_import(finance_a, "realisation", [sp2d(unit="630117")])
    assert result.rejected
    assert "tidak berwenang" in result.issues[0].message


def test_a_head_may_not_import(head_a):
    with pytest.raises(PermissionDenied):
        do_import(head_a, "realisation", [sp2d()])


def test_a_file_without_a_required_column_is_refused(finance_a):
    rows = [{k: v for k, v in sp2d().items() if k != "nilai"}]
    with pytest.raises(ApplicationError, match="nilai"):
        budget_import(
            actor=finance_a,
            kind="realisation",
            file=SimpleUploadedFile(
                "x.csv", csv_bytes("realisation", rows).replace(b",nilai", b"")
            ),
        )


def test_om_span_headers_and_semicolons_are_accepted(finance_a):
    content = (
        "THANG;KDSATKER;KDKPPN;KDPROGRAM;KDGIAT;KDKRO;KDRO;KDAKUN;KDSUMBER;NO_SP2D;TGL_SP2D;"
        "JENIS_SPM;NILAI_SP2D\n"
        "2023;630108;19;027.05.DN;6371;QDB;1;521211;RM;X1;03-03-2023;GUP;Rp 1.000.000\n"
    ).encode("utf-8-sig")
    result = budget_import(
        actor=finance_a, kind="realisation", file=SimpleUploadedFile("omspan.csv", content)
    )
    assert result.created == 1, result.as_dict()
    line = Realisation.objects.get()
    assert (line.kppn, line.ro_code, line.amount, line.spm_type) == ("019", "001", 1_000_000, "GUP")


def test_excel_files_are_read_with_number_and_date_cells(finance_a):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    row = sp2d()
    sheet.append(list(row))
    values = list(row.values())
    values[list(row).index("nilai")] = 25_000_000.0  # a whole number typed in a number cell
    values[list(row).index("tanggal_sp2d")] = dt.datetime(2023, 4, 5)
    values[list(row).index("ro")] = 1  # Excel dropped the leading zeros
    sheet.append(values)
    bad = list(values)
    bad[list(row).index("nilai")] = 2.5
    bad[list(row).index("nomor_sp2d")] = "S2"
    sheet.append(bad)
    out = io.BytesIO()
    book.save(out)
    result = budget_import(
        actor=finance_a,
        kind="realisation",
        file=SimpleUploadedFile("sp2d.xlsx", out.getvalue()),
        valid_only=True,
    )
    assert (result.created, result.error_rows) == (1, 1)
    assert "berpecahan" in result.issues[0].message
    line = Realisation.objects.get()
    assert (line.amount, str(line.sp2d_date), line.ro_code) == (25_000_000, "2023-04-05", "001")


def test_progress_is_reported_by_stage(finance_a):
    seen = []
    do_import(
        finance_a,
        "realisation",
        [sp2d(number=f"P{i}") for i in range(3)],
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert seen[0] == ("read", 0, 0)
    assert ("check", 3, 3) in seen
    assert seen[-1] == ("write", 3, 3)


def test_the_summary_equals_grouping_the_lines_and_can_be_rebuilt(finance_a):
    rows = [
        sp2d(
            number=f"R{i}",
            akun=("511111", "521211", "532111")[i % 3],
            date=f"2023-{i % 12 + 1:02d}-10",
            amount=i * 1000,
        )
        for i in range(40)
    ]
    do_import(finance_a, "realisation", rows)
    kept = summary()
    assert realisation_summary_rebuild(ta=2023) == len(kept)
    assert summary() == kept
    grouped = Realisation.objects.values("jenis_belanja").annotate(s=Sum("amount"), n=Count("id"))
    by_jenis = {g["jenis_belanja"]: (g["s"], g["n"]) for g in grouped}
    for jenis, (total, lines) in by_jenis.items():
        assert sum(r[4] for r in kept if r[2] == jenis) == total
        assert sum(r[5] for r in kept if r[2] == jenis) == lines
