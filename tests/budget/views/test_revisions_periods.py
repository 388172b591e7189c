"""DIPA revisions, the head's sign-off and the corrections list (blokir: test_blokir.py)."""

import pytest

from atensi.budget.models import PeriodLock, Revision

pytestmark = pytest.mark.django_db

M = 1_000_000


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
