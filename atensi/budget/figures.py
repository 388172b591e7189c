"""Budget figures computed from stored data: realisation against pagu, IKPA, NKA, S-curves.

Everything for one fiscal year (TA) is read in a handful of grouped queries (`budget_data`):
realisation comes from the monthly summary kept by the import (RealisationMonth, a few thousand
rows however many SP2D lines there are), the DIPA, plan, blokir, outputs and revisions are small.
The formulas then run in Python on those aggregates, for one satker or for the whole eselon I —
the latter from all satker transactions pooled, never by averaging satker scores.

Dates: pagu, blokir and plan are the versions in force on a date (`Period.as_of`); realisation
is counted by month, through `Period.month`. IKPA components look only at closed months.
Formulas take their weights, targets and bounds from the TA's rule sets (rules.py); a figure
that rests on an unconfirmed rule is listed in `provisional`.
"""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.common.errors import ApplicationError
from atensi.organisation.models import Unit, UnitType

from . import scoring
from .models import (
    Allocation,
    Blokir,
    JenisBelanja,
    ManualScore,
    MonthlyPlan,
    Output,
    OutputReport,
    RealisationMonth,
    Revision,
    RuleKind,
    RuleSet,
)
from .rules import rule_set_for
from .scoring import HUNDRED, D, rounded

JENIS = tuple(JenisBelanja.values)
ZERO = Decimal(0)
# IKPA components atensi cannot compute from its own data: taken from ManualScore (OM-SPAN).
MANUAL_IKPA = ("kontraktual", "tagihan", "up_tup", "dispensasi_spm")
# NKA TA 2024+: the planning-side efficiency against the output cost standard (SBK).
MANUAL_SBK = "efisiensi"
# Defaults where a rule set says nothing (documented in the figures' notes).
DEFAULT_DEVIATION_CAP = Decimal(100)


# --- Periods --------------------------------------------------------------------------------


def month_end(ta: int, month: int) -> dt.date:
    return dt.date(ta, month, calendar.monthrange(ta, month)[1])


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


@dataclass(frozen=True)
class Period:
    """Realisation through the end of `month`; pagu, blokir and plan as in force on `as_of`."""

    ta: int
    month: int
    as_of: dt.date

    @property
    def closed_months(self) -> int:
        """Months fully over on `as_of` (IKPA looks only at these)."""
        if self.month == 0:
            return 0
        return self.month if self.as_of >= month_end(self.ta, self.month) else self.month - 1

    def as_dict(self) -> dict:
        return {
            "ta": self.ta,
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "closed_months": self.closed_months,
        }


def period_for(ta: int, *, month: int | None = None, as_of: dt.date | None = None) -> Period:
    """Returns the period for `ta`: by default up to today, or the whole year once it is over."""
    if month is not None and not 1 <= month <= 12:
        raise ApplicationError(_("Bulan harus 1–12."), code="invalid", details={"month": [""]})
    today = timezone.localdate()
    if as_of is None:
        if month is not None:
            as_of = min(month_end(ta, month), max(today, dt.date(ta, 1, 1)))
        else:
            as_of = min(max(today, dt.date(ta, 1, 1)), dt.date(ta, 12, 31))
    if month is None:
        if as_of.year < ta:
            month = 0
        elif as_of.year > ta:
            month = 12
        else:
            month = as_of.month
    return Period(ta=ta, month=month, as_of=as_of)


def report_deadline(ta: int, month: int, working_days: int) -> dt.date:
    """Returns the last day an output report for `month` counts as on time.

    Working days are Monday to Friday; public holidays are not known to atensi and are ignored,
    so a deadline falling after a holiday is one day early.
    """
    day = dt.date(ta + 1, 1, 1) if month == 12 else dt.date(ta, month + 1, 1)
    counted = 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted >= working_days:
                return day
        day += dt.timedelta(days=1)


def pct(part, whole) -> Decimal | None:
    """Returns part / whole × 100 rounded to 2 decimals, or None when whole is not positive."""
    whole = D(whole)
    if whole <= 0:
        return None
    return rounded(D(part) / whole * HUNDRED)


# --- Reading a TA ---------------------------------------------------------------------------


def _valid(valid_from: dt.date, valid_to: dt.date | None, on: dt.date) -> bool:
    return valid_from <= on and (valid_to is None or on < valid_to)


