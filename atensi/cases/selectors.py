"""Reads of cases that depend on who asks. Case access rules live here only.

Also the figures read off cases: response times against their targets, work queues, occupancy
of residential care, outcome change, and the timeline.
"""

import datetime as dt
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atensi.accounts.access import can_read_cases
from atensi.accounts.models import Role
from atensi.common.errors import NotFound
from atensi.organisation.models import Unit, UnitType
from atensi.registry.models import Consent, ConsentBasis
from atensi.registry.selectors import person_search, persons_visible_to

from . import workflow
from .choices import MeasurementPhase, Milestone, PlanStatus, Stage
from .models import (
    AftercareVisit,
    Attachment,
    Case,
    CaseEvent,
    FormDefinition,
    OutcomeMeasurement,
    Plan,
    ResponseTarget,
    Transfer,
)

# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def _case_scope(user, prefix: str = "") -> Q | None:
    """Returns the filter for the cases `user` may see (None: none at all).

    `prefix` reaches the case through a relation ("case__"), so lists of a case's parts filter by
    the same rule with a join instead of a subquery.
    """
    if not can_read_cases(user):
        return None
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return Q()
    if user.role == Role.ANALYST:
        return Q(**{f"{prefix}target_group__in": user.unit.target_groups or []})
    if user.role in (Role.HEAD, Role.SUPERVISOR):
        return Q(**{f"{prefix}unit_id": user.unit_id})
    if user.role == Role.PENDAMPING:
        return Q(**{f"{prefix}pendamping": user})
    return None


def cases_visible_to(user) -> QuerySet[Case]:
    """Returns the cases `user` may see.

    Administrators and auditors: all; directorate analysts: their target groups nationwide;
    heads and supervisors: their sentra; a pendamping: the cases assigned to them.
    """
    scope = _case_scope(user)
    return Case.objects.none() if scope is None else Case.objects.filter(scope)


# A case number as typed: "KS-2026-7KQ2M9", its beginning ("KS-2026"), or without "KS-".
CASE_NUMBER = re.compile(r"^KS-|^\d{4}-[0-9A-Z]{6}$", re.IGNORECASE)
# A name search answers with the best-matching persons' cases; more means the query is too vague.
SEARCH_LIMIT = 200


def case_search(cases: QuerySet[Case], user, query: str, *, limit: int = SEARCH_LIMIT):
    """Narrows `cases` to a case number, or to the persons `user` may see that match `query`."""
    query = query.strip()
    if not query:
        return cases
    if CASE_NUMBER.match(query):
        number = query.upper()
        if number.startswith("KS-"):
            return cases.filter(number__startswith=number)
        return cases.filter(number__endswith=number)  # typed without the "KS-" prefix
    # The registry's own search (NIK, spelling-tolerant names) within the user's persons.
    found = person_search(persons_visible_to(user), query, limit=limit)
    return cases.filter(person_id__in=[person.pk for person in found])


def cases_filter(
    cases: QuerySet[Case],
    user,
    *,
    stage: str = "",
    target_group: str = "",
    urgency: str = "",
    unit_id: int | None = None,
    unit_code: str = "",
    pendamping_id: int | None = None,
    pendamping_username: str = "",
    overdue: bool | None = None,
    q: str = "",
    search_limit: int = SEARCH_LIMIT,
) -> QuerySet[Case]:
    """Narrows `cases` by the case list's filters; an empty filter narrows nothing.

    `overdue`: True keeps only cases with a milestone past its target, False only the others.
    The page names units and pendamping by id, the API by code and username.
    """
    wanted = {
        "stage": stage,
        "target_group": target_group,
        "urgency": urgency,
        "unit_id": unit_id,
        "unit__code": unit_code,
        "pendamping_id": pendamping_id,
        "pendamping__username": pendamping_username,
    }
    for lookup, value in wanted.items():
        if value not in (None, ""):
            cases = cases.filter(**{lookup: value})
    if overdue is not None:
        # The queue's condition on the rows themselves, not a subquery of their ids: the
        # planner then reads a sentra's open stages through its (unit, stage) index.
        late = overdue_q()
        cases = cases.filter(late) if overdue else cases.exclude(late)
    return case_search(cases, user, q or "", limit=search_limit)


