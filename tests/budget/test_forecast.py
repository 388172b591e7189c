"""Year-end forecast and the warning before a quarter closes (amounts in millions)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from atensi.budget.figures import Period, period_for
from atensi.budget.forecast import forecasts
from atensi.budget.services import commitment_add, residential_cost_set
from atensi.cases import services as cases
from tests.cases.factories import make_case
from tests.registry.factories import make_person

from .factories import dipa_line, do_import, plan_rows, sp2d

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture
def behind_plan(finance_a, sentra_a):
    """Pagu 1,200 on 52; plan 100 a month; 50 realised in each of Jan–Apr and 20 by 15 May."""
    do_import(finance_a, "dipa", [dipa_line(ta=2024, pagu=1200 * M)])
    do_import(finance_a, "plan", plan_rows(ta=2024, amounts={"52": 100 * M}))
    lines = [
        sp2d(ta=2024, amount=50 * M, date=f"2024-{m:02d}-10", number=f"S{m}") for m in range(1, 5)
    ]
    lines.append(sp2d(ta=2024, amount=20 * M, date="2024-05-10", number="S5"))
    do_import(finance_a, "realisation", lines)
    return sentra_a


MID_MAY = Period(2024, 5, dt.date(2024, 5, 15))


def test_the_forecast_follows_the_plan_at_the_pace_realised_so_far(behind_plan):
    [row] = forecasts(2024, MID_MAY)
    # Realised 220 of 500 planned so far: 44 %. Left: Jun–Dec 700 + 80 of May = 780 × 0.44.
    assert row["realisasi"] == 220 * M
    assert row["plan_remaining"] == 780 * M
    assert row["forecast"] == 563_200_000
    assert row["forecast_percent"] == Decimal("46.93")
    assert row["unspent"] == 1200 * M - 563_200_000
    # Trend: the last three closed months (Feb–Apr) at 50 a month, for the 7 months left.
    assert row["forecast_by_trend"] == 570 * M


def test_a_quarter_about_to_be_missed_is_warned_with_the_shortfall(behind_plan, finance_a):
    commitment_add(
        actor=finance_a,
        unit=behind_plan,
        ta=2024,
        kind="contract",
        reference="SPK-07/2024",
        description="Permakanan Juni",
        jenis_belanja="52",
        amount=150 * M,
        expected_on=dt.date(2024, 6, 10),
    )
    [row] = forecasts(2024, MID_MAY)
    quarter = row["quarter"]
    # By 30 June: 220 + max(contract 150, 180 × 0.44 = 79.2) = 370 against 50 % × 1,200 = 600.
    assert (quarter["quarter"], quarter["closes_on"], quarter["days_left"]) == (2, "2024-06-30", 46)
    [jenis] = quarter["jenis_belanja"]
    assert (jenis["target"], jenis["projected"], jenis["shortfall"]) == (600 * M, 370 * M, 230 * M)
    assert quarter["projected_penyerapan"] == Decimal("61.67")
    assert quarter["warning"] and "230.000.000" in quarter["message"]
    assert row["committed"]["contracts"] == 150 * M


def test_no_warning_when_the_quarter_target_is_within_reach(finance_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line(ta=2024, pagu=100 * M)])
    do_import(finance_a, "plan", plan_rows(ta=2024, amounts={"52": 8 * M}))
    do_import(finance_a, "realisation", [sp2d(ta=2024, amount=60 * M, date="2024-05-02")])
    [row] = forecasts(2024, MID_MAY)
    assert row["quarter"]["warning"] is False and row["quarter"]["message"] == ""
    assert row["forecast"] <= 100 * M  # never above what can be spent


def test_residents_in_care_are_committed_spending(finance_a, pendamping_a, sentra_a):
    today = timezone.localdate()
    do_import(finance_a, "dipa", [dipa_line(ta=today.year, pagu=900 * M)])
    residential_cost_set(actor=finance_a, unit=sentra_a, ta=today.year, amount=100_000)
    for name in ("Ani", "Budi"):
        case = make_case(
            pendamping_a, person=make_person(pendamping_a, full_name=name), approach="residential"
        )
        cases.stay_admit(
            actor=pendamping_a, case=case, admitted_at=timezone.now() - dt.timedelta(hours=1)
        )
    [row] = forecasts(today.year, period_for(today.year, as_of=today))
    days_left = (dt.date(today.year, 12, 31) - today).days
    assert row["committed"]["census"] == 2
    assert row["committed"]["residential"] == 2 * 100_000 * days_left
    assert row["forecast"] >= 2 * 100_000 * days_left