@dataclass
class BudgetData:
    """The stored budget data of one TA (optionally some satker only), grouped for the formulas."""

    ta: int
    units: dict[int, Unit]
    # (program, kegiatan, kro, ro, jenis, month, amount) per unit
    real: dict[int, list[tuple]]
    # (output_id, jenis, pagu, valid_from, valid_to) per unit
    allocations: dict[int, list[tuple]]
    outputs: dict[int, list[Output]]
    reports: dict[int, dict[int, OutputReport]]  # output id → month → report
    # (output_id, jenis, amount, blocked_on, released_on) per unit
    blokir: dict[int, list[tuple]]
    # (month, jenis, amount, valid_from, valid_to) per unit
    plans: dict[int, list[tuple]]
    revisions: dict[int, list[Revision]]
    manual: dict[tuple[int, str], Decimal]

    def unit_ids(self) -> list[int]:
        return sorted(self.units, key=lambda pk: self.units[pk].code)

    # pagu, blokir, plan in force on a date

    def pagu(self, unit_ids: Iterable[int], on: dt.date) -> dict[str, int]:
        out = dict.fromkeys(JENIS, 0)
        for unit_id in unit_ids:
            for _output, jenis, pagu, start, end in self.allocations.get(unit_id, ()):
                if _valid(start, end, on):
                    out[jenis] += pagu
        return out

    def pagu_by_output(self, unit_ids: Iterable[int], on: dt.date) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for unit_id in unit_ids:
            for output_id, _jenis, pagu, start, end in self.allocations.get(unit_id, ()):
                if _valid(start, end, on):
                    out[output_id] += pagu
        return out

    def blokir_at(self, unit_ids: Iterable[int], on: dt.date) -> dict[str, int]:
        out = dict.fromkeys(JENIS, 0)
        for unit_id in unit_ids:
            for _output, jenis, amount, blocked, released in self.blokir.get(unit_id, ()):
                if _valid(blocked, released, on):
                    out[jenis] += amount
        return out

    def blokir_by_output(self, unit_ids: Iterable[int], on: dt.date) -> dict[int | None, int]:
        out: dict[int | None, int] = defaultdict(int)
        for unit_id in unit_ids:
            for output_id, _jenis, amount, blocked, released in self.blokir.get(unit_id, ()):
                if _valid(blocked, released, on):
                    out[output_id] += amount
        return out

    def plan_on(self, unit_ids: Iterable[int], on: dt.date) -> dict[tuple[int, str], int]:
        """Returns the Hal III plan in force on `on`: {(month, jenis): amount}."""
        out: dict[tuple[int, str], int] = defaultdict(int)
        for unit_id in unit_ids:
            for month, jenis, amount, start, end in self.plans.get(unit_id, ()):
                if _valid(start, end, on):
                    out[month, jenis] += amount
        return out

    def plan_in_force(self, unit_ids: list[int], months: int) -> dict[tuple[int, str], int]:
        """Returns, for each month, the plan of that month as in force at the month's end."""
        out: dict[tuple[int, str], int] = defaultdict(int)
        for month in range(1, months + 1):
            plan = self.plan_on(unit_ids, month_end(self.ta, month))
            for jenis in JENIS:
                out[month, jenis] = plan.get((month, jenis), 0)
        return out

    def has_plan(self, unit_ids: Iterable[int]) -> bool:
        return any(self.plans.get(u) for u in unit_ids)

    # realisation by month

    def realised(self, unit_ids: Iterable[int], through: int) -> dict[tuple[int, str], int]:
        """Returns realisation {(month, jenis): amount} for months 1..through."""
        out: dict[tuple[int, str], int] = defaultdict(int)
        for unit_id in unit_ids:
            for _p, _k, _kro, _ro, jenis, month, amount in self.real.get(unit_id, ()):
                if month <= through:
                    out[month, jenis] += amount
        return out

    def realised_by_jenis(self, unit_ids: Iterable[int], through: int) -> dict[str, int]:
        out = dict.fromkeys(JENIS, 0)
        for (_month, jenis), amount in self.realised(unit_ids, through).items():
            out[jenis] += amount
        return out

    def realised_by_ro(self, unit_ids: Iterable[int], through: int) -> dict[tuple, int]:
        """Returns realisation {(unit_id, kegiatan, kro, ro): amount} through a month."""
        out: dict[tuple, int] = defaultdict(int)
        for unit_id in unit_ids:
            for _p, kegiatan, kro, ro, _jenis, month, amount in self.real.get(unit_id, ()):
                if month <= through:
                    out[unit_id, kegiatan, kro, ro] += amount
        return out

    def realised_by_program(self, unit_ids: Iterable[int], through: int) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for unit_id in unit_ids:
            for program, _k, _kro, _ro, _jenis, month, amount in self.real.get(unit_id, ()):
                if month <= through:
                    out[program] += amount
        return out

    # outputs

    def outputs_of(self, unit_ids: Iterable[int]) -> list[Output]:
        return [o for u in unit_ids for o in self.outputs.get(u, ())]

    def latest_report(self, output_id: int, through: int) -> OutputReport | None:
        reports = self.reports.get(output_id, {})
        months = [m for m in reports if m <= through]
        return reports[max(months)] if months else None


def budget_data(ta: int, unit_ids: Iterable[int] | None = None) -> BudgetData:
    """Reads everything the figures of `ta` need, for some satker or (None) for all."""
    ids = None if unit_ids is None else list(unit_ids)

    def scoped(qs, field_name="unit_id"):
        qs = qs.filter(**{f"{field_name}__in": ids}) if ids is not None else qs
        return qs.order_by()

    real: dict[int, list[tuple]] = defaultdict(list)
    for row in scoped(RealisationMonth.objects.filter(ta=ta)).values_list(
        "unit_id",
        "program_code",
        "kegiatan_code",
        "kro_code",
        "ro_code",
        "jenis_belanja",
        "month",
        "amount",
    ):
        real[row[0]].append(row[1:])

    allocations: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, output_id, jenis, start, end, pagu in (
        scoped(Allocation.objects.filter(output__ta=ta), "output__unit_id")
        .values_list("output__unit_id", "output_id", "jenis_belanja", "valid_from", "valid_to")
        .annotate(pagu=Sum("pagu"))
    ):
        allocations[unit_id].append((output_id, jenis, pagu, start, end))

    outputs: dict[int, list[Output]] = defaultdict(list)
    for output in scoped(Output.objects.filter(ta=ta)).order_by(
        "program_code", "kegiatan_code", "kro_code", "ro_code"
    ):
        outputs[output.unit_id].append(output)

    reports: dict[int, dict[int, OutputReport]] = defaultdict(dict)
    for report in scoped(OutputReport.objects.filter(output__ta=ta), "output__unit_id"):
        reports[report.output_id][report.month] = report

    blokir: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, *rest in scoped(Blokir.objects.filter(ta=ta)).values_list(
        "unit_id", "output_id", "jenis_belanja", "amount", "blocked_on", "released_on"
    ):
        blokir[unit_id].append(tuple(rest))

    plans: dict[int, list[tuple]] = defaultdict(list)
    for unit_id, *rest in scoped(MonthlyPlan.objects.filter(ta=ta)).values_list(
        "unit_id", "month", "jenis_belanja", "amount", "valid_from", "valid_to"
    ):
        plans[unit_id].append(tuple(rest))

    revisions: dict[int, list[Revision]] = defaultdict(list)
    for revision in scoped(Revision.objects.filter(ta=ta)).order_by("number"):
        revisions[revision.unit_id].append(revision)

    manual = {
        (unit_id, component): value
        for unit_id, component, value in scoped(ManualScore.objects.filter(ta=ta)).values_list(
            "unit_id", "component", "value"
        )
    }

    seen = set(real) | set(allocations) | set(outputs) | set(blokir) | set(plans)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=seen)}
    return BudgetData(
        ta=ta,
        units=units,
        real=real,
        allocations=allocations,
        outputs=outputs,
        reports=reports,
        blokir=blokir,
        plans=plans,
        revisions=revisions,
        manual=manual,
    )


# --- Rule sets ------------------------------------------------------------------------------


