"""Performance figures of workers, sentra and target groups, computed from the case records.

Every figure is counted in SQL (GROUP BY the holder of the case, the sentra, the target group
and the approach) from "facts": a deadline, a closing, a service, a visit, a report. Each KPI
defines its facts once (FACTS); the aggregates are built from the same expressions, only
combined so that one pass over the holdings serves several KPIs (all milestones at once;
cases handled with closings), and services are read from their tally (tally.py) rather than
the ten million services themselves. The drill-down (`kpi_cases`) reads the facts directly;
the tests check both against the same hand-made timeline.

Definitions that apply to all of them:
- Period: from the first to the last day given, both included (Asia/Jakarta).
- Credit: a fact counts for the pendamping who held the case at that moment, and for the sentra
  the case was in then (holdings.py, rebuilt from the audit trail). A case reassigned or
  transferred mid-period counts for each holder for their own part; a worker who moved to
  another sentra counts for each sentra for their time there. A case without a pendamping at
  that moment counts for its sentra only ("belum ada pendamping"). A service counts for the
  holder when it was recorded on its day, or at the end of its day when recorded later.
- Leave: a deadline (response time, aftercare visit) that fell on a day the holder was on
  recorded leave does not count against that worker ("dimaafkan"); it still counts for the
  sentra and the target group, whose head should have reassigned the case. A monthly report's
  due date moves on by the worker's leave days (reports.py).
- Reopened cases count once: "cases handled" counts distinct cases; a closing undone by
  reopening is not a closing (the case came back), only the latest closing counts.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import Case as Switch
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atensi.accounts.access import workforce_leads_team, workforce_sees_all_units
from atensi.accounts.models import Role, User
from atensi.cases.choices import Approach, Milestone, TerminationReason
from atensi.cases.models import AftercareVisit, Case
from atensi.cases.selectors import (
    MILESTONE_FIELDS,
    STOPPED_STAGES,
    Status,
    TargetTable,
    cases_visible_to,
)
from atensi.organisation.models import TargetGroup, Unit

from . import kpi_months
from .holdings import (
    HOLDING_PATHS,
    PART_PATHS,
    held_at,
    held_on_day,
    holdings_sync,
    services_held,
)
from .models import (
    Absence,
    AbsenceDay,
    CaseHolding,
    MonthlyReport,
    ServiceTally,
    ServiceTallyMonth,
    SettingKey,
)
from .reports import Timeliness, due_after_leave, report_due, timeliness
from .rules import RuleBook
from .selectors import assignment_spans, unit_on
from .tally import tally_sync_mark
from .workdays import (
    WorkCalendar,
    days,
    month_end,
    month_start,
    months,
    next_month,
    whole_months,
)

DIMENSIONS = ("worker", "unit", "target_group", "approach")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def start_at(self) -> dt.datetime:
        return _day_start(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period."""
        return _day_start(self.end + dt.timedelta(days=1))

    @classmethod
    def month(cls, day: dt.date) -> "Period":
        return cls(month_start(day), month_end(day))

    def label(self) -> str:
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class Context:
    period: Period
    now: dt.datetime
    rules: RuleBook
    targets: TargetTable

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now).date()


# ---------------------------------------------------------------------------------------------
# The KPIs and their definitions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str
    definition: str
    unit: str  # "count", "percent" or "ratio"
    by_target_group: bool = True  # reports belong to a worker, not to a target group

    @property
    def is_share(self) -> bool:
        return self.unit in ("percent", "ratio")


KPIS = [
    Kpi(
        "cases_handled",
        _("Kasus ditangani"),
        _(
            "Banyaknya kasus berbeda yang dipegang (sebagai pendamping) pada suatu saat dalam "
            "periode selagi kasus itu aktif: diterima sebelum akhir periode dan belum ditutup "
            "sebelum awal periode. Kasus yang dibuka kembali dihitung sekali."
        ),
        "count",
    ),
    Kpi(
        "first_contact",
        _("Kontak pertama tepat waktu"),
        _(
            "Dari kasus yang batas waktu kontak pertamanya jatuh dalam periode: persentase yang "
            "kontak pertamanya tercatat sebelum batas (target waktu respons kasus menurut "
            "urgensi). Yang belum kontak dan lewat batas dihitung gagal; kasus yang berakhir "
            "sebelum batas tidak dihitung. Dihitung untuk pemegang kasus saat kontak terjadi "
            "atau, bila tidak tepat waktu, saat batas waktu."
        ),
        "percent",
    ),
    Kpi(
        "assessment",
        _("Asesmen selesai tepat waktu"),
        _(
            "Dari kasus yang batas waktu asesmennya jatuh dalam periode: persentase yang "
            "asesmennya selesai sebelum batas (target waktu respons kasus). Aturan hitung sama "
            "dengan kontak pertama."
        ),
        "percent",
    ),
    Kpi(
        "plan_approved",
        _("Rencana disetujui tepat waktu"),
        _(
            "Dari kasus yang batas waktu persetujuan rencana intervensinya jatuh dalam periode: "
            "persentase yang rencananya disetujui sebelum batas (target waktu respons kasus)."
        ),
        "percent",
    ),
    Kpi(
        "services_per_case",
        _("Layanan per kasus"),
        _(
            "Banyaknya layanan ATENSI yang diberikan dalam periode pada kasus yang dipegang pada "
            "tanggal layanan, dibagi banyaknya kasus ditangani."
        ),
        "ratio",
    ),
    Kpi(
        "goals_met",
        _("Ditutup dengan tujuan tercapai"),
        _(
            "Dari kasus yang ditutup dalam periode: persentase yang diterminasi dengan alasan "
            "'tujuan tercapai'. Dihitung untuk pemegang kasus saat ditutup. Penutupan yang "
            "kemudian dibatalkan karena kasus dibuka kembali tidak dihitung."
        ),
        "percent",
    ),
    Kpi(
        "aftercare_on_time",
        _("Bimbingan lanjut sesuai jadwal"),
        _(
            "Dari kunjungan bimbingan lanjut yang dijadwalkan dalam periode: persentase yang "
            "dilaksanakan paling lambat n hari setelah jadwal (aturan aftercare_grace_days). "
            "Kunjungan yang belum dilaksanakan dan belum lewat tenggat tidak dihitung."
        ),
        "percent",
    ),
    Kpi(
        "reports_on_time",
        _("Laporan bulanan tepat waktu"),
        _(
            "Dari laporan bulanan yang jatuh tempo dalam periode: persentase yang pertama kali "
            "diajukan paling lambat pada batasnya (hari kerja ke-n bulan berikutnya; hari cuti "
            "pendamping tidak dihitung). Laporan yang belum diajukan setelah batas dihitung "
            "terlambat. Tidak ada laporan yang diharapkan untuk bulan yang seluruh hari kerjanya "
            "cuti."
        ),
        "percent",
        by_target_group=False,
    ),
]
KPI_BY_CODE = {k.code: k for k in KPIS}
MILESTONE_KPIS = {
    "first_contact": Milestone.FIRST_CONTACT,
    "assessment": Milestone.ASSESSMENT,
    "plan_approved": Milestone.PLAN_APPROVED,
}

