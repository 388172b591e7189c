"""The budget in a real browser, as issue 4's "Done means" asks: a finance officer imports a
realisation file, sees the satker's figures change, and downloads the annual report's PDF.

The finance officer works at the centre (the directorate-general's secretariat), who imports for
every satker and prepares the annual evaluation; a sentra's own finance officer sees only that
sentra and has no annual report. The import runs in the background and its page follows it."""

import csv
import io
import re
from pathlib import Path

import pytest

from atensi.accounts.models import Role
from atensi.budget.importing import COLUMNS
from tests.browser.conftest import expect, login
from tests.budget.factories import dipa_line, do_import, plan_rows, sp2d
from tests.conftest import make_user

pytestmark = pytest.mark.browser

M = 1_000_000
TA = 2024


def sp2d_file(path, rows) -> None:
    names = [c.name for c in COLUMNS["realisation"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({n: row.get(n, "") for n in names})
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def budget_2024(admin_user):
    """Sentra A and B in TA 2024: A spent 300 of 1.000 juta, B 250 of 500 juta."""
    for unit, pagu, spent in (("630108", 1000, 300), ("630117", 500, 250)):
        do_import(admin_user, "dipa", [dipa_line(unit=unit, ta=TA, pagu=pagu * M)])
        do_import(admin_user, "plan", plan_rows(unit=unit, ta=TA, amounts={"52": pagu * M // 12}))
        do_import(
            admin_user,
            "realisation",
            [sp2d(unit=unit, ta=TA, amount=spent * M, number=f"{unit}-1", date="2024-02-10")],
        )


def figure(page, name: str):
    return page.locator(f'#figures [data-figure="{name}"]')


def test_a_finance_officer_imports_sp2d_sees_the_figures_change_and_downloads_the_pdf(
    new_page, budget_2024, tmp_path
):
    make_user("keuangan_pusat", Role.FINANCE, "630002", "Rina Keuangan")
    page = new_page()
    login(page, "keuangan_pusat")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Anggaran").click()
    expect(page.get_by_role("heading", name="Kinerja anggaran satker TA 2024")).to_be_visible()

    page.get_by_role("link", name="Sentra Handayani").click()
    expect(page.get_by_role("heading", name=re.compile("Sentra Handayani"))).to_be_visible()
    expect(figure(page, "realisasi")).to_have_text("Rp 300.000.000")
    expect(figure(page, "penyerapan")).to_have_text("30,00 %")

    # Import three SP2D lines for March (one a return, negative) from a CSV file.
    upload = tmp_path / "sp2d-maret-2024.csv"
    sp2d_file(
        upload,
        [
            sp2d(ta=TA, amount="150.000.000", number="S-0301", date="15-03-2024"),
            sp2d(ta=TA, amount=60 * M, number="S-0302", date="2024-03-20", akun="521211"),
            sp2d(ta=TA, amount=-10 * M, number="S-0303", date="2024-03-28"),
        ],
    )
    page.get_by_role("link", name="Impor", exact=True).click()
    expect(page.get_by_role("heading", name="Impor data anggaran")).to_be_visible()
    page.get_by_label("Jenis data").select_option(label="Realisasi SP2D")
    page.get_by_label("Berkas (.xlsx atau .csv)").set_input_files(str(upload))
    page.get_by_role("button", name="Periksa dan impor").click()
    status = page.locator("#import-status")
    expect(status.get_by_role("heading", name="Impor selesai")).to_be_visible()
    expect(status.locator('[data-result="created"]')).to_have_text("3")

    # The satker's figures now include the import: 300 + 150 + 60 − 10 = 500 juta.
    status.get_by_role("link", name="Lihat angka anggaran").click()
    page.get_by_role("link", name="Sentra Handayani").click()
    expect(figure(page, "realisasi")).to_have_text("Rp 500.000.000")
    expect(figure(page, "penyerapan")).to_have_text("50,00 %")
    monthly = page.locator("section", has=page.get_by_role("heading", name="Realisasi per bulan"))
    expect(monthly.locator("tr", has_text="Maret")).to_contain_text("Rp 200.000.000")

    # The annual evaluation report, and its PDF.
    page.get_by_role("link", name="Laporan evaluasi tahunan").click()
    expect(page.locator('#report-totals [data-figure="pagu"]')).to_have_text("Rp 1.500.000.000")
    expect(page.locator('#report-totals [data-figure="penyerapan"]')).to_have_text("50,00 %")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").click()
    pdf = download.value
    assert pdf.suggested_filename == "laporan-evaluasi-anggaran-2024.pdf"
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF-")


def test_a_sentra_finance_officer_sees_their_sentra_on_a_phone(new_page, budget_2024, finance_a):
    page = new_page(width=375, height=800)
    login(page, "finance_a")
    page.get_by_role("link", name="Anggaran").first.click()
    expect(page.get_by_role("heading", name=re.compile("Sentra Handayani"))).to_be_visible()
    expect(figure(page, "realisasi")).to_have_text("Rp 300.000.000")
    expect(page.locator("svg.chart")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("link", name="Laporan evaluasi tahunan")).to_have_count(0)
