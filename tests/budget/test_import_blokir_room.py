"""Blokir imported from a file keep to the pagu not yet blocked, by the same rule as the page."""

import datetime as dt

import pytest

from atensi.budget.models import Blokir, ImportBatch
from atensi.budget.services import blokir_create

from .factories import blokir, dipa_line, do_import

pytestmark = pytest.mark.django_db

M = 1_000_000
RO_001 = {"kegiatan": "6371", "kro": "QDB", "ro": "001"}
RO_002 = {"kegiatan": "6371", "kro": "QDB", "ro": "002"}


@pytest.fixture
def dipa_2023(finance_a, sentra_a):
    """Sentra A, TA 2023: jenis belanja 52 has 600 jt in RO 001 and 300 jt in RO 002 (900 jt);
    jenis 51 has 400 jt in RO 001."""
    do_import(
        finance_a,
        "dipa",
        [
            dipa_line(pagu=600 * M),
            dipa_line(akun="511111", pagu=400 * M),
            dipa_line(pagu=300 * M, ro="002", nama_ro="Dukungan keluarga"),
        ],
    )
    return sentra_a


def test_a_file_whose_blokir_exceeds_the_unblocked_pagu_imports_nothing(finance_a, dipa_2023):
    rows = [
        blokir(amount=100 * M, jenis="51"),
        blokir(amount=900 * M + 1, alasan="Menunggu RAB"),
    ]
    result = do_import(finance_a, "blokir", rows)
    assert result.rejected and result.error_rows == 1
    assert not Blokir.objects.exists() and not ImportBatch.objects.filter(kind="blokir").exists()
    [issue] = result.issues
    assert (issue.row, issue.column) == (3, "jumlah")
    # the page's own message, then what to do about it
    assert "Tidak dapat memblokir Rp 900.000.001" in issue.message
    assert "jenis belanja 52 yang belum diblokir pada 02-01-2023 hanya Rp 900.000.000" in (
        issue.message
    )
    assert "Kurangi jumlah blokir" in issue.message


def test_rows_of_one_file_count_together_against_the_pagu(finance_a, dipa_2023):
    rows = [
        blokir(amount=500 * M, alasan="Menunggu TOR"),
        blokir(amount=300 * M, alasan="Menunggu RAB", tanggal_blokir="2023-02-01"),
        # 500 + 300 jt already blocked of 900 jt: 100 jt left on 1 March
        blokir(amount=100 * M + 1, alasan="Menunggu kontrak", tanggal_blokir="2023-03-01"),
    ]
    result = do_import(finance_a, "blokir", rows)
    assert result.rejected and [i.row for i in result.issues] == [4]
    message = result.issues[0].message
    assert "hanya Rp 100.000.000" in message
    assert "Blokir baris 2, 3 berkas ini ikut dihitung" in message
    assert not Blokir.objects.exists()


def test_rows_are_counted_in_date_order_whatever_their_order_in_the_file(finance_a, dipa_2023):
    rows = [
        # row 2 comes later in time: on 1 March row 3's 500 jt is blocked too
        blokir(amount=500 * M, alasan="Menunggu RAB", tanggal_blokir="2023-03-01"),
        blokir(amount=500 * M, alasan="Menunggu TOR", tanggal_blokir="2023-01-02"),
    ]
    result = do_import(finance_a, "blokir", rows)
    assert [(i.row, "baris 3" in i.message) for i in result.issues] == [(2, True)]


def test_a_blokir_opened_before_another_begins_leaves_its_room(finance_a, dipa_2023):
    rows = [
        blokir(amount=900 * M, alasan="Menunggu TOR", tanggal_dibuka="2023-03-01"),
        blokir(amount=900 * M, alasan="Menunggu RAB", tanggal_blokir="2023-03-01"),
    ]
    result = do_import(finance_a, "blokir", rows)
    assert not result.issues and result.created == 2


def test_a_valid_file_imports_and_importing_it_again_changes_nothing(finance_a, dipa_2023):
    rows = [
        blokir(amount=600 * M, alasan="Menunggu TOR", **RO_001),
        blokir(amount=300 * M, alasan="Menunggu RAB", **RO_002),
        blokir(amount=400 * M, jenis="51"),
    ]
    first = do_import(finance_a, "blokir", rows)
    assert (first.rejected, first.created) == (False, 3)
    # the stored blokir are the file's own, not a second 1.300 jt on top of them
    again = do_import(finance_a, "blokir", rows)
    assert (again.issues, again.created, again.skipped) == ([], 0, 3)
    # and a changed opening date is still accepted
    rows[0]["tanggal_dibuka"] = "2023-06-01"
    opened = do_import(finance_a, "blokir", rows)
    assert (opened.issues, opened.updated, opened.skipped) == ([], 1, 2)
    assert Blokir.objects.count() == 3


def test_an_ro_blokir_in_a_file_keeps_to_that_ro(finance_a, dipa_2023):
    result = do_import(finance_a, "blokir", [blokir(amount=301 * M, **RO_002)])
    assert result.rejected
    assert "pagu 6371.QDB.002 yang belum diblokir" in result.issues[0].message


def test_a_file_counts_the_blokir_recorded_on_the_page(finance_a, dipa_2023):
    blokir_create(
        actor=finance_a,
        unit=dipa_2023,
        ta=2023,
        jenis_belanja="52",
        amount=800 * M,
        reason="Menunggu TOR",
        reference="S-1/2023",
        blocked_on=dt.date(2023, 1, 2),
    )
    result = do_import(finance_a, "blokir", [blokir(amount=100 * M + 1)])
    assert result.rejected and "hanya Rp 100.000.000" in result.issues[0].message
    assert Blokir.objects.count() == 1


def test_valid_rows_only_leaves_out_just_the_row_over_the_pagu(finance_a, dipa_2023):
    rows = [
        blokir(amount=600 * M, alasan="Menunggu TOR"),
        blokir(amount=400 * M, alasan="Menunggu RAB"),  # 300 jt left after row 2
        blokir(amount=300 * M, alasan="Menunggu kontrak"),
        blokir(amount=0, jenis="51"),  # a bad cell, reported before the pagu is looked at
    ]
    result = do_import(finance_a, "blokir", rows, valid_only=True)
    assert result.written and (result.created, result.error_rows) == (2, 2)
    assert [i.row for i in result.issues] == [3, 5]
    assert sorted(Blokir.objects.values_list("amount", flat=True)) == [300 * M, 600 * M]
    assert ImportBatch.objects.get(kind="blokir").created == 2
