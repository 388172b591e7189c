"""Rankings: higher value first, then higher realisation, then unit code; the top five."""

from decimal import Decimal

import pytest

from atensi.budget.figures import Figures, award_basis, awards, rankings
from atensi.common.errors import ApplicationError


def satker(code, *, penyerapan=None, ikpa=None, nka=None, type="sentra"):
    return Figures(
        code=code,
        name=f"Sentra {code}",
        type=type,
        pagu=0,
        blokir=0,
        realisasi=0,
        penyerapan=None if penyerapan is None else Decimal(penyerapan),
        penyerapan_netto=None,
        ikpa=None if ikpa is None else Decimal(ikpa),
        nka=None if nka is None else Decimal(nka),
    )


def codes(rows):
    return [(r["rank"], r["code"]) for r in rows]


def test_ties_on_the_value_go_to_the_higher_realisation_then_the_lower_code():
    rows = [
        satker("630105", nka="90", penyerapan="95"),
        satker("630103", nka="90", penyerapan="97"),
        satker("630102", nka="90", penyerapan="95"),
        satker("630101", nka="91", penyerapan="80"),
    ]
    assert codes(rankings(rows, "nka")) == [
        (1, "630101"),
        (2, "630103"),
        (3, "630102"),
        (4, "630105"),
    ]


def test_the_order_does_not_depend_on_the_input_order():
    rows = [satker(f"6301{i:02d}", ikpa="90", penyerapan="90") for i in range(1, 8)]
    assert codes(rankings(rows, "ikpa")) == codes(rankings(list(reversed(rows)), "ikpa"))


def test_satker_without_the_value_come_last_without_a_rank():
    rows = [satker("630102"), satker("630101", penyerapan="50"), satker("630103")]
    assert codes(rankings(rows, "realisasi")) == [(1, "630101"), (None, "630102"), (None, "630103")]


def test_ranking_by_realisation_uses_the_realisation_percentage():
    rows = [satker("630101", penyerapan="98.30"), satker("630102", penyerapan="99.01")]
    ranked = rankings(rows, "realisasi")
    assert ranked[0]["code"] == "630102" and ranked[0]["value"] == Decimal("99.01")


def test_an_unknown_basis_is_refused():
    with pytest.raises(ApplicationError):
        rankings([], "umur")


def test_awards_go_to_the_top_five_sentra_and_the_best_directorate():
    rows = [satker(f"6301{i:02d}", nka=str(80 + i), penyerapan="90") for i in range(1, 9)]
    rows += [
        satker("630003", nka="99", penyerapan="99", type="directorate"),
        satker("630004", nka="85", penyerapan="99", type="directorate"),
    ]
    result = awards(rows, 2024)
    assert result["by"] == "nka"
    assert [r["code"] for r in result["top"]] == ["630108", "630107", "630106", "630105", "630104"]
    assert result["best_directorate"]["code"] == "630003"


def test_the_award_basis_follows_the_ta():
    assert award_basis(2022) == "realisasi"
    assert award_basis(2024) == "nka"
