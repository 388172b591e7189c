"""Figures from stored data against hand-computed values (IKPA, NKA, realisation, eselon I).

The story satker A has, in each TA built by `build` (amounts in millions of Rupiah):
  DIPA: one RO (target 100 persons), akun 511111 pagu 400 (51) and 521211 pagu 600 (52);
  blokir 100 on 52 from 2 January, released 1 July;
  Hal III: 30 a month on 51, 40 a month on 52;
  SP2D: January 20 (51) + 10 (52), February 20 + 20, March 20 + 15;
  revisions: 10 Feb (code 201), 5 Mar (201), 20 Mar (999, not counted);
  output reports: January RVRO 10 sent 3 Feb (on time), February RVRO 30 sent 15 Mar (late),
  none for March;
  manual (OM-SPAN): kontraktual 110, tagihan 100, UP/TUP 95.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from atensi.budget import figures as fig
from atensi.budget.services import manual_score_set, revision_record

from .factories import blokir, dipa_line, do_import, output_report, plan_rows, sp2d

pytestmark = pytest.mark.django_db
M = 1_000_000


def build(actor, unit, ta: int) -> None:
    do_import(
        actor,
        "dipa",
        [
            dipa_line(ta=ta, akun="511111", pagu=400 * M, revisi_ke=0),
            dipa_line(ta=ta, pagu=600 * M, revisi_ke=0),
        ],
    )
    do_import(actor, "blokir", [blokir(ta=ta, tanggal_dibuka=f"{ta}-07-01")])
    do_import(actor, "plan", plan_rows(ta=ta, amounts={"51": 30 * M, "52": 40 * M}))
    lines = []
    for month, (a51, a52) in enumerate([(20, 10), (20, 20), (20, 15)], start=1):
        day = f"{ta}-{month:02d}-10"
        lines.append(sp2d(ta=ta, akun="511111", amount=a51 * M, date=day, number=f"{month}a"))
        lines.append(sp2d(ta=ta, akun="521211", amount=a52 * M, date=day, number=f"{month}b"))
    do_import(actor, "realisation", lines)
    for number, day, code in ((1, "02-10", "201"), (2, "03-05", "201"), (3, "03-20", "999")):
        revision_record(
            actor=actor,
            unit=unit,
            ta=ta,
            number=number,
            date=dt.date.fromisoformat(f"{ta}-{day}"),
            kind_code=code,
        )
    do_import(
        actor,
        "output",
        [
            output_report(ta=ta, month=1, rvro=10, reported=f"{ta}-02-03"),
            output_report(ta=ta, month=2, rvro=30, reported=f"{ta}-03-15"),
        ],
    )
    for component, value in (("kontraktual", 110), ("tagihan", 100), ("up_tup", 95)):
        manual_score_set(
            actor=actor,
            unit=unit,
            ta=ta,
            component=component,
            value=Decimal(value),
            source="OM-SPAN",
        )


def figures_of(unit, period):
    data = fig.budget_data(period.ta)
    return fig.satker_figures(data, period, fig.rules_for(period.ta), [unit.pk])[0]


Q1_2023 = fig.Period(2023, 3, dt.date(2023, 3, 31))


@pytest.fixture
def a2023(finance_a, sentra_a):
    build(finance_a, sentra_a, 2023)
    manual_score_set(
        actor=finance_a,
        unit=sentra_a,
        ta=2023,
        component="dispensasi_spm",
        value=Decimal(100),
        source="OM-SPAN",
    )
    return sentra_a


def test_realisation_against_pagu_and_pagu_minus_blokir(a2023):
    f = figures_of(a2023, Q1_2023)
    assert (f.pagu, f.blokir, f.realisasi) == (1000 * M, 100 * M, 105 * M)
    assert f.penyerapan == Decimal("10.50")
    assert f.penyerapan_netto == Decimal("11.67")  # 105 / 900
    after_release = figures_of(a2023, fig.Period(2023, 3, dt.date(2023, 7, 15)))
    assert after_release.blokir == 0 and after_release.penyerapan_netto == Decimal("10.50")


def test_ikpa_penyerapan_is_pagu_weighted_against_target_of_pagu_minus_blokir(a2023):
    # Q1 targets 51: 20 % of 400 = 80; 52: 15 % of (600 − 100) = 75.
    # Realised 60 → 75 %, and 45 → 60 %; weighted by pagu: (400×75 + 600×60) / 1000 = 66.
    f = figures_of(a2023, Q1_2023)
    penyerapan = f.ikpa_components["penyerapan"]
    assert penyerapan["value"] == Decimal("66.00")
    assert penyerapan["detail"]["quarters"][0]["jenis_belanja"] == {
        "51": Decimal("75.00"),
        "52": Decimal("60.00"),
    }
    assert "ikpa.penyerapan" in f.provisional  # the Q1 targets are unconfirmed


def test_ikpa_deviasi_2022_weighs_jenis_belanja_equally(a2023):
    # Monthly deviations: 51 always 10/30 = 33.33 %; 52: 75 %, 50 %, 62.5 %.
    # Equal weights: 54.17, 41.67, 47.92 → mean 47.92; score 100 − (47.92 − 5) = 57.08.
    f = figures_of(a2023, Q1_2023)
    deviasi = f.ikpa_components["deviasi_hal3"]
    assert deviasi["value"] == Decimal("57.08")
    assert deviasi["detail"]["mean_deviation"] == Decimal("47.92")


def test_ikpa_revisi_counts_only_pagu_tetap_codes_per_semester(a2023):
    f = figures_of(a2023, Q1_2023)
    assert f.ikpa_components["revisi_dipa"]["value"] == Decimal(90)  # two counted: bucket ≤ 2
    assert f.ikpa_components["revisi_dipa"]["detail"]["semesters"][0]["count"] == 2


def test_ikpa_capaian_output_weighs_timeliness_and_achievement(a2023):
    # On time: January only (deadline 7 Feb 2023, 5th working day); due 3 → 33.33 %.
    # Achievement: latest RVRO 30 of 100 → 30 %. 30 % × 33.33 + 70 % × 30 = 31.
    f = figures_of(a2023, Q1_2023)
    capaian = f.ikpa_components["capaian_output"]
    assert capaian["value"] == Decimal("31.00")
    assert (capaian["detail"]["reports_on_time"], capaian["detail"]["reports_due"]) == (1, 3)


def test_ikpa_final_2022(a2023):
    # (90×10 + 57.08×10 + 66×20 + 110×10 + 100×10 + 95×10 + 31×25 + 100×5) / 100 = 71.16
    f = figures_of(a2023, Q1_2023)
    assert f.ikpa == Decimal("71.16")
    assert f.ikpa_category == "Cukup"
    assert f.missing == []


def test_nka_2023_from_stored_data(a2023):
    # penyerapan 105/1000 = 10.5; konsistensi: cumulative deviations 40/70, 70/140, 105/210
    # → mean 52.38 → 47.62; capaian RO 30/100 = 30; E = (300 − 105)/300 = 65 % → bound 20 → NE 100.
    # NKA = 9.7 % × 10.5 + 18.2 % × 47.62 + 43.5 % × 30 + 28.6 % × 100 = 51.34.
    f = figures_of(a2023, Q1_2023)
    inputs = f.nka_components["inputs"]
    assert inputs == {
        "penyerapan": Decimal("10.50"),
        "konsistensi": Decimal("47.62"),
        "capaian_output": Decimal("30.00"),
        "nilai_efisiensi": Decimal("100.00"),
    }
    assert f.nka_components["detail"]["nilai_efisiensi"]["bounded"] is True
    assert f.nka == Decimal("51.34")
    assert f.nka_category == "Kurang"
    assert "nka.konsistensi" in f.provisional and "nka.nilai_efisiensi" in f.provisional


def test_the_score_command_prints_every_satker_from_stored_data(a2023):
    out = io.StringIO()
    call_command(
        "budget",
        "score",
        "--ta",
        "2023",
        "--month",
        "3",
        "--as-of",
        "31-03-2023",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["ta"] == 2023
    assert result["rule_sets"] == {"ikpa": "IKPA-PER5-2022", "nka": "NKA-PMK22-2021"}
    [row] = result["satker"]
    assert {
        k: row[k] for k in ("code", "pagu", "blokir", "realisasi", "penyerapan", "ikpa", "nka")
    } == {
        "code": "630108",
        "pagu": 1_000_000_000,
        "blokir": 100_000_000,
        "realisasi": 105_000_000,
        "penyerapan": 10.5,
        "ikpa": 71.16,
        "nka": 51.34,
    }
    assert row["ikpa_category"] == "Cukup" and row["nka_category"] == "Kurang"
    assert "nka.konsistensi" in row["provisional"]
    assert result["eselon1"]["code"] == "630001"
    assert result["eselon1"]["upt"]["pagu"] == 1_000_000_000


def test_ikpa_2024_weights_deviation_by_pagu_and_deducts_dispensasi(finance_a, sentra_a):
    build(finance_a, sentra_a, 2024)
    manual_score_set(
        actor=finance_a,
        unit=sentra_a,
        ta=2024,
        component="dispensasi_spm",
        value=Decimal("0.5"),
        source="OM-SPAN",
    )
    manual_score_set(
        actor=finance_a,
        unit=sentra_a,
        ta=2024,
        component="efisiensi",
        value=Decimal(80),
        source="SBK",
    )
    f = figures_of(sentra_a, fig.Period(2024, 3, dt.date(2024, 3, 31)))
    # Deviations weighted by pagu share 0.4 / 0.6: 58.33, 43.33, 50.83 → 50.83 → score 54.17.
    assert f.ikpa_components["deviasi_hal3"]["value"] == Decimal("54.17")
    # (90×10 + 54.17×15 + 66×20 + 110×10 + 100×10 + 95×10 + 31×25) / 100 − 0.50 = 68.08
    assert f.ikpa_components["dispensasi_spm"]["value"] == Decimal("-0.50")
    assert f.ikpa == Decimal("68.08") and f.ikpa_category == "Kurang"
    # NKA 2024: 50 % × (75 % × efektivitas 30 + 25 % × SBK 80) + 50 % × IKPA 68.08 = 55.29
    assert f.nka_components["inputs"] == {
        "efektivitas": Decimal("30.00"),
        "efisiensi": Decimal("80.00"),
        "ikpa": Decimal("68.08"),
    }
    assert f.nka == Decimal("55.29")
    assert "nka.perencanaan" in f.provisional


def test_nka_2024_without_sbk_uses_the_efficiency_value_and_says_so(finance_a, sentra_a):
    build(finance_a, sentra_a, 2024)
    f = figures_of(sentra_a, fig.Period(2024, 3, dt.date(2024, 3, 31)))
    assert f.nka_components["inputs"]["efisiensi"] == Decimal("100.00")
    assert "nka.efisiensi" in f.provisional
    assert "ikpa.dispensasi_spm" in f.missing


def test_eselon1_pools_transactions_instead_of_averaging_scores(
    a2023, finance_a, sentra_b, admin_user
):
    do_import(admin_user, "dipa", [dipa_line(unit="630117", pagu=100 * M)])
    do_import(admin_user, "realisation", [sp2d(unit="630117", amount=100 * M, number="B1")])
    data = fig.budget_data(2023)
    rules = fig.rules_for(2023)
    b = fig.satker_figures(data, Q1_2023, rules, [sentra_b.pk])[0]
    e1 = fig.eselon1_figures(data, Q1_2023, rules)
    assert b.penyerapan == Decimal(100)
    assert e1.realisasi == 205 * M and e1.pagu == 1100 * M
    assert e1.penyerapan == Decimal("18.64")  # not (10.5 + 100) / 2
    # Pooled Q1: 51 60/80 → 75; 52 145 / (15 % × 600) → 100 (capped); (400×75 + 700×100)/1100
    assert e1.ikpa_components["penyerapan"]["value"] == Decimal("90.91")
    assert e1.detail["upt"]["satker"] == 2 and e1.detail["pusat"]["pagu"] == 0


def test_zero_pagu_gives_no_percentages_instead_of_failing(finance_a, sentra_a):
    do_import(finance_a, "realisation", [sp2d(amount=5 * M)])
    f = figures_of(sentra_a, Q1_2023)
    assert (f.pagu, f.realisasi, f.penyerapan, f.penyerapan_netto) == (0, 5 * M, None, None)
    assert f.ikpa_components.get("penyerapan") is None
    assert "ikpa.penyerapan" in f.missing and "nka.penyerapan" in f.missing
    assert f.nka is None


def test_a_fully_blocked_jenis_belanja_has_no_penyerapan_target(finance_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line(pagu=100 * M)])
    do_import(finance_a, "blokir", [blokir(amount=100 * M)])
    do_import(finance_a, "realisation", [sp2d(amount=5 * M)])
    f = figures_of(sentra_a, Q1_2023)
    assert f.penyerapan == Decimal("5.00") and f.penyerapan_netto is None
    assert f.ikpa_components.get("penyerapan") is None
    assert "ikpa.penyerapan" in f.missing


def test_negative_corrections_reduce_realisation(finance_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line(pagu=100 * M)])
    do_import(
        finance_a,
        "realisation",
        [sp2d(amount=30 * M, number="P1"), sp2d(amount=-10 * M, number="K1", date="2023-02-01")],
    )
    f = figures_of(sentra_a, Q1_2023)
    assert f.realisasi == 20 * M and f.penyerapan == Decimal("20.00")
    curve = fig.s_curve(fig.budget_data(2023), [sentra_a.pk], Q1_2023)
    assert [m["realisation"] for m in curve[:3]] == [30 * M, -10 * M, 0]


def test_a_month_without_plan_is_left_out_or_counts_in_full(finance_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line(pagu=120 * M)])
    do_import(finance_a, "plan", plan_rows(amounts={"52": [10 * M, 0, 10 * M] + [10 * M] * 9}))
    do_import(finance_a, "realisation", [sp2d(amount=10 * M, date="2023-01-10", number="J")])
    rule = fig.rules_for(2023).ikpa.definition["deviasi_hal3"]
    data = fig.budget_data(2023)
    # Jan on plan (0 %); Feb: no plan, nothing spent → left out; Mar: nothing of 10 → 100 %.
    component, mean = fig.deviasi_hal3(rule, data, [sentra_a.pk], Q1_2023)
    assert component.detail["months_without_plan"] == [2]
    assert mean == Decimal("50.00")
    do_import(finance_a, "realisation", [sp2d(amount=1 * M, date="2023-02-10", number="F")])
    data = fig.budget_data(2023)
    # Feb now has spending without a plan: full deviation (the 100 % cap).
    component, mean = fig.deviasi_hal3(rule, data, [sentra_a.pk], Q1_2023)
    assert component.detail["months_without_plan"] == []
    assert mean == Decimal("66.67")


def test_no_closed_month_means_no_ikpa_yet(a2023):
    f = figures_of(a2023, fig.Period(2023, 1, dt.date(2023, 1, 20)))
    assert f.ikpa is None
    assert f.realisasi == 30 * M


def test_breakdown_by_jenis_programme_ro_and_month(a2023):
    data = fig.budget_data(2023)
    breakdown = fig.realisation_breakdown(data, [a2023.pk], Q1_2023)
    by_jenis = {r["jenis_belanja"]: r for r in breakdown["jenis_belanja"]}
    assert by_jenis["52"]["pagu_netto"] == 500 * M and by_jenis["52"]["realisasi"] == 45 * M
    assert by_jenis["52"]["penyerapan_netto"] == Decimal("9.00")
    [ro] = breakdown["ro"]
    assert (ro["ro"], ro["pagu"], ro["realisasi"], ro["realised_volume"]) == (
        "6371.QDB.001",
        1000 * M,
        105 * M,
        30,
    )
    assert breakdown["program"][0]["program"] == "027.05.DN"
    assert breakdown["blokir_without_ro"] == 100 * M
    assert [m["total"] for m in breakdown["month"]] == [30 * M, 40 * M, 35 * M]


def test_s_curve_is_cumulative_plan_against_realisation(a2023):
    curve = fig.s_curve(fig.budget_data(2023), [a2023.pk], Q1_2023)
    assert [m["plan_cumulative"] for m in curve[:3]] == [70 * M, 140 * M, 210 * M]
    assert [m["realisation_cumulative"] for m in curve[:4]] == [30 * M, 70 * M, 105 * M, None]
    assert curve[11]["plan_percent"] == Decimal("84.00")  # 840 of 1000


def test_report_deadline_counts_working_days_only():
    assert fig.report_deadline(2023, 1, 5) == dt.date(2023, 2, 7)
    assert fig.report_deadline(2024, 12, 5) == dt.date(2025, 1, 7)
    assert fig.report_deadline(2024, 8, 1) == dt.date(2024, 9, 2)  # 1 Sep 2024 is a Sunday
