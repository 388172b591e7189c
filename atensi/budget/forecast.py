"""Year-end absorption forecast per satker, and warnings before a quarter closes.

For each jenis belanja the rest of the year is projected as the larger of
  - the remaining Hal III plan × the share of the plan realised so far (at most 1), and
  - the spending already committed: contracts still to be paid, and for a residential sentra
    today's census × the daily cost per resident × the days left;
added to the realisation so far and capped at the pagu that can be spent (pagu − blokir).
The linear trend (mean of the last three closed months × months left) is shown beside it.

The same projection up to the end of the quarter in progress, set against the IKPA penyerapan
target of that quarter (target % × (pagu − blokir), per jenis belanja, rule set of the TA),
gives the warnings: a jenis belanja whose projection falls short, and by how much.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .figures import (
    HUNDRED,
    JENIS,
    ZERO,
    BudgetData,
    Period,
    Rules,
    budget_data,
    month_end,
    pct,
    quarter_of,
    rules_for,
)
from .models import Commitment, ResidentialDailyCost
from .scoring import D, rounded

TREND_MONTHS = 3


def _census(ta: int, unit_ids: list[int], on: dt.date) -> dict[int, int]:
    """Returns the residents in care at each sentra at the end of `on`."""
    from atensi.cases.models import ResidentialStay

    end_of_day = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))
    rows = (
        ResidentialStay.objects.filter(unit_id__in=unit_ids, admitted_at__lt=end_of_day)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=end_of_day))
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["unit_id"]: r["n"] for r in rows}


def _quarter_window(period: Period) -> tuple[int, dt.date] | None:
    """Returns the quarter in progress on `as_of` and its last day (None once the year is over)."""
    as_of = period.as_of
    quarter = quarter_of(as_of.month)
    end = month_end(period.ta, quarter * 3)
    if as_of >= end:
        quarter += 1
    if quarter > 4 or as_of.year != period.ta:
        return None
    return quarter, month_end(period.ta, quarter * 3)


class _Projection:
    """Projects one satker's spending per jenis belanja between `as_of` and a later date."""

    def __init__(self, data: BudgetData, unit_id: int, period: Period, committed, residential):
        self.period = period
        self.realised_month = data.realised([unit_id], period.month)
        self.plan = data.plan_on([unit_id], period.as_of)
        self.done = dict.fromkeys(JENIS, 0)
        planned_so_far = dict.fromkeys(JENIS, 0)
        for jenis in JENIS:
            for month in range(1, period.month + 1):
                self.done[jenis] += self.realised_month.get((month, jenis), 0)
                planned_so_far[jenis] += self.plan.get((month, jenis), 0)
        self.ratio = {
            j: min(Decimal(1), max(ZERO, D(self.done[j]) / planned_so_far[j]))
            if planned_so_far[j] > 0
            else Decimal(1)
            for j in JENIS
        }
        self.committed = committed  # list of (date, jenis, amount)
        self.residential = residential  # (census, daily cost, jenis) or None

    def remaining_plan(self, until: dt.date) -> dict[str, int]:
        """Plan of the months after the realised ones, up to `until`, plus what is left of the
        current month's plan when the month is not over."""
        out = dict.fromkeys(JENIS, 0)
        last = until.month if until.year == self.period.ta else 12
        current = self.period.month
        for jenis in JENIS:
            for month in range(current + 1, last + 1):
                out[jenis] += self.plan.get((month, jenis), 0)
            if current and self.period.as_of < month_end(self.period.ta, current):
                left = self.plan.get((current, jenis), 0) - self.realised_month.get(
                    (current, jenis), 0
                )
                out[jenis] += max(0, left)
        return out

    def committed_until(self, until: dt.date) -> tuple[dict[str, int], dict]:
        out = dict.fromkeys(JENIS, 0)
        contracts = 0
        for on, jenis, amount in self.committed:
            if self.period.as_of < on <= until:
                out[jenis] += amount
                contracts += amount
        residential = 0
        census = daily = 0
        if self.residential:
            census, daily, jenis = self.residential
            days = max(0, (until - self.period.as_of).days)
            residential = census * daily * days
            out[jenis] += residential
        return out, {
            "contracts": contracts,
            "residential": residential,
            "census": census,
            "daily_cost": daily,
        }

    def until(self, until: dt.date, ceiling: dict[str, int]) -> tuple[dict[str, int], dict]:
        plan = self.remaining_plan(until)
        committed, parts = self.committed_until(until)
        out = {}
        for jenis in JENIS:
            expected = max(D(committed[jenis]), plan[jenis] * self.ratio[jenis])
            projected = self.done[jenis] + int(expected)
            out[jenis] = min(projected, max(ceiling[jenis], self.done[jenis]))
        return out, {**parts, "plan_remaining": sum(plan.values())}


