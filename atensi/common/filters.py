"""Filtering the audit trail; shared by the audit API and the audit page."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditLog


def day_range(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Returns the aware [start, end) instants covering whole local days (Asia/Jakarta).

    People think in office days, so "until 31-01-2026" includes the whole of that day in WIB.
    """
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone) if date_from else None
    end = (
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        if date_to
        else None
    )
    return start, end


def audit_rows_filter(
    rows: QuerySet[AuditLog],
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str = "",
) -> QuerySet[AuditLog]:
    """Narrows audit rows by actor username, action, object, local dates and the actor's unit code."""
    if actor:
        rows = rows.filter(actor_username=actor)
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    start, end = day_range(date_from, date_to)
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    if unit:
        rows = rows.filter(unit__code=unit)
    return rows
