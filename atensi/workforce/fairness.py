"""Equal service quality: like compared with like, and where training would help.

Cases of different approaches and target groups are not alike (a residential NAPZA case is not
a family-based elderly case), so each KPI is compared within cells of the same approach and
target group. In every cell, the sentra with enough facts (rule `fairness_min_facts`) give a
spread: the median and the 25th and 75th percentiles (continuous, as cases.selectors).

A sentra whose share in a cell lies below the cell's 25th percentile falls short. When the KPI
is linked to a competence (Competence.kpis), that is a training need: the courses that build
the competence are named, with the workers of that group who have not completed one of them.
A cell needs at least three sentra to have a spread worth judging. Monthly reports belong to
workers, not target groups, and are compared across sentra as one cell.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from atensi.accounts.models import User
from atensi.cases.selectors import percentile
from atensi.organisation.models import Unit

from .kpis import EVERYWHERE, KPI_BY_CODE, KPIS, Kpi, Period, scope_for, scoped_table
from .models import CaseHolding, Competence, SettingKey
from .rules import RuleBook
from .selectors import competences_held

MIN_UNITS = 3
COMPARED = [k for k in KPIS if k.is_share]


@dataclass
class UnitValue:
    unit_id: int
    unit_name: str
    value: float
    facts: int
    short: bool = False


@dataclass
class Spread:
    kpi: Kpi
    target_group: str | None
    approach: str | None
    target_group_label: str = ""
    approach_label: str = ""
    values: list[UnitValue] = field(default_factory=list)
    median: float | None = None
    p25: float | None = None
    p75: float | None = None

    @property
    def judged(self) -> bool:
        return len(self.values) >= MIN_UNITS


@dataclass
class TrainingNeed:
    unit: Unit
    spread: Spread
    value: float
    competences: list[Competence]
    courses: list
    workers: list[User]  # of this group, without a completed course for the competences


@dataclass
class Fairness:
    period: Period
    spreads: list[Spread]
    needs: list[TrainingNeed]
    min_facts: int


def fairness(user, period: Period, *, now: dt.datetime | None = None) -> Fairness | None:
    """Returns the spreads across sentra per KPI and cell, and the training needs they show.

    Directorate users see every sentra; a head or supervisor sees the national spread (median
    and percentiles) with only their own sentra's values and needs. Pendamping get None.
    """
    scope = scope_for(user)
    if scope is None or scope.worker is not None:
        return None
    now = now or timezone.now()
    min_facts = RuleBook(timezone.localtime(now).date()).setting_int(SettingKey.FAIRNESS_MIN_FACTS)
    codes = [k.code for k in COMPARED]
    cells = scoped_table(
        EVERYWHERE,
        period,
        by=("unit", "target_group", "approach"),
        kpis=[c for c in codes if KPI_BY_CODE[c].by_target_group],
        now=now,
    )
    by_unit = scoped_table(EVERYWHERE, period, by=("unit",), kpis=["reports_on_time"], now=now)
    spreads: dict[tuple, Spread] = {}
    for row in cells + by_unit:
        for code, figure in row.figures.items():
            if figure.value is None or figure.denominator < min_facts:
                continue
            key = (code, row.key.get("target_group"), row.key.get("approach"))
            spread = spreads.setdefault(
                key,
                Spread(
                    KPI_BY_CODE[code],
                    key[1],
                    key[2],
                    row.labels.get("target_group", ""),
                    row.labels.get("approach", ""),
                ),
            )
            spread.values.append(
                UnitValue(
                    row.key["unit"], row.labels.get("unit", ""), figure.value, figure.denominator
                )
            )
    for spread in spreads.values():
        ordered = sorted(v.value for v in spread.values)
        spread.median = percentile(ordered, 0.5)
        spread.p25 = percentile(ordered, 0.25)
        spread.p75 = percentile(ordered, 0.75)
        for value in spread.values:
            value.short = spread.judged and value.value < spread.p25
        spread.values.sort(key=lambda v: (v.value, v.unit_name))
    visible = None if scope.unit is None else {scope.unit}
    result = sorted(
        spreads.values(),
        key=lambda s: (codes.index(s.kpi.code), s.target_group_label, s.approach_label),
    )
    needs = _needs(result, period, visible)
    if visible is not None:
        for spread in result:
            spread.values = [v for v in spread.values if v.unit_id in visible]
    return Fairness(period=period, spreads=result, needs=needs, min_facts=min_facts)


def _needs(spreads: list[Spread], period: Period, visible: set[int] | None) -> list[TrainingNeed]:
    short = [
        (spread, value)
        for spread in spreads
        for value in spread.values
        if value.short and (visible is None or value.unit_id in visible)
    ]
    if not short:
        return []
    competences = list(Competence.objects.prefetch_related("courses").order_by("code"))
    linked = defaultdict(list)
    for competence in competences:
        for code in competence.kpis:
            linked[code].append(competence)
    units = Unit.objects.in_bulk({value.unit_id for _spread, value in short})
    members = _group_workers(period, {value.unit_id for _spread, value in short})
    held = competences_held({w for ws in members.values() for w in ws})
    people = User.objects.in_bulk({w for ws in members.values() for w in ws})
    needs = []
    for spread, value in short:
        wanted = linked.get(spread.kpi.code, [])
        if not wanted:
            continue
        codes = {c.code for c in wanted}
        group = members.get((value.unit_id, spread.target_group, spread.approach), set())
        if spread.target_group is None:  # reports: the whole sentra's pendamping
            group = {w for (u, _g, _a), ws in members.items() if u == value.unit_id for w in ws}
        lacking = sorted(
            (people[w] for w in group if w in people and not codes <= held.get(w, set())),
            key=str,
        )
        courses = sorted(
            {course for c in wanted for course in c.courses.all() if course.is_active},
            key=lambda c: c.code,
        )
        needs.append(
            TrainingNeed(units[value.unit_id], spread, value.value, wanted, courses, lacking)
        )
    return needs


def _group_workers(period: Period, unit_ids: set[int]) -> dict[tuple, set[int]]:
    """Returns who held cases in each (sentra, target group, approach) during the period."""
    rows = (
        CaseHolding.objects.filter(
            unit_id__in=unit_ids, worker__isnull=False, since__lt=period.end_at
        )
        .filter(Q(until__isnull=True) | Q(until__gt=period.start_at))
        .values_list("unit_id", "case__target_group", "case__approach", "worker_id")
        .distinct()
    )
    out: dict[tuple, set[int]] = defaultdict(set)
    for unit_id, group, approach, worker_id in rows:
        out[(unit_id, group, approach)].add(worker_id)
    return out
