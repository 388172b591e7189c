"""Reads of the workforce that depend on who asks, and the live caseload.

Scope (atensi.accounts.access): a pendamping sees themself; supervisors and heads the workers
of their sentra; analysts, auditors and administrators everyone. A worker outside the scope is
"not found" (404), never "forbidden", so the pages do not reveal who works where.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import (
    can_read_workforce,
    workforce_leads_team,
    workforce_sees_all_units,
)
from atensi.accounts.models import Role, User
from atensi.cases import workflow
from atensi.cases.models import Case
from atensi.common.errors import NotFound
from atensi.organisation.models import Unit, UnitType

from .choices import COMPLETED_RESULTS, LoadFlag, ReportStatus
from .models import (
    Absence,
    AssignmentHistory,
    CaseAssignmentDecision,
    MonthlyReport,
    MonthlyReportEvent,
    SettingKey,
    TrainingRecord,
    WorkerProfile,
)
from .rules import RuleBook

# Who counts as a worker: every pendamping, and anyone else with a worker profile (a supervisor
# who is also a pekerja sosial).
WORKER = Q(role=Role.PENDAMPING) | Q(worker_profile__isnull=False)


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def workers_visible_to(user) -> QuerySet[User]:
    """Returns the active workers `user` may see, with their profile and unit."""
    workers = (
        User.objects.filter(WORKER, is_active=True)
        .select_related("unit", "worker_profile")
        .order_by("unit__name", "first_name", "last_name", "username")
    )
    if not can_read_workforce(user):
        return workers.none()
    if workforce_sees_all_units(user):
        return workers
    if workforce_leads_team(user):
        return workers.filter(unit_id=user.unit_id)
    return workers.filter(pk=user.pk)


def worker_get(user, pk) -> User:
    """Returns one worker visible to `user`, or raises NotFound."""
    try:
        return workers_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Tenaga tidak ditemukan.")) from None


def units_visible_to(user) -> QuerySet[Unit]:
    """Returns the sentra whose team `user` may see."""
    units = Unit.objects.filter(type=UnitType.SENTRA, is_active=True).order_by("name")
    if workforce_sees_all_units(user):
        return units
    if workforce_leads_team(user):
        return units.filter(pk=user.unit_id)
    return units.none()


def unit_get(user, pk) -> Unit:
    try:
        return units_visible_to(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Sentra tidak ditemukan.")) from None


# ---------------------------------------------------------------------------------------------
# Assignment history
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A worker's time in one unit (inclusive dates; `last` None while it lasts)."""

    worker_id: int
    unit_id: int
    first: dt.date | None
    last: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return (self.first is None or self.first <= end) and (
            self.last is None or self.last >= start
        )


def assignment_spans(workers: Iterable[User]) -> dict[int, list[Span]]:
    """Returns each worker's units over time (one query).

    A worker without any recorded assignment has been in their current unit since their
    account was created.
    """
    workers = list(workers)
    spans: dict[int, list[Span]] = defaultdict(list)
    rows = AssignmentHistory.objects.filter(worker__in=[w.pk for w in workers]).order_by(
        "worker_id", "starts_on"
    )
    for row in rows:
        spans[row.worker_id].append(Span(row.worker_id, row.unit_id, row.starts_on, row.ends_on))
    for worker in workers:
        if worker.pk not in spans:
            joined = timezone.localtime(worker.date_joined).date()
            spans[worker.pk] = [Span(worker.pk, worker.unit_id, joined, None)]
    return dict(spans)


def unit_on(spans: list[Span], day: dt.date) -> int | None:
    return next((s.unit_id for s in spans if s.covers(day)), None)


# ---------------------------------------------------------------------------------------------
# Absence
# ---------------------------------------------------------------------------------------------


def absences_between(worker_ids, start: dt.date, end: dt.date) -> dict[int, list[Absence]]:
    """Returns the recorded (not cancelled) absences overlapping the days, per worker."""
    rows = Absence.objects.filter(
        worker_id__in=list(worker_ids),
        cancelled_at__isnull=True,
        starts_on__lte=end,
        ends_on__gte=start,
    ).order_by("worker_id", "starts_on")
    out: dict[int, list[Absence]] = defaultdict(list)
    for row in rows:
        out[row.worker_id].append(row)
    return dict(out)


