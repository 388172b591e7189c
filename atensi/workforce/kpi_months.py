"""Settled months of the KPIs, counted once and kept until the data behind them changes.

A national figure over a year reads every case, holding and aftercare visit of that year; the
months of it that are over do not change by themselves, only when somebody changes the data.
So the counts of a settled month (KpiMonth) are kept per worker, sentra, target group and
approach (KpiMonthCount), computed by the same aggregates as any live figure (kpis.py), and a
reading adds up the kept months and counts only the rest of its period live.

- Settled: a month is kept once nothing due in it can still change by the passing of time: its
  deadlines have passed (a milestone not reached is overdue, not pending) and so have its
  aftercare visits' grace days (a visit not made is missing, not pending).
- Kept exactly: every change that moves a KPI fact is audited (the case services audit the
  case fields below, aftercare visits and leave), so this module reads the audit trail after
  its mark, as holdings.py does, and removes the kept months each change touches:
  - a case: the months of its deadlines (receipt up to the longest response target), of its
    closing, and the month of the change itself (a new holder counts from that moment); a new
    target group or approach, a moved receipt or a reopening touch all its months since receipt;
  - an aftercare visit: the month it was scheduled in (before and after a change);
  - leave, which excuses what fell due during it: the months it spans.
  Cases written without an audit row (bulk loads) count as new: all their months.
- A kept month names the rules it was counted under (response targets, aftercare grace days);
  under other rules it is counted again.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from atensi.cases.models import AftercareVisit, Case, ResponseTarget
from atensi.common.bulk import model_rows_insert
from atensi.common.models import AuditLog

from .holdings import REREAD
from .models import Absence, KpiMonth, KpiMonthCount, SettingKey, SyncMark
from .workdays import month_start, months, whole_months

SYNC_NAME = "kpi_months"
# The KPIs kept per month. Cases handled counts distinct cases, so its kept figure serves only a
# period of exactly one month; the others add up over months.
KEPT = (
    "cases_handled",
    "goals_met",
    "first_contact",
    "assessment",
    "plan_approved",
    "aftercare_on_time",
)
ADDITIVE = tuple(code for code in KEPT if code != "cases_handled")
# The two groupings a month is kept in: a figure grouped and filtered within one of them is
# read from it. Per sentra, target group and approach (the national view, like with like), per
# worker and sentra (a worker's figure, the team board). Cases handled is kept per worker only.
GROUPINGS = {
    "group": ("unit", "target_group", "approach"),  # first: the fewer rows
    "worker": ("worker", "unit"),
}

CASE_TYPE, VISIT_TYPE = "cases.case", "cases.aftercarevisit"
ABSENCE_TYPE = "workforce.absence"
# Case fields whose change can move a KPI fact.
CASE_FACT_FIELDS = frozenset(
    {
        "received_at",
        "urgency",
        "target_group",
        "approach",
        "stage",
        "pendamping",
        "unit",
        "first_contact_at",
        "assessed_at",
        "plan_approved_at",
        "terminated_at",
        "termination_reason",
        "closed_at",
    }
)
# A change of these moves every fact of the case, whatever its month.
CASE_WIDE_FIELDS = frozenset({"received_at", "target_group", "approach"})
# A new holder (assignment, transfer) holds the case from the moment of the change on.
HOLDER_FIELDS = frozenset({"pendamping", "unit"})

Counts = dict[tuple, dict[str, int]]
# month → {grouping: {kpi: counts keyed by the grouping's dimensions}}
MonthCounter = Callable[[dt.date], dict[str, dict[str, Counts]]]


def grouping_for(dims: Iterable[str]) -> str | None:
    """Returns the kept grouping that can answer a figure over `dims` (grouped or fixed)."""
    dims = set(dims)
    return next((name for name, key in GROUPINGS.items() if dims <= set(key)), None)


def settled_until(today: dt.date, grace_days: int) -> dt.date:
    """The last day of the latest month that is settled on `today` (see the module's notes)."""
    return month_start(today - dt.timedelta(days=grace_days + 1)) - dt.timedelta(days=1)


def rules_name(grace_days: int) -> str:
    """Names the rules a month is counted under: the response targets and the grace days."""
    targets = sorted(
        ResponseTarget.objects.values_list("urgency", "milestone", "valid_from", "hours")
    )
    text = repr((targets, grace_days))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def kept_span(start: dt.date, end: dt.date, settled: dt.date) -> tuple[dt.date, dt.date] | None:
    """Returns the first and the last month (first days) of the period's whole, settled months."""
    whole = whole_months(start, min(end, settled))
    return (whole[0], month_start(whole[1])) if whole else None


# ---------------------------------------------------------------------------------------------
# Keeping the months
# ---------------------------------------------------------------------------------------------


def months_keep(
    first: dt.date, last: dt.date, *, rules: str, count: MonthCounter, now: dt.datetime
) -> None:
    """Makes sure every month from `first` to `last` (settled ones) is kept under `rules`,
    counting the ones that are not (or were removed by a change) with `count(month)`. Call
    inside a transaction.
    """
    _sync(now, last)
    wanted = months(first, last)
    kept = set(
        KpiMonth.objects.filter(month__in=wanted, rules=rules).values_list("month", flat=True)
    )
    missing = [month for month in wanted if month not in kept]
    for month in missing:
        _keep(month, rules, count(month), now)
    if missing and connection.vendor == "postgresql":
        # Fresh planner statistics: read with stale ones, a year's rows are sorted, not hashed.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {KpiMonthCount._meta.db_table}")


def months_kept(first: dt.date, last: dt.date, rules: str) -> bool:
    """Whether every month from `first` to `last` is kept under `rules`."""
    kept = KpiMonth.objects.filter(month__gte=first, month__lte=last, rules=rules).count()
    return kept == len(months(first, last))


@transaction.atomic
def months_forget() -> int:
    """Removes every kept month (the next readings count them again); returns how many.

    For data written without the audit trail (a bulk load, a repair in SQL), whose changes
    the sync cannot see.
    """
    KpiMonthCount.objects.all().delete()
    return KpiMonth.objects.all().delete()[0]


def _keep(month: dt.date, rules: str, counts: dict[str, dict[str, Counts]], now) -> None:
    rows = [
        {
            "grouping": grouping,
            "month": month,
            "kpi": code,
            "outcome": outcome,
            "n": n,
            **_key_fields(grouping, key),
        }
        for grouping, tables in counts.items()
        for code, table in tables.items()
        for key, outcomes in table.items()
        for outcome, n in outcomes.items()
        if n
    ]
    KpiMonthCount.objects.filter(month=month).delete()
    KpiMonth.objects.filter(month=month).delete()
    try:
        with transaction.atomic():  # a reader counting the same month at once got there first
            KpiMonth.objects.create(month=month, rules=rules, built_at=now)
            model_rows_insert(KpiMonthCount, rows)
    except IntegrityError:
        pass


def _key_fields(grouping: str, key: tuple) -> dict:
    fields = {"worker_id": None, "unit_id": None, "target_group": "", "approach": ""}
    for name, value in zip(GROUPINGS[grouping], key, strict=True):
        fields["unit_id" if name == "unit" else "worker_id" if name == "worker" else name] = value
    return fields


def _sync(now: dt.datetime, last_settled: dt.date) -> None:
    """Removes the kept months that the changes audited since the last sync touch (only
    months up to `last_settled` can be kept: a change touching later ones costs nothing)."""
    mark, created = SyncMark.objects.select_for_update().get_or_create(name=SYNC_NAME)
    last_case = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if created:
        # Nothing was kept before the mark existed: start from the data as it is.
        mark.last_audit_id = (
            AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        mark.last_case_id, mark.synced_at = last_case, now
        mark.save()
        return
    rows = list(
        AuditLog.objects.filter(
            pk__gt=mark.last_audit_id, object_type__in=[CASE_TYPE, VISIT_TYPE, ABSENCE_TYPE]
        )
        .order_by("pk")
        .values_list("pk", "at", "object_type", "object_id", "action", "changes")
    )
    touched: dict[dt.date, dt.datetime] = {}  # month → the latest change touching it

    def touch(moved: Iterable[dt.date], at: dt.datetime) -> None:
        for month in moved:
            if month > last_settled:
                continue
            if month not in touched or touched[month] < at:
                touched[month] = at

    for at, moved in _audited_months(rows, now):
        touch(moved, at)
    if last_case > mark.last_case_id:
        for received_at in Case.objects.filter(pk__gt=mark.last_case_id).values_list(
            "received_at", flat=True
        ):
            touch(months(_local_day(received_at), _local_day(now)), now)
    if touched:
        _forget(touched)
    settled = [pk for pk, at, *_rest in rows if at < now - REREAD]
    if settled or last_case > mark.last_case_id:
        mark.last_audit_id = max([mark.last_audit_id, *settled])
        mark.last_case_id = max(mark.last_case_id, last_case)
        mark.synced_at = now
        mark.save()


def _forget(touched: dict[dt.date, dt.datetime]) -> None:
    """Removes the kept months counted before a change touching them could have been seen.

    A month counted more than REREAD after the change saw it (the audit row commits with the
    change); the audit rows of the last REREAD are read again by every sync, and would
    otherwise remove the same months again and again.
    """
    stale = [
        month
        for month, built_at in KpiMonth.objects.filter(month__in=list(touched)).values_list(
            "month", "built_at"
        )
        if built_at < touched[month] + REREAD
    ]
    if stale:
        KpiMonthCount.objects.filter(month__in=stale).delete()
        KpiMonth.objects.filter(month__in=stale).delete()


def _audited_months(rows, now: dt.datetime):
    """Yields (moment, months) for each audit row: the months whose facts the change moves."""
    ids = {kind: set() for kind in (CASE_TYPE, VISIT_TYPE, ABSENCE_TYPE)}
    for _pk, _at, kind, object_id, action, changes in rows:
        if not str(object_id).isdigit():
            continue
        # (a new case's row carries its receipt)
        if kind != CASE_TYPE or (_case_fields_moved(changes) and action != "create"):
            ids[kind].add(int(object_id))
    # The current values of what the rows name (one query each, only for what is there).
    received = _lookup(Case, ids[CASE_TYPE], "received_at")
    visits = _lookup(AftercareVisit, ids[VISIT_TYPE], "scheduled_for")
    absences = (
        {
            pk: (starts_on, ends_on)
            for pk, starts_on, ends_on in Absence.objects.filter(
                pk__in=ids[ABSENCE_TYPE]
            ).values_list("pk", "starts_on", "ends_on")
        }
        if ids[ABSENCE_TYPE]
        else {}
    )
    longest = _longest_target() if ids[CASE_TYPE] else dt.timedelta(0)
    for _pk, at, kind, object_id, action, changes in rows:
        changes = changes if isinstance(changes, dict) else {}
        key = int(object_id) if str(object_id).isdigit() else None
        if kind == CASE_TYPE:
            yield at, _case_months(at, action, changes, received.get(key), longest, now)
        elif kind == VISIT_TYPE:
            days = [visits.get(key), *_dates(changes.get("scheduled_for"))]
            yield at, {month_start(day) for day in days if day}
        else:
            spans = [absences.get(key)]
            starts, ends = _dates(changes.get("starts_on")), _dates(changes.get("ends_on"))
            spans += list(zip(starts, ends, strict=False))
            yield at, {m for span in spans if span for m in months(*span)}


def _case_fields_moved(changes) -> bool:
    return isinstance(changes, dict) and bool(changes.keys() & CASE_FACT_FIELDS)


def _lookup(model, pks: set[int], field: str) -> dict:
    if not pks:
        return {}
    return dict(model.objects.filter(pk__in=pks).values_list("pk", field))


def _case_months(at, action, changes, received_at, longest, now) -> set[dt.date]:
    today = _local_day(now)
    receipts = [_local_day(r) for r in [received_at, *_moments(changes.get("received_at"))] if r]
    if not receipts:  # a case without a receipt is not a case: nothing to count
        return set()
    if action == "create" or (changes.keys() & CASE_WIDE_FIELDS) or _reopened(changes):
        return {m for day in receipts for m in months(day, today)}
    moved = changes.keys() & CASE_FACT_FIELDS
    if not moved:
        return set()
    touched = {month_start(_local_day(at))}
    if moved <= HOLDER_FIELDS:
        return touched
    for day in receipts:
        touched.update(months(day, day + longest))
    for closed in _moments(changes.get("closed_at")):
        touched.add(month_start(_local_day(closed)))
    return touched


def _reopened(changes: dict) -> bool:
    closed = changes.get("closed_at")
    return isinstance(closed, list) and len(closed) == 2 and closed[0] and not closed[1]


def _longest_target() -> dt.timedelta:
    hours = ResponseTarget.objects.order_by("-hours").values_list("hours", flat=True).first()
    return dt.timedelta(hours=hours or 0)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _values(pair) -> list:
    return [v for v in pair if v] if isinstance(pair, list) else []


def _moments(pair) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(v) for v in _values(pair) if isinstance(v, str)]


def _dates(pair) -> list[dt.date]:
    return [dt.date.fromisoformat(v[:10]) for v in _values(pair) if isinstance(v, str)]


# ---------------------------------------------------------------------------------------------
# Reading the kept months
# ---------------------------------------------------------------------------------------------


def kept_counts(
    first: dt.date, last: dt.date, codes: Iterable[str], grouping: str, grouped
) -> dict[str, Counts]:
    """Adds up the kept counts of the months from `first` to `last` per KPI, outcome and group.

    `grouped(queryset)` narrows the rows to the reader's scope and filters and returns the
    queryset with its `g_*` group columns (kpis._grouped over the tally's paths).
    """
    codes = list(codes)
    rows = KpiMonthCount.objects.filter(
        grouping=grouping, month__gte=first, month__lte=last, kpi__in=codes
    )
    qs, group = grouped(rows)
    out: dict[str, Counts] = {code: defaultdict(lambda: defaultdict(int)) for code in codes}
    for row in qs.values(*group, "kpi", "outcome").annotate(total=Sum("n")):
        out[row["kpi"]][tuple(row[g] for g in group)][row["outcome"]] += row["total"]
    return out


def grace_days(rules) -> int:
    return rules.setting_int(SettingKey.AFTERCARE_GRACE_DAYS)
