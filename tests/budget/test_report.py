"""The annual evaluation (Rakornis) report reproduces the directorate's public figures
(DOMAIN.md §1) from the demo data set, as a page, a PDF and an Excel workbook."""

import base64
import io
import re
import zlib
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from atensi.budget.fixtures import PUBLIC, budget_demo_load, top_nka_sentra
from atensi.budget.report import SHEETS, annual_report_for, annual_report_pdf, annual_report_xlsx
from atensi.common.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """Roughly extracts the drawn text: decodes every content stream of the PDF."""
    out = []
    for match in re.finditer(
        rb"/Filter\s*(\[[^\]]*\]|/\w+).*?stream\r?\n(.*?)endstream", data, re.S
    ):
        filters, raw = match.group(1), match.group(2)
        if b"ASCII85Decode" in filters:
            raw = base64.a85decode(raw.strip().removeprefix(b"<~").removesuffix(b"~>"))
        if b"FlateDecode" in filters:
            raw = zlib.decompress(raw)
        out.append(raw.decode("latin-1"))
    # PDF strings escape their parentheses.
    return "\n".join(out).replace("\\(", "(").replace("\\)", ")")


@pytest.fixture
def client_for(client):
    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def demo(admin_user):
    """TA 2024 and the allocation of 2025 (its "next year")."""
    budget_demo_load(actor=admin_user, years=(2024, 2025))


@pytest.fixture
def demo_2023(admin_user):
    budget_demo_load(actor=admin_user, years=(2023,))


def test_the_2023_report_gives_the_public_allocation(demo_2023, analyst_anak):
    report = annual_report_for(analyst_anak, 2023)
    assert report.eselon1.pagu == 1_228_603_927_000
    assert report.upt == {**report.upt, "satker": 31, "pagu": 871_903_927_000}
    assert report.pusat["pagu"] == 356_700_000_000
    # "about Rp 871 miliar" and "about Rp 356 miliar"
    assert report.upt["pagu"] // 10**9 == 871
    assert report.pusat["pagu"] // 10**9 == 356


def test_the_2024_report_gives_the_public_realisation_blokir_and_awards(demo, analyst_anak):
    report = annual_report_for(analyst_anak, 2024)
    e = report.eselon1
    assert e.penyerapan == Decimal("98.30")
    assert e.blokir == 1_300_000_000
    # "the Rp 1,3 miliar left was blocked budget": nothing else was left.
    assert report.sisa == 1_300_000_000 and report.sisa_outside_blokir == 0
    assert report.awards["by"] == "nka"
    assert [r["code"] for r in report.awards["top"]] == top_nka_sentra()
    assert top_nka_sentra() == ["630104", "630106", "630111", "630118", "630122"]
    assert report.next_year["ta"] == 2025
    assert report.next_year["pagu"] == 172_600_000_000
    assert report.next_year["targets"], "the next year's RO targets per target group"


def test_the_report_page_shows_the_public_figures(demo, demo_2023, client_for, analyst_anak):
    page = client_for(analyst_anak).get("/anggaran/laporan/?ta=2024").content.decode()
    assert "98,30 %" in page
    assert "Rp 1.300.000.000" in page
    assert "Rp 172.600.000.000" in page
    for code in top_nka_sentra():
        assert f'data-code="{code}"' in page
    assert "<svg" in page and "Kurva S" in page
    page_2023 = client_for(analyst_anak).get("/anggaran/laporan/?ta=2023").content.decode()
    for amount in ("Rp 1.228.603.927.000", "Rp 871.903.927.000", "Rp 356.700.000.000"):
        assert amount in page_2023


def test_the_pdf_is_a_pdf_with_the_totals_and_the_charts(demo, demo_2023, analyst_anak):
    report = annual_report_for(analyst_anak, 2024)
    data = annual_report_pdf(report, actor=analyst_anak)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Rp 76.471.000.000" in text
    assert "98,30 %" in text
    assert "Rp 1.300.000.000" in text
    assert "Rp 172.600.000.000" in text
    assert "Sentra Abiseka" in text
    # The charts are drawn in the PDF: the S-curve's legend and the ranking's title.
    assert "Rencana (Hal III)" in text and "Peringkat sentra menurut NKA TA 2024" in text
    report_2023 = annual_report_for(analyst_anak, 2023)
    assert "Rp 1.228.603.927.000" in pdf_text(annual_report_pdf(report_2023, actor=analyst_anak))