# Outcome codes of the facts, and how they enter each share.
MET, MISSED, OVERDUE = Status.MET, Status.MISSED, Status.OVERDUE
ON_TIME, LATE, LATE_MISSING = "on_time", "late", "missing"
OUTCOME_LABELS = {
    **Status.LABELS,
    "handled": _("ditangani"),
    "service": _("layanan"),
    "goals_met": _("tujuan tercapai"),
    "other": _("alasan lain"),
    "on_time": _("tepat waktu"),
    "late": _("terlambat"),
    "missing": _("belum dilaksanakan, lewat tenggat"),
    "excused": _("dimaafkan (cuti)"),
}
SUCCESS = {
    "first_contact": {MET},
    "assessment": {MET},
    "plan_approved": {MET},
    "goals_met": {"goals_met"},
    "aftercare_on_time": {ON_TIME},
    "reports_on_time": {Timeliness.ON_TIME},
}
JUDGED = {
    "first_contact": {MET, MISSED, OVERDUE},
    "assessment": {MET, MISSED, OVERDUE},
    "plan_approved": {MET, MISSED, OVERDUE},
    "goals_met": {"goals_met", "other"},
    "aftercare_on_time": {ON_TIME, LATE, LATE_MISSING},
    "reports_on_time": {Timeliness.ON_TIME, Timeliness.LATE, Timeliness.OVERDUE},
}


