"""The formulas against hand-computed cases (DOMAIN.md §7)."""

from decimal import Decimal

import pytest

from atensi.budget import scoring
from atensi.budget.rules import rule_set_for
from atensi.common.errors import ApplicationError


@pytest.fixture
def nka2021(db):
    return rule_set_for("nka", 2022)


@pytest.fixture
def nka2024(db):
    return rule_set_for("nka", 2024)


@pytest.fixture
def ikpa2024(db):
    return rule_set_for("ikpa", 2025)


def test_the_rule_set_is_chosen_by_fiscal_year(db):
    assert rule_set_for("nka", 2021).code == "NKA-PMK22-2021"
    assert rule_set_for("nka", 2023).code == "NKA-PMK22-2021"
    assert rule_set_for("nka", 2024).code == "NKA-PMK62-2023"
    assert rule_set_for("ikpa", 2023).code == "IKPA-PER5-2022"
    assert rule_set_for("ikpa", 2026).code == "IKPA-PER5-2024"
    with pytest.raises(ApplicationError) as missing:
        rule_set_for("ikpa", 2019)
    assert missing.value.code == "no_rule_set"


def test_nka_2021_is_the_weighted_sum_of_its_four_components(nka2021):
    # 9,7% × 98,3 + 18,2% × 90 + 43,5% × 95 + 28,6% × 70 = 9,5351 + 16,38 + 41,325 + 20,02 = 87,2601
    score = scoring.nka(
        nka2021.definition,
        nka2021.code,
        {
            "penyerapan": "98.3",
            "konsistensi": 90,
            "capaian_output": 95,
            "nilai_efisiensi": 70,
        },
    )
    assert score.value == Decimal("87.26")
    assert score.category == "Baik"
    assert score.provisional == ["konsistensi"]


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (100, "Sangat Baik"),
        ("90.01", "Sangat Baik"),
        (90, "Baik"),
        ("80.01", "Baik"),
        (80, "Cukup"),
        (60, "Kurang"),
        ("50.01", "Kurang"),
        (50, "Sangat Kurang"),
        (0, "Sangat Kurang"),
    ],
)
def test_nka_bands_are_exclusive_at_their_lower_edge(nka2021, value, band):
    all_equal = {
        k: value for k in ("penyerapan", "konsistensi", "capaian_output", "nilai_efisiensi")
    }
    assert scoring.nka(nka2021.definition, nka2021.code, all_equal).category == band


def test_nka_refuses_missing_and_out_of_range_components(nka2021):
    with pytest.raises(ApplicationError) as missing:
        scoring.nka(nka2021.definition, nka2021.code, {"penyerapan": 90})
    assert set(missing.value.details) == {"konsistensi", "capaian_output", "nilai_efisiensi"}
    with pytest.raises(ApplicationError) as too_high:
        scoring.nka(
            nka2021.definition,
            nka2021.code,
            {"penyerapan": 101, "konsistensi": 90, "capaian_output": 95, "nilai_efisiensi": 70},
        )
    assert too_high.value.code == "out_of_range"


def test_nka_2024_combines_planning_and_execution(nka2024):
    # perencanaan = 75% × 90 + 25% × 80 = 87,5; NKA = 50% × 87,5 + 50% × 95 = 91,25
    score = scoring.nka(
        nka2024.definition, nka2024.code, {"efektivitas": 90, "efisiensi": 80, "ikpa": 95}
    )
    assert score.value == Decimal("91.25")
    assert score.parts == {"perencanaan": Decimal("87.50"), "pelaksanaan": Decimal("95.00")}
    assert score.category == "Sangat Baik"
    assert "pelaksanaan" in score.provisional


def test_efisiensi_by_hand(nka2021):
    # Σ(p×c) = 950 jt + 500 jt = 1.450 jt; Σ(p×c − r) = 50 jt + 20 jt = 70 jt; E = 4,8276; NE = 50 + 4,8276/20×50
    result = scoring.efisiensi(
        nka2021.definition,
        [
            {"pagu": 1_000_000_000, "capaian": "0.95", "realisasi": 900_000_000},
            {"pagu": 500_000_000, "capaian": 1, "realisasi": 480_000_000},
        ],
    )
    assert result.efisiensi == Decimal("4.83")
    assert result.nilai_efisiensi == Decimal("62.07")
    assert not result.bounded