@dataclass
class Rules:
    ikpa: RuleSet | None
    nka: RuleSet | None
    # For TA 2024+: the last rule set with the PMK 22/2021 formulas (capaian, efisiensi), used
    # where the newer regime's own inputs are not available.
    pmk22: RuleSet | None = None

    def as_dict(self) -> dict:
        return {
            "ikpa": self.ikpa.code if self.ikpa else None,
            "nka": self.nka.code if self.nka else None,
        }


def rules_for(ta: int) -> Rules:
    """Returns the IKPA and NKA rule sets of `ta`; a kind without a rule set for the TA is None."""
    found = {}
    for kind in (RuleKind.IKPA, RuleKind.NKA):
        try:
            found[kind] = rule_set_for(kind, ta)
        except ApplicationError:
            found[kind] = None
    nka = found[RuleKind.NKA]
    pmk22 = None
    if nka is not None and nka.definition.get("method") != "weighted":
        pmk22 = next(
            (
                r
                for r in RuleSet.objects.filter(kind=RuleKind.NKA).order_by("-ta_from")
                if r.definition.get("method") == "weighted"
            ),
            None,
        )
    return Rules(ikpa=found[RuleKind.IKPA], nka=nka, pmk22=pmk22)


# --- IKPA components --------------------------------------------------------------------------


@dataclass
class Component:
    value: Decimal | None
    detail: dict = field(default_factory=dict)
    provisional: bool = False
    note: str = ""


def penyerapan_ikpa(spec: dict, data: BudgetData, unit_ids: list[int], period: Period) -> Component:
    """Per closed quarter: pagu-weighted mean over jenis belanja of realisation / target × 100.

    target = target % of the quarter × (pagu − blokir) in force at the quarter's end; a jenis
    belanja with no pagu, or whose pagu is fully blocked, has no target and is left out. Each
    value is capped at 100 when the rule says so (and never below 0, after negative corrections).
    The indicator is the mean of the quarterly values.
    """
    quarters = period.closed_months // 3
    cumulative = defaultdict(int)
    realised = data.realised(unit_ids, quarters * 3)
    values = []
    detail = []
    provisional = False
    for quarter in range(1, quarters + 1):
        for month in range(quarter * 3 - 2, quarter * 3 + 1):
            for jenis in JENIS:
                cumulative[jenis] += realised.get((month, jenis), 0)
        end = month_end(period.ta, quarter * 3)
        pagu = data.pagu(unit_ids, end)
        blocked = data.blokir_at(unit_ids, end)
        targets = spec["targets"][str(quarter)]
        weighted = ZERO
        weights = ZERO
        per_jenis = {}
        for jenis in JENIS:
            base = (
                pagu[jenis] - blocked[jenis]
                if spec.get("base") == "pagu_minus_blokir"
                else pagu[jenis]
            )
            target = D(targets.get(jenis, 0)) * base / HUNDRED
            if pagu[jenis] <= 0 or target <= 0:
                continue
            ratio = D(cumulative[jenis]) / target * HUNDRED
            if spec.get("cap_at_100"):
                ratio = min(ratio, HUNDRED)
            ratio = max(ratio, ZERO)
            per_jenis[jenis] = rounded(ratio)
            weighted += ratio * pagu[jenis]
            weights += pagu[jenis]
        value = rounded(weighted / weights) if weights else None
        if value is not None:
            values.append(value)
            provisional = provisional or str(quarter) in spec.get("provisional_quarters", [])
        detail.append({"quarter": quarter, "value": value, "jenis_belanja": per_jenis})
    mean = rounded(sum(values, ZERO) / len(values)) if values else None
    return Component(mean, {"quarters": detail}, provisional)


def deviasi_hal3(
    spec: dict, data: BudgetData, unit_ids: list[int], period: Period
) -> tuple[Component, Decimal | None]:
    """Monthly |realisation − plan| / plan per jenis belanja, averaged; returns (score, mean %).

    Months: the closed ones. The plan of a month is the Hal III in force at that month's end.
    A jenis belanja with no plan and no realisation in a month is left out; one with realisation
    but no plan counts as the full deviation (the cap, 100 % by default). A month with neither
    plan nor realisation in any jenis belanja is left out and listed. Jenis belanja are weighted
    by their share of pagu ("pagu_share", PER-5/PB/2024) or equally ("equal").
    Score = 100 − (mean deviation − tolerance), at most 100 and at least 0.
    """
    months = period.closed_months
    cap = D(spec.get("cap_monthly", DEFAULT_DEVIATION_CAP))
    plan = data.plan_in_force(unit_ids, months)
    realised = data.realised(unit_ids, months)
    pagu = data.pagu(unit_ids, period.as_of)
    monthly = []
    skipped = []
    detail = []
    for month in range(1, months + 1):
        weighted = ZERO
        weights = ZERO
        cells = {}
        for jenis in JENIS:
            planned = plan.get((month, jenis), 0)
            done = realised.get((month, jenis), 0)
            if planned <= 0 and done == 0:
                continue
            deviation = (
                cap if planned <= 0 else min(D(abs(done - planned)) / planned * HUNDRED, cap)
            )
            weight = D(pagu[jenis]) if spec.get("weighting") == "pagu_share" else Decimal(1)
            cells[jenis] = (deviation, weight)
        if not cells:
            skipped.append(month)
            continue
        if sum(w for _d, w in cells.values()) == 0:
            cells = {j: (d, Decimal(1)) for j, (d, _w) in cells.items()}
        for deviation, weight in cells.values():
            weighted += deviation * weight
            weights += weight
        value = weighted / weights
        monthly.append(value)
        detail.append(
            {
                "month": month,
                "deviation": rounded(value),
                "jenis_belanja": {j: rounded(d) for j, (d, _w) in cells.items()},
            }
        )
    if not monthly:
        return Component(None, {"months": detail, "months_without_plan": skipped}), None
    mean = sum(monthly, ZERO) / len(monthly)
    tolerance = D(spec.get("tolerance", 0))
    score = max(ZERO, min(HUNDRED, HUNDRED - max(ZERO, mean - tolerance)))
    return (
        Component(
            rounded(score),
            {"months": detail, "months_without_plan": skipped, "mean_deviation": rounded(mean)},
            bool(spec.get("provisional")),
        ),
        rounded(mean),
    )


def _bucket(buckets: list[dict], count: int) -> Decimal:
    for bucket in buckets:
        if bucket["max"] is None or count <= bucket["max"]:
            return D(bucket["score"])
    raise ValueError("revision buckets must end with an open bucket")