# ---------------------------------------------------------------------------------------------
# Caseload
# ---------------------------------------------------------------------------------------------


@dataclass
class Caseload:
    """A worker's active cases weighted by stage and urgency, against their norm.

    `ratio` is the share of the norm in use: each case takes weight ÷ the norm for its
    approach (and the worker's kind), so a mixed caseload is judged fairly.
    """

    worker: User
    cases: int = 0
    weighted: Decimal = Decimal(0)
    ratio: float = 0.0
    by_approach: dict[str, int] = field(default_factory=dict)
    absence: Absence | None = None
    flag: str = LoadFlag.IDLE

    @property
    def ratio_pct(self) -> float:
        return round(self.ratio * 100, 1)

    @property
    def absent(self) -> bool:
        return self.absence is not None

    @property
    def flag_label(self) -> str:
        return str(LoadFlag(self.flag).label)


def worker_kind(worker: User) -> str:
    profile = getattr(worker, "worker_profile", None)
    return profile.kind if profile else ""


def case_share(rules: RuleBook, kind: str, stage: str, urgency: str, approach: str) -> float:
    """Returns the share of a worker's norm that one case takes (weight ÷ norm)."""
    norm = rules.norm(kind, approach)
    weight = rules.weight(stage, urgency)
    return float(weight / norm.max_weighted) if norm else 0.0


def flag_for(ratio: float, rules: RuleBook) -> str:
    if ratio > 1:
        return LoadFlag.OVERLOADED
    if ratio < rules.idle_ratio:
        return LoadFlag.IDLE
    return LoadFlag.NORMAL


def caseloads(
    workers: Iterable[User], *, rules: RuleBook | None = None, today: dt.date | None = None
) -> dict[int, Caseload]:
    """Returns the live caseload of each worker: two queries (cases, absences) plus the rules.

    Pass workers fetched with select_related("worker_profile"); the rules are read once.
    """
    workers = list(workers)
    today = today or timezone.localdate()
    rules = rules or RuleBook(today)
    loads = {w.pk: Caseload(worker=w) for w in workers}
    rows = (
        Case.objects.filter(pendamping_id__in=list(loads), stage__in=workflow.ACTIVE)
        .order_by()
        .values_list("pendamping_id", "stage", "urgency", "approach")
        .annotate(n=Count("*"))  # (not the id: case_pendamping_load_idx covers the rest)
    )
    for worker_id, stage, urgency, approach, n in rows:
        load = loads[worker_id]
        load.cases += n
        load.weighted += rules.weight(stage, urgency) * n
        load.ratio += case_share(rules, worker_kind(load.worker), stage, urgency, approach) * n
        load.by_approach[approach] = load.by_approach.get(approach, 0) + n
    absences = absences_between(loads, today, today)
    for worker_id, load in loads.items():
        load.absence = absences.get(worker_id, [None])[0]
        load.flag = flag_for(load.ratio, rules)
    return loads


def caseload_cases(worker: User, *, rules: RuleBook | None = None) -> list[Case]:
    """Returns the worker's active cases, each with its `weight` and `share` of the norm."""
    rules = rules or RuleBook()
    cases = list(
        Case.objects.filter(pendamping=worker, stage__in=workflow.ACTIVE)
        .select_related("person")
        .order_by("-received_at", "-id")
    )
    kind = worker_kind(worker)
    for case in cases:
        case.weight = rules.weight(case.stage, case.urgency)
        case.share = case_share(rules, kind, case.stage, case.urgency, case.approach)
    return cases


def unassigned_cases(user) -> QuerySet[Case]:
    """Returns the active cases of the user's sentra that have no pendamping yet, oldest first."""
    if not workforce_leads_team(user) and user.role != Role.ADMIN:
        return Case.objects.none()
    cases = Case.objects.filter(pendamping__isnull=True, stage__in=workflow.ACTIVE)
    if user.role != Role.ADMIN:
        cases = cases.filter(unit_id=user.unit_id)
    return cases.select_related("person", "person__village", "unit").order_by("received_at", "id")