def _scoped(queryset: QuerySet, user) -> QuerySet:
    scope = _case_scope(user, "case__")
    return queryset.none() if scope is None else queryset.filter(scope)


def case_get(user, pk, *, for_update: bool = False, related: bool = True) -> Case:
    """Returns one case visible to `user`, or raises NotFound (also for cases out of scope).

    With `related` the person, unit and staff come in the same query; writes that only need the
    case row itself (e.g. recording a service) pass related=False for a cheaper read. A case read
    `for_update` (under a row lock, for a write) carries `stopped`: whether the person's
    processing has stopped (see consent_withdrawal), asked in the same query.
    """
    cases = cases_visible_to(user)
    if related:
        cases = cases.select_related("person", "unit", "pendamping", "supervisor")
    if for_update:
        cases = cases.select_for_update(of=("self",)).annotate(stopped=processing_stopped())
    try:
        return cases.get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Kasus tidak ditemukan.")) from None


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """Returns everything that happened to `case`, oldest first, with the actors (one query).

    Pass a case obtained through `case_get`, which has checked the user's access.
    """
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Returns the hand-overs `user` may see: both the sending and the receiving sentra see them.

    The sending sentra keeps seeing the hand-over record after the case itself has left its scope.
    """
    transfers = Transfer.objects.select_related(
        "case", "case__person", "from_unit", "to_unit", "transferred_by"
    ).order_by("-transferred_at", "-id")
    if not can_read_cases(user):
        return transfers.none()
    if user.role in (Role.HEAD, Role.SUPERVISOR):
        return transfers.filter(Q(from_unit_id=user.unit_id) | Q(to_unit_id=user.unit_id))
    return _scoped(transfers, user)


def attachment_get(user, pk) -> Attachment:
    """Returns one attachment of a case visible to `user`, or raises NotFound."""
    try:
        return _scoped(Attachment.objects.select_related("case", "service"), user).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Lampiran tidak ditemukan.")) from None


# ---------------------------------------------------------------------------------------------
# Withdrawn consent (UU 27/2022)
# ---------------------------------------------------------------------------------------------


def consent_withdrawal(person_id) -> Consent | None:
    """Returns the withdrawn consent that stops processing of a person's data, or None.

    Processing stops when a consent-based basis was withdrawn and no basis of any kind (a newer
    consent, a legal obligation, vital interest, a public task) is still active.
    """
    consents = list(
        Consent.objects.filter(person_id=person_id)
        .order_by()  # the model's ordering joins the person; the answer does not depend on it
        .only("id", "person_id", "basis", "withdrawn_at", "withdrawn_reason", "given_by_name")
    )
    if any(c.withdrawn_at is None for c in consents):
        return None
    withdrawn = [c for c in consents if c.basis == ConsentBasis.CONSENT]
    return max(withdrawn, key=lambda c: c.withdrawn_at) if withdrawn else None


@functools.cache
def processing_stopped(person_ref: str = "person_id") -> ExpressionWrapper:
    """Returns an annotation, true where the person's processing has stopped (as above).

    `person_ref` names the outer column holding the person's id ("person_id" on cases). Built
    once per reference (every write to a case asks it under the row lock); a query copies an
    expression before resolving it, so sharing it is safe.
    """
    consents = Consent.objects.filter(person_id=OuterRef(person_ref))
    withdrawn = consents.filter(basis=ConsentBasis.CONSENT, withdrawn_at__isnull=False)
    active = consents.filter(withdrawn_at__isnull=True)
    return ExpressionWrapper(Exists(withdrawn) & ~Exists(active), output_field=BooleanField())


# ---------------------------------------------------------------------------------------------
# Response times
# ---------------------------------------------------------------------------------------------

MILESTONE_FIELDS = {
    Milestone.FIRST_CONTACT: "first_contact_at",
    Milestone.ASSESSMENT: "assessed_at",
    Milestone.PLAN_APPROVED: "plan_approved_at",
}
# A missing milestone can only belong to a case that has not yet passed the stage that reaches it
# (each move out of these stages requires the milestone), which lets the overdue queue use the
# (unit|pendamping, stage) indexes.
MILESTONE_OPEN_STAGES = {
    Milestone.FIRST_CONTACT: [Stage.INTAKE],
    Milestone.ASSESSMENT: [Stage.INTAKE, Stage.ASSESSMENT],
    Milestone.PLAN_APPROVED: [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING],
}
# Stages in which the response clock has stopped: the case was terminated before reaching a milestone.
STOPPED_STAGES = frozenset({Stage.TERMINATION, Stage.AFTERCARE, Stage.CLOSED})


class Status:
    MET = "met"  # reached within its target
    MISSED = "missed"  # reached late, or the case ended after the deadline without reaching it
    PENDING = "pending"  # not reached, deadline still ahead
    OVERDUE = "overdue"  # not reached, deadline passed, case still active
    SKIPPED = "skipped"  # case ended before the deadline without needing this milestone
    NO_TARGET = "no_target"  # no response-time rule covers the referral date

    LABELS = {
        "met": gettext_lazy("tepat waktu"),
        "missed": gettext_lazy("terlambat"),
        "pending": gettext_lazy("berjalan"),
        "overdue": gettext_lazy("lewat batas"),
        "skipped": gettext_lazy("tidak dilalui"),
        "no_target": gettext_lazy("tanpa target"),
    }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class TargetTable:
    """The response-time targets, loaded once: the rule valid at a referral's date applies.

    For each urgency and milestone the rule with the latest `valid_from` on or before the
    referral's date (Asia/Jakarta) counts; a newer rule set never changes older cases' targets.
    """

    def __init__(self, rows: Iterable[ResponseTarget] | None = None):
        if rows is None:
            rows = ResponseTarget.objects.all()
        self._rules: dict[tuple[str, str], list[tuple[dt.date, int]]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (r.valid_from, r.id or 0), reverse=True):
            self._rules[(row.urgency, row.milestone)].append((row.valid_from, row.hours))
        self._cache: dict[tuple[str, str, dt.date], int | None] = {}

    def hours_on(self, urgency: str, milestone: str, day: dt.date) -> int | None:
        """Returns the target hours for a referral received on `day` (Asia/Jakarta)."""
        key = (urgency, milestone, day)
        if key not in self._cache:
            rules = self._rules.get((urgency, milestone), [])
            self._cache[key] = next((h for valid_from, h in rules if valid_from <= day), None)
        return self._cache[key]

    def hours(self, urgency: str, milestone: str, received_at: dt.datetime) -> int | None:
        return self.hours_on(urgency, milestone, timezone.localtime(received_at).date())

    def urgencies(self, milestone: str) -> list[str]:
        return list(dict.fromkeys(u for u, m in self._rules if m == milestone))

    def windows(self, urgency: str, milestone: str):
        """Yields (start, end or None, hours): referral-time ranges sharing one target."""
        end = None
        for valid_from, hours in self._rules.get((urgency, milestone), []):
            start = _day_start(valid_from)
            if end is None or start < end:
                yield start, end, hours
                end = start


@dataclass(frozen=True)
class MilestoneTime:
    milestone: str
    label: str
    target_hours: int | None
    due_at: dt.datetime | None
    reached_at: dt.datetime | None
    hours: float | None  # from referral received to the milestone (None: not reached)
    status: str

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])


def _hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)


def _status(
    reached_at: dt.datetime | None,
    due: dt.datetime | None,
    stopped_at: dt.datetime | None,
    now: dt.datetime,
) -> str:
    """Judges one milestone; `stopped_at` is when the case ended (None while it is active)."""
    if due is None:
        return Status.NO_TARGET
    if reached_at is not None:
        return Status.MET if reached_at <= due else Status.MISSED
    if stopped_at is not None:
        return Status.MISSED if stopped_at > due else Status.SKIPPED
    return Status.OVERDUE if now > due else Status.PENDING


def _stopped_at(stage: str, terminated_at: dt.datetime | None, now: dt.datetime):
    return (terminated_at or now) if stage in STOPPED_STAGES else None


def case_response_times(
    case: Case, *, now: dt.datetime | None = None, targets: TargetTable | None = None
) -> list[MilestoneTime]:
    """Returns, per milestone, the hours from referral to it and met/missed/pending/overdue."""
    targets = targets or TargetTable()
    now = now or timezone.now()
    stopped_at = _stopped_at(case.stage, case.terminated_at, now)
    times = []
    for milestone, field_name in MILESTONE_FIELDS.items():
        target = targets.hours(case.urgency, milestone, case.received_at)
        due = case.received_at + dt.timedelta(hours=target) if target is not None else None
        reached_at = getattr(case, field_name)
        times.append(
            MilestoneTime(
                milestone=milestone,
                label=str(Milestone(milestone).label),
                target_hours=target,
                due_at=due,
                reached_at=reached_at,
                hours=_hours_between(case.received_at, reached_at) if reached_at else None,
                status=_status(reached_at, due, stopped_at, now),
            )
        )
    return times


def percentile(values: list[float], fraction: float) -> float | None:
    """Returns the continuous percentile of sorted `values` (as PostgreSQL percentile_cont)."""
    if not values:
        return None
    rank = (len(values) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


@dataclass
class MilestoneSummary:
    milestone: str
    label: str
    reached: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Status.LABELS, 0))

    @property
    def decided(self) -> int:
        """Milestones whose outcome is known: reached, or past their deadline."""
        return self.counts[Status.MET] + self.counts[Status.MISSED] + self.counts[Status.OVERDUE]

    @property
    def within_target_pct(self) -> float | None:
        """Share met within target of the decided ones (pending and skipped do not count)."""
        return self.counts[Status.MET] * 100 / self.decided if self.decided else None


def response_time_summary(
    cases: QuerySet[Case], *, now: dt.datetime | None = None
) -> dict[str, MilestoneSummary]:
    """Returns median and p90 hours and the share within target per milestone for `cases`.

    Medians and p90 are over the cases that reached the milestone. Two queries whatever the
    number of cases (the targets, then the cases' times, streamed).
    """
    now = now or timezone.now()
    targets = TargetTable()
    zone = timezone.get_current_timezone()
    summary = {m: MilestoneSummary(m, str(Milestone(m).label)) for m in MILESTONE_FIELDS}
    hours: dict[str, list[float]] = {m: [] for m in MILESTONE_FIELDS}
    columns = ["received_at", "urgency", "stage", "terminated_at", *MILESTONE_FIELDS.values()]
    rows = cases.order_by().values_list(*columns)
    # A plain loop: this runs over a whole sentra's or region's cases.
    for received_at, urgency, stage, terminated_at, *reached in rows.iterator(chunk_size=5000):
        day = received_at.astimezone(zone).date()
        stopped_at = _stopped_at(stage, terminated_at, now)
        for milestone, reached_at in zip(MILESTONE_FIELDS, reached, strict=True):
            target = targets.hours_on(urgency, milestone, day)
            due = received_at + dt.timedelta(hours=target) if target is not None else None
            summary[milestone].counts[_status(reached_at, due, stopped_at, now)] += 1
            if reached_at is not None:
                hours[milestone].append((reached_at - received_at).total_seconds() / 3600)
    for milestone, values in hours.items():
        values.sort()
        summary[milestone].reached = len(values)
        summary[milestone].median_hours = percentile(values, 0.5)
        summary[milestone].p90_hours = percentile(values, 0.9)
    return summary


# ---------------------------------------------------------------------------------------------
# Work queues
# ---------------------------------------------------------------------------------------------


def queue_my_cases(user) -> QuerySet[Case]:
    """Returns the active cases assigned to `user` (as pendamping, or as supervisor)."""
    mine = Q(pendamping=user)
    if user.role in workflow.CASE_LEADS:
        mine |= Q(supervisor=user)
    return (
        cases_visible_to(user)
        .filter(mine, stage__in=workflow.ACTIVE)
        .select_related("person", "unit", "pendamping", "supervisor")
    )


def _overdue_conditions(targets: TargetTable, now: dt.datetime):
    """Yields (milestone, condition, hours) for every rule window, in milestone order."""
    for milestone, field_name in MILESTONE_FIELDS.items():
        for urgency in targets.urgencies(milestone):
            for start, end, hours in targets.windows(urgency, milestone):
                condition = Q(
                    urgency=urgency,
                    stage__in=MILESTONE_OPEN_STAGES[milestone],
                    received_at__gte=start,
                    received_at__lt=now - dt.timedelta(hours=hours),
                    **{f"{field_name}__isnull": True},
                )
                if end is not None:
                    condition &= Q(received_at__lt=end)
                yield milestone, condition, hours


def overdue_q(*, now: dt.datetime | None = None, targets: TargetTable | None = None) -> Q:
    """Returns the condition of a case with a milestone past its target and not reached.

    A case no rule covers is never overdue (the condition then matches nothing).
    """
    conditions = list(_overdue_conditions(targets or TargetTable(), now or timezone.now()))
    if not conditions:
        return Q(pk__in=[])
    # Each condition names its open stages, so the (unit|pendamping, stage) indexes serve
    # every branch; repeating the stages outside would only make the planner expect fewer rows.
    any_overdue = Q()
    for _milestone, condition, _hours in conditions:
        any_overdue |= condition
    return any_overdue


def queue_overdue(user, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Returns the cases with a milestone past its target and not reached, most overdue first.

    Each case carries `overdue_milestone` (the earliest missing one) and `due_at` (its deadline).
    """
    now = now or timezone.now()
    targets = TargetTable()
    conditions = list(_overdue_conditions(targets, now))
    if not conditions:
        return Case.objects.none()
    return (
        cases_visible_to(user)
        .filter(overdue_q(now=now, targets=targets))
        .annotate(
            overdue_milestone=Switch(
                *(When(condition, then=Value(m)) for m, condition, _h in conditions),
                default=Value(""),
            ),
            due_at=Switch(
                *(
                    When(
                        condition,
                        then=ExpressionWrapper(
                            F("received_at")
                            + Value(dt.timedelta(hours=hours), output_field=DurationField()),
                            output_field=DateTimeField(),
                        ),
                    )
                    for _m, condition, hours in conditions
                ),
                output_field=DateTimeField(),
            ),
        )
        .select_related("person", "unit", "pendamping")
        .order_by("due_at", "id")
    )


def queue_waiting_approval(user) -> QuerySet[Plan]:
    """Returns the submitted plans in the scope of a supervisor or head, oldest first."""
    if user.role not in workflow.CASE_LEADS:
        return Plan.objects.none()
    # A plan is decided while its case is in the planning stage (plan_submit requires it); once
    # the case has moved on, a revision still marked submitted waits for no one. Filtering by
    # stage lets the (unit, stage) index narrow a sentra's cases to the few being planned.
    plans = Plan.objects.filter(status=PlanStatus.SUBMITTED, case__stage=Stage.PLANNING)
    return (
        _scoped(plans, user)
        .select_related("case", "case__person", "case__pendamping", "created_by")
        .order_by("submitted_at", "id")
    )


AFTERCARE_HORIZON_DAYS = 7


def queue_aftercare_due(user, *, today: dt.date | None = None) -> QuerySet[AftercareVisit]:
    """Returns the aftercare visits not yet done and due within a week (or late), earliest first."""
    today = today or timezone.localdate()
    visits = AftercareVisit.objects.filter(
        done_at__isnull=True,
        scheduled_for__lte=today + dt.timedelta(days=AFTERCARE_HORIZON_DAYS),
        case__stage__in=[Stage.TERMINATION, Stage.AFTERCARE],
    )
    return (
        _scoped(visits, user)
        .select_related("case", "case__person", "case__pendamping")
        .order_by("scheduled_for", "id")
    )


# ---------------------------------------------------------------------------------------------
# Residential occupancy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    unit: Unit
    capacity: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)

    @property
    def over_capacity(self) -> bool:
        return self.occupied > self.capacity