def revisi_dipa(spec: dict, revisions: list[Revision], period: Period) -> Component:
    """Counts the revisions whose code counts ("pagu tetap") per semester; bucket score, mean."""
    months = period.closed_months
    if months == 0:
        return Component(None)
    counted = set(spec["counted_codes"])
    semesters = [1] if months <= 6 else [1, 2]
    counts = dict.fromkeys(semesters, 0)
    for revision in revisions:
        if revision.kind_code in counted and revision.date <= period.as_of:
            semester = 1 if revision.date.month <= 6 else 2
            if semester in counts:
                counts[semester] += 1
    scores = {s: _bucket(spec["buckets"], n) for s, n in counts.items()}
    value = rounded(sum(scores.values(), ZERO) / len(scores))
    return Component(
        value,
        {"semesters": [{"semester": s, "count": counts[s], "score": scores[s]} for s in semesters]},
    )


def capaian_output_ikpa(
    spec: dict, data: BudgetData, unit_ids: list[int], period: Period
) -> Component:
    """Timeliness and achievement of the monthly output reports of the satker's RO.

    Achievement: per RO the latest report's RVRO / TVRO (at most 100 %), an RO without a report
    counting 0, averaged. Timeliness: reports sent within N working days of the next month over
    the reports due (every RO, every closed month). Value = shares of the two (rule set).
    """
    months = period.closed_months
    outputs = [o for o in data.outputs_of(unit_ids) if o.target_volume > 0]
    if months == 0 or not outputs:
        return Component(None)
    working_days = int(spec.get("working_days_after_month", 5))
    deadlines = {m: report_deadline(period.ta, m, working_days) for m in range(1, months + 1)}
    achievements = []
    on_time = 0
    for output in outputs:
        latest = data.latest_report(output.pk, months)
        if latest is None or latest.tvro <= 0:
            achievements.append(ZERO)
        else:
            achievements.append(min(D(latest.rvro) / latest.tvro, Decimal(1)) * HUNDRED)
        for month, report in data.reports.get(output.pk, {}).items():
            if month <= months and report.reported_on <= deadlines[month]:
                on_time += 1
    achievement = sum(achievements, ZERO) / len(achievements)
    timeliness = D(on_time) / (len(outputs) * months) * HUNDRED
    value = (
        timeliness * D(spec["timeliness_share"]) + achievement * D(spec["achievement_share"])
    ) / HUNDRED
    return Component(
        rounded(value),
        {
            "achievement": rounded(achievement),
            "timeliness": rounded(timeliness),
            "ro": len(outputs),
            "reports_on_time": on_time,
            "reports_due": len(outputs) * months,
            "note": _("Hari kerja Senin–Jumat; hari libur nasional tidak diperhitungkan."),
        },
        True,
    )


# --- NKA inputs -----------------------------------------------------------------------------


def konsistensi(data: BudgetData, unit_ids: list[int], period: Period) -> Component:
    """100 − mean over months of |cum. realisation − cum. plan| / cum. plan × 100, at least 0.

    Provisional (the PMK's exact formula is unconfirmed). A month whose cumulative plan is zero
    is left out when nothing was realised either, and counts 100 % deviation otherwise.
    """
    months = period.closed_months
    plan = data.plan_in_force(unit_ids, months)
    realised = data.realised(unit_ids, months)
    cum_plan = cum_real = 0
    deviations = []
    for month in range(1, months + 1):
        cum_plan += sum(plan.get((month, j), 0) for j in JENIS)
        cum_real += sum(realised.get((month, j), 0) for j in JENIS)
        if cum_plan <= 0:
            if cum_real != 0:
                deviations.append(HUNDRED)
            continue
        deviations.append(min(D(abs(cum_real - cum_plan)) / cum_plan * HUNDRED, HUNDRED))
    if not deviations:
        return Component(None, provisional=True)
    mean = sum(deviations, ZERO) / len(deviations)
    return Component(rounded(max(ZERO, HUNDRED - mean)), {"mean_deviation": rounded(mean)}, True)


def _ro_achievements(data: BudgetData, unit_ids: list[int], through: int) -> list[tuple]:
    """Returns (output, realised volume, ratio) for every RO with a target."""
    out = []
    for output in data.outputs_of(unit_ids):
        if output.target_volume <= 0:
            continue
        latest = data.latest_report(output.pk, through)
        realised = latest.rvro if latest else 0
        out.append((output, realised, D(realised) / output.target_volume))
    return out


def capaian_output_nka(
    definition: dict, data: BudgetData, unit_ids: list[int], period: Period
) -> Component:
    """Nested geometric mean of RO realised/target (scoring.capaian_output), programmes → total.

    An RO without any report counts as realised 0. Above 100 the value is taken as 100 for the NKA.
    """
    programs: dict[str, list] = defaultdict(list)
    unreported = []
    for output, realised, _ratio in _ro_achievements(data, unit_ids, period.month):
        programs[output.program_code].append(
            {"indicators": [{"target": output.target_volume, "realisasi": realised}]}
        )
        if data.latest_report(output.pk, period.month) is None:
            unreported.append(output.full_code)
    if not programs:
        return Component(None)
    result = scoring.capaian_output(
        definition, [{"outputs": programs[p]} for p in sorted(programs)]
    )
    value = result["capaian_output"]
    return Component(
        min(value, HUNDRED),
        {"capaian_output": value, "ro_unreported": unreported},
        bool(result["provisional"]),
    )


def nilai_efisiensi(
    definition: dict, data: BudgetData, unit_ids: list[int], period: Period
) -> Component:
    """E and NE (scoring.efisiensi) from each RO's pagu, achievement ratio and realisation."""
    pagu = data.pagu_by_output(unit_ids, period.as_of)
    spent = data.realised_by_ro(unit_ids, period.month)
    ros = []
    for output, _realised, ratio in _ro_achievements(data, unit_ids, period.month):
        if pagu.get(output.pk, 0) <= 0:
            continue
        key = (output.unit_id, output.kegiatan_code, output.kro_code, output.ro_code)
        ros.append({"pagu": pagu[output.pk], "capaian": ratio, "realisasi": spent.get(key, 0)})
    if not ros:
        return Component(None)
    try:
        result = scoring.efisiensi(definition, ros)
    except ApplicationError as exc:
        return Component(None, note=str(exc.message))
    return Component(
        result.nilai_efisiensi,
        {"efisiensi": result.efisiensi, "bounded": result.bounded},
        bool(result.provisional),
    )


