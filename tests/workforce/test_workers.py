"""Worker profiles, leave, training and certificates, and a worker's move to another sentra —
whose figures then split between the two sentra by the assignment history."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases.models import Case
from atensi.cases.services import case_open
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.workforce import kpis
from atensi.workforce.models import AbsenceDay, AssignmentHistory, Course
from atensi.workforce.rules import rules_ensure
from atensi.workforce.selectors import certificates_expiring, workers_visible_to
from atensi.workforce.services import (
    absence_cancel,
    absence_record,
    cases_reassign,
    report_narrative_save,
    report_open,
    report_submit,
    training_record,
    worker_move,
)
from tests.registry.factories import make_person
from tests.workforce.conftest import at, jkt, profile
from tests.workforce.timeline import contact, open_case

pytestmark = pytest.mark.django_db


# --- profile ----------------------------------------------------------------------------------


def test_a_profile_starts_the_assignment_history_and_is_audited(head_a, pendamping_a, sentra_a):
    saved = profile(
        head_a,
        pendamping_a,
        kind="pekerja_sosial",
        employment="pppk",
        contract_start=dt.date(2025, 1, 1),
        contract_end=dt.date(2029, 12, 31),
        areas=["31.75", "31.75.01"],
        languages=["Jawa", "Jawa", "Betawi"],
        certificate_level="generalis",
        certificate_number="PS-2025-0001",
        certificate_issued_on=dt.date(2025, 2, 1),
    )
    assert saved.languages == ["Jawa", "Betawi"]
    (history,) = AssignmentHistory.objects.filter(worker=pendamping_a)
    assert (history.unit, history.starts_on, history.ends_on) == (
        sentra_a,
        dt.date(2025, 1, 1),
        None,
    )
    assert AuditLog.objects.filter(
        object_type="workforce.workerprofile", object_id=str(saved.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"areas": ["99.99"]}, "areas"),
        ({"employment": "contract"}, "contract_end"),
        ({"certificate_level": "spesialis"}, "certificate_number"),
        ({"specialisations": ["dewasa"]}, "specialisations"),
    ],
)
def test_a_wrong_profile_is_refused_on_its_field(head_a, pendamping_a, values, field):
    with pytest.raises(ApplicationError) as refused:
        profile(head_a, pendamping_a, **values)
    assert field in refused.value.details


def test_only_the_head_of_the_sentra_edits_a_profile(head_b, supervisor_a, pendamping_a):
    with pytest.raises(NotFound):
        profile(head_b, pendamping_a)
    with pytest.raises(PermissionDenied):
        profile(supervisor_a, pendamping_a)


# --- leave and training -------------------------------------------------------------------------


def test_overlapping_leave_is_refused_and_cancelled_leave_frees_its_days(head_a, pendamping_a):
    absence = absence_record(
        actor=head_a,
        worker=pendamping_a,
        kind="annual",
        starts_on=dt.date(2026, 12, 21),
        ends_on=dt.date(2026, 12, 24),
    )
    assert AbsenceDay.objects.filter(absence=absence).count() == 4
    with pytest.raises(ApplicationError) as overlap:
        absence_record(
            actor=head_a,
            worker=pendamping_a,
            kind="sick",
            starts_on=dt.date(2026, 12, 24),
            ends_on=dt.date(2026, 12, 28),
        )
    assert overlap.value.code == "overlap"
    absence_cancel(actor=head_a, absence=absence)
    assert not AbsenceDay.objects.filter(worker=pendamping_a).exists()
    absence_record(
        actor=head_a,
        worker=pendamping_a,
        kind="sick",
        starts_on=dt.date(2026, 12, 24),
        ends_on=dt.date(2026, 12, 28),
    )


def test_a_certificate_valid_for_months_expires_and_is_flagged(head_a, pendamping_a):
    rules_ensure()
    course = Course.objects.get(code="SERTIFIKASI-PEKSOS")  # valid 60 months
    today = timezone.localdate()
    finished = today.replace(year=today.year - 5) + dt.timedelta(days=30)
    record = training_record(
        actor=head_a,
        worker=pendamping_a,
        course=course,
        started_on=finished - dt.timedelta(days=10),
        finished_on=finished,
        result="passed",
        certificate_number="SK-PEKSOS-1",
    )
    assert record.certificate_expires_on == finished.replace(year=finished.year + 5)
    expiring = certificates_expiring(workers_visible_to(head_a))
    assert [(e.worker, e.number) for e in expiring] == [(pendamping_a, "SK-PEKSOS-1")]


def test_training_is_recorded_only_by_the_team_leads(pendamping_a, pendamping_a2):
    rules_ensure()
    with pytest.raises(NotFound):
        training_record(
            actor=pendamping_a,
            worker=pendamping_a2,
            course=Course.objects.first(),
            started_on=dt.date(2026, 1, 5),
            result="ongoing",
        )


# --- a move to another sentra -------------------------------------------------------------------


def test_a_worker_with_active_cases_cannot_move(admin_user, pendamping_a2, sentra_b):
    open_case(pendamping_a2, jkt(2026, 3, 2))
    with pytest.raises(ApplicationError) as refused:
        worker_move(actor=admin_user, worker=pendamping_a2, unit=sentra_b, on=dt.date(2026, 3, 16))
    assert refused.value.code == "active_cases"


def test_a_move_mid_period_splits_the_figures_between_the_sentra(
    admin_user, head_a, head_b, pendamping_a, pendamping_a2, sentra_a, sentra_b
):
    agus = pendamping_a2
    profile(head_a, agus, assigned_since=dt.date(2025, 1, 1))
    in_a = open_case(agus, jkt(2026, 3, 2))
    contact(agus, in_a, jkt(2026, 3, 3))
    with at(jkt(2026, 3, 5, 15)):
        february = report_open(actor=agus, month=dt.date(2026, 2, 1))
        report_narrative_save(actor=agus, report=february, narrative="Februari")
        report_submit(actor=agus, report=february)  # due 6 March: on time
    with at(jkt(2026, 3, 13, 9)):
        cases_reassign(actor=head_a, from_worker=agus, to_worker=pendamping_a)
    with at(jkt(2026, 3, 13, 10)):
        worker_move(actor=admin_user, worker=agus, unit=sentra_b, on=dt.date(2026, 3, 16))
    agus.refresh_from_db()
    assert agus.unit == sentra_b
    spans = list(AssignmentHistory.objects.filter(worker=agus).values_list("unit", "ends_on"))
    assert spans == [(sentra_a.pk, dt.date(2026, 3, 15)), (sentra_b.pk, None)]
    with at(jkt(2026, 3, 17, 10)):
        person = make_person(head_b, full_name="Joko Susilo")
        in_b = case_open(
            actor=head_b,
            person=person,
            source="dinsos",
            received_at=jkt(2026, 3, 17, 9),
            urgency="normal",
            target_group="anak",
            approach="family",
            pendamping=agus,
        )
    contact(agus, Case.objects.get(pk=in_b.pk), jkt(2026, 3, 18, 10))
    with at(jkt(2026, 4, 10, 15)):
        march = report_open(actor=agus, month=dt.date(2026, 3, 1))
        report_narrative_save(actor=agus, report=march, narrative="Maret")
        report_submit(actor=agus, report=march)  # due 8 April: late
    now = jkt(2026, 4, 30, 10)
    period = kpis.Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    with at(now):
        rows = kpis.kpi_table(admin_user, period, by=("worker", "unit"), now=now)
    table = {tuple(r.key.values()): r for r in rows}
    in_a_row, in_b_row = table[(agus.pk, sentra_a.pk)], table[(agus.pk, sentra_b.pk)]
    assert in_a_row["cases_handled"].value == 1 and in_b_row["cases_handled"].value == 1
    assert in_a_row["first_contact"].counts == {"met": 1}
    assert in_b_row["first_contact"].counts == {"met": 1}
    assert in_a_row["reports_on_time"].counts == {"on_time": 1}
    assert in_b_row["reports_on_time"].counts == {"late": 1}
    # After the move, sentra B's head sees Agus's part in B only.
    with at(now):
        rows_b = kpis.kpi_table(head_b, period, by=("worker", "unit"), now=now)
    assert {tuple(r.key.values()) for r in rows_b if r.key["worker"] == agus.pk} == {
        (agus.pk, sentra_b.pk)
    }