# ---------------------------------------------------------------------------------------------
# Facts: one queryset per KPI with g_worker, g_unit, g_target_group, g_approach, g_case,
# outcome and excused
# ---------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """One KPI's facts: rows with an outcome `o` ("met", "missed:excused", ...) and the paths
    to their dimensions (who held the case, its sentra then, target group, approach)."""

    qs: QuerySet
    paths: dict[str, str]

    def with_dims(self, names: Iterable[str] = (*DIMENSIONS, "case")) -> QuerySet:
        return self.qs.annotate(**{f"g_{n}": F(self.paths[n]) for n in names})


FAILURES = {MISSED, OVERDUE, LATE_MISSING}
EXCUSED = ":excused"


def _absent(worker_ref: str, day_ref: str) -> Exists:
    """True where the worker was on recorded leave on the day."""
    return Exists(AbsenceDay.objects.filter(worker_id=OuterRef(worker_ref), day=OuterRef(day_ref)))


def _active_holdings(p: Period) -> QuerySet:
    """Holdings that overlap the period, of cases active in it (received before its end, not
    closed before its start). Every case-level fact of the period lies on one of them.

    Read off the holdings alone: a holding starts at or after its case's receipt, and carries
    the case's closing (CaseHolding.case_closed_at).
    """
    return (
        CaseHolding.objects.filter(since__lt=p.end_at)
        .filter(Q(until__isnull=True) | Q(until__gt=p.start_at))
        .filter(Q(case_closed_at__isnull=True) | Q(case_closed_at__gte=p.start_at))
    )


def _facts_handled(ctx: Context) -> Facts:
    return Facts(_active_holdings(ctx.period).annotate(o=Value("handled")), HOLDING_PATHS)


def due_expression(targets: TargetTable, milestone: str, prefix: str = "case__"):
    """Returns the SQL deadline of a milestone: receipt + the target valid at the receipt.

    Built from the response-time rules' own windows (cases.selectors.TargetTable), so a
    referral is judged by the same target as on the case page.
    """
    received = F(f"{prefix}received_at")
    whens = []
    for urgency in targets.urgencies(milestone):
        for start, end, hours in targets.windows(urgency, milestone):
            condition = Q(**{f"{prefix}urgency": urgency, f"{prefix}received_at__gte": start})
            if end is not None:
                condition &= Q(**{f"{prefix}received_at__lt": end})
            whens.append(
                When(
                    condition,
                    then=ExpressionWrapper(
                        received + Value(dt.timedelta(hours=hours)), output_field=DateTimeField()
                    ),
                )
            )
    if not whens:
        return Value(None, output_field=DateTimeField())
    return Switch(*whens, default=Value(None), output_field=DateTimeField())


def _longest_target(targets: TargetTable, milestone: str) -> dt.timedelta:
    hours = [
        h
        for urgency in targets.urgencies(milestone)
        for _start, _end, h in targets.windows(urgency, milestone)
    ]
    return dt.timedelta(hours=max(hours, default=0))


def status_expression(reached: str, now: dt.datetime, due: str = "due", prefix: str = "case__"):
    """Returns the SQL form of cases.selectors' milestone judgement (met, missed, ...).

    Same rule as cases.selectors._status, checked against it by the tests: reached by the
    deadline is met, later is missed; a case that ended (terminated) after its deadline
    without reaching it missed it, before it skipped it; otherwise overdue once past, pending
    before.
    """
    reached_f = f"{prefix}{reached}"
    stopped = Q(**{f"{prefix}stage__in": list(STOPPED_STAGES)})
    terminated = f"{prefix}terminated_at"
    return Switch(
        When(Q(**{f"{reached_f}__isnull": False, f"{reached_f}__lte": F(due)}), then=Value(MET)),
        When(Q(**{f"{reached_f}__isnull": False}), then=Value(MISSED)),
        When(stopped & Q(**{f"{terminated}__isnull": True, f"{due}__lt": now}), then=Value(MISSED)),
        When(stopped & Q(**{f"{terminated}__gt": F(due)}), then=Value(MISSED)),
        When(stopped, then=Value(Status.SKIPPED)),
        When(Q(**{f"{due}__lt": now}), then=Value(OVERDUE)),
        default=Value(Status.PENDING),
    )


MILESTONE_KEYS = {"first_contact": "fc", "assessment": "as", "plan_approved": "pl"}


def _milestone_annotations(ctx: Context, code: str, excuse: bool) -> list[dict]:
    """The annotations that give a milestone KPI's outcome in `o_<key>` on each holding row.

    A row carries the outcome when the deadline falls in the period and the row's holding was
    open at the moment the outcome was settled (the milestone reached in time, else the
    deadline); otherwise None. With `excuse`, a failure whose deadline fell on a day of the
    holder's leave is ":excused" (found by an equality join on the leave days, not a lookup
    per row: this runs over every case of a year).
    """
    milestone, key = MILESTONE_KPIS[code], MILESTONE_KEYS[code]
    reached_f = f"case__{MILESTONE_FIELDS[milestone]}"
    due, settled, day, status = f"due_{key}", f"settled_{key}", f"day_{key}", f"st_{key}"
    leave = f"leave_{key}"
    p = ctx.period
    counted = Q(**{f"{due}__gte": p.start_at, f"{due}__lt": p.end_at}) & held_at(F(settled))
    annotations = [
        {due: due_expression(ctx.targets, milestone)},
        {
            settled: Switch(
                When(
                    Q(**{f"{reached_f}__isnull": False, f"{reached_f}__lte": F(due)}),
                    then=F(reached_f),
                ),
                default=F(due),
                output_field=DateTimeField(),
            ),
            day: TruncDate(due, tzinfo=timezone.get_current_timezone()),
            status: status_expression(MILESTONE_FIELDS[milestone], ctx.now, due=due),
        },
    ]
    whens = [When(counted, then=F(status))]
    if excuse:
        annotations.append(
            {
                leave: FilteredRelation(
                    "worker__absence_days", condition=Q(worker__absence_days__day=F(day))
                )
            }
        )
        failed_on_leave = Q(**{f"{status}__in": [MISSED, OVERDUE], f"{leave}__id__isnull": False})
        whens.insert(0, When(counted & failed_on_leave, then=Concat(F(status), Value(EXCUSED))))
    annotations.append({f"o_{key}": Switch(*whens, default=Value(None), output_field=CharField())})
    return annotations


def _milestone_base(ctx: Context, codes: Iterable[str], *, excuse: bool) -> QuerySet:
    """Holdings of the cases received early enough for a deadline in the period."""
    p = ctx.period
    earliest = min(p.start_at - _longest_target(ctx.targets, MILESTONE_KPIS[c]) for c in codes)
    qs = CaseHolding.objects.filter(
        case__received_at__gte=earliest, case__received_at__lt=p.end_at, since__lt=p.end_at
    )
    for code in codes:
        for annotations in _milestone_annotations(ctx, code, excuse):
            qs = qs.annotate(**annotations)
    return qs


def _facts_milestone(ctx: Context, code: str) -> Facts:
    key = MILESTONE_KEYS[code]
    qs = _milestone_base(ctx, [code], excuse=True).filter(**{f"o_{key}__isnull": False})
    return Facts(qs.annotate(o=F(f"o_{key}")), HOLDING_PATHS)


def _closed_outcome():
    return Switch(
        When(case__termination_reason=TerminationReason.GOALS_MET, then=Value("goals_met")),
        default=Value("other"),
    )


def _closed_in(p: Period) -> Q:
    return Q(case__closed_at__gte=p.start_at, case__closed_at__lt=p.end_at) & held_at(
        F("case__closed_at")
    )


def _facts_closed(ctx: Context) -> Facts:
    qs = CaseHolding.objects.filter(_closed_in(ctx.period)).annotate(o=_closed_outcome())
    return Facts(qs, HOLDING_PATHS)


def _facts_services(ctx: Context) -> Facts:
    p = ctx.period
    qs = services_held().filter(delivered_on__gte=p.start, delivered_on__lte=p.end)
    return Facts(qs.annotate(o=Value("service")), PART_PATHS)


def _facts_aftercare(ctx: Context) -> Facts:
    p = ctx.period
    grace = dt.timedelta(days=ctx.rules.setting_int(SettingKey.AFTERCARE_GRACE_DAYS))
    qs = (
        AftercareVisit.objects.filter(
            held_on_day("scheduled_for"),
            scheduled_for__gte=p.start,
            scheduled_for__lte=min(p.end, ctx.today),
        )
        .annotate(
            deadline=ExpressionWrapper(F("scheduled_for") + Value(grace), output_field=DateField()),
            done_day=TruncDate("done_at", tzinfo=timezone.get_current_timezone()),
        )
        .annotate(
            o=Switch(
                When(done_at__isnull=False, done_day__lte=F("deadline"), then=Value(ON_TIME)),
                When(done_at__isnull=False, then=Value(LATE)),
                When(
                    Q(deadline__lt=ctx.today) & _absent(PART_PATHS["worker"], "scheduled_for"),
                    then=Value(LATE_MISSING + EXCUSED),
                ),
                When(deadline__lt=ctx.today, then=Value(LATE_MISSING)),
                default=Value(Status.PENDING),
                output_field=CharField(),
            )
        )
    )
    return Facts(qs, PART_PATHS)


FACTS: dict[str, Callable[[Context], Facts]] = {
    "cases_handled": _facts_handled,
    "first_contact": lambda ctx: _facts_milestone(ctx, "first_contact"),
    "assessment": lambda ctx: _facts_milestone(ctx, "assessment"),
    "plan_approved": lambda ctx: _facts_milestone(ctx, "plan_approved"),
    "services_per_case": _facts_services,
    "goals_met": _facts_closed,
    "aftercare_on_time": _facts_aftercare,
}


# ---------------------------------------------------------------------------------------------
# Scope and filters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    worker: int | None = None
    unit: int | None = None
    target_group: str | None = None
    approach: str | None = None
    # Drill-down of a cell with no pendamping ("belum ada pendamping").
    unassigned: bool = False

    def q(self) -> Q:
        q = Q()
        if self.unassigned:
            q &= Q(g_worker__isnull=True)
        elif self.worker is not None:
            q &= Q(g_worker=self.worker)
        if self.unit is not None:
            q &= Q(g_unit=self.unit)
        if self.target_group:
            q &= Q(g_target_group=self.target_group)
        if self.approach:
            q &= Q(g_approach=self.approach)
        return q

    def dims(self) -> set[str]:
        used = {"worker"} if self.unassigned or self.worker is not None else set()
        for name in ("unit", "target_group", "approach"):
            if getattr(self, name):
                used.add(name)
        return used


@dataclass(frozen=True)
class Scope:
    """Which facts may be counted: all (no limit), one sentra's, or one worker's."""

    unit: int | None = None
    worker: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.unit is not None:
            q &= Q(g_unit=self.unit)
        if self.worker is not None:
            q &= Q(g_worker=self.worker)
        return q

    def dims(self) -> set[str]:
        return {n for n in ("unit", "worker") if getattr(self, n) is not None}


EVERYWHERE = Scope()


def scope_for(user) -> Scope | None:
    """Returns which facts `user` may count (None: none): all, their sentra's, or their own."""
    if workforce_sees_all_units(user):
        return EVERYWHERE
    if workforce_leads_team(user):
        return Scope(unit=user.unit_id)
    if user.is_authenticated and user.is_active and user.role == Role.PENDAMPING:
        return Scope(worker=user.pk)
    return None


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    kpi: Kpi
    counts: dict[str, int] = field(default_factory=dict)
    by_worker: bool = False
    handled: int = 0  # for services per case

    def n(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    @property
    def excused(self) -> int:
        return sum(n for k, n in self.counts.items() if k.endswith(":excused"))

    def _judged(self) -> int:
        judged = JUDGED[self.kpi.code]
        total = sum(self.n(o) for o in judged)
        if not self.by_worker:
            # Leave excuses a worker, not the sentra: the excused failures count here.
            total += sum(self.n(f"{o}:excused") for o in judged - SUCCESS[self.kpi.code])
        return total

    @property
    def denominator(self) -> int:
        if self.kpi.code == "cases_handled":
            return 1
        if self.kpi.code == "services_per_case":
            return self.handled
        return self._judged()

    @property
    def numerator(self) -> int:
        if self.kpi.code == "cases_handled":
            return self.n("handled")
        if self.kpi.code == "services_per_case":
            return self.n("service")
        return sum(self.n(o) for o in SUCCESS[self.kpi.code])

    @property
    def value(self) -> float | None:
        if self.kpi.code == "cases_handled":
            return float(self.numerator)
        if not self.denominator:
            return None
        ratio = self.numerator / self.denominator
        return round(ratio * 100, 1) if self.kpi.unit == "percent" else round(ratio, 2)

    def display(self) -> str:
        value = self.value
        if value is None:
            return "–"
        if self.kpi.unit == "count":
            return f"{int(value):,}".replace(",", ".")
        text = f"{value:.1f}" if self.kpi.unit == "percent" else f"{value:.2f}"
        return text.replace(".", ",") + (" %" if self.kpi.unit == "percent" else "")


@dataclass
class KpiRow:
    key: dict  # dimension → value
    figures: dict[str, Figure]
    labels: dict = field(default_factory=dict)

    def __getitem__(self, code: str) -> Figure:
        return self.figures[code]


def _context(period: Period, now: dt.datetime | None, rules: RuleBook | None = None) -> Context:
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    return Context(
        period=period,
        now=now,
        rules=rules.on(day) if rules is not None else RuleBook(day),
        targets=TargetTable(),
    )


def _dims_used(by, scope: "Scope", filters: "Filters") -> list[str]:
    used = set(by) | scope.dims() | filters.dims()
    return [d for d in DIMENSIONS if d in used]


def _grouped(facts: Facts, by, scope, filters) -> QuerySet:
    """The facts within scope and filters, ready for .values(*g_by) and an aggregate."""
    qs = facts.with_dims(_dims_used(by, scope, filters))
    return qs.filter(scope.q() & filters.q()).order_by()


Counts = dict[tuple, dict[str, int]]


def _nested() -> Counts:
    return defaultdict(lambda: defaultdict(int))


def _outcome_counts(facts: Facts, by, scope, filters) -> Counts:
    group = [f"g_{d}" for d in by]
    out = _nested()
    for row in _grouped(facts, by, scope, filters).values(*group, "o").annotate(n=Count("pk")):
        out[tuple(row[g] for g in group)][row["o"]] += row["n"]
    return out


def _handled_rows(ctx: Context, by, scope, filters, **more):
    """The active holdings grouped by `by`, counting the distinct cases handled (and `more`)."""
    group = [f"g_{d}" for d in by]
    rows = (
        _grouped(_facts_handled(ctx), by, scope, filters)
        .values(*group)
        .annotate(handled=Count("case_id", distinct=True), **more)
    )
    for row in rows:
        yield tuple(row[g] for g in group), row


def _handled_counts(ctx: Context, by, scope, filters) -> Counts:
    """Cases handled alone (see `_handled_and_closed`)."""
    handled = _nested()
    for key, row in _handled_rows(ctx, by, scope, filters):
        handled[key]["handled"] += row["handled"]
    return handled


def _handled_and_closed(ctx: Context, by, scope, filters) -> tuple[Counts, Counts]:
    """Cases handled and cases closed (goals met or not) in one pass over the holdings."""
    closed = _closed_in(ctx.period)
    goals = Q(case__termination_reason=TerminationReason.GOALS_MET)
    rows = _handled_rows(
        ctx,
        by,
        scope,
        filters,
        # (counting the case column, not the holding's id, keeps the holdings index-only)
        goals_met=Count("case_id", filter=closed & goals),
        other=Count("case_id", filter=closed & ~goals),
    )
    handled, ended = _nested(), _nested()
    for key, row in rows:
        handled[key]["handled"] += row["handled"]
        for outcome in ("goals_met", "other"):
            if row[outcome]:
                ended[key][outcome] += row[outcome]
    return handled, ended


def _milestone_inputs(ctx: Context, codes: list[str], by, scope, filters) -> QuerySet:
    """The holdings of `_milestone_base` with each milestone's deadline computed once (`due_*`,
    and its day `day_*`) and the plain columns the judgement reads, as named values."""
    p = ctx.period
    earliest = min(p.start_at - _longest_target(ctx.targets, MILESTONE_KPIS[c]) for c in codes)
    qs = CaseHolding.objects.filter(
        case__received_at__gte=earliest, case__received_at__lt=p.end_at, since__lt=p.end_at
    ).annotate(
        m_since=F("since"),
        m_until=F("until"),
        m_stage=F("case__stage"),
        m_terminated=F("case__terminated_at"),
    )
    for code in codes:
        milestone, key = MILESTONE_KPIS[code], MILESTONE_KEYS[code]
        qs = qs.annotate(
            **{
                f"m_reached_{key}": F(f"case__{MILESTONE_FIELDS[milestone]}"),
                f"m_due_{key}": due_expression(ctx.targets, milestone),
            }
        ).annotate(
            **{f"m_day_{key}": TruncDate(f"m_due_{key}", tzinfo=timezone.get_current_timezone())}
        )
    return _grouped(Facts(qs, HOLDING_PATHS), by, scope, filters)


def _milestone_sql(ctx: Context, key: str, excuse: bool) -> tuple[str, str, list]:
    """The SQL of one milestone's status and outcome over the columns of `_milestone_inputs`.

    The same rule as `status_expression` and `_milestone_annotations` (the drill-down), written
    over columns: the ORM form repeats the deadline's CASE in every comparison, which over a
    year of cases costs seconds. The tests check both forms against the same timelines.
    Returns (status SQL, outcome SQL over the status column `st_<key>`, parameters of both).
    """
    ops = connection.ops
    now = ops.adapt_datetimefield_value(ctx.now)
    start = ops.adapt_datetimefield_value(ctx.period.start_at)
    end = ops.adapt_datetimefield_value(ctx.period.end_at)
    reached, due = f"m_reached_{key}", f"m_due_{key}"
    stopped = f"m_stage IN ({', '.join(['%s'] * len(STOPPED_STAGES))})"
    stopped_params = sorted(STOPPED_STAGES)
    status = (
        f"CASE WHEN {reached} IS NOT NULL AND {reached} <= {due} THEN %s"
        f" WHEN {reached} IS NOT NULL THEN %s"
        f" WHEN {stopped} AND m_terminated IS NULL AND {due} < %s THEN %s"
        f" WHEN {stopped} AND m_terminated > {due} THEN %s"
        f" WHEN {stopped} THEN %s"
        f" WHEN {due} < %s THEN %s ELSE %s END"
    )
    status_params = [
        MET, MISSED, *stopped_params, now, MISSED, *stopped_params, MISSED,
        *stopped_params, Status.SKIPPED, now, OVERDUE, Status.PENDING,
    ]  # fmt: skip
    # Counted: the deadline falls in the period and the holding was open when the outcome was
    # settled (the milestone reached in time, else the deadline).
    settled = (
        f"(CASE WHEN {reached} IS NOT NULL AND {reached} <= {due} THEN {reached} ELSE {due} END)"
    )
    counted = (
        f"{due} >= %s AND {due} < %s AND m_since <= {settled}"
        f" AND (m_until IS NULL OR m_until > {settled})"
    )
    st = f"st_{key}"
    whens, params = [], [start, end]
    if excuse:
        # A failure whose deadline fell on a day of the holder's leave is excused.
        whens.append(
            f"WHEN {st} IN (%s, %s) AND EXISTS (SELECT 1 FROM {AbsenceDay._meta.db_table} a"
            f" WHERE a.worker_id = g_worker AND a.day = m_day_{key})"
            f" THEN (CASE WHEN {st} = %s THEN %s ELSE %s END)"
        )
        params += [MISSED, OVERDUE, MISSED, MISSED + EXCUSED, OVERDUE + EXCUSED]
    outcome = f"CASE WHEN NOT ({counted}) THEN NULL {' '.join(whens)} ELSE {st} END"
    return status, outcome, status_params + params


def _milestone_counts(ctx: Context, codes: list[str], by, scope, filters) -> dict[str, Counts]:
    """All milestone KPIs in one pass: each holding row carries one outcome per milestone.

    Three layers: the holdings with each deadline computed once (ORM), each milestone's status
    over those columns, its outcome over the status; then one GROUP BY.
    """
    group = [f"g_{d}" for d in by]
    keys = [MILESTONE_KEYS[c] for c in codes]
    # Leave excuses a worker, not a sentra or target group: only a worker's figure needs it.
    excuse = "worker" in by
    inputs = _milestone_inputs(ctx, codes, by, scope, filters)
    columns = [*group, "m_since", "m_until", "m_stage", "m_terminated"]
    for key in keys:
        columns += [f"m_reached_{key}", f"m_due_{key}", f"m_day_{key}"]
    if excuse and "g_worker" not in columns:
        columns.append("g_worker")
    inner_sql, inner_params = inputs.values(*columns).query.sql_with_params()
    # On PostgreSQL OFFSET 0 keeps the planner from folding the layers back into one, which
    # would put the deadline's CASE back into every comparison.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    statuses, outcomes, status_params, outcome_params = [], [], [], []
    for key in keys:
        status, outcome, params = _milestone_sql(ctx, key, excuse)
        n_status = status.count("%s")
        statuses.append(f"{status} AS st_{key}")
        outcomes.append(f"{outcome} AS o_{key}")
        status_params += params[:n_status]
        outcome_params += params[n_status:]
    kept = ", ".join(dict.fromkeys([*group, *(["g_worker"] if excuse else [])]))
    grouped = ", ".join([*group, *(f"o_{key}" for key in keys)])
    sql = (
        f"SELECT {grouped}, COUNT(*) FROM ("
        f"SELECT {kept}, {', '.join(outcomes)} FROM ("
        f"SELECT *, {', '.join(statuses)} FROM ({inner_sql}{fence}) m{fence}"
        f") s{fence}) o GROUP BY {grouped}"
    )
    out = {code: _nested() for code in codes}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*outcome_params, *status_params, *inner_params])
        for row in cursor.fetchall():
            key = tuple(row[: len(group)])
            outcomes_row, n = row[len(group) : -1], row[-1]
            for code, value in zip(codes, outcomes_row, strict=True):
                if value is not None:
                    out[code][key][value] += n
    return out