def assignment_decisions(case: Case) -> QuerySet[CaseAssignmentDecision]:
    return (
        CaseAssignmentDecision.objects.filter(case=case)
        .select_related("suggested", "chosen", "chosen_by", "previous")
        .order_by("-decided_at", "-id")
    )


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def training_of(worker: User) -> QuerySet[TrainingRecord]:
    return (
        TrainingRecord.objects.filter(worker=worker)
        .select_related("course")
        .prefetch_related("course__competences")
        .order_by("-started_on", "-id")
    )


def competences_held(worker_ids, *, today: dt.date | None = None) -> dict[int, set[str]]:
    """Returns the competence codes each worker holds through completed, unexpired training."""
    today = today or timezone.localdate()
    rows = (
        TrainingRecord.objects.filter(worker_id__in=list(worker_ids), result__in=COMPLETED_RESULTS)
        .filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=today))
        .values_list("worker_id", "course__competences__code")
    )
    held: dict[int, set[str]] = defaultdict(set)
    for worker_id, code in rows:
        if code:
            held[worker_id].add(code)
    return dict(held)


@dataclass(frozen=True)
class Expiring:
    worker: User
    what: str
    number: str
    expires_on: dt.date

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()


def certificates_expiring(
    workers: QuerySet[User], *, today: dt.date | None = None, rules: RuleBook | None = None
) -> list[Expiring]:
    """Returns competence and course certificates that expired or expire within the warning days."""
    today = today or timezone.localdate()
    rules = rules or RuleBook(today)
    horizon = today + dt.timedelta(days=rules.setting_int(SettingKey.CERTIFICATE_WARNING_DAYS))
    out = []
    profiles = WorkerProfile.objects.filter(
        user__in=workers, certificate_expires_on__lte=horizon
    ).select_related("user")
    for p in profiles:
        label = _("Sertifikat kompetensi %s") % p.get_certificate_level_display()
        out.append(Expiring(p.user, label, p.certificate_number, p.certificate_expires_on))
    records = TrainingRecord.objects.filter(
        worker__in=workers, certificate_expires_on__lte=horizon, result__in=COMPLETED_RESULTS
    ).select_related("worker", "course")
    for r in records:
        out.append(
            Expiring(r.worker, r.course.title, r.certificate_number, r.certificate_expires_on)
        )
    return sorted(out, key=lambda e: (e.expires_on, str(e.worker)))


# ---------------------------------------------------------------------------------------------
# Monthly reports
# ---------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[MonthlyReport]:
    """Returns the monthly reports `user` may see: their own, their sentra's, or all."""
    reports = MonthlyReport.objects.select_related("worker", "unit", "decided_by")
    if not can_read_workforce(user):
        return reports.none()
    if workforce_sees_all_units(user):
        return reports
    if workforce_leads_team(user):
        return reports.filter(unit_id=user.unit_id)
    return reports.filter(worker=user)


def report_get(user, pk, *, for_update: bool = False) -> MonthlyReport:
    """Returns one report visible to `user`, or raises NotFound."""
    reports = reports_visible_to(user)
    if for_update:
        reports = reports.select_for_update(of=("self",))
    try:
        return reports.prefetch_related(Prefetch("events", queryset=_report_events())).get(pk=pk)
    except (MonthlyReport.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Laporan tidak ditemukan.")) from None


def _report_events():
    return MonthlyReportEvent.objects.select_related("actor").order_by("at", "id")


def reports_waiting(user) -> QuerySet[MonthlyReport]:
    """Returns the submitted reports waiting for this supervisor's or head's decision."""
    if not workforce_leads_team(user):
        return MonthlyReport.objects.none()
    return (
        MonthlyReport.objects.filter(unit_id=user.unit_id, status=ReportStatus.SUBMITTED)
        .select_related("worker")
        .order_by("submitted_at", "id")
    )
