"""Who held each case, and in which sentra, at any moment: the CaseHolding table.

Performance is credited to the pendamping who held a case when something was due or done, so
a case reassigned or transferred mid-period counts for each holder for their own part. A case
itself keeps only its current pendamping; the audit trail keeps every change of it (the case
services audit `pendamping` and `unit` on every change, cases.services.AUDITED). This module
reads the audit rows it has not read yet and turns them into holding periods:

- a case's creation row opens its first holding, from the referral's receipt;
- a row that changes the pendamping or the unit (assignment, transfer) closes the open holding
  at that moment and opens the next one;
- a row that closes the case, or reopens it, copies its closing onto its holdings.

Cases that have no audit row at all (bulk loads) get one holding from their current values.
The sync is incremental (a mark remembers how far it read) and idempotent (each holding names
the audit row it came from), so every reader can call it first; it costs three small queries
when nothing changed.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from atensi.cases.models import Case, ServiceDelivery
from atensi.common.models import AuditAction, AuditLog

from .models import CaseHolding, SyncMark

SYNC_NAME = "case_holdings"
# Audit rows younger than this are read again by the next sync: a transaction that started
# earlier can commit a lower row id after a higher one was read.
REREAD = dt.timedelta(minutes=10)
CASE_OBJECT = "cases.case"


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _holding(case_id, worker_id, unit_id, since, source=None, closed_at=None) -> CaseHolding:
    return CaseHolding(
        case_id=case_id,
        worker_id=worker_id,
        unit_id=unit_id,
        since=since,
        since_day=_day(since),
        source_audit_id=source,
        case_closed_at=closed_at,
    )


def _close(holding: CaseHolding, at: dt.datetime) -> None:
    holding.until, holding.until_day = at, _day(at)


@transaction.atomic(savepoint=False)
def holdings_sync() -> int:
    """Brings CaseHolding up to date with the audit trail and the cases; returns rows written."""
    mark, created = SyncMark.objects.select_for_update().get_or_create(name=SYNC_NAME)
    read_before = (mark.last_audit_id, mark.last_case_id)
    now = timezone.now()
    rows = list(
        AuditLog.objects.filter(
            pk__gt=mark.last_audit_id,
            object_type=CASE_OBJECT,
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        )
        .order_by("pk")
        .values_list("pk", "at", "object_id", "action", "changes")
    )
    written = 0
    if rows:
        written += _apply(rows)
        written += _closings_copy(
            {
                int(object_id)
                for _pk, _at, object_id, _action, changes in rows
                if str(object_id).isdigit() and isinstance(changes, dict) and "closed_at" in changes
            }
        )
        settled = [pk for pk, at, *_rest in rows if at < now - REREAD]
        if settled:
            mark.last_audit_id = max(settled)
    last_case_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if last_case_id > mark.last_case_id:
        written += _backfill(mark.last_case_id)
    mark.last_case_id = last_case_id
    # Nothing new (the common case: every KPI read calls this): no write, no commit to wait for.
    if created or written or (mark.last_audit_id, mark.last_case_id) != read_before:
        mark.synced_at = now
        mark.save()
    return written


def _apply(rows) -> int:
    relevant = []
    for pk, at, object_id, action, changes in rows:
        if not str(object_id).isdigit() or not isinstance(changes, dict):
            continue
        if action == AuditAction.CREATE or "pendamping" in changes or "unit" in changes:
            relevant.append((pk, at, int(object_id), action, changes))
    if not relevant:
        return 0
    seen = set(
        CaseHolding.objects.filter(source_audit_id__in=[r[0] for r in relevant]).values_list(
            "source_audit_id", flat=True
        )
    )
    relevant = [r for r in relevant if r[0] not in seen]
    case_ids = {r[2] for r in relevant}
    cases = {
        c["pk"]: c
        for c in Case.objects.filter(pk__in=case_ids).values(
            "pk", "received_at", "pendamping_id", "unit_id", "closed_at"
        )
    }
    held = set(CaseHolding.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True))
    open_rows = {
        h.case_id: h for h in CaseHolding.objects.filter(case_id__in=case_ids, until__isnull=True)
    }
    closed, created = [], []
    for pk, at, case_id, action, changes in relevant:
        case = cases.get(case_id)
        if case is None:  # the case is gone; its audit rows stay
            continue
        if action == AuditAction.CREATE:
            if case_id in held:
                continue  # backfilled before this row was read
            received = parse_datetime(str(changes.get("received_at", [None, ""])[1] or ""))
            first = _holding(
                case_id,
                changes.get("pendamping", [None, None])[1],
                changes.get("unit", [None, case["unit_id"]])[1],
                received or case["received_at"],
                source=pk,
                closed_at=case["closed_at"],
            )
            created.append(first)
            open_rows[case_id] = first
            held.add(case_id)
            continue
        current = open_rows.get(case_id)
        if current is None:
            # A case from before the audit trail (bulk load): its first holder is the one
            # this change replaces.
            current = _holding(
                case_id,
                changes["pendamping"][0] if "pendamping" in changes else case["pendamping_id"],
                changes["unit"][0] if "unit" in changes else case["unit_id"],
                case["received_at"],
                closed_at=case["closed_at"],
            )
            created.append(current)
            held.add(case_id)
        _close(current, max(at, current.since))
        if current.pk:
            closed.append(current)
        following = _holding(
            case_id,
            changes["pendamping"][1] if "pendamping" in changes else current.worker_id,
            changes["unit"][1] if "unit" in changes else current.unit_id,
            current.until,
            source=pk,
            closed_at=case["closed_at"],
        )
        created.append(following)
        open_rows[case_id] = following
    CaseHolding.objects.bulk_update(closed, ["until", "until_day"])
    CaseHolding.objects.bulk_create(created)
    return len(closed) + len(created)


def _backfill(after_case_id: int) -> int:
    """Gives a holding to the cases that have none (loaded in bulk, without audit rows)."""
    missing = (
        Case.objects.filter(pk__gt=after_case_id)
        .filter(~Exists(CaseHolding.objects.filter(case_id=OuterRef("pk"))))
        .values_list("pk", "pendamping_id", "unit_id", "received_at", "closed_at")
    )
    batch, written = [], 0
    for pk, worker_id, unit_id, received_at, closed_at in missing.iterator(chunk_size=5000):
        batch.append(_holding(pk, worker_id, unit_id, received_at, closed_at=closed_at))
        if len(batch) == 5000:
            written += len(CaseHolding.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(CaseHolding.objects.bulk_create(batch))
    return written


def _closings_copy(case_ids: set[int]) -> int:
    """Copies each case's closing (or its undoing by a reopening) onto its holdings."""
    if not case_ids:
        return 0
    closed_at = Case.objects.filter(pk=OuterRef("case_id")).values("closed_at")[:1]
    return CaseHolding.objects.filter(case_id__in=case_ids).update(
        case_closed_at=Subquery(closed_at)
    )