TALLY_PATHS = {
    "worker": "worker_id",
    "unit": "unit_id",
    "target_group": "target_group",
    "approach": "approach",
}


def _services_counts(ctx: Context, by, scope, filters, mark: int) -> Counts:
    """Services in the period: the tally up to its mark (the monthly tally for whole months,
    the daily one for the days around them), the services after the mark counted live."""
    p = ctx.period
    group = [f"g_{d}" for d in by]
    whole = whole_months(p.start, p.end)
    tallies = []
    if whole is None:
        tallies.append(ServiceTally.objects.filter(day__gte=p.start, day__lte=p.end))
    else:
        first, last = whole
        tallies.append(ServiceTallyMonth.objects.filter(month__gte=first, month__lte=last))
        if (first, last) != (p.start, p.end):
            tallies.append(
                ServiceTally.objects.filter(
                    Q(day__gte=p.start, day__lt=first) | Q(day__gt=last, day__lte=p.end)
                )
            )
    out = _nested()
    for tally in tallies:
        rows = (
            _grouped(Facts(tally, TALLY_PATHS), by, scope, filters)
            .values(*group)
            .annotate(n=Sum("services"))
        )
        for row in rows:
            out[tuple(row[g] for g in group)]["service"] += row["n"]
    live = _facts_services(ctx)
    live.qs = live.qs.filter(pk__gt=mark)
    for key, counts in _outcome_counts(live, by, scope, filters).items():
        out[key]["service"] += counts["service"]
    return out