# --- Putting a satker's (or the eselon I's) figures together ---------------------------------


@dataclass
class Figures:
    code: str
    name: str
    type: str
    pagu: int
    blokir: int
    realisasi: int
    penyerapan: Decimal | None  # realisation / pagu × 100
    penyerapan_netto: Decimal | None  # realisation / (pagu − blokir) × 100
    ikpa: Decimal | None = None
    ikpa_category: str | None = None
    ikpa_components: dict[str, Any] = field(default_factory=dict)
    nka: Decimal | None = None
    nka_category: str | None = None
    nka_components: dict[str, Any] = field(default_factory=dict)
    provisional: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


def _weighted_manual(
    data: BudgetData, unit_ids: list[int], component: str, on: dt.date
) -> Decimal | None:
    """Pagu-weighted mean of the satker's manual values (eselon I without its own value)."""
    weighted = weights = ZERO
    for unit_id in unit_ids:
        value = data.manual.get((unit_id, component))
        if value is None:
            continue
        weight = D(sum(data.pagu([unit_id], on).values()))
        weighted += value * weight
        weights += weight
    return rounded(weighted / weights) if weights else None


def _ikpa(
    rule: RuleSet,
    data: BudgetData,
    unit_ids: list[int],
    period: Period,
    figures: Figures,
    *,
    manual_unit: int | None,
    pooled: bool,
) -> Decimal | None:
    definition = rule.definition
    components = definition["components"]
    if period.closed_months == 0:
        # Nothing to measure yet; OM-SPAN's annual values alone would make a misleading score.
        figures.missing.append("ikpa")
        return None
    scores: dict[str, Decimal | None] = {}
    details: dict[str, Any] = {}
    provisional: list[str] = []

    penyerapan = penyerapan_ikpa(definition["penyerapan"], data, unit_ids, period)
    scores["penyerapan"] = penyerapan.value
    details["penyerapan"] = penyerapan.detail
    if penyerapan.provisional:
        provisional.append("penyerapan")

    deviasi, _mean = deviasi_hal3(definition["deviasi_hal3"], data, unit_ids, period)
    scores["deviasi_hal3"] = deviasi.value
    details["deviasi_hal3"] = deviasi.detail
    if deviasi.provisional:
        provisional.append("deviasi_hal3")

    if pooled:
        # Revisions are a satker's own acts: the eselon I value weights each satker's by pagu.
        weighted = weights = ZERO
        for unit_id in unit_ids:
            value = revisi_dipa(definition["revisi_dipa"], data.revisions.get(unit_id, []), period)
            if value.value is None:
                continue
            weight = D(sum(data.pagu([unit_id], period.as_of).values()))
            weighted += value.value * weight
            weights += weight
        scores["revisi_dipa"] = rounded(weighted / weights) if weights else None
        provisional.append("revisi_dipa")
    else:
        revisi = revisi_dipa(definition["revisi_dipa"], data.revisions.get(unit_ids[0], []), period)
        scores["revisi_dipa"] = revisi.value
        details["revisi_dipa"] = revisi.detail

    capaian = capaian_output_ikpa(definition["capaian_output_rule"], data, unit_ids, period)
    scores["capaian_output"] = capaian.value
    details["capaian_output"] = capaian.detail

    deduction_ratio = None
    deduction = definition.get("deduction")
    for name in MANUAL_IKPA:
        if name not in components and not (deduction and deduction["component"] == name):
            continue
        value = data.manual.get((manual_unit, name)) if manual_unit else None
        if value is None and pooled:
            value = _weighted_manual(data, unit_ids, name, period.as_of)
            if value is not None:
                provisional.append(name)
        if deduction and deduction["component"] == name:
            deduction_ratio = value
            if value is None:
                figures.missing.append(f"ikpa.{name}")
            continue
        scores[name] = value

    for name in components:
        if scores.get(name) is None:
            figures.missing.append(f"ikpa.{name}")
    applicable = {k: v for k, v in scores.items() if v is not None and k in components}
    if not applicable:
        return None
    score = scoring.ikpa_final(definition, rule.code, applicable, deduction_ratio)
    figures.ikpa = score.value
    figures.ikpa_category = score.category
    figures.ikpa_components = {
        name: {"value": value, "detail": details.get(name, {})}
        for name, value in score.parts.items()
    }
    figures.provisional += [f"ikpa.{n}" for n in dict.fromkeys(score.provisional + provisional)]
    return score.value


def _nka(
    rule: RuleSet,
    data: BudgetData,
    unit_ids: list[int],
    period: Period,
    figures: Figures,
    *,
    manual_unit: int | None,
    pooled: bool,
    pmk22: RuleSet | None,
) -> None:
    definition = rule.definition
    inputs: dict[str, Decimal | None] = {}
    details: dict[str, Any] = {}
    provisional: list[str] = []
    if definition["method"] == "weighted":
        total_pagu = figures.pagu
        inputs["penyerapan"] = (
            min(HUNDRED, max(ZERO, pct(figures.realisasi, total_pagu))) if total_pagu > 0 else None
        )
        k = konsistensi(data, unit_ids, period)
        inputs["konsistensi"] = k.value
        details["konsistensi"] = k.detail
        c = capaian_output_nka(definition, data, unit_ids, period)
        inputs["capaian_output"] = c.value
        details["capaian_output"] = c.detail
        if c.provisional:
            provisional.append("capaian_output")
        e = nilai_efisiensi(definition, data, unit_ids, period)
        inputs["nilai_efisiensi"] = e.value
        details["nilai_efisiensi"] = e.detail
        if e.provisional:
            provisional.append("nilai_efisiensi")
    else:
        # TA 2024+: planning side (efektivitas from RO achievement, efisiensi from SBK) with IKPA.
        source = pmk22.definition if pmk22 else definition
        c = capaian_output_nka(source, data, unit_ids, period)
        inputs["efektivitas"] = c.value
        details["efektivitas"] = c.detail
        provisional.append("efektivitas")
        sbk = data.manual.get((manual_unit, MANUAL_SBK)) if manual_unit else None
        if sbk is None and pooled:
            sbk = _weighted_manual(data, unit_ids, MANUAL_SBK, period.as_of)
        if sbk is None and pmk22 is not None:
            # No SBK value entered: the PMK 22/2021 efficiency value stands in for it.
            e = nilai_efisiensi(pmk22.definition, data, unit_ids, period)
            sbk = e.value
            details["efisiensi"] = {**e.detail, "source": "PMK 22/2021 (pengganti SBK)"}
            provisional.append("efisiensi")
        inputs["efisiensi"] = sbk
        inputs["ikpa"] = None if figures.ikpa is None else min(figures.ikpa, HUNDRED)
    missing = [name for name, value in inputs.items() if value is None]
    if missing:
        figures.missing += [f"nka.{n}" for n in missing]
        figures.nka_components = {"inputs": inputs, "detail": details}
        return
    score = scoring.nka(definition, rule.code, inputs)
    figures.nka = score.value
    figures.nka_category = score.category
    figures.nka_components = {"inputs": inputs, "parts": score.parts, "detail": details}
    figures.provisional += [f"nka.{n}" for n in dict.fromkeys(score.provisional + provisional)]