# ---------------------------------------------------------------------------------------------
# Reading facts through the holdings
# ---------------------------------------------------------------------------------------------

HOLDING_PATHS = {
    "worker": "worker_id",
    "unit": "unit_id",
    "target_group": "case__target_group",
    "approach": "case__approach",
    "case": "case_id",
}
# Facts read from a case's part (services, visits) reach the holding through the case.
PART_PATHS = {
    "worker": "case__holdings__worker_id",
    "unit": "case__holdings__unit_id",
    "target_group": "case__target_group",
    "approach": "case__approach",
    "case": "case_id",
}


def held_at(moment, prefix: str = "") -> Q:
    """Holdings open at `moment` (an expression over the row)."""
    return Q(**{f"{prefix}since__lte": moment}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": moment})
    )


def held_on_day(day_field: str, prefix: str = "case__holdings__") -> Q:
    """Holdings open at the end of the day in `day_field` (the last holder of that day)."""
    return Q(**{f"{prefix}since_day__lte": F(day_field)}) & (
        Q(**{f"{prefix}until_day__isnull": True}) | Q(**{f"{prefix}until_day__gt": F(day_field)})
    )


def service_holder() -> Q:
    """The holding a service counts for: the one open when it was recorded on its day of
    delivery, else (recorded later) the one open at the end of its day of delivery. Both are
    settled once recorded, since a holding never starts in the past."""
    same_day = Q(recorded_day=F("delivered_on")) & held_at(
        F("recorded_at"), prefix="case__holdings__"
    )
    later = Q(recorded_day__gt=F("delivered_on")) & held_on_day("delivered_on")
    return same_day | later


def services_held() -> QuerySet:
    return ServiceDelivery.objects.annotate(
        recorded_day=TruncDate("recorded_at", tzinfo=timezone.get_current_timezone())
    ).filter(service_holder())