@contextmanager
def _analytics(*, snapshot: bool = False):
    """Runs the aggregates in one transaction tuned for them on PostgreSQL.

    The JIT compiler spends longer on the long CASE expressions of the milestone outcomes
    than it saves (measured on a million cases: 4.6 s with it, 2.1 s without), and the
    grouping sorts spill to disk at the default work_mem. Both settings last only for this
    transaction. With `snapshot` (for reading, never for writing) every query of the
    transaction sees the data as of its first one, so that the figures of one table agree
    with each other and with the kept months found there (repeatable read; SQLite's
    transactions see one snapshot anyway).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if snapshot and outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(
                    "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
                )
        yield


def kpi_table(
    user,
    period: Period,
    *,
    by: Iterable[str] = ("worker",),
    filters: Filters = Filters(),
    kpis: Iterable[str] | None = None,
    now: dt.datetime | None = None,
    rules: RuleBook | None = None,
) -> list[KpiRow]:
    """Returns the KPIs over `period`, one row per group of `by` (worker, unit, target_group,
    approach), within what `user` may see. One aggregate query per KPI.
    """
    scope = scope_for(user)
    if scope is None:
        return []
    return scoped_table(scope, period, by=by, filters=filters, kpis=kpis, now=now, rules=rules)


def scoped_table(
    scope: Scope,
    period: Period,
    *,
    by: Iterable[str],
    filters: Filters = Filters(),
    kpis: Iterable[str] | None = None,
    now: dt.datetime | None = None,
    rules: RuleBook | None = None,
) -> list[KpiRow]:
    """kpi_table over the facts that `scope` lets through."""
    by = tuple(d for d in DIMENSIONS if d in set(by))
    if not by:
        raise ValueError("group by at least one of " + ", ".join(DIMENSIONS))
    codes = list(kpis) if kpis is not None else [k.code for k in KPIS]
    mark = tally_sync_mark()  # and the holdings first
    ctx = _context(period, now, rules)
    wanted = set(codes)
    if {"services_per_case", "goals_met"} & wanted:
        wanted.add("cases_handled")  # the rows of everyone who handled a case
    # Kept months hold the figures as of now (under the rules they name): a figure as of
    # another moment is counted live.
    plan = _kept_plan(ctx, wanted, by, scope, filters) if now is None else None
    if plan is not None:
        _keep(ctx, plan)
    with _analytics(snapshot=True):
        return _rows(ctx, scope, by, filters, codes, wanted, plan, mark)


def _live_counts(ctx: Context, wanted: set[str], by, scope, filters) -> dict[str, Counts]:
    """The KPIs read from the cases, holdings and visits of the period (not services, reports)."""
    counts: dict[str, Counts] = {}
    if {"cases_handled", "goals_met"} <= wanted:
        counts["cases_handled"], counts["goals_met"] = _handled_and_closed(ctx, by, scope, filters)
    elif "cases_handled" in wanted:  # the holdings alone, without their cases
        counts["cases_handled"] = _handled_counts(ctx, by, scope, filters)
    elif "goals_met" in wanted:  # the closings alone: no pass over every active case
        counts["goals_met"] = _outcome_counts(_facts_closed(ctx), by, scope, filters)
    milestones = [c for c in MILESTONE_KPIS if c in wanted]
    if milestones:
        counts.update(_milestone_counts(ctx, milestones, by, scope, filters))
    if "aftercare_on_time" in wanted:
        counts["aftercare_on_time"] = _outcome_counts(_facts_aftercare(ctx), by, scope, filters)
    return counts


def _month_counts(ctx: Context, month: dt.date) -> dict[str, dict[str, Counts]]:
    """Everything a kept month holds: its KPIs in each kept grouping."""
    month_ctx = replace(ctx, period=Period.month(month))
    return {
        grouping: _live_counts(
            month_ctx,
            set(kpi_months.KEPT if "worker" in key else kpi_months.ADDITIVE),
            key,
            EVERYWHERE,
            Filters(),
        )
        for grouping, key in kpi_months.GROUPINGS.items()
    }


@dataclass(frozen=True)
class _KeptPlan:
    first: dt.date
    last: dt.date
    grouping: str
    rules: str  # kpi_months.rules_name


def _kept_plan(ctx: Context, wanted: set[str], by, scope, filters) -> _KeptPlan | None:
    """Which kept months (and grouping) can serve the period's KPIs (None: none)."""
    grouping = kpi_months.grouping_for(_dims_used(by, scope, filters))
    if grouping is None or not set(kpi_months.KEPT) & wanted:
        return None
    grace = kpi_months.grace_days(ctx.rules)
    p = ctx.period
    span = kpi_months.kept_span(p.start, p.end, kpi_months.settled_until(ctx.today, grace))
    return _KeptPlan(*span, grouping, kpi_months.rules_name(grace)) if span else None


