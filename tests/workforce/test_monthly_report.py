"""The monthly report: generated from the month's recorded work, narrative, submitted, returned
with a comment, resubmitted, approved; due date, leave and lateness; who may see and decide."""

import datetime as dt

import pytest

from atensi.cases import services as case_services
from atensi.common.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.workforce.choices import ReportStatus
from atensi.workforce.models import MonthlyReport
from atensi.workforce.reports import Timeliness, report_due, timeliness
from atensi.workforce.selectors import reports_visible_to, reports_waiting
from atensi.workforce.services import (
    absence_record,
    report_decide,
    report_narrative_save,
    report_open,
    report_refresh,
    report_submit,
)
from tests.workforce.conftest import at, jkt
from tests.workforce.timeline import approve_plan, assess, contact, open_case, serve

pytestmark = pytest.mark.django_db

FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture
def february_work(pendamping_a, pendamping_a2, supervisor_a):
    """Sri's February: two cases contacted, one assessed, planned and served twice; a note.
    Agus contacts a third case (not Sri's work)."""
    one = open_case(pendamping_a, jkt(2026, 1, 28))
    contact(pendamping_a, one, jkt(2026, 2, 2, 10))
    assess(pendamping_a, one, jkt(2026, 2, 5, 10))
    approve_plan(pendamping_a, supervisor_a, one, jkt(2026, 2, 9, 10))
    serve(pendamping_a, one, dt.date(2026, 2, 10))
    serve(pendamping_a, one, dt.date(2026, 2, 17))
    two = open_case(pendamping_a, jkt(2026, 2, 20))
    contact(pendamping_a, two, jkt(2026, 2, 23, 10))
    with at(jkt(2026, 2, 24, 10)):
        case_services.note_add(actor=pendamping_a, case=two, kind="note", text="Rapat keluarga")
    other = open_case(pendamping_a2, jkt(2026, 2, 20))
    contact(pendamping_a2, other, jkt(2026, 2, 21, 10))
    contact(pendamping_a, one, jkt(2026, 3, 2, 10))  # March: not in February's report
    return {"one": one, "two": two}


def open_report(worker, when=None):
    with at(when or jkt(2026, 3, 2, 8)):
        return report_open(actor=worker, month=FEBRUARY)


def test_the_report_is_generated_from_the_months_recorded_work(pendamping_a, february_work):
    report = open_report(pendamping_a)
    totals = report.figures["totals"]
    assert totals == {
        "contacts": 2,
        "notes": 1,
        "assessments": 1,
        "plans": 1,
        "services": 2,
        "aftercare_visits": 0,
        "terminations": 0,
    }
    lines = {line["number"]: line["counts"] for line in report.figures["cases"]}
    assert lines[february_work["one"].number]["services"] == 2
    assert lines[february_work["two"].number]["notes"] == 1
    assert report.figures["cases_worked"] == 2
    assert report.figures["working_days"] == 18  # 20 weekdays less Imlek and its cuti bersama
    assert report.due_on == dt.date(2026, 3, 6)  # 5th working day of March
    assert report.status == ReportStatus.DRAFT
    assert [e.action for e in report.events.all()] == ["generated"]


def test_opening_twice_gives_the_same_report(pendamping_a):
    assert open_report(pendamping_a).pk == open_report(pendamping_a).pk


def test_submit_return_resubmit_approve(pendamping_a, supervisor_a, head_a, february_work):
    report = open_report(pendamping_a)
    with at(jkt(2026, 3, 3, 9)):
        with pytest.raises(ApplicationError) as no_text:
            report_submit(actor=pendamping_a, report=report)
        assert no_text.value.details == {"narrative": ["Wajib diisi."]}
        report = report_narrative_save(
            actor=pendamping_a, report=report, narrative="Dua kasus didampingi."
        )
        report = report_submit(actor=pendamping_a, report=report, expected_version=report.version)
    assert report.status == ReportStatus.SUBMITTED
    assert list(reports_waiting(supervisor_a)) == [report]
    with at(jkt(2026, 3, 4, 9)):
        with pytest.raises(ApplicationError):
            report_decide(actor=supervisor_a, report=report, approve=False)  # no comment
        report = report_decide(
            actor=supervisor_a, report=report, approve=False, comment="Lengkapi hasil asesmen."
        )
    assert report.status == ReportStatus.RETURNED
    assert report.decision_comment == "Lengkapi hasil asesmen."
    with at(jkt(2026, 3, 9, 9)):  # after the due date: still on time, judged by the first
        report = report_narrative_save(
            actor=pendamping_a, report=report, narrative="Dua kasus; asesmen BPSS selesai."
        )
        report = report_submit(actor=pendamping_a, report=report)
    with at(jkt(2026, 3, 10, 9)):
        report = report_decide(actor=supervisor_a, report=report, approve=True)
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.status == ReportStatus.APPROVED
    assert report.first_submitted_at == jkt(2026, 3, 3, 9)
    assert report.submitted_at == jkt(2026, 3, 9, 9)
    assert timeliness(report.first_submitted_at, report.due_on, dt.date(2026, 3, 10)) == (
        Timeliness.ON_TIME
    )
    history = [(e.action, e.status_to, e.comment) for e in report.events.order_by("at", "id")]
    assert history == [
        ("generated", "draft", ""),
        ("submitted", "submitted", ""),
        ("returned", "returned", "Lengkapi hasil asesmen."),
        ("submitted", "submitted", ""),
        ("approved", "approved", ""),
    ]
    audited = AuditLog.objects.filter(
        object_type="workforce.monthlyreport", object_id=str(report.pk)
    )
    assert audited.count() == 7  # created, 2 narratives, 2 submissions, return, approval
    with pytest.raises(ApplicationError):
        report_narrative_save(actor=pendamping_a, report=report, narrative="Ubah")