def figures_for(
    data: BudgetData,
    unit_ids: list[int],
    period: Period,
    rules: Rules,
    *,
    code: str,
    name: str,
    unit_type: str,
    manual_unit: int | None,
    pooled: bool = False,
) -> Figures:
    """Computes realisation, IKPA and NKA for one satker, or for several pooled (eselon I)."""
    pagu = sum(data.pagu(unit_ids, period.as_of).values())
    blocked = sum(data.blokir_at(unit_ids, period.as_of).values())
    realised = sum(data.realised_by_jenis(unit_ids, period.month).values())
    figures = Figures(
        code=code,
        name=name,
        type=unit_type,
        pagu=pagu,
        blokir=blocked,
        realisasi=realised,
        penyerapan=pct(realised, pagu),
        penyerapan_netto=pct(realised, pagu - blocked),
    )
    if rules.ikpa is not None:
        _ikpa(
            rules.ikpa,
            data,
            unit_ids,
            period,
            figures,
            manual_unit=manual_unit,
            pooled=pooled,
        )
    else:
        figures.missing.append("ikpa")
    if rules.nka is not None:
        _nka(
            rules.nka,
            data,
            unit_ids,
            period,
            figures,
            manual_unit=manual_unit,
            pooled=pooled,
            pmk22=rules.pmk22,
        )
    return figures


def satker_figures(data: BudgetData, period: Period, rules: Rules, unit_ids=None) -> list[Figures]:
    """Returns the figures of every satker in `data` (or of `unit_ids`), by unit code."""
    ids = (
        data.unit_ids() if unit_ids is None else sorted(unit_ids, key=lambda u: data.units[u].code)
    )
    return [
        figures_for(
            data,
            [unit_id],
            period,
            rules,
            code=data.units[unit_id].code,
            name=data.units[unit_id].name,
            unit_type=data.units[unit_id].type,
            manual_unit=unit_id,
        )
        for unit_id in ids
    ]


def eselon1_figures(data: BudgetData, period: Period, rules: Rules) -> Figures:
    """Returns the eselon I figures from all satker transactions pooled, with UPT and centre totals."""
    ditjen = Unit.objects.filter(type=UnitType.DITJEN).order_by("code").first()
    unit_ids = data.unit_ids()
    figures = figures_for(
        data,
        unit_ids,
        period,
        rules,
        code=ditjen.code if ditjen else "",
        name=ditjen.name if ditjen else _("Eselon I"),
        unit_type=UnitType.DITJEN,
        manual_unit=ditjen.pk if ditjen else None,
        pooled=True,
    )
    for key, ids in (
        ("upt", [u for u in unit_ids if data.units[u].type == UnitType.SENTRA]),
        ("pusat", [u for u in unit_ids if data.units[u].type != UnitType.SENTRA]),
    ):
        pagu = sum(data.pagu(ids, period.as_of).values())
        blocked = sum(data.blokir_at(ids, period.as_of).values())
        realised = sum(data.realised_by_jenis(ids, period.month).values())
        figures.detail[key] = {
            "satker": len(ids),
            "pagu": pagu,
            "blokir": blocked,
            "realisasi": realised,
            "penyerapan": pct(realised, pagu),
        }
    return figures


# --- Breakdown and S-curve --------------------------------------------------------------------


def realisation_breakdown(data: BudgetData, unit_ids: list[int], period: Period) -> dict:
    """Realisation per jenis belanja, programme, RO and month, against pagu and pagu − blokir."""
    pagu = data.pagu(unit_ids, period.as_of)
    blocked = data.blokir_at(unit_ids, period.as_of)
    realised = data.realised_by_jenis(unit_ids, period.month)

    def row(p: int, b: int, r: int) -> dict:
        return {
            "pagu": p,
            "blokir": b,
            "pagu_netto": p - b,
            "realisasi": r,
            "sisa": p - b - r,
            "penyerapan": pct(r, p),
            "penyerapan_netto": pct(r, p - b),
        }

    by_jenis = [
        {"jenis_belanja": j, **row(pagu[j], blocked[j], realised[j])}
        for j in JENIS
        if pagu[j] or blocked[j] or realised[j]
    ]

    outputs = {o.pk: o for o in data.outputs_of(unit_ids)}
    pagu_ro = data.pagu_by_output(unit_ids, period.as_of)
    blokir_ro = data.blokir_by_output(unit_ids, period.as_of)
    spent_ro = data.realised_by_ro(unit_ids, period.month)
    ro_rows = []
    programs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    seen = set()
    for output in outputs.values():
        key = (output.unit_id, output.kegiatan_code, output.kro_code, output.ro_code)
        seen.add(key)
        r = spent_ro.get(key, 0)
        p, b = pagu_ro.get(output.pk, 0), blokir_ro.get(output.pk, 0)
        programs[output.program_code][0] += p
        programs[output.program_code][1] += b
        latest = data.latest_report(output.pk, period.month)
        ro_rows.append(
            {
                "unit": data.units[output.unit_id].code,
                "program": output.program_code,
                "ro": output.full_code,
                "name": output.name,
                "target_volume": output.target_volume,
                "realised_volume": latest.rvro if latest else None,
                **row(p, b, r),
            }
        )
    # Realisation charged to codes that are not in the DIPA is shown, not dropped.
    for key, r in sorted(spent_ro.items()):
        if key not in seen:
            unit_id, kegiatan, kro, ro = key
            ro_rows.append(
                {
                    "unit": data.units[unit_id].code,
                    "program": "",
                    "ro": f"{kegiatan}.{kro}.{ro}",
                    "name": _("(tidak ada di DIPA)"),
                    "target_volume": None,
                    "realised_volume": None,
                    **row(0, 0, r),
                }
            )
    spent_program = data.realised_by_program(unit_ids, period.month)
    by_program = [
        {"program": code, **row(pb[0], pb[1], spent_program.get(code, 0))}
        for code, pb in sorted(programs.items())
    ] + [
        {"program": code, **row(0, 0, r)}
        for code, r in sorted(spent_program.items())
        if code not in programs
    ]
    unassigned = blocked_total = sum(blocked.values())
    unassigned -= sum(v for k, v in blokir_ro.items() if k is not None)
    monthly = data.realised(unit_ids, period.month)
    by_month = [
        {
            "month": m,
            "jenis_belanja": {j: monthly.get((m, j), 0) for j in JENIS},
            "total": sum(monthly.get((m, j), 0) for j in JENIS),
        }
        for m in range(1, period.month + 1)
    ]
    return {
        "total": row(sum(pagu.values()), blocked_total, sum(realised.values())),
        "jenis_belanja": by_jenis,
        "program": by_program,
        "ro": ro_rows,
        "month": by_month,
        "blokir_without_ro": unassigned,
    }