def _keep(ctx: Context, plan: _KeptPlan) -> None:
    """Keeps the plan's months, counting the missing ones, in a transaction of its own: readers
    wait for each other only while months are counted, not while they read."""
    with _analytics():
        kpi_months.months_keep(
            plan.first,
            plan.last,
            rules=plan.rules,
            count=lambda month: _month_counts(ctx, month),
            now=ctx.now,
        )


def _case_counts(ctx: Context, wanted: set[str], by, scope, filters, plan: _KeptPlan | None):
    """The KPIs of `_live_counts`, read from the kept months where the period has settled ones
    (kpi_months.py) and counted live for the rest of it."""
    p = ctx.period
    if plan is None or not kpi_months.months_kept(plan.first, plan.last, plan.rules):
        # (also when a change has removed a kept month since `_keep`)
        return _live_counts(ctx, wanted, by, scope, filters)
    first, last, grouping = plan.first, plan.last, plan.grouping
    dims = _dims_used(by, scope, filters)
    # Cases handled is kept per worker and sentra, distinct within the month: it serves a
    # period of exactly that month, read per worker and sentra (each grouped or fixed).
    distinct = (p.start, p.end) == (first, month_end(last)) and first == last
    distinct = distinct and {"worker", "unit"} <= set(dims)
    from_kept = [
        c for c in kpi_months.KEPT if c in wanted and (distinct or c in kpi_months.ADDITIVE)
    ]
    group = [f"g_{d}" for d in by]
    counts = kpi_months.kept_counts(
        first,
        last,
        from_kept,
        grouping,
        lambda rows: (_grouped(Facts(rows, TALLY_PATHS), by, scope, filters), group),
    )
    if "worker" not in by:
        # Leave excuses a worker, not a sentra or target group (see _milestone_counts): kept
        # milestone failures carry the excuse, which only a worker's figure reads.
        for code in MILESTONE_KPIS:
            for outcomes in counts.get(code, {}).values():
                for outcome in [o for o in outcomes if o.endswith(EXCUSED)]:
                    outcomes[outcome.removesuffix(EXCUSED)] += outcomes.pop(outcome)
    # The days around the kept months add their own facts (every KPI kept there adds up) ...
    around = []
    if p.start < first:
        around.append(Period(p.start, first - dt.timedelta(days=1)))
    if month_end(last) < p.end:
        around.append(Period(next_month(last), p.end))
    for sub in around:
        _add_counts(
            counts, _live_counts(replace(ctx, period=sub), set(from_kept), by, scope, filters)
        )
    # ... and what cannot be added up is counted live over the whole period.
    rest = wanted - set(from_kept)
    if rest:
        counts.update(_live_counts(ctx, rest, by, scope, filters))
    return counts


