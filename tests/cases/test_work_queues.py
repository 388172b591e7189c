"""Work queues per role: my cases, overdue steps, waiting for my approval, aftercare due."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import ResponseTarget
from atensi.cases.selectors import (
    queue_aftercare_due,
    queue_my_cases,
    queue_overdue,
    queue_waiting_approval,
)
from atensi.common.errors import ApplicationError
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person


def _case(actor, name, **values):
    return make_case(actor, person=make_person(actor, full_name=name), **values)


def _submitted_plan(case, worker, lead):
    case = walk(case, Stage.PLANNING, worker=worker, lead=lead)
    plan = services.plan_save(
        actor=worker,
        case=case,
        goals=[{"text": "Aman"}],
        services=[
            {
                "component": "care",
                "description": "Pengasuhan",
                "frequency": "harian",
                "responsible": worker,
                "target_date": timezone.localdate(),
            }
        ],
    )
    return services.plan_submit(actor=worker, plan=plan)


# My cases -------------------------------------------------------------------------------------


def test_my_cases_are_the_active_ones_assigned_to_me(
    pendamping_a, pendamping_a2, supervisor_a, head_a
):
    mine = _case(pendamping_a, "Ani")
    supervised = _case(pendamping_a2, "Budi", supervisor=supervisor_a)
    closed = walk(_case(pendamping_a, "Citra"), Stage.CLOSED, worker=pendamping_a, lead=head_a)

    assert list(queue_my_cases(pendamping_a)) == [mine]
    assert list(queue_my_cases(pendamping_a2)) == [supervised]
    assert list(queue_my_cases(supervisor_a)) == [supervised]
    assert closed not in queue_my_cases(pendamping_a)
    assert list(queue_my_cases(head_a)) == []


def test_my_cases_take_one_query_however_many(pendamping_a, django_assert_num_queries):
    _case(pendamping_a, "Ani")

    def read():
        return [(c.number, c.person.full_name, c.unit.name) for c in queue_my_cases(pendamping_a)]

    with django_assert_num_queries(1):
        assert len(read()) == 1
    for name in ("Budi", "Citra", "Dewi"):
        _case(pendamping_a, name)
    with django_assert_num_queries(1):
        assert len(read()) == 4


# Overdue steps --------------------------------------------------------------------------------


def test_overdue_steps_by_role(pendamping_a, pendamping_a2, supervisor_a, head_a, head_b):
    now = timezone.now()
    # Emergency, received 30 hours ago, never contacted: first contact (24 h) is overdue.
    late_contact = _case(
        pendamping_a, "Ani", urgency="emergency", received_at=now - dt.timedelta(hours=30)
    )
    # Emergency, received 10 hours ago: nothing overdue yet.
    _case(pendamping_a, "Budi", urgency="emergency", received_at=now - dt.timedelta(hours=10))
    # Normal, received 20 days ago, contacted, assessed but no plan: plan (720 h) not yet due,
    # while the assessment was reached — nothing overdue.
    walk(
        _case(pendamping_a, "Citra", urgency="normal", received_at=now - dt.timedelta(days=20)),
        Stage.PLANNING,
        worker=pendamping_a,
        lead=supervisor_a,
    )
    # Urgent, received 10 days ago, contacted, not assessed (168 h): assessment overdue.
    late_assessment = walk(
        _case(pendamping_a2, "Dewi", urgency="urgent", received_at=now - dt.timedelta(days=10)),
        Stage.ASSESSMENT,
        worker=pendamping_a2,
        lead=supervisor_a,
    )
    # Terminated before contact: its clock stopped, it is not a queue item.
    ended = _case(
        pendamping_a, "Eko", urgency="emergency", received_at=now - dt.timedelta(hours=40)
    )
    services.case_terminate(
        actor=pendamping_a, case=ended, reason="lost_contact", outcome_rating="unknown"
    )

    rows = list(queue_overdue(head_a))
    assert [(c.pk, c.overdue_milestone) for c in rows] == [
        (late_assessment.pk, "assessment"),
        (late_contact.pk, "first_contact"),
    ]
    # The deadline comes from the rule: received + 168 h and received + 24 h.
    assert rows[0].due_at == late_assessment.received_at + dt.timedelta(hours=168)
    assert rows[1].due_at == late_contact.received_at + dt.timedelta(hours=24)

    assert [c.pk for c in queue_overdue(pendamping_a)] == [late_contact.pk]
    assert [c.pk for c in queue_overdue(pendamping_a2)] == [late_assessment.pk]
    assert list(queue_overdue(head_b)) == []


def test_the_earliest_missing_milestone_is_named(pendamping_a):
    # Emergency, 10 days ago, never contacted: contact, assessment and plan are all overdue.
    case = _case(
        pendamping_a,
        "Ani",
        urgency="emergency",
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    [row] = queue_overdue(pendamping_a)
    assert (row.pk, row.overdue_milestone) == (case.pk, "first_contact")


def test_overdue_follows_the_rule_valid_at_the_referral(pendamping_a):
    now = timezone.now()
    ResponseTarget.objects.create(
        rule_set="uji-ketat",
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        urgency="normal",
        milestone="first_contact",
        hours=2,
        source="uji",
    )
    # Under the older rule (168 h) this case, received 3 days ago, is not overdue.
    old = _case(pendamping_a, "Ani", received_at=now - dt.timedelta(days=3))
    # Received within the new rule's validity, 3 hours ago: overdue after 2 hours.
    new = _case(pendamping_a, "Budi", received_at=now - dt.timedelta(hours=3))
    assert [c.pk for c in queue_overdue(pendamping_a)] == [new.pk]
    assert old.pk not in [c.pk for c in queue_overdue(pendamping_a)]


def test_the_overdue_queue_takes_two_queries_however_many(pendamping_a, django_assert_num_queries):
    received = timezone.now() - dt.timedelta(days=9)

    def read():
        return [(c.number, c.person.full_name, c.due_at) for c in queue_overdue(pendamping_a)]

    _case(pendamping_a, "Ani", urgency="emergency", received_at=received)
    with django_assert_num_queries(2):  # the targets, then the cases
        assert len(read()) == 1
    for name in ("Budi", "Citra", "Dewi"):
        _case(pendamping_a, name, urgency="emergency", received_at=received)
    with django_assert_num_queries(2):
        assert len(read()) == 4


# Waiting for my approval ----------------------------------------------------------------------


def test_submitted_plans_wait_for_leads_of_their_sentra(
    pendamping_a, supervisor_a, head_a, head_b, analyst_anak
):
    plan = _submitted_plan(_case(pendamping_a, "Ani"), pendamping_a, supervisor_a)
    draft_case = walk(
        _case(pendamping_a, "Budi"), Stage.PLANNING, worker=pendamping_a, lead=supervisor_a
    )
    services.plan_save(
        actor=pendamping_a,
        case=draft_case,
        goals=[{"text": "x"}],
        services=[
            {
                "component": "care",
                "description": "x",
                "frequency": "x",
                "responsible": pendamping_a,
                "target_date": timezone.localdate(),
            }
        ],
    )

    assert list(queue_waiting_approval(supervisor_a)) == [plan]
    assert list(queue_waiting_approval(head_a)) == [plan]
    assert list(queue_waiting_approval(head_b)) == []
    assert list(queue_waiting_approval(pendamping_a)) == []
    assert list(queue_waiting_approval(analyst_anak)) == []

    services.plan_decide(actor=head_a, plan=plan, approve=True)
    assert list(queue_waiting_approval(head_a)) == []


def test_the_approval_queue_takes_one_query_however_many(
    pendamping_a, supervisor_a, django_assert_num_queries
):
    def read():
        return [
            (p.case.number, p.case.person.full_name, p.created_by.username)
            for p in queue_waiting_approval(supervisor_a)
        ]

    _submitted_plan(_case(pendamping_a, "Ani"), pendamping_a, supervisor_a)
    with django_assert_num_queries(1):
        assert len(read()) == 1
    for name in ("Budi", "Citra"):
        _submitted_plan(_case(pendamping_a, name), pendamping_a, supervisor_a)
    with django_assert_num_queries(1):
        assert len(read()) == 3


# Aftercare due --------------------------------------------------------------------------------


def test_aftercare_visits_due_within_a_week(pendamping_a, supervisor_a, head_a, pendamping_b):
    case = walk(_case(pendamping_a, "Ani"), Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)
    today = timezone.localdate()
    soon = services.aftercare_schedule(actor=pendamping_a, case=case, scheduled_for=today)
    services.aftercare_schedule(
        actor=pendamping_a, case=case, scheduled_for=today + dt.timedelta(days=10)
    )
    week = services.aftercare_schedule(
        actor=pendamping_a, case=case, scheduled_for=today + dt.timedelta(days=7)
    )
    done = services.aftercare_schedule(
        actor=pendamping_a, case=case, scheduled_for=today + dt.timedelta(days=1)
    )
    services.aftercare_record(actor=pendamping_a, visit=done, done_at=timezone.now(), notes="Baik")

    assert list(queue_aftercare_due(pendamping_a)) == [soon, week]
    assert list(queue_aftercare_due(head_a)) == [soon, week]
    assert list(queue_aftercare_due(pendamping_b)) == []
    # Eight days later the first visit is late but still due; the second is within the week.
    later = today + dt.timedelta(days=8)
    assert len(queue_aftercare_due(pendamping_a, today=later)) == 3


def test_visits_of_a_closed_case_leave_the_queue(pendamping_a, supervisor_a, head_a):
    case = walk(_case(pendamping_a, "Ani"), Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)
    services.aftercare_schedule(actor=pendamping_a, case=case, scheduled_for=timezone.localdate())
    services.case_transition(actor=head_a, case=case, target=Stage.CLOSED)
    assert list(queue_aftercare_due(pendamping_a)) == []


def test_the_aftercare_queue_takes_one_query_however_many(
    pendamping_a, supervisor_a, django_assert_num_queries
):
    case = walk(_case(pendamping_a, "Ani"), Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)

    def read():
        return [
            (v.scheduled_for, v.case.number, v.case.person.full_name)
            for v in queue_aftercare_due(pendamping_a)
        ]

    services.aftercare_schedule(actor=pendamping_a, case=case, scheduled_for=timezone.localdate())
    with django_assert_num_queries(1):
        assert len(read()) == 1
    for days in (1, 2, 3):
        services.aftercare_schedule(
            actor=pendamping_a,
            case=case,
            scheduled_for=timezone.localdate() + dt.timedelta(days=days),
        )
    with django_assert_num_queries(1):
        assert len(read()) == 4


def test_a_plan_is_submitted_only_in_the_planning_stage(pendamping_a, supervisor_a):
    case = walk(_case(pendamping_a, "Ani"), Stage.PLANNING, worker=pendamping_a, lead=supervisor_a)
    first = services.plan_save(
        actor=pendamping_a,
        case=case,
        goals=[{"text": "Aman"}],
        services=[
            {
                "component": "care",
                "description": "Pengasuhan",
                "frequency": "harian",
                "responsible": pendamping_a,
                "target_date": timezone.localdate(),
            }
        ],
    )
    services.plan_submit(actor=pendamping_a, plan=first)
    services.plan_decide(actor=supervisor_a, plan=first, approve=True)
    second = services.plan_save(
        actor=pendamping_a,
        case=case,
        goals=[{"text": "Aman dan bersekolah"}],
        services=[
            {
                "component": "care",
                "description": "Pengasuhan",
                "frequency": "harian",
                "responsible": pendamping_a,
                "target_date": timezone.localdate(),
            }
        ],
    )
    services.case_transition(actor=pendamping_a, case=case, target=Stage.INTERVENTION)
    with pytest.raises(ApplicationError) as refused:
        services.plan_submit(actor=pendamping_a, plan=second)
    assert refused.value.code == "wrong_stage"
