"""A monthly report in a real browser (issue 5, "Done means"): the pendamping submits last
month's report, the supervisor returns it with a comment, the pendamping resubmits, the
supervisor approves, and the head sees it approved. On a phone-sized screen."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.workforce.models import MonthlyReport
from tests.browser.conftest import expect, login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def logout(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def status_is(page, label: str) -> None:
    expect(page.locator("#report-status")).to_have_text(label)


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_report_is_submitted_returned_resubmitted_and_approved(
    new_page, head_a, supervisor_a, pendamping_a
):
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page = new_page(**PHONE)

    # --- the pendamping opens last month's report and submits it ------------------------------
    login(page, "pendamping_a", next_path="/tenaga/")
    expect(page.get_by_role("heading", name="Beban, laporan dan pelatihan saya")).to_be_visible()
    page.locator("#reports").get_by_label("Bulan laporan").fill(last_month.strftime("%Y-%m"))
    page.locator("#reports").get_by_role("button", name="Buka laporan").click()
    status_is(page, "Draf")
    fits_the_phone(page)
    page.get_by_label("Uraian kegiatan, hambatan dan rencana bulan depan").fill(
        "Mendampingi tiga keluarga; dua kunjungan rumah."
    )
    page.get_by_role("button", name="Simpan uraian").click()
    expect(page.locator("#report .messages")).to_contain_text("Uraian disimpan.")
    page.get_by_role("button", name="Ajukan kepada supervisor").click()
    status_is(page, "Diajukan")
    report = MonthlyReport.objects.get(worker=pendamping_a, month=last_month)
    logout(page)

    # --- the supervisor returns it with a comment --------------------------------------------
    login(page, "supervisor_a", next_path="/tenaga/")
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("Sri Wahyuni")
    waiting.get_by_role("link").first.click()
    status_is(page, "Diajukan")
    page.get_by_label("Catatan untuk pendamping").fill("Sebutkan hambatan di lapangan.")
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    status_is(page, "Dikembalikan")
    logout(page)

    # --- the pendamping sees the comment and resubmits -----------------------------------------
    login(page, "pendamping_a", next_path=f"/tenaga/laporan/{report.pk}/")
    expect(page.locator("#return-comment")).to_contain_text("Sebutkan hambatan di lapangan.")
    page.get_by_label("Uraian kegiatan, hambatan dan rencana bulan depan").fill(
        "Mendampingi tiga keluarga; hambatan: jalan rusak setelah banjir."
    )
    page.get_by_role("button", name="Simpan uraian").click()
    expect(page.locator("#report .messages")).to_contain_text("Uraian disimpan.")
    page.get_by_role("button", name="Ajukan ulang").click()
    status_is(page, "Diajukan")
    logout(page)

    # --- the supervisor approves the resubmission ---------------------------------------------
    login(page, "supervisor_a", next_path=f"/tenaga/laporan/{report.pk}/")
    page.get_by_role("button", name="Setujui").click()
    status_is(page, "Disetujui")
    logout(page)

    # --- the head sees it approved, with its history -------------------------------------------
    login(page, "head_a", next_path="/tenaga/laporan/")
    row = page.locator("tr", has_text="Sri Wahyuni")
    expect(row).to_contain_text("Disetujui")
    row.get_by_role("link").first.click()
    status_is(page, "Disetujui")
    history = page.locator("#history")
    for step in ("Diajukan", "Dikembalikan dengan catatan", "Disetujui"):
        expect(history).to_contain_text(step)
    fits_the_phone(page)
    report.refresh_from_db()
    assert [e.action for e in report.events.all()] == [
        "generated",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
