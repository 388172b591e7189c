"""Response times on hand-made timelines, with exact expected figures.

All cases are emergencies (targets, rule set atensi-2026-sementara: first contact 24 h,
assessment 72 h, plan approved 168 h). Each step is made through the real services with the
clock set to the moment it happened.
"""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, FormDefinition, ResponseTarget
from atensi.cases.selectors import (
    TargetTable,
    case_response_times,
    percentile,
    response_time_summary,
)
from tests.cases.factories import BPSS_ANSWERS
from tests.registry.factories import make_person

T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))  # Asia/Jakarta
NOW = T0 + dt.timedelta(hours=300)


@pytest.fixture
def clock(monkeypatch):
    """Sets the time services see (timezone.now) to a chosen moment."""

    class Clock:
        at = NOW

        def set(self, when):
            self.at = when

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.at)
    return clock


def _h(hours):
    return T0 + dt.timedelta(hours=hours)


def _timeline(
    clock,
    worker,
    lead,
    name,
    *,
    received=0,
    contact=None,
    assessed=None,
    approved=None,
    terminated=None,
):
    """Builds one case whose milestones fall at the given hours after T0."""
    clock.set(_h(received))
    person = make_person(worker, full_name=name)
    case = services.case_open(
        actor=worker,
        person=person,
        source="hotline",
        received_at=_h(received),
        urgency="emergency",
        target_group="anak",
        approach="family",
    )
    if contact is not None:
        clock.set(_h(contact))
        services.case_contact_record(
            actor=worker, case=case, happened_at=_h(contact), text="Kunjungan"
        )
        services.case_transition(actor=worker, case=case, target=Stage.ASSESSMENT)
    if assessed is not None:
        clock.set(_h(assessed))
        form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
        services.assessment_record(actor=worker, case=case, form=form, answers=BPSS_ANSWERS)
        services.case_transition(actor=worker, case=case, target=Stage.PLANNING)
    if approved is not None:
        clock.set(_h(approved))
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
                    "target_date": _h(approved).date(),
                }
            ],
        )
        services.plan_submit(actor=worker, plan=plan)
        services.plan_decide(actor=lead, plan=plan, approve=True)
    if terminated is not None:
        clock.set(_h(terminated))
        services.case_terminate(
            actor=worker, case=case, reason="not_eligible", outcome_rating="unknown"
        )
    clock.set(NOW)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def timelines(clock, pendamping_a, supervisor_a):
    build = lambda name, **hours: _timeline(clock, pendamping_a, supervisor_a, name, **hours)  # noqa: E731
    return {
        "A": build("Ani", contact=12, assessed=30, approved=100),  # all in time
        "B": build("Bayu", contact=30, assessed=80, approved=200),  # all late
        "C": build("Citra", contact=6, assessed=50),  # plan overdue (planning stage)
        "D": build("Dedi", contact=20),  # assessment and plan overdue
        "E": build("Eka", received=290),  # just received: all pending
        "F": build("Fajar", terminated=10),  # ended before any deadline: skipped
        "G": build("Gita", terminated=30),  # ended after the contact deadline: missed
    }


def test_one_case_gets_hours_and_a_status_per_milestone(timelines):
    times = case_response_times(timelines["A"], now=NOW)
    assert [(t.milestone, t.target_hours, t.hours, t.status) for t in times] == [
        ("first_contact", 24, 12.0, "met"),
        ("assessment", 72, 30.0, "met"),
        ("plan_approved", 168, 100.0, "met"),
    ]
    assert times[0].due_at == _h(24) and times[0].status_label == "tepat waktu"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("B", ["missed", "missed", "missed"]),
        ("C", ["met", "met", "overdue"]),
        ("D", ["met", "overdue", "overdue"]),
        ("E", ["pending", "pending", "pending"]),
        ("F", ["skipped", "skipped", "skipped"]),
        ("G", ["missed", "skipped", "skipped"]),
    ],
)
def test_each_timeline_gets_its_statuses(timelines, key, expected):
    assert [t.status for t in case_response_times(timelines[key], now=NOW)] == expected