def occupancy(unit: Unit) -> Occupancy:
    """Returns the residents now in `unit` (open stays) against its bed capacity."""
    occupied = unit.stays.filter(discharged_at__isnull=True).count()
    return Occupancy(unit=unit, capacity=unit.residential_capacity, occupied=occupied)


def occupancy_all() -> list[Occupancy]:
    """Returns occupancy for every active sentra, in one query."""
    units = (
        Unit.objects.filter(type=UnitType.SENTRA, is_active=True)
        .annotate(occupied=Count("stays", filter=Q(stays__discharged_at__isnull=True)))
        .order_by("name")
    )
    return [Occupancy(unit=u, capacity=u.residential_capacity, occupied=u.occupied) for u in units]


# ---------------------------------------------------------------------------------------------
# Outcome measures
# ---------------------------------------------------------------------------------------------

FOLLOW_UP_PHASES = (MeasurementPhase.TERMINATION, MeasurementPhase.AFTERCARE)


@dataclass(frozen=True)
class OutcomeChange:
    scale: FormDefinition
    baseline: OutcomeMeasurement | None  # the first taken at assessment
    latest: OutcomeMeasurement | None  # the latest taken at termination or aftercare

    @property
    def higher_is_better(self) -> bool:
        return bool(self.scale.definition.get("scoring", {}).get("higher_is_better", True))

    @property
    def change(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest.score - self.baseline.score

    @property
    def direction(self) -> str | None:
        """Returns improved, same or worsened, honouring the scale's direction (None: incomplete)."""
        change = self.change
        if change is None:
            return None
        if change == 0:
            return "same"
        return "improved" if (change > 0) == self.higher_is_better else "worsened"


def _changes(measurements: Iterable[OutcomeMeasurement]) -> list[OutcomeChange]:
    by_scale: dict[int, dict] = {}
    for m in measurements:
        entry = by_scale.setdefault(
            m.scale_id, {"scale": m.scale, "baseline": None, "latest": None}
        )
        if m.phase == MeasurementPhase.ASSESSMENT:
            entry["baseline"] = entry["baseline"] or m
        elif m.phase in FOLLOW_UP_PHASES:
            entry["latest"] = m
    return [OutcomeChange(**entry) for entry in by_scale.values()]


def outcome_change(case: Case) -> list[OutcomeChange]:
    """Compares, per scale, the first score at assessment with the latest at termination/aftercare."""
    measurements = (
        OutcomeMeasurement.objects.filter(case=case)
        .select_related("scale")
        .order_by("taken_on", "id")
    )
    return _changes(measurements)


@dataclass
class OutcomeSummary:
    scale: FormDefinition
    measured: int = 0  # cases with a baseline and a follow-up on this scale
    improved: int = 0
    same: int = 0
    worsened: int = 0
    total_change: int = 0

    @property
    def improved_pct(self) -> float | None:
        return self.improved * 100 / self.measured if self.measured else None

    @property
    def mean_change(self) -> float | None:
        return self.total_change / self.measured if self.measured else None


def outcome_summary(cases: QuerySet[Case]) -> list[OutcomeSummary]:
    """Reports, per scale, how many of `cases` improved between assessment and follow-up."""
    measurements = (
        OutcomeMeasurement.objects.filter(case__in=cases.order_by().values("pk"))
        .select_related("scale")
        .order_by("case_id", "taken_on", "id")
    )
    per_case: dict[int, list[OutcomeMeasurement]] = defaultdict(list)
    for m in measurements:
        per_case[m.case_id].append(m)
    result: dict[int, OutcomeSummary] = {}
    for rows in per_case.values():
        for change in _changes(rows):
            if change.direction is None:
                continue
            line = result.setdefault(change.scale.pk, OutcomeSummary(change.scale))
            line.measured += 1
            line.total_change += change.change
            setattr(line, change.direction, getattr(line, change.direction) + 1)
    return sorted(result.values(), key=lambda s: s.scale.title)