def test_a_report_cannot_be_submitted_before_its_month_is_over(pendamping_a):
    with at(jkt(2026, 2, 27, 9)):
        report = report_open(actor=pendamping_a, month=FEBRUARY)
        report = report_narrative_save(actor=pendamping_a, report=report, narrative="x")
        with pytest.raises(ApplicationError) as early:
            report_submit(actor=pendamping_a, report=report)
    assert early.value.code == "month_not_over"


def test_a_stale_narrative_is_refused(pendamping_a):
    report = open_report(pendamping_a)
    with at(jkt(2026, 3, 2, 9)):
        report_narrative_save(actor=pendamping_a, report=report, narrative="satu")
        with pytest.raises(Conflict):
            report_narrative_save(
                actor=pendamping_a, report=report, narrative="dua", expected_version=1
            )


def test_refresh_picks_up_work_recorded_later(pendamping_a, february_work):
    report = open_report(pendamping_a)
    with at(jkt(2026, 3, 2, 11)):
        case_services.note_add(
            actor=pendamping_a,
            case=february_work["two"],
            kind="note",
            text="Catatan susulan",
            happened_at=jkt(2026, 2, 27, 10),
        )
        report = report_refresh(actor=pendamping_a, report=report)
    assert report.figures["totals"]["notes"] == 2


def test_a_late_report_is_visible(pendamping_a):
    report = open_report(pendamping_a)
    with at(jkt(2026, 3, 9, 9)):
        report = report_narrative_save(actor=pendamping_a, report=report, narrative="x")
        report = report_submit(actor=pendamping_a, report=report)
    assert timeliness(report.first_submitted_at, report.due_on, dt.date(2026, 3, 9)) == (
        Timeliness.LATE
    )
    assert timeliness(None, dt.date(2026, 3, 6), dt.date(2026, 3, 7)) == Timeliness.OVERDUE
    assert timeliness(None, dt.date(2026, 3, 6), dt.date(2026, 3, 6)) == Timeliness.PENDING


def test_leave_moves_the_due_date_on(head_a, pendamping_a):
    absence_record(
        actor=head_a,
        worker=pendamping_a,
        kind="annual",
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2026, 11, 4),
    )
    due, moved = report_due(pendamping_a.pk, dt.date(2026, 10, 1))
    assert due == dt.date(2026, 11, 6)
    assert moved == dt.date(2026, 11, 11)


def test_holidays_are_not_working_days(pendamping_a):
    # April 2026: 1, 2, (3: Good Friday), 6, 7, 8 — the 5th working day is 8 April.
    assert report_due(pendamping_a.pk, dt.date(2026, 3, 1))[0] == dt.date(2026, 4, 8)


def test_only_the_worker_files_and_only_their_supervisor_or_head_decides(
    pendamping_a, pendamping_a2, head_b, supervisor_a, analyst_anak, finance_a
):
    report = open_report(pendamping_a)
    with at(jkt(2026, 3, 3, 9)):
        report = report_narrative_save(actor=pendamping_a, report=report, narrative="x")
        with pytest.raises(NotFound):
            report_submit(actor=pendamping_a2, report=report)
        report = report_submit(actor=pendamping_a, report=report)
        with pytest.raises(NotFound):
            report_decide(actor=head_b, report=report, approve=True)
        with pytest.raises(PermissionDenied):
            report_decide(actor=analyst_anak, report=report, approve=True)
        with pytest.raises(PermissionDenied):
            report_open(actor=supervisor_a, month=FEBRUARY)
    assert report not in reports_visible_to(pendamping_a2)
    assert report in reports_visible_to(supervisor_a)
    assert report in reports_visible_to(analyst_anak)
    assert not reports_visible_to(finance_a).exists()


def test_on_time_means_by_the_end_of_the_due_day_in_jakarta():
    from zoneinfo import ZoneInfo

    jakarta, utc = ZoneInfo("Asia/Jakarta"), dt.UTC
    due, today = dt.date(2026, 3, 6), dt.date(2026, 3, 20)
    last_minute = dt.datetime(2026, 3, 6, 23, 59, tzinfo=jakarta)
    next_day = dt.datetime(2026, 3, 7, 0, 0, tzinfo=jakarta)
    assert timeliness(last_minute, due, today) == Timeliness.ON_TIME
    assert timeliness(next_day, due, today) == Timeliness.LATE
    # 16:59 UTC on 6 March is 23:59 in Jakarta; 17:00 UTC is already 7 March there.
    assert timeliness(dt.datetime(2026, 3, 6, 16, 59, tzinfo=utc), due, today) == Timeliness.ON_TIME
    assert timeliness(dt.datetime(2026, 3, 6, 17, 0, tzinfo=utc), due, today) == Timeliness.LATE
    # The day alone, as the KPIs read it from the database.
    assert timeliness(dt.date(2026, 3, 6), due, today) == Timeliness.ON_TIME
    assert timeliness(dt.date(2026, 3, 7), due, today) == Timeliness.LATE
    assert timeliness(None, due, dt.date(2026, 3, 6)) == Timeliness.PENDING