def test_the_pdf_download_is_a_pdf(demo, client_for, auditor):
    response = client_for(auditor).get("/anggaran/laporan/2024.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "laporan-evaluasi-anggaran-2024.pdf" in response["Content-Disposition"]


def test_the_workbook_has_the_sheets_and_the_figures(demo, client_for, analyst_anak):
    response = client_for(analyst_anak).get("/anggaran/laporan/2024.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == list(SHEETS)
    summary = {row[0]: row[1] for row in book["ringkasan"].iter_rows(values_only=True) if row}
    assert summary["Total alokasi (pagu)"] == PUBLIC[2024]["pagu"]
    assert summary["Blokir"] == 1_300_000_000
    assert summary["Realisasi (% pagu)"] == pytest.approx(98.30)
    satker = list(book["satker"].iter_rows(values_only=True))
    assert len(satker) == 1 + 38
    awards = [row[1] for row in book["penghargaan"].iter_rows(min_row=2, values_only=True)]
    assert awards[:5] == top_nka_sentra()
    following = [row for row in book["tahun_berikut"].iter_rows(min_row=2, values_only=True)]
    assert following[0][2] == 172_600_000_000


def test_the_workbook_of_a_year_without_data_still_has_every_sheet(analyst_anak):
    book = load_workbook(io.BytesIO(annual_report_xlsx(annual_report_for(analyst_anak, 2030))))
    assert book.sheetnames == list(SHEETS)


def test_a_unit_user_gets_no_report(finance_a, head_a, pendamping_a):
    for user in (finance_a, head_a):
        with pytest.raises(NotFound):
            annual_report_for(user, 2024)
    with pytest.raises(PermissionDenied):
        annual_report_for(pendamping_a, 2024)


def test_loading_the_demo_twice_changes_nothing(admin_user):
    first = budget_demo_load(actor=admin_user, years=(2025,))
    again = budget_demo_load(actor=admin_user, years=(2025,))
    assert first.years_loaded == [2025] and again.years_loaded == []
    assert again.years_present == [2025] and again.batches == 0


def test_achievements_per_target_group_come_from_the_cases(
    pendamping_a, supervisor_a, analyst_anak
):
    from django.utils import timezone

    from atensi.cases.choices import Stage
    from tests.cases.factories import make_case, walk
    from tests.registry.factories import make_person

    for name in ("Ani", "Budi"):
        person = make_person(pendamping_a, full_name=f"{name} Lestari", target_group="anak")
        walk(
            make_case(pendamping_a, person),
            Stage.TERMINATION,
            worker=pendamping_a,
            lead=supervisor_a,
        )
    elder = make_person(pendamping_a, full_name="Mbah Karto", target_group="lansia")
    walk(make_case(pendamping_a, elder), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)

    report = annual_report_for(analyst_anak, timezone.localdate().year)
    rows = {r["target_group"]: r for r in report.achievements}
    assert (rows["anak"]["people_served"], rows["anak"]["cases_terminated"]) == (2, 2)
    assert rows["anak"]["goals_met"] == 2
    assert (rows["lansia"]["people_served"], rows["lansia"]["goals_met"]) == (1, 0)
    assert rows[""]["people_served"] == 3 and rows[""]["total"]
    services = {r["component"]: r for r in report.services}
    assert services["family_support"]["services"] == 3
    assert services["family_support"]["people"] == 3
    assert services["basic_needs"]["services"] == 0
    text = pdf_text(annual_report_pdf(report, actor=analyst_anak))
    assert "Dukungan keluarga" in text


def test_the_demo_can_add_the_year_in_progress_through_its_closed_months(admin_user):
    from django.utils import timezone

    from atensi.budget.models import RealisationMonth

    today = timezone.localdate()
    result = budget_demo_load(actor=admin_user, years=(), current=True)
    if today.year <= max(PUBLIC):
        assert result.years_loaded == []
        return
    assert result.years_loaded == [today.year]
    months = set(RealisationMonth.objects.filter(ta=today.year).values_list("month", flat=True))
    assert months == set(range(1, today.month))