def _add_counts(counts: dict[str, Counts], more: dict[str, Counts]) -> None:
    for code, table in more.items():
        target = counts.setdefault(code, _nested())
        for key, outcomes in table.items():
            for outcome, n in outcomes.items():
                target[key][outcome] += n


def _rows(ctx, scope, by, filters, codes, wanted, plan, mark) -> list[KpiRow]:
    by_worker = "worker" in by
    counts = _case_counts(ctx, wanted, by, scope, filters, plan)
    if "services_per_case" in codes:
        counts["services_per_case"] = _services_counts(ctx, by, scope, filters, mark)
    if "reports_on_time" in codes and not (set(by) & {"target_group", "approach"}):
        counts["reports_on_time"] = _report_counts(scope, ctx, by, filters)
    counts = {
        code: table for code, table in counts.items() if code in codes or code == "cases_handled"
    }
    keys = sorted({key for table in counts.values() for key in table}, key=_sort_key)
    rows = []
    for key in keys:
        figures = {}
        for code in codes:
            figure = Figure(KPI_BY_CODE[code], dict(counts.get(code, {}).get(key, {})), by_worker)
            if code == "services_per_case":
                figure.handled = counts["cases_handled"].get(key, {}).get("handled", 0)
            figures[code] = figure
        rows.append(KpiRow(key=dict(zip(by, key, strict=True)), figures=figures))
    _label(rows)
    return rows


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, "" if v is None else str(v)) for v in key)


def _label(rows: list[KpiRow]) -> None:
    """Adds names for the ids in each row's key (two queries)."""
    worker_ids = {r.key.get("worker") for r in rows} - {None}
    unit_ids = {r.key.get("unit") for r in rows} - {None}
    # (only what a label shows: a national table names thousands of workers)
    workers = {
        u.pk: u
        for u in User.objects.filter(pk__in=worker_ids).only(
            "pk", "username", "first_name", "last_name"
        )
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "name")}
    groups = dict(TargetGroup.choices)
    approaches = dict(Approach.choices)
    for row in rows:
        if "worker" in row.key:
            worker = workers.get(row.key["worker"])
            row.labels["worker"] = str(worker) if worker else _("Belum ada pendamping")
            row.labels["worker_obj"] = worker
        if "unit" in row.key:
            unit = units.get(row.key["unit"])
            row.labels["unit"] = unit.name if unit else "–"
        if "target_group" in row.key:
            row.labels["target_group"] = groups.get(
                row.key["target_group"], row.key["target_group"]
            )
        if "approach" in row.key:
            row.labels["approach"] = approaches.get(row.key["approach"], row.key["approach"])


# ---------------------------------------------------------------------------------------------
# Monthly reports on time
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFact:
    worker_id: int
    unit_id: int
    month: dt.date
    due: dt.date  # after leave
    outcome: str
    report_id: int | None


