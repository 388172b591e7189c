"""The figures pages: all satker with IKPA/NKA, one satker in detail, rankings; provisional
badges with their rules; Indonesian formats; query counts that do not grow with the satker."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atensi.budget.models import ManualScore
from atensi.budget.services import manual_score_set
from tests.budget.factories import dipa_line, do_import, output_report, plan_rows, sp2d
from tests.budget.views.conftest import M, this_year_sentra_a

pytestmark = pytest.mark.django_db


def test_the_satker_list_shows_realisation_in_indonesian_formats(
    client_for, analyst_anak, two_satker
):
    page = client_for(analyst_anak).get("/anggaran/satker/?ta=2023").content.decode()
    assert "Rp 1.000.000.000" in page and "Rp 300.000.000" in page and "30,00 %" in page
    assert "Rp 500.000.000" in page and "50,00 %" in page
    # the eselon I pooled: 550 of 1.500 juta
    assert "Rp 1.500.000.000" in page and "36,67 %" in page
    assert "IKPA-PER5-2022" in page and "PMK 22/PMK.02/2021" in page


def test_provisional_figures_carry_the_badge_and_the_rules_note(
    client_for, analyst_anak, admin_user, two_satker
):
    page = client_for(analyst_anak).get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert 'class="badge warn"' in page and "sementara" in page
    assert 'id="catatan-sementara"' in page
    # the note of the rule set's unconfirmed penyerapan targets and capaian output split
    assert "target TW III untuk 51–53 terkonfirmasi; lainnya belum" in page
    assert "pembagian 30% ketepatan waktu + 70% capaian belum dikonfirmasi" in page


def test_the_satker_page_breaks_realisation_down_and_draws_the_s_curve(
    client_for, finance_a, two_satker
):
    page = client_for(finance_a).get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "52 Belanja barang" in page
    assert "Rp 700.000.000" in page  # sisa: 1.000 − 300 juta
    assert "<svg" in page and "Kurva S" in page and "<polyline" in page
    assert "Februari" in page and "6371.QDB.001" in page


def test_the_page_shows_what_is_missing_for_the_ikpa(client_for, finance_a, two_satker):
    page = client_for(finance_a).get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Nilai pengelolaan UP/TUP dari OM-SPAN belum diisi." in page


def test_a_head_sees_the_quarter_warning_before_the_quarter_closes(client_for, head_a, admin_user):
    ta = this_year_sentra_a(admin_user)
    page = client_for(head_a).get(f"/anggaran/satker/630108/?ta={ta}").content.decode()
    assert "Prakiraan dan peringatan" in page
    assert "di bawah target IKPA" in page
    assert "Kekurangan" in page


def test_the_quarterly_targets_show_where_the_satker_fell_short(client_for, head_a, admin_user):
    ta = this_year_sentra_a(admin_user)
    page = client_for(head_a).get(f"/anggaran/satker/630108/?ta={ta}").content.decode()
    assert "Penyerapan terhadap target triwulan" in page
    assert "di bawah target" in page


def test_a_month_in_the_query_limits_the_realisation(client_for, finance_a, two_satker):
    page = client_for(finance_a).get("/anggaran/satker/630108/?ta=2023&month=1").content.decode()
    assert "s.d. 31-01-2023" in page
    assert "Rp 300.000.000" not in page.split("Ringkasan")[1].split("Prakiraan")[0]


def test_rankings_list_every_satker_with_the_award_basis(client_for, analyst_anak, two_satker):
    page = client_for(analyst_anak).get("/anggaran/peringkat/?ta=2023").content.decode()
    assert "Peringkat menurut realisasi" in page
    antasena, handayani = page.index("Sentra Antasena"), page.index("Sentra Handayani")
    assert antasena < handayani  # 50 % before 30 %
    assert "<svg" in page and "<rect" in page
    by_nka = client_for(analyst_anak).get("/anggaran/peringkat/?ta=2023&by=nka").content.decode()
    assert "Peringkat menurut nilai kinerja anggaran" in by_nka


def test_a_unit_user_sees_only_their_own_rank(client_for, finance_a, two_satker):
    page = client_for(finance_a).get("/anggaran/peringkat/?ta=2023").content.decode()
    assert "Sentra Handayani" in page and "Sentra Antasena" not in page


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_pages_cost_the_same_queries_for_more_satker(
    client_for, analyst_anak, admin_user, two_satker
):
    client = client_for(analyst_anak)
    paths = ["/anggaran/satker/?ta=2023", "/anggaran/peringkat/?ta=2023"]
    before = [_queries(client, p) for p in paths]
    for unit in ("630101", "630102", "630103"):
        do_import(admin_user, "dipa", [dipa_line(unit=unit, pagu=100 * M)])
        do_import(admin_user, "plan", plan_rows(unit=unit, amounts={"52": 8 * M}))
        do_import(admin_user, "realisation", [sp2d(unit=unit, number=f"{unit}-q")])
        do_import(admin_user, "output", [output_report(unit=unit)])
        manual_score_set(
            actor=admin_user,
            unit=ManualScore._meta.get_field("unit").related_model.objects.get(code=unit),
            ta=2023,
            component="up_tup",
            value=95,
            source="OM-SPAN",
        )
    after = [_queries(client, p) for p in paths]
    assert after == before
    assert max(after) < 40