def _trend(data: BudgetData, unit_id: int, period: Period) -> int | None:
    """Realisation so far plus the mean of the last closed months for each month left."""
    closed = period.closed_months
    if closed == 0:
        return None
    months = range(max(1, closed - TREND_MONTHS + 1), closed + 1)
    realised = data.realised([unit_id], period.month)
    recent = sum(realised.get((m, j), 0) for m in months for j in JENIS)
    return sum(realised.values()) + int(D(recent) / len(months) * (12 - period.month))


def _quarter_warning(
    rules: Rules,
    data: BudgetData,
    unit_id: int,
    period: Period,
    projection: _Projection,
    ceiling: dict[str, int],
) -> dict | None:
    window = _quarter_window(period)
    if window is None or rules.ikpa is None:
        return None
    quarter, closes_on = window
    spec = rules.ikpa.definition["penyerapan"]
    targets = spec["targets"][str(quarter)]
    pagu = data.pagu([unit_id], period.as_of)
    blocked = data.blokir_at([unit_id], period.as_of)
    projected, _parts = projection.until(closes_on, ceiling)
    weighted = weights = ZERO
    shortfalls = []
    per_jenis = []
    for jenis in JENIS:
        base = (
            pagu[jenis] - blocked[jenis] if spec.get("base") == "pagu_minus_blokir" else pagu[jenis]
        )
        target = int(D(targets.get(jenis, 0)) * base / HUNDRED)
        if pagu[jenis] <= 0 or target <= 0:
            continue
        value = min(HUNDRED, max(ZERO, D(projected[jenis]) / target * HUNDRED))
        weighted += value * pagu[jenis]
        weights += pagu[jenis]
        item = {
            "jenis_belanja": jenis,
            "target": target,
            "target_percent": D(targets.get(jenis, 0)),
            "realised": projection.done[jenis],
            "projected": projected[jenis],
            "shortfall": max(0, target - projected[jenis]),
        }
        per_jenis.append(item)
        if item["shortfall"] > 0:
            shortfalls.append(item)
    if not weights:
        return None
    value = rounded(weighted / weights)
    return {
        "quarter": quarter,
        "closes_on": closes_on.isoformat(),
        "days_left": (closes_on - period.as_of).days,
        "projected_penyerapan": value,
        "provisional": str(quarter) in spec.get("provisional_quarters", []),
        "jenis_belanja": per_jenis,
        "warning": bool(shortfalls),
        "message": (
            _(
                "Proyeksi penyerapan TW %(q)s %(v)s: di bawah target IKPA. Perlu tambahan "
                "realisasi Rp %(need)s sebelum %(date)s."
            )
            % {
                "q": quarter,
                "v": value,
                "need": f"{sum(s['shortfall'] for s in shortfalls):,}".replace(",", "."),
                "date": closes_on.strftime("%d-%m-%Y"),
            }
            if shortfalls
            else ""
        ),
    }


def forecasts(ta: int, period: Period, unit_ids: list[int] | None = None) -> list[dict]:
    """Returns the year-end forecast and the quarter warning of every satker (or of `unit_ids`)."""
    data = budget_data(ta, unit_ids)
    rules = rules_for(ta)
    ids = data.unit_ids()
    commitments = defaultdict(list)
    for c in Commitment.objects.filter(ta=ta, unit_id__in=ids):
        commitments[c.unit_id].append((c.expected_on, c.jenis_belanja, c.amount))
    costs = {c.unit_id: c for c in ResidentialDailyCost.objects.filter(ta=ta, unit_id__in=ids)}
    census = _census(ta, list(costs), period.as_of) if costs else {}
    year_end = dt.date(ta, 12, 31)
    out = []
    for unit_id in ids:
        unit = data.units[unit_id]
        pagu = data.pagu([unit_id], period.as_of)
        blocked = data.blokir_at([unit_id], period.as_of)
        ceiling = {j: pagu[j] - blocked[j] for j in JENIS}
        cost = costs.get(unit_id)
        residential = (census.get(unit_id, 0), cost.amount, cost.jenis_belanja) if cost else None
        projection = _Projection(data, unit_id, period, commitments[unit_id], residential)
        year, parts = projection.until(year_end, ceiling)
        total_pagu = sum(pagu.values())
        netto = total_pagu - sum(blocked.values())
        forecast_total = sum(year.values())
        out.append(
            {
                "code": unit.code,
                "name": unit.name,
                "pagu": total_pagu,
                "blokir": sum(blocked.values()),
                "pagu_netto": netto,
                "realisasi": sum(projection.done.values()),
                "penyerapan": pct(sum(projection.done.values()), total_pagu),
                "plan_remaining": parts["plan_remaining"],
                "committed": {k: v for k, v in parts.items() if k != "plan_remaining"},
                "forecast": forecast_total,
                "forecast_percent": pct(forecast_total, total_pagu),
                "forecast_percent_netto": pct(forecast_total, netto),
                "forecast_by_trend": _trend(data, unit_id, period),
                "unspent": netto - forecast_total,
                "quarter": _quarter_warning(rules, data, unit_id, period, projection, ceiling),
            }
        )
    return out