def report_facts(scope: Scope, ctx: Context, filters: Filters = Filters()) -> list[ReportFact]:
    """Returns, per pendamping and month, whether the report due in the period came on time.

    Months are expected from a pendamping while they belonged to a unit (assignment history)
    and had at least one working day without leave.
    """
    p = ctx.period
    only_worker = scope.worker if scope.worker is not None else filters.worker
    only_units = {u for u in (scope.unit, filters.unit) if u is not None}
    if len(only_units) > 1 or (
        scope.worker is not None and filters.worker not in (None, scope.worker)
    ):
        return []
    workers = User.objects.filter(role=Role.PENDAMPING)
    if only_worker is not None:
        workers = workers.filter(pk=only_worker)
    if only_units:
        (unit_id,) = only_units
        workers = workers.filter(Q(unit_id=unit_id) | Q(assignments__unit_id=unit_id)).distinct()
    # The workers once as a list, and as a subquery for the reads below (rather than a list
    # of thousands of ids sent back as parameters).
    worker_ids = workers.values("pk")
    workers = list(workers.only("pk", "unit_id", "date_joined"))
    spans = assignment_spans(workers)
    first_month = month_start(p.start - dt.timedelta(days=62))
    report_months = months(first_month, p.end)
    horizon = p.end + dt.timedelta(days=400)
    absences: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for absent_id, starts_on, ends_on in Absence.objects.filter(
        worker_id__in=worker_ids,
        cancelled_at__isnull=True,
        starts_on__lte=horizon,
        ends_on__gte=first_month,
    ).values_list("worker_id", "starts_on", "ends_on"):
        absences[absent_id].append((starts_on, ends_on))
    zone = timezone.get_current_timezone()
    reports = {
        (worker_id, month): (pk, unit_id, submitted)
        for pk, worker_id, month, unit_id, submitted in MonthlyReport.objects.filter(
            worker__in=worker_ids, month__gte=first_month, month__lte=p.end
        )
        .order_by()
        .annotate(submitted_on=TruncDate("first_submitted_at", tzinfo=zone))
        .values_list("pk", "worker_id", "month", "unit_id", "submitted_on")
    }
    calendar = WorkCalendar()
    # Per month: its last day, the next month, its working days, the n of the due rule and the
    # due date for a worker without leave.
    plan = {}
    for month in report_months:
        following = next_month(month)
        rules = ctx.rules.on(following)
        due = report_due(0, month, rules=rules, calendar=calendar, away=set())[0]
        plan[month] = (
            month_end(month),
            following,
            calendar.working_days(month, month_end(month)),
            rules.setting_int(SettingKey.REPORT_DUE_WORKING_DAY),
            due,
        )
    facts = []
    today = ctx.today
    for worker in workers:
        own = absences.get(worker.pk, [])
        # The months whose report a leave may move: a leave reaching into the month and
        # starting by its report's due date (in the following month).
        moved_months = set()
        for first, end in own:
            # (a report is due in the month after its own: only the month before the leave
            # starts and the months it spans can qualify)
            for month in months(month_start(first) - dt.timedelta(days=1), end):
                if month in plan and first <= plan[month][4]:
                    moved_months.add(month)
        away_all = (
            {d for first, last in own for d in days(max(first, first_month), last)}
            if moved_months
            else set()
        )
        worker_spans = spans[worker.pk]
        # Most workers never moved: one open span, the same unit every month.
        only = worker_spans[0] if len(worker_spans) == 1 and worker_spans[0].last is None else None
        for month in report_months:
            last, following, working, n, due = plan[month]
            if only is not None:
                if only.first is not None and only.first > last:
                    continue  # not yet in the unit that month
                unit_id = only.unit_id
            else:
                unit_id = unit_on(worker_spans, last) or unit_on(worker_spans, month)
                if unit_id is None:
                    continue  # not in any unit that month
            report = reports.get((worker.pk, month))
            if month in moved_months:
                if report is None and working and all(d in away_all for d in working):
                    continue  # on leave the whole month: no report expected
                due = due_after_leave(calendar, following, n, due, away_all)
            if p.start <= due <= p.end:
                report_id, report_unit, submitted = report or (None, unit_id, None)
                outcome = timeliness(submitted, due, today)
                facts.append(ReportFact(worker.pk, report_unit, month, due, outcome, report_id))
    return [f for f in facts if not only_units or f.unit_id in only_units]


def _report_counts(scope: Scope, ctx: Context, by, filters: Filters) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fact in report_facts(scope, ctx, filters):
        values = {"worker": fact.worker_id, "unit": fact.unit_id}
        out[tuple(values[d] for d in by)][fact.outcome] += 1
    return out


# ---------------------------------------------------------------------------------------------
# Drill-down: the cases behind a figure
# ---------------------------------------------------------------------------------------------


def _drill_facts(user, code, period, filters, outcome, now) -> QuerySet | None:
    scope = scope_for(user)
    if scope is None or code not in FACTS:
        return None
    holdings_sync()
    facts = FACTS[code](_context(period, now)).with_dims()
    facts = facts.filter(scope.q() & filters.q())
    if outcome == "excused":
        return facts.filter(o__endswith=EXCUSED)
    if outcome:
        return facts.filter(Q(o=outcome) | Q(o=outcome + EXCUSED))
    return facts


def kpi_cases(
    user,
    code: str,
    period: Period,
    *,
    filters: Filters = Filters(),
    outcome: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Case]:
    """Returns the cases behind one KPI figure (optionally one outcome), within the user's cases.

    `outcome` "excused" gives the failures excused by leave. Monthly reports have no cases:
    use `kpi_reports`.
    """
    if code not in FACTS:
        raise KeyError(code)
    facts = _drill_facts(user, code, period, filters, outcome, now)
    if facts is None:
        return Case.objects.none()
    return cases_visible_to(user).filter(pk__in=facts.order_by().values("g_case"))


def kpi_case_ids(
    user,
    code: str,
    period: Period,
    *,
    filters: Filters = Filters(),
    outcome: str | None = None,
    now: dt.datetime | None = None,
) -> set[int]:
    """Returns the ids of all cases behind a figure, also those the user can no longer open
    (a case since transferred to another sentra still counts for the sentra that held it)."""
    facts = _drill_facts(user, code, period, filters, outcome, now)
    if facts is None:
        return set()
    return set(facts.order_by().values_list("g_case", flat=True).distinct())


def kpi_reports(
    user, period: Period, *, filters: Filters = Filters(), now: dt.datetime | None = None
) -> list[ReportFact]:
    """Returns the monthly reports (and missing ones) behind the reports-on-time figure."""
    scope = scope_for(user)
    if scope is None:
        return []
    return report_facts(scope, _context(period, now), filters)
