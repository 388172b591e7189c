"""The monthly report's content and timing, computed from the case records.

The figures are the month's recorded work of the worker, credited to whoever recorded it:
contacts and other notes they wrote, assessments they completed, plans they drew up, services
they gave or recorded, aftercare visits they made and terminations they recorded.

The report is due on the n-th working day of the next month (rule `report_due_working_day`).
Days the worker is on recorded leave do not count towards the n, so leave moves the due date
on. A report is on time when it was first submitted on or before that day; a report returned
for correction and submitted again keeps the timeliness of its first submission.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atensi.accounts.models import User
from atensi.cases import workflow
from atensi.cases.choices import NoteKind, Stage
from atensi.cases.models import (
    AftercareVisit,
    Assessment,
    Case,
    CaseEvent,
    CaseNote,
    Plan,
    ServiceDelivery,
)

from .models import SettingKey
from .rules import RuleBook
from .selectors import absences_between
from .workdays import WorkCalendar, absent_days, month_end, next_month

WORK_KINDS = {
    "contacts": _("Kontak / kunjungan"),
    "notes": _("Catatan kasus"),
    "assessments": _("Asesmen selesai"),
    "plans": _("Rencana intervensi disusun"),
    "services": _("Layanan diberikan"),
    "aftercare_visits": _("Kunjungan bimbingan lanjut"),
    "terminations": _("Terminasi"),
}


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not submitted, still before the due date
    OVERDUE = "overdue"  # not submitted, due date passed

    LABELS = {
        "on_time": _("tepat waktu"),
        "late": _("terlambat"),
        "pending": _("belum jatuh tempo"),
        "overdue": _("lewat batas, belum diajukan"),
    }


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=zone)


def report_figures(worker: User, month: dt.date, *, rules: RuleBook | None = None) -> dict:
    """Returns the month's work of `worker`: totals and counts per case (eight queries)."""
    start, end = _bounds(month)
    last_day = month_end(month)
    per_case: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WORK_KINDS, 0))

    def add(kind: str, records):
        """Counts `records` (a queryset with a case_id) per case under `kind`."""
        for case_id, n in records.order_by().values_list("case_id").annotate(n=Count("id")):
            per_case[case_id][kind] += n

    notes = CaseNote.objects.filter(author=worker, happened_at__gte=start, happened_at__lt=end)
    for case_id, kind, n in notes.order_by().values_list("case_id", "kind").annotate(n=Count("id")):
        per_case[case_id]["contacts" if kind == NoteKind.CONTACT else "notes"] += n
    add(
        "assessments",
        Assessment.objects.filter(assessor=worker, completed_at__gte=start, completed_at__lt=end),
    )
    add(
        "plans",
        Plan.objects.filter(created_by=worker, created_at__gte=start, created_at__lt=end),
    )
    add(
        "services",
        ServiceDelivery.objects.filter(Q(provider=worker) | Q(recorded_by=worker)).filter(
            delivered_on__gte=month, delivered_on__lte=last_day
        ),
    )
    add(
        "aftercare_visits",
        AftercareVisit.objects.filter(visited_by=worker, done_at__gte=start, done_at__lt=end),
    )
    add(
        "terminations",
        CaseEvent.objects.filter(
            actor=worker, kind="stage", stage_to=Stage.TERMINATION, at__gte=start, at__lt=end
        ),
    )
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=list(per_case))
        .select_related("person")
        .only("pk", "number", "stage", "target_group", "person__full_name")
    }
    lines = []
    for case_id, counts in per_case.items():
        case = cases.get(case_id)
        if case is None:
            continue
        lines.append(
            {
                "case": case_id,
                "number": case.number,
                "name": case.person.full_name,
                "target_group": case.target_group,
                "stage": case.stage,
                "counts": counts,
            }
        )
    lines.sort(key=lambda line: line["number"])
    totals = {kind: sum(line["counts"][kind] for line in lines) for kind in WORK_KINDS}
    calendar = WorkCalendar()
    working = calendar.working_days(month, last_day)
    away = absent_days(
        absences_between([worker.pk], month, last_day).get(worker.pk, []), month, last_day
    )
    active = Case.objects.filter(pendamping=worker, stage__in=workflow.ACTIVE).count()
    return {
        "month": month.strftime("%Y-%m"),
        "totals": totals,
        "cases_worked": len(lines),
        "cases": lines,
        "working_days": len(working),
        "absence_days": len([d for d in working if d in away]),
        "active_cases": active,
    }


def report_due(
    worker_id: int,
    month: dt.date,
    *,
    rules: RuleBook | None = None,
    calendar: WorkCalendar | None = None,
    away: set[dt.date] | None = None,
) -> tuple[dt.date, dt.date]:
    """Returns (due date, due date moved on by the worker's leave) for a month's report.

    `away` holds the worker's days of leave (read from the database when None).
    """
    following = next_month(month)
    rules = rules or RuleBook(following)
    calendar = calendar or WorkCalendar()
    n = rules.setting_int(SettingKey.REPORT_DUE_WORKING_DAY)
    due = calendar.nth_working_day(following, n)
    if away is None:
        horizon = following + dt.timedelta(days=366)
        absences = absences_between([worker_id], following, horizon).get(worker_id, [])
        away = absent_days(absences, following, horizon)
    return due, due_after_leave(calendar, following, n, due, away)


def due_after_leave(
    calendar: WorkCalendar, following: dt.date, n: int, due: dt.date, away: set[dt.date]
) -> dt.date:
    """Moves the n-th working day of `following` on past the days in `away`."""
    span = (due - following).days + 1
    if not any(following + dt.timedelta(days=i) in away for i in range(span)):
        return due
    return calendar.nth_working_day(following, n, away=away)


def due_dates(reports, *, rules: RuleBook | None = None) -> dict[int, dt.date]:
    """Returns each report's due date moved on by its worker's leave (one query for the leave)."""
    reports = list(reports)
    if not reports:
        return {}
    rules = rules or RuleBook()
    calendar = WorkCalendar()
    first = min(r.month for r in reports)
    last = next_month(max(r.month for r in reports)) + dt.timedelta(days=366)
    leave = absences_between({r.worker_id for r in reports}, first, last)
    away = {w: absent_days(rows, first, last) for w, rows in leave.items()}
    out = {}
    for report in reports:
        following = next_month(report.month)
        out[report.pk] = report_due(
            report.worker_id,
            report.month,
            rules=rules.on(following),
            calendar=calendar,
            away=away.get(report.worker_id, set()),
        )[1]
    return out


def timeliness(first_submitted: dt.datetime | dt.date | None, due: dt.date, today: dt.date) -> str:
    """Judges a report by its first submission (None: not yet) against its due date.

    The submission is a moment or its day (Asia/Jakarta): on time is by the end of the due
    day. (The KPIs read thousands of reports and ask the database for the day.)
    """
    if first_submitted is not None:
        day = first_submitted
        if isinstance(day, dt.datetime):
            day = timezone.localtime(day).date()
        return Timeliness.ON_TIME if day <= due else Timeliness.LATE
    return Timeliness.OVERDUE if today > due else Timeliness.PENDING