def s_curve(data: BudgetData, unit_ids: list[int], period: Period) -> list[dict]:
    """Cumulative plan (Hal III in force on `as_of`) and realisation per month, in Rp and % of pagu."""
    plan = data.plan_on(unit_ids, period.as_of)
    realised = data.realised(unit_ids, period.month)
    pagu = sum(data.pagu(unit_ids, period.as_of).values())
    cum_plan = cum_real = 0
    out = []
    for month in range(1, 13):
        planned = sum(plan.get((month, j), 0) for j in JENIS)
        cum_plan += planned
        done = sum(realised.get((month, j), 0) for j in JENIS) if month <= period.month else None
        if done is not None:
            cum_real += done
        out.append(
            {
                "month": month,
                "plan": planned,
                "plan_cumulative": cum_plan,
                "plan_percent": pct(cum_plan, pagu),
                "realisation": done,
                "realisation_cumulative": cum_real if done is not None else None,
                "realisation_percent": pct(cum_real, pagu) if done is not None else None,
            }
        )
    return out


# --- Snapshots of a month, for period locks ---------------------------------------------------


def period_snapshots(ta: int, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """Returns the reported figures of each (unit id, month): what a sign-off locks.

    Realisation, plan, pagu and blokir per jenis belanja (pagu, blokir and plan as in force at
    the month's end), pagu per RO, and the month's output reports.
    """
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    data = budget_data(ta, {u for u, _m in pairs})
    out = {}
    for unit_id, month in pairs:
        end = month_end(ta, month)
        realised = data.realised([unit_id], month)
        plan = data.plan_on([unit_id], end)
        outputs = data.outputs_of([unit_id])
        pagu_ro = data.pagu_by_output([unit_id], end)
        reports = {}
        for output in outputs:
            report = data.reports.get(output.pk, {}).get(month)
            if report is not None:
                reports[output.full_code] = {
                    "target_volume": output.target_volume,
                    "tvro": report.tvro,
                    "rvro": report.rvro,
                    "pcro": str(report.pcro),
                    "reported_on": report.reported_on.isoformat(),
                }
        out[unit_id, month] = {
            "realisasi": {j: realised.get((month, j), 0) for j in JENIS},
            "rencana": {j: plan.get((month, j), 0) for j in JENIS},
            "pagu": data.pagu([unit_id], end),
            "blokir": data.blokir_at([unit_id], end),
            "pagu_ro": {o.full_code: pagu_ro.get(o.pk, 0) for o in outputs if pagu_ro.get(o.pk)},
            "output": reports,
        }
    return out


# --- JSON -------------------------------------------------------------------------------------


def number(value):
    """Returns a Decimal as an int when whole, else a float (2 decimals); other values as they are."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): number(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [number(v) for v in value]
    return value


def figures_json(figures: Figures, *, detail: bool = True) -> dict:
    out = {
        "code": figures.code,
        "name": figures.name,
        "type": figures.type,
        "pagu": figures.pagu,
        "blokir": figures.blokir,
        "realisasi": figures.realisasi,
        "penyerapan": number(figures.penyerapan),
        "penyerapan_netto": number(figures.penyerapan_netto),
        "ikpa": number(figures.ikpa),
        "ikpa_category": figures.ikpa_category,
        "nka": number(figures.nka),
        "nka_category": figures.nka_category,
        "provisional": figures.provisional,
        "missing": figures.missing,
    }
    if detail:
        out["ikpa_components"] = number(figures.ikpa_components)
        out["nka_components"] = number(figures.nka_components)
    out.update(number(figures.detail))
    return out


def score_table(ta: int, period: Period | None = None, unit_ids=None, *, eselon1=True) -> dict:
    """Returns every satker's figures for `ta` from stored data, and the eselon I's (pooled)."""
    period = period or period_for(ta)
    rules = rules_for(ta)
    data = budget_data(ta, None if eselon1 else unit_ids)
    if unit_ids is not None:
        unit_ids = [u for u in unit_ids if u in data.units]
    satker = satker_figures(data, period, rules, unit_ids)
    return {
        "ta": ta,
        "period": period.as_dict(),
        "rule_sets": rules.as_dict(),
        "satker": [figures_json(f, detail=False) for f in satker],
        "eselon1": figures_json(eselon1_figures(data, period, rules), detail=False)
        if eselon1 and data.units
        else None,
    }


# --- Rankings and awards ----------------------------------------------------------------------

RANK_BASES = ("realisasi", "ikpa", "nka")
# Awards went to the highest realisation in 2022 and to the highest NKA in 2024 (DOMAIN.md §1).
AWARD_BY_NKA_FROM_TA = 2024
AWARD_COUNT = 5


def _rank_value(figures: Figures, by: str) -> Decimal | None:
    return figures.penyerapan if by == "realisasi" else getattr(figures, by)


def rankings(satker: list[Figures], by: str) -> list[dict]:
    """Ranks satker by realisation %, IKPA or NKA: higher value, then higher realisation, then
    unit code. Satker without the value come last, by code, without a rank."""
    if by not in RANK_BASES:
        raise ApplicationError(
            _("Dasar peringkat harus salah satu dari: %s.") % ", ".join(RANK_BASES),
            details={"by": [by]},
        )
    lowest = Decimal("-1e9")

    def key(f: Figures):
        value = _rank_value(f, by)
        return (
            value is None,
            -(value if value is not None else lowest),
            -(f.penyerapan or lowest),
            f.code,
        )

    ordered = sorted(satker, key=key)
    out = []
    for position, f in enumerate(ordered, start=1):
        value = _rank_value(f, by)
        out.append(
            {
                "rank": position if value is not None else None,
                "code": f.code,
                "name": f.name,
                "type": f.type,
                "value": value,
                "penyerapan": f.penyerapan,
                "ikpa": f.ikpa,
                "nka": f.nka,
                "category": f.nka_category
                if by == "nka"
                else f.ikpa_category
                if by == "ikpa"
                else None,
                "provisional": [p for p in f.provisional if p.startswith(by)]
                if by != "realisasi"
                else [],
            }
        )
    return out


def award_basis(ta: int) -> str:
    return "nka" if ta >= AWARD_BY_NKA_FROM_TA else "realisasi"


def awards(satker: list[Figures], ta: int, by: str | None = None) -> dict:
    """The top five sentra (UPT) for the awards, and the best directorate, by the TA's basis."""
    by = by or award_basis(ta)
    sentra = [f for f in satker if f.type == UnitType.SENTRA]
    directorates = [f for f in satker if f.type == UnitType.DIRECTORATE]
    top = [r for r in rankings(sentra, by) if r["rank"] is not None][:AWARD_COUNT]
    best = [r for r in rankings(directorates, by) if r["rank"] is not None][:1]
    return {"by": by, "top": top, "best_directorate": best[0] if best else None}


# --- Output achievement from cases -------------------------------------------------------------

RECONCILIATION_LIST_LIMIT = 500


def output_reconciliation(ta: int, unit_ids: list[int] | None, month: int) -> list[dict]:
    """Compares each service RO's hand-reported volume (RVRO) with the beneficiaries in cases.

    For every RO with a target group: the distinct persons with at least one service charged to
    the RO (ServiceDelivery.ro_code = the RO's full code) by the RO's own sentra from 1 January
    to the end of `month`, beside the latest RVRO reported up to that month (RVRO is cumulative).
    The cases behind the count are listed, with two kinds of difference: cases counted whose
    target group is not the RO's, and cases of the sentra and target group with services in the
    period charged to no RO at all (they may belong to it).
    """
    from django.db.models import Count, Max, Min

    from atensi.cases.models import ServiceDelivery

    outputs = Output.objects.filter(ta=ta).exclude(target_group="").select_related("unit")
    if unit_ids is not None:
        outputs = outputs.filter(unit_id__in=unit_ids)
    outputs = list(outputs.order_by("unit__code", "kegiatan_code", "kro_code", "ro_code"))
    if not outputs:
        return []
    start, end = dt.date(ta, 1, 1), month_end(ta, month)
    reports = defaultdict(dict)
    for report in OutputReport.objects.filter(output__in=outputs, month__lte=month):
        reports[report.output_id][report.month] = report
    in_period = {"delivered_on__gte": start, "delivered_on__lte": end}
    charged = defaultdict(list)
    for row in (
        ServiceDelivery.objects.filter(
            ro_code__in={o.full_code for o in outputs},
            case__unit_id__in={o.unit_id for o in outputs},
            **in_period,
        )
        .values(
            "ro_code",
            "case__unit_id",
            "case_id",
            "case__number",
            "case__person_id",
            "case__person__registry_id",
            "case__target_group",
        )
        .annotate(services=Count("id"), first=Min("delivered_on"), last=Max("delivered_on"))
        .order_by("case__number")
    ):
        charged[row["ro_code"], row["case__unit_id"]].append(row)
    uncharged = defaultdict(list)
    for row in (
        ServiceDelivery.objects.filter(
            ro_code="",
            case__unit_id__in={o.unit_id for o in outputs},
            case__target_group__in={o.target_group for o in outputs},
            **in_period,
        )
        .values(
            "case__unit_id",
            "case__target_group",
            "case_id",
            "case__number",
            "case__person_id",
            "case__person__registry_id",
        )
        .annotate(services=Count("id"), first=Min("delivered_on"), last=Max("delivered_on"))
        .order_by("case__number")
    ):
        uncharged[row["case__unit_id"], row["case__target_group"]].append(row)

    def case_item(row) -> dict:
        return {
            "case": row["case__number"],
            "person": row["case__person__registry_id"],
            "services": row["services"],
            "first": row["first"].isoformat(),
            "last": row["last"].isoformat(),
        }

    out = []
    for output in outputs:
        rows = charged.get((output.full_code, output.unit_id), [])
        persons = {r["case__person_id"] for r in rows}
        months = reports.get(output.pk, {})
        latest = months[max(months)] if months else None
        other_group = [r for r in rows if r["case__target_group"] != output.target_group]
        not_charged = [
            r
            for r in uncharged.get((output.unit_id, output.target_group), [])
            if r["case__person_id"] not in persons
        ]
        reported = latest.rvro if latest else None
        out.append(
            {
                "unit": output.unit.code,
                "unit_name": output.unit.name,
                "ro": output.full_code,
                "name": output.name,
                "target_group": output.target_group,
                "target_volume": output.target_volume,
                "reported": reported,
                "reported_month": latest.month if latest else None,
                "from_cases": len(persons),
                "difference": None if reported is None else reported - len(persons),
                "cases": [case_item(r) for r in rows[:RECONCILIATION_LIST_LIMIT]],
                "cases_other_target_group": [
                    case_item(r) for r in other_group[:RECONCILIATION_LIST_LIMIT]
                ],
                "cases_not_charged": [
                    case_item(r) for r in not_charged[:RECONCILIATION_LIST_LIMIT]
                ],
                "truncated": max(len(rows), len(other_group), len(not_charged))
                > RECONCILIATION_LIST_LIMIT,
            }
        )
    return out