def test_the_summary_gives_median_p90_and_share_within_target(timelines):
    summary = response_time_summary(Case.objects.all(), now=NOW)

    contact = summary["first_contact"]
    # reached after 6, 12, 20, 30 hours
    assert (contact.reached, contact.median_hours, contact.p90_hours) == (4, 16.0, 27.0)
    assert contact.counts == {
        "met": 3,
        "missed": 2,
        "pending": 1,
        "overdue": 0,
        "skipped": 1,
        "no_target": 0,
    }
    assert contact.within_target_pct == pytest.approx(60.0)  # 3 of 5 decided

    assessment = summary["assessment"]
    # reached after 30, 50, 80 hours
    assert (assessment.reached, assessment.median_hours, assessment.p90_hours) == (3, 50.0, 74.0)
    assert (assessment.counts["met"], assessment.counts["missed"]) == (2, 1)
    assert (assessment.counts["overdue"], assessment.counts["pending"]) == (1, 1)
    assert assessment.within_target_pct == pytest.approx(50.0)

    plan = summary["plan_approved"]
    # reached after 100 and 200 hours
    assert (plan.reached, plan.median_hours, plan.p90_hours) == (2, 150.0, 190.0)
    assert (plan.counts["met"], plan.counts["missed"], plan.counts["overdue"]) == (1, 1, 2)
    assert plan.within_target_pct == pytest.approx(25.0)


def test_the_summary_takes_two_queries_however_many_cases(timelines, django_assert_num_queries):
    with django_assert_num_queries(2):
        response_time_summary(Case.objects.filter(pk=timelines["A"].pk), now=NOW)
    with django_assert_num_queries(2):
        response_time_summary(Case.objects.all(), now=NOW)


def test_an_empty_list_has_no_figures(db):
    summary = response_time_summary(Case.objects.none(), now=NOW)
    assert summary["first_contact"].median_hours is None
    assert summary["first_contact"].within_target_pct is None


def test_the_rule_valid_at_the_referral_date_applies(clock, pendamping_a, supervisor_a):
    ResponseTarget.objects.create(
        rule_set="uji-2026-03",
        valid_from=dt.date(2026, 3, 3),
        urgency="emergency",
        milestone="first_contact",
        hours=6,
        source="uji",
    )
    before = _timeline(clock, pendamping_a, supervisor_a, "Ani", contact=12)  # received 2 March
    after = _timeline(clock, pendamping_a, supervisor_a, "Budi", received=24, contact=36)  # 3 March
    assert case_response_times(before, now=NOW)[0].target_hours == 24
    assert case_response_times(before, now=NOW)[0].status == "met"
    assert case_response_times(after, now=NOW)[0].target_hours == 6
    assert case_response_times(after, now=NOW)[0].status == "missed"


def test_the_rule_set_boundary_is_midnight_in_jakarta():
    rows = [
        ResponseTarget(
            id=1,
            rule_set="a",
            valid_from=dt.date(2021, 1, 1),
            urgency="normal",
            milestone="first_contact",
            hours=168,
            source="",
        ),
        ResponseTarget(
            id=2,
            rule_set="b",
            valid_from=dt.date(2026, 3, 3),
            urgency="normal",
            milestone="first_contact",
            hours=48,
            source="",
        ),
    ]
    table = TargetTable(rows)
    late_evening = timezone.make_aware(dt.datetime(2026, 3, 2, 23, 30))
    assert table.hours("normal", "first_contact", late_evening) == 168
    assert table.hours("normal", "first_contact", late_evening + dt.timedelta(hours=1)) == 48
    assert table.hours("urgent", "first_contact", late_evening) is None


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == pytest.approx(
        9.1
    )
