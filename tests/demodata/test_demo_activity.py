"""`atensi demo`: two years of cases in every stage and the workforce behind them, consistent."""

import datetime as dt
import io
from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from atensi.accounts.models import Role, User
from atensi.cases.choices import PlanStatus, Stage
from atensi.cases.models import (
    AftercareVisit,
    Case,
    CaseEvent,
    OutcomeMeasurement,
    ResidentialStay,
    ServiceDelivery,
    Transfer,
)
from atensi.cases.selectors import (
    queue_aftercare_due,
    queue_my_cases,
    queue_overdue,
    queue_waiting_approval,
)
from atensi.common.models import AuditLog
from atensi.demodata.activity import demo_activity_build
from atensi.demodata.build import STAFFED_SENTRA, demo_build
from atensi.demodata.cases import HISTORY_DAYS, stage_quota
from atensi.organisation.models import Unit
from atensi.workforce.choices import ReportStatus
from atensi.workforce.models import (
    Absence,
    MonthlyReport,
    MonthlyReportEvent,
    TrainingRecord,
    WorkerProfile,
)

PERSONS = 350
SEED = 4243
CASES = 10  # per staffed sentra: enough for every stage
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def activity(django_db_setup, django_db_blocker):
    """Builds one small demo with its cases and workforce for the module, rolled back after."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        demo_build(persons=PERSONS, seed=SEED)
        started = timezone.now()
        result = demo_activity_build(seed=SEED, unit_codes=list(STAFFED_SENTRA), per_sentra=CASES)
        result.started = started
        yield result
        transaction.set_rollback(True)


def test_the_stage_quota_covers_every_stage_in_proportion():
    assert Counter(stage_quota(10)) == Counter(Stage.values) + Counter(
        [Stage.INTERVENTION, Stage.CLOSED]
    )
    hundred = Counter(stage_quota(100))
    assert sum(hundred.values()) == 100
    assert hundred[Stage.INTERVENTION] > hundred[Stage.TERMINATION] >= 1


@pytest.mark.django_db
def test_every_stage_has_cases_in_each_staffed_sentra(activity):
    assert activity.built and activity.cases == CASES * len(STAFFED_SENTRA)
    for code in STAFFED_SENTRA:
        stages = set(Case.objects.filter(unit__code=code).values_list("stage", flat=True))
        assert stages == set(Stage.values), code


@pytest.mark.django_db
def test_cases_are_handled_by_the_demo_team_of_their_sentra(activity):
    for case in Case.objects.select_related("pendamping", "supervisor"):
        assert case.pendamping.role == Role.PENDAMPING
        assert case.pendamping.unit_id == case.unit_id
        assert case.supervisor.role == Role.SUPERVISOR
        assert case.supervisor.unit_id == case.unit_id
        assert case.target_group == case.person.target_group
    # a person has one case, registered by then (the demo has persons enough for that)
    assert not Case.objects.values("person").annotate(n=Count("id")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_every_demo_pendamping_has_a_work_queue(activity, client):
    pendamping = User.objects.filter(role=Role.PENDAMPING, unit__code__in=STAFFED_SENTRA)
    assert pendamping.count() == sum(STAFFED_SENTRA.values())
    for user in pendamping:
        assert queue_my_cases(user).exists(), user.username
    user = pendamping.order_by("username").first()
    mine = queue_my_cases(user).first()
    client.force_login(user)
    page = client.get(reverse("cases:queues"))
    assert page.status_code == 200
    assert mine.number in page.content.decode()
    # a pendamping of another sentra does not see the case
    outsider = pendamping.exclude(unit=user.unit).first()
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[mine.pk])).status_code == 404


@pytest.mark.django_db
def test_the_queues_show_overdue_steps_approvals_and_aftercare_visits(activity):
    for code in STAFFED_SENTRA:
        head = User.objects.get(unit__code=code, role=Role.HEAD)
        assert "first_contact" in {c.overdue_milestone for c in queue_overdue(head)}, code
        late = [v for v in queue_aftercare_due(head) if v.scheduled_for < timezone.localdate()]
        assert late, code
    # visits done on schedule and done late, for the KPI "aftercare visits on schedule"
    lags = [
        (timezone.localtime(v.done_at).date() - v.scheduled_for).days
        for v in AftercareVisit.objects.exclude(done_at=None)
    ]
    assert min(lags) <= 4 and max(lags) >= 8
    waiting = sum(
        queue_waiting_approval(u).count() for u in User.objects.filter(role=Role.SUPERVISOR)
    )
    returned = Case.objects.filter(plans__status=PlanStatus.RETURNED).exists()
    assert waiting + returned > 0


@pytest.mark.django_db
def test_milestones_follow_each_other_within_the_last_two_years(activity):
    now = timezone.now()
    earliest = now - dt.timedelta(days=HISTORY_DAYS + 1)
    for case in Case.objects.all():
        milestones = [
            case.received_at,
            case.first_contact_at,
            case.assessed_at,
            case.plan_approved_at,
            case.terminated_at,
            case.closed_at,
        ]
        reached = [m for m in milestones if m is not None]
        assert reached == sorted(reached), case.number
        assert earliest <= case.received_at and reached[-1] <= now
        if case.stage == Stage.INTAKE:
            assert case.assessed_at is None
        if case.stage in (Stage.PLANNING, Stage.INTERVENTION, Stage.MONITORING):
            assert case.assessed_at is not None
        if case.stage in (Stage.INTERVENTION, Stage.MONITORING):
            assert case.plan_approved_at is not None and case.is_beneficiary
        if case.stage in (Stage.TERMINATION, Stage.AFTERCARE, Stage.CLOSED):
            assert case.terminated_at and case.termination_reason and case.outcome_rating
        assert (case.stage == Stage.CLOSED) == (case.closed_at is not None)
        events = list(case.events.values_list("at", flat=True))
        assert events == sorted(events) and events[0] == case.received_at
        assert events[-1] <= now


@pytest.mark.django_db
def test_services_come_after_penetapan_and_plan_approval(activity):
    services = ServiceDelivery.objects.select_related("case")
    assert services.count() > CASES * len(STAFFED_SENTRA)
    components = set()
    for service in services:
        case = service.case
        assert case.is_beneficiary and case.sk_date <= service.delivered_on
        assert timezone.localtime(case.plan_approved_at).date() <= service.delivered_on
        assert service.delivered_on <= timezone.localdate()
        assert service.unit_cost >= 0
        components.add(service.component)
    assert len(components) >= 5
    # measured at assessment before the intervention, and again at termination
    assert OutcomeMeasurement.objects.filter(phase="assessment").exists()
    assert OutcomeMeasurement.objects.filter(phase="termination").exists()


@pytest.mark.django_db
def test_residential_stays_stay_within_capacity_and_end_before_aftercare(activity):
    for unit in Unit.objects.filter(code__in=STAFFED_SENTRA):
        moves = []
        for stay in ResidentialStay.objects.filter(unit=unit):
            moves.append((stay.admitted_at, 1))
            if stay.discharged_at:
                moves.append((stay.discharged_at, -1))
                assert stay.discharged_at >= stay.admitted_at
        occupied = peak = 0
        for _at, change in sorted(moves):
            occupied += change
            peak = max(peak, occupied)
        assert peak <= unit.residential_capacity
    assert ResidentialStay.objects.exists()
    assert not ResidentialStay.objects.filter(
        discharged_at=None, case__stage__in=[Stage.AFTERCARE, Stage.CLOSED]
    ).exists()
    assert not ResidentialStay.objects.filter(over_capacity_reason__gt="").exists()


@pytest.mark.django_db
def test_transfers_move_cases_between_the_staffed_sentra_with_their_history(activity):
    transfers = Transfer.objects.select_related("case", "from_unit", "to_unit")
    assert transfers.count() >= len(STAFFED_SENTRA)
    for transfer in transfers:
        assert transfer.case.unit_id == transfer.to_unit_id != transfer.from_unit_id
        assert transfer.consent_id or transfer.override_reason
        kinds = list(transfer.case.events.values_list("kind", flat=True))
        assert kinds[0] == "opened" and "transfer" in kinds


@pytest.mark.django_db
def test_a_closed_case_comes_back_for_a_new_assessment_in_each_sentra(activity):
    for code in STAFFED_SENTRA:
        case = Case.objects.get(unit__code=code, reopened_count=1)
        assert case.stage == Stage.ASSESSMENT and case.closed_at is None
        kinds = list(case.events.values_list("kind", flat=True))
        assert kinds.index("reopened") > kinds.index("aftercare_visit")
        assert AuditLog.objects.filter(
            object_type="cases.case", object_id=str(case.pk), changes__stage__1=Stage.ASSESSMENT
        ).exists()


@pytest.mark.django_db
def test_every_case_change_is_audited(activity):
    audited = AuditLog.objects.filter(object_type="cases.case")
    assert set(audited.filter(action="create").values_list("object_id", flat=True)) == {
        str(pk) for pk in Case.objects.values_list("pk", flat=True)
    }
    # the audit rows carry the moment of the change, not the moment of the build
    assert audited.filter(at__lt=activity.started - dt.timedelta(days=300)).exists()
    assert CaseEvent.objects.filter(kind="service").count() == ServiceDelivery.objects.count()


@pytest.mark.django_db
def test_the_workforce_has_profiles_training_leave_and_reports_in_every_state(activity):
    workers = User.objects.filter(role=Role.PENDAMPING, unit__code__in=STAFFED_SENTRA)
    for worker in workers:
        assert WorkerProfile.objects.filter(user=worker).exists()
        assert TrainingRecord.objects.filter(worker=worker).exists()
        assert Absence.objects.filter(worker=worker).exists()
    assert WorkerProfile.objects.filter(user__role=Role.HEAD).count() == len(STAFFED_SENTRA)
    today = timezone.localdate()
    assert Absence.objects.filter(starts_on__lte=today, ends_on__gte=today).exists()
    for code in STAFFED_SENTRA:
        states = set(MonthlyReport.objects.filter(unit__code=code).values_list("status", flat=True))
        assert states == set(ReportStatus.values), code
    for report in MonthlyReport.objects.filter(status=ReportStatus.RETURNED):
        assert report.decision_comment
    # approved after a return: the report's events show both decisions
    resubmitted = MonthlyReportEvent.objects.filter(action="returned").values("report")
    assert MonthlyReport.objects.filter(pk__in=resubmitted, status=ReportStatus.APPROVED).exists()
    for report in MonthlyReport.objects.exclude(submitted_at=None):
        assert report.submitted_at.date() > report.month


@pytest.mark.django_db
def test_running_the_demo_again_adds_nothing(activity):
    counts = (
        Case.objects.count(),
        ServiceDelivery.objects.count(),
        MonthlyReport.objects.count(),
        TrainingRecord.objects.count(),
        AuditLog.objects.count(),
    )
    again = demo_activity_build(seed=SEED, unit_codes=list(STAFFED_SENTRA), per_sentra=CASES)
    assert not again.built
    out = io.StringIO()
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        mock.patch("atensi.budget.fixtures.budget_demo_load"),
    ):
        call_command("demo", persons=PERSONS, seed=SEED, cases=CASES, stdout=out, verbosity=0)
    assert "Kasus dan data tenaga demo sudah ada" in out.getvalue()
    after = (
        Case.objects.count(),
        ServiceDelivery.objects.count(),
        MonthlyReport.objects.count(),
        TrainingRecord.objects.count(),
        AuditLog.objects.count(),
    )
    assert after == counts


@pytest.mark.django_db
def test_a_scale_build_for_benchmarks_adds_no_cases(activity):
    with mock.patch("atensi.common.management.commands.demo.demo_activity_build") as build:
        call_command("demo", scale=PERSONS, seed=SEED, no_logins=True, stdout=io.StringIO())
    build.assert_not_called()
