"""The blokir page: finance officers record and lift (htmx or plain form), heads read, others 404."""

import datetime as dt

import pytest

from atensi.budget.models import Blokir
from atensi.common.models import AuditLog
from tests.budget.factories import blokir, do_import

pytestmark = pytest.mark.django_db

M = 1_000_000
HTMX = {"HTTP_HX_REQUEST": "true"}


def new_blokir(unit_id, **kw) -> dict:
    data = {
        "unit": unit_id,
        "ta": 2023,
        "ro": "6371.QDB.001",
        "jenis_belanja": "52",
        "amount": "150.000.000",
        "reason": "Menunggu TOR",
        "reference": "S-12/PA.3/2023",
        "blocked_on": "2023-03-01",
    }
    data.update(kw)
    return data


def lift(pk, **kw) -> dict:
    data = {"amount": "100.000.000", "lifted_on": "2023-05-10", "reference": "S-40/PA.3/2023"}
    data.update(kw)
    return {f"buka-{pk}-{k}": v for k, v in data.items()}


def test_a_finance_officer_records_a_blokir_and_the_satker_figures_show_it(
    client_for, finance_a, two_satker
):
    client = client_for(finance_a)
    response = client.post("/anggaran/blokir/", new_blokir(finance_a.unit_id), follow=True)
    page = response.content.decode()
    assert "Blokir Rp 150.000.000 dicatat." in page and "S-12/PA.3/2023" in page
    item = Blokir.objects.get(unit=finance_a.unit, ta=2023)
    assert item.amount == 150 * M and item.output.full_code == "6371.QDB.001"
    assert AuditLog.objects.filter(
        action="create", object_type="budget.blokir", object_id=str(item.pk)
    ).exists()
    detail = client.get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Rp 150.000.000" in detail  # the blokir and pagu − blokir show it


def test_with_htmx_the_page_body_comes_back_with_the_notice(client_for, finance_a, two_satker):
    response = client_for(finance_a).post(
        "/anggaran/blokir/?ta=2023", new_blokir(finance_a.unit_id), **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.startswith('<div id="blokir">')
    assert "<html" not in page and "Blokir Rp 150.000.000 dicatat." in page
    assert "Masih diblokir: Rp 150.000.000" in page


def test_blocking_more_than_the_unblocked_pagu_is_refused_on_the_form(
    client_for, finance_a, two_satker
):
    # sentra A's pagu is 1.000 jt in jenis 52
    response = client_for(finance_a).post(
        "/anggaran/blokir/", new_blokir(finance_a.unit_id, amount="1.000.000.001"), **HTMX
    )
    page = response.content.decode()
    assert "Tidak dapat memblokir Rp 1.000.000.001" in page
    assert "belum diblokir pada 01-03-2023 hanya Rp 1.000.000.000" in page
    assert not Blokir.objects.exists()


def test_a_blokir_with_an_unknown_ro_or_no_letter_is_refused(client_for, finance_a, two_satker):
    client = client_for(finance_a)
    page = client.post(
        "/anggaran/blokir/", new_blokir(finance_a.unit_id, ro="9999.XXX.001")
    ).content.decode()
    assert "tidak ada di DIPA" in page
    response = client.post("/anggaran/blokir/", new_blokir(finance_a.unit_id, reference=""))
    assert response.status_code == 200 and "Bidang ini harus diisi." in response.content.decode()
    response = client.post("/anggaran/blokir/", new_blokir(finance_a.unit_id, amount="12,5"))
    assert response.status_code == 200
    assert not Blokir.objects.exists()


def test_a_finance_officer_cannot_choose_another_satker(
    client_for, finance_a, sentra_b, two_satker
):
    response = client_for(finance_a).post("/anggaran/blokir/", new_blokir(sentra_b.pk, ro=""))
    assert response.status_code == 200 and not Blokir.objects.exists()
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_a_finance_officer_lifts_part_of_a_blokir(client_for, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=150 * M)])
    item = Blokir.objects.get()
    client = client_for(finance_a)
    listing = client.get("/anggaran/blokir/?ta=2023").content.decode()
    assert "Masih diblokir: Rp 150.000.000" in listing and f"buka-{item.pk}-amount" in listing
    response = client.post(f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk), **HTMX)
    page = response.content.decode()
    assert "Blokir dibuka Rp 100.000.000 per 10-05-2023; sisa Rp 50.000.000 tetap diblokir." in page
    assert "Masih diblokir: Rp 50.000.000" in page and "S-40/PA.3/2023" in page
    item.refresh_from_db()
    assert (item.released_on, item.released_amount) == (dt.date(2023, 5, 10), 100 * M)
    assert Blokir.objects.get(previous=item).amount == 50 * M


def test_a_full_lift_through_the_plain_form_redirects_with_a_message(
    client_for, finance_a, admin_user, two_satker
):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    response = client_for(finance_a).post(
        f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk), follow=True
    )
    page = response.content.decode()
    assert "Blokir Rp 100.000.000 dibuka seluruhnya per 10-05-2023." in page
    assert "Masih diblokir: Rp 0" in page
    assert Blokir.objects.count() == 1


def test_lifting_more_than_is_blocked_shows_the_error_on_the_rows_form(
    client_for, finance_a, admin_user, two_satker
):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    response = client_for(finance_a).post(
        f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk, amount="100.000.001"), **HTMX
    )
    page = response.content.decode()
    assert "Tidak dapat membuka Rp 100.000.001: yang diblokir hanya Rp 100.000.000." in page
    assert "Blokir belum dibuka" in page
    item.refresh_from_db()
    assert item.released_on is None


def test_a_lift_before_the_blokir_date_is_refused(client_for, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    response = client_for(finance_a).post(
        f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk, lifted_on="2022-12-31"), follow=True
    )
    assert "tidak sebelum tanggal blokir" in response.content.decode()
    item.refresh_from_db()
    assert item.released_on is None


def test_a_head_reads_blokir_but_cannot_record_or_lift(client_for, head_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    client = client_for(head_a)
    page = client.get("/anggaran/blokir/?ta=2023").content.decode()
    assert "Menunggu dokumen" in page and "Rp 100.000.000" in page
    assert "Buka blokir" not in page and "Catat blokir" not in page
    assert client.post(f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk)).status_code == 403
    assert client.post("/anggaran/blokir/", new_blokir(head_a.unit_id)).status_code == 403
    item.refresh_from_db()
    assert item.released_on is None and Blokir.objects.count() == 1


def test_another_sentras_blokir_is_not_found(client_for, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(unit="630117", amount=100 * M)])
    item = Blokir.objects.get()
    client = client_for(finance_a)
    assert "630117" not in client.get("/anggaran/blokir/?ta=2023").content.decode()
    response = client.post(f"/anggaran/blokir/{item.pk}/buka/", lift(item.pk))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.released_on is None
