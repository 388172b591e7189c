"""/api/v1/budget/report/: the annual evaluation's figures (DOMAIN.md §1) and its PDF/workbook."""

import pytest

from atensi.budget.fixtures import PUBLIC, budget_demo_load, top_nka_sentra

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(admin_user):
    budget_demo_load(actor=admin_user, years=(2024, 2025))


def test_the_report_gives_the_public_figures_of_2024(api, demo, analyst_anak):
    response = api(analyst_anak).get("/api/v1/budget/report/?ta=2024")
    assert response.status_code == 200
    report = response.json()
    public = PUBLIC[2024]
    assert report["eselon1"]["pagu"] == public["pagu"]
    assert (report["upt"]["pagu"], report["pusat"]["pagu"]) == (public["upt"], public["pusat"])
    assert report["eselon1"]["penyerapan"] == float(public["penyerapan"])
    assert report["eselon1"]["blokir"] == public["blokir"]
    assert (report["sisa"], report["sisa_outside_blokir"]) == (public["blokir"], 0)
    assert report["awards"]["by"] == "nka"
    assert [r["code"] for r in report["awards"]["top"]] == top_nka_sentra()
    assert sorted(r["code"] for r in report["satker"] if r["top"]) == sorted(top_nka_sentra())
    assert report["next_year"]["pagu"] == PUBLIC[2025]["pagu"]
    assert len(report["s_curve"]) == 12


def test_the_report_files_download(api, demo, auditor):
    client = api(auditor)
    pdf = client.get("/api/v1/budget/report/2024.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "laporan-evaluasi-anggaran-2024.pdf" in pdf["Content-Disposition"]
    xlsx = client.get("/api/v1/budget/report/2024.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get("/api/v1/budget/report/2024.doc").status_code == 404


def test_a_satkers_own_users_get_no_report(api, finance_a, head_a, pendamping_a):
    for user in (finance_a, head_a):
        response = api(user).get("/api/v1/budget/report/?ta=2024")
        assert response.status_code == 404
        assert api(user).get("/api/v1/budget/report/2024.pdf").status_code == 404
    assert api(pendamping_a).get("/api/v1/budget/report/?ta=2024").status_code == 403
