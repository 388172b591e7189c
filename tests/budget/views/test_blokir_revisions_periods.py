"""Blokir entry and release, DIPA revisions, the head's sign-off and the corrections list."""

import datetime as dt

import pytest

from atensi.budget.models import Blokir, PeriodLock, Revision
from atensi.common.models import AuditLog
from tests.budget.factories import blokir, do_import

pytestmark = pytest.mark.django_db

M = 1_000_000


def test_a_finance_officer_records_a_blokir(client_for, finance_a, two_satker):
    client = client_for(finance_a)
    response = client.post(
        "/anggaran/blokir/",
        {
            "unit": finance_a.unit_id,
            "ta": 2023,
            "ro": "6371.QDB.001",
            "jenis_belanja": "52",
            "amount": "150.000.000",
            "reason": "Menunggu TOR",
            "blocked_on": "2023-03-01",
        },
        follow=True,
    )
    assert "Blokir dicatat." in response.content.decode()
    item = Blokir.objects.get(unit=finance_a.unit, ta=2023)
    assert item.amount == 150 * M and item.output.full_code == "6371.QDB.001"
    assert AuditLog.objects.filter(
        action="import", object_repr__contains="formulir-blokir"
    ).exists()
    detail = client.get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Rp 150.000.000" in detail  # the blokir and pagu − blokir show it


def test_a_blokir_with_an_unknown_ro_is_refused_on_the_form(client_for, finance_a, two_satker):
    response = client_for(finance_a).post(
        "/anggaran/blokir/",
        {
            "unit": finance_a.unit_id,
            "ta": 2023,
            "ro": "9999.XXX.001",
            "jenis_belanja": "52",
            "amount": "1.000",
            "reason": "x",
            "blocked_on": "2023-03-01",
        },
    )
    assert "tidak ada di DIPA" in response.content.decode()
    assert not Blokir.objects.exists()


def test_a_blokir_amount_with_decimals_is_refused(client_for, finance_a, two_satker):
    response = client_for(finance_a).post(
        "/anggaran/blokir/",
        {
            "unit": finance_a.unit_id,
            "ta": 2023,
            "jenis_belanja": "52",
            "amount": "12,5",
            "reason": "x",
            "blocked_on": "2023-03-01",
        },
    )
    assert response.status_code == 200 and not Blokir.objects.exists()


def test_a_finance_officer_cannot_choose_another_satker(
    client_for, finance_a, sentra_b, two_satker
):
    response = client_for(finance_a).post(
        "/anggaran/blokir/",
        {
            "unit": sentra_b.pk,
            "ta": 2023,
            "jenis_belanja": "52",
            "amount": "1.000",
            "reason": "x",
            "blocked_on": "2023-03-01",
        },
    )
    assert response.status_code == 200 and not Blokir.objects.exists()
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_releasing_a_blokir_records_the_date(client_for, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    client = client_for(finance_a)
    listing = client.get("/anggaran/blokir/?ta=2023").content.decode()
    assert "Masih diblokir: Rp 100.000.000" in listing
    response = client.post(
        f"/anggaran/blokir/{item.pk}/buka/", {"released_on": "2023-04-10"}, follow=True
    )
    assert "dibuka per 10-04-2023" in response.content.decode()
    item.refresh_from_db()
    assert item.released_on == dt.date(2023, 4, 10)
    assert "Masih diblokir: Rp 0" in response.content.decode()


def test_a_blokir_cannot_be_released_before_it_was_blocked(
    client_for, finance_a, admin_user, two_satker
):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    response = client_for(finance_a).post(
        f"/anggaran/blokir/{item.pk}/buka/", {"released_on": "2022-12-31"}, follow=True
    )
    assert "tidak sebelum tanggal blokir" in response.content.decode()
    item.refresh_from_db()
    assert item.released_on is None


def test_a_head_sees_blokir_but_cannot_release_one(client_for, head_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    client = client_for(head_a)
    page = client.get("/anggaran/blokir/?ta=2023").content.decode()
    assert "Menunggu dokumen" in page and "Buka blokir" not in page and "Catat blokir" not in page
    assert (
        client.post(f"/anggaran/blokir/{item.pk}/buka/", {"released_on": "2023-04-10"}).status_code
        == 403
    )


def test_another_sentras_blokir_is_not_found(client_for, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(unit="630117", amount=100 * M)])
    item = Blokir.objects.get()
    client = client_for(finance_a)
    assert "630117" not in client.get("/anggaran/blokir/?ta=2023").content.decode()
    response = client.post(f"/anggaran/blokir/{item.pk}/buka/", {"released_on": "2023-04-10"})
    assert response.status_code == 404


def test_a_finance_officer_records_a_revision(client_for, finance_a, two_satker):
    client = client_for(finance_a)
    response = client.post(
        "/anggaran/revisi/",
        {
            "unit": finance_a.unit_id,
            "ta": 2023,
            "number": 2,
            "date": "2023-06-05",
            "kind_code": "211",
            "note": "Pergeseran antar akun",
        },
        follow=True,
    )
    text = response.content.decode()
    assert (
        "Revisi DIPA dicatat." in text and "05-06-2023" in text and "Pergeseran antar akun" in text
    )
    assert Revision.objects.filter(unit=finance_a.unit, number=2, kind_code="211").exists()


def test_a_revision_dated_outside_its_ta_is_refused(client_for, finance_a, two_satker):
    response = client_for(finance_a).post(
        "/anggaran/revisi/",
        {"unit": finance_a.unit_id, "ta": 2023, "number": 2, "date": "2024-01-05"},
    )
    assert "harus dalam TA 2023" in response.content.decode()
    assert not Revision.objects.filter(number=2).exists()


def test_the_head_signs_off_a_closed_month(client_for, head_a, two_satker):
    client = client_for(head_a)
    page = client.get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Tandatangani bulan ini" in page
    response = client.post(
        "/anggaran/satker/630108/tandatangan/", {"ta": 2023, "month": 2}, follow=True
    )
    assert "Februari 2023 ditandatangani" in response.content.decode()
    lock = PeriodLock.objects.get(unit=head_a.unit, ta=2023, month=2)
    assert lock.snapshot["realisasi"]["52"] == 300 * M
    again = client.post(
        "/anggaran/satker/630108/tandatangan/", {"ta": 2023, "month": 2}, follow=True
    )
    assert "sudah ditandatangani" in again.content.decode()


def test_only_the_head_of_the_satker_signs_off(client_for, finance_a, head_b, two_satker):
    finance = client_for(finance_a)
    assert (
        "Tandatangani bulan ini"
        not in finance.get("/anggaran/satker/630108/?ta=2023").content.decode()
    )
    finance.post("/anggaran/satker/630108/tandatangan/", {"ta": 2023, "month": 2})
    assert (
        client_for(head_b)
        .post("/anggaran/satker/630108/tandatangan/", {"ta": 2023, "month": 2})
        .status_code
        == 404
    )
    assert not PeriodLock.objects.exists()
