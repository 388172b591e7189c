"""Blokir on a phone: a sentra's finance officer records a blokir with its letter, lifts part of
it (htmx forms, no page reload), and the satker's figures follow; the head only reads."""

import datetime as dt
import re

import pytest

from atensi.budget.services import blokir_create
from tests.browser.conftest import expect, login
from tests.budget.factories import dipa_line, do_import, plan_rows

pytestmark = pytest.mark.browser

M = 1_000_000
TA = 2024


@pytest.fixture
def sentra_a_2024(admin_user):
    """Sentra A in TA 2024: RO 6371.QDB.001 with 1.000 juta in akun 521211 (belanja barang)."""
    do_import(admin_user, "dipa", [dipa_line(unit="630108", ta=TA, pagu=1000 * M)])
    do_import(admin_user, "plan", plan_rows(unit="630108", ta=TA, amounts={"52": 80 * M}))


def test_a_finance_officer_blocks_and_partly_lifts_on_a_phone(
    new_page, sentra_a_2024, finance_a, head_a
):
    page = new_page(width=375, height=800)
    login(page, "finance_a", next_path=f"/anggaran/blokir/?ta={TA}")
    expect(page.get_by_role("heading", name=f"Blokir anggaran TA {TA}")).to_be_visible()
    body = page.locator("#blokir")
    expect(body.get_by_role("heading", name="Masih diblokir: Rp 0")).to_be_visible()

    form = body.locator("form", has=page.get_by_role("heading", name="Catat blokir"))
    form.get_by_label("RO yang diblokir (boleh kosong)").fill("6371.QDB.001")
    form.get_by_label("Jenis belanja").select_option("52")
    # More than the pagu is refused, in Indonesian, on the field.
    form.get_by_label("Jumlah diblokir (Rp)").fill("1.000.000.001")
    form.get_by_label("Alasan blokir").fill("Menunggu TOR dan RAB")
    form.get_by_label("Nomor surat blokir").fill("S-12/PA.3/2024")
    form.get_by_label("Tanggal blokir").fill(f"{TA}-03-01")
    form.get_by_role("button", name="Simpan blokir").click()
    expect(body.get_by_text(re.compile("Tidak dapat memblokir Rp 1.000.000.001"))).to_be_visible()

    form = body.locator("form", has=page.get_by_role("heading", name="Catat blokir"))
    form.get_by_label("Jumlah diblokir (Rp)").fill("150.000.000")
    form.get_by_role("button", name="Simpan blokir").click()
    expect(body.get_by_text("Blokir Rp 150.000.000 dicatat.")).to_be_visible()
    expect(body.get_by_role("heading", name="Masih diblokir: Rp 150.000.000")).to_be_visible()
    expect(body.get_by_text("Surat S-12/PA.3/2024")).to_be_visible()

    row = body.locator("tr", has_text="Menunggu TOR dan RAB")
    row.get_by_text("Buka blokir", exact=True).first.click()
    row.get_by_label("Jumlah dibuka (Rp)").fill("100.000.000")
    row.get_by_label("Tanggal dibuka").fill(f"{TA}-05-10")
    row.get_by_label("Nomor surat pembukaan").fill("S-40/PA.3/2024")
    row.get_by_role("button", name="Buka blokir").click()
    expect(
        body.get_by_text(
            "Blokir dibuka Rp 100.000.000 per 10-05-2024; sisa Rp 50.000.000 tetap diblokir."
        )
    ).to_be_visible()
    expect(body.get_by_role("heading", name="Masih diblokir: Rp 50.000.000")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The satker's figures at the year's end count the remainder only.
    page.goto(f"/anggaran/satker/630108/?ta={TA}&month=12")
    expect(page.locator('#figures [data-figure="blokir"]')).to_have_text("Rp 50.000.000")


def test_the_head_reads_the_blokir_without_forms(new_page, sentra_a_2024, finance_a, head_a):
    blokir_create(
        actor=finance_a,
        unit=finance_a.unit,
        ta=TA,
        jenis_belanja="52",
        amount=150 * M,
        reason="Menunggu TOR dan RAB",
        reference="S-12/PA.3/2024",
        blocked_on=dt.date(TA, 3, 1),
    )
    page = new_page(width=375, height=800)
    login(page, "head_a", next_path=f"/anggaran/blokir/?ta={TA}")
    body = page.locator("#blokir")
    expect(body.get_by_role("heading", name="Masih diblokir: Rp 150.000.000")).to_be_visible()
    expect(body.get_by_text("masih diblokir", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Buka blokir")).to_have_count(0)
    expect(page.get_by_role("heading", name="Catat blokir")).to_have_count(0)