def test_efisiensi_is_bounded_so_the_value_stays_between_0_and_100(nka2021):
    spent_nothing = scoring.efisiensi(
        nka2021.definition, [{"pagu": 100, "capaian": 1, "realisasi": 0}]
    )
    assert spent_nothing.efisiensi == Decimal(
        "100.00"
    ) and spent_nothing.nilai_efisiensi == Decimal("100.00")
    assert spent_nothing.bounded
    overspent = scoring.efisiensi(
        nka2021.definition, [{"pagu": 100, "capaian": "0.5", "realisasi": 100}]
    )
    assert overspent.efisiensi == Decimal("-100.00") and overspent.nilai_efisiensi == Decimal(
        "0.00"
    )


def test_efisiensi_with_negative_corrections_and_zero_pagu(nka2021):
    # a returned payment makes realisation negative: E = (100 − (−10)) / 100 × 100 = 110 → bounded to 20
    result = scoring.efisiensi(
        nka2021.definition,
        [
            {"pagu": 0, "capaian": 1, "realisasi": 0},
            {"pagu": 100, "capaian": 1, "realisasi": -10},
        ],
    )
    assert result.efisiensi == Decimal("110.00") and result.nilai_efisiensi == Decimal("100.00")
    with pytest.raises(ApplicationError) as undefined:
        scoring.efisiensi(nka2021.definition, [{"pagu": 0, "capaian": 1, "realisasi": 5}])
    assert undefined.value.code == "undefined"


def test_capaian_output_is_a_nested_geometric_mean(nka2021):
    # output 1: √(0,9 × 1) = 0,948683; output 2: 1,2; programme: √(0,948683 × 1,2) = 1,066973
    # programme 2: 0,5 → total √(1,066973 × 0,5) = 0,730402
    result = scoring.capaian_output(
        nka2021.definition,
        [
            {
                "outputs": [
                    {
                        "indicators": [
                            {"target": 100, "realisasi": 90},
                            {"target": 50, "realisasi": 50},
                        ]
                    },
                    {"indicators": [{"target": 10, "realisasi": 12}]},
                ]
            },
            {"outputs": [{"indicators": [{"target": 4, "realisasi": 2}]}]},
        ],
    )
    assert result["programs"][0]["outputs"] == [
        {"capaian": Decimal("94.87")},
        {"capaian": Decimal("120.00")},
    ]
    assert result["programs"][0]["capaian"] == Decimal("106.70")
    assert result["programs"][1]["capaian"] == Decimal("50.00")
    assert result["capaian_output"] == Decimal("73.04")


def test_capaian_output_of_zero_realisation_is_zero_and_zero_target_is_refused(nka2021):
    zero = scoring.capaian_output(
        nka2021.definition, [{"outputs": [{"indicators": [{"target": 5, "realisasi": 0}]}]}]
    )
    assert zero["capaian_output"] == Decimal("0.00")
    with pytest.raises(ApplicationError):
        scoring.capaian_output(
            nka2021.definition, [{"outputs": [{"indicators": [{"target": 0, "realisasi": 1}]}]}]
        )


def test_ikpa_divides_by_the_applicable_weights_and_subtracts_the_deduction(ikpa2024):
    scores = {
        "revisi_dipa": 100,
        "deviasi_hal3": 90,
        "penyerapan": 95,
        "kontraktual": None,
        "tagihan": 100,
        "up_tup": 100,
        "capaian_output": 98,
    }
    # Σ score×weight = 1000 + 1350 + 1900 + 1000 + 1000 + 2450 = 8700; applicable weights 90 → 96,6667
    no_dispensation = scoring.ikpa_final(ikpa2024.definition, ikpa2024.code, scores)
    assert no_dispensation.value == Decimal("96.67") and no_dispensation.category == "Sangat Baik"
    # ratio 0,5 per 1000 SPM → deduction 0,50
    with_dispensation = scoring.ikpa_final(
        ikpa2024.definition, ikpa2024.code, scores, deduction_ratio="0.5"
    )
    assert with_dispensation.value == Decimal("96.17")
    assert with_dispensation.parts["dispensasi_spm"] == Decimal("-0.50")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (95, "Sangat Baik"),
        ("94.99", "Baik"),
        (89, "Baik"),
        ("88.99", "Cukup"),
        (70, "Cukup"),
        ("69.99", "Kurang"),
    ],
)
def test_ikpa_bands_include_their_lower_edge(ikpa2024, value, band):
    assert scoring.category(ikpa2024.definition, Decimal(str(value))) == band
