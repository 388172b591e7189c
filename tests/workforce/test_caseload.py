"""The live caseload: cases weighted by stage and urgency, against the norm of the worker's kind
and each case's approach; overloaded, normal and idle; leave today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from atensi.accounts.models import Role
from atensi.cases.choices import Stage
from atensi.workforce.choices import LoadFlag
from atensi.workforce.models import CaseloadNorm
from atensi.workforce.rules import RuleBook, rules_load
from atensi.workforce.selectors import caseload_cases, caseloads, workers_visible_to
from atensi.workforce.services import absence_record
from tests.cases.factories import make_case, walk
from tests.conftest import SENTRA_A, make_user
from tests.workforce.conftest import profile

pytestmark = pytest.mark.django_db


def load_of(worker):
    worker = workers_visible_to(worker).get(pk=worker.pk)
    return caseloads([worker])[worker.pk]


def test_the_bundled_rules_are_provisional_and_sourced():
    rules = RuleBook()
    assert rules.provisional
    assert any("PKH" in s for s in rules.sources)
    assert rules.weight(Stage.INTAKE, "emergency") == Decimal("2.00")
    assert rules.weight(Stage.CLOSED, "normal") == 0
    assert rules_load() == dict.fromkeys(
        ["weights", "norms", "settings", "holidays", "competences", "courses"], 0
    )  # loading again adds nothing


def test_the_most_specific_norm_applies():
    rules = RuleBook()
    assert rules.norm("relawan", "residential").max_weighted == 5
    assert rules.norm("relawan", "family").max_weighted == 8  # kind only
    assert rules.norm("pekerja_sosial", "community").max_weighted == 30  # approach only
    assert rules.norm("", "").max_weighted == 25


def test_a_new_rule_set_applies_from_its_date():
    CaseloadNorm.objects.create(
        rule_set="uji-2027",
        valid_from=dt.date(2027, 1, 1),
        worker_kind="",
        approach="family",
        max_weighted=40,
        source="uji",
    )
    assert RuleBook(dt.date(2026, 12, 31)).norm("", "family").max_weighted == 25
    assert RuleBook(dt.date(2027, 1, 2)).norm("", "family").max_weighted == 40


def test_cases_weigh_by_stage_and_urgency(head_a, supervisor_a, pendamping_a):
    profile(head_a, pendamping_a)
    make_case(pendamping_a, urgency="emergency")  # intake 2.0
    case = make_case(pendamping_a, urgency="normal")
    walk(case, Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)  # assessment 1.25
    closed = make_case(pendamping_a)
    walk(closed, Stage.CLOSED, worker=pendamping_a, lead=supervisor_a)  # not counted
    load = load_of(pendamping_a)
    assert load.cases == 2
    assert load.weighted == Decimal("3.25")
    assert load.ratio == pytest.approx(3.25 / 25)
    assert load.flag == LoadFlag.IDLE
    weights = {c.stage: c.weight for c in caseload_cases(pendamping_a)}
    assert weights == {"intake": Decimal("2.00"), "assessment": Decimal("1.25")}


def test_a_volunteer_with_residential_emergencies_is_overloaded(head_a, pendamping_a):
    profile(head_a, pendamping_a, kind="relawan", employment="volunteer")
    for _ in range(3):
        make_case(pendamping_a, urgency="emergency", approach="residential")
    load = load_of(pendamping_a)
    assert load.weighted == 6
    assert load.ratio == pytest.approx(6 / 5)
    assert load.flag == LoadFlag.OVERLOADED
    assert load.by_approach == {"residential": 3}


def test_a_worker_without_profile_is_judged_by_the_general_norm(pendamping_a):
    for _ in range(8):
        make_case(pendamping_a, urgency="normal")
    load = load_of(pendamping_a)
    assert load.ratio == pytest.approx(8 / 25)
    assert load.flag == LoadFlag.NORMAL


def test_a_worker_on_leave_today_is_shown_as_such(head_a, pendamping_a):
    today = timezone.localdate()
    absence_record(
        actor=head_a,
        worker=pendamping_a,
        kind="sick",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    load = load_of(pendamping_a)
    assert load.absent and load.absence.kind == "sick"


def test_caseloads_of_a_team_take_two_queries(
    head_a, pendamping_a, pendamping_a2, django_assert_num_queries
):
    for worker in (pendamping_a, pendamping_a2):
        for _ in range(3):
            make_case(worker)
    extra = make_user("pendamping_a3", Role.PENDAMPING, SENTRA_A)
    make_case(extra)
    rules = RuleBook()
    workers = list(workers_visible_to(head_a))
    with django_assert_num_queries(2):  # the cases grouped, the absences today
        loads = caseloads(workers, rules=rules)
    assert [loads[w.pk].cases for w in (pendamping_a, pendamping_a2, extra)] == [3, 3, 1]


def test_the_command_loads_the_rules_and_syncs(pendamping_a):
    from io import StringIO

    from django.core.management import call_command

    make_case(pendamping_a)
    out = StringIO()
    call_command("workforce", "rules", stdout=out)
    assert "Aturan tenaga" in out.getvalue()
    call_command("workforce", "sync", stdout=out)
    assert "Pemegang kasus: 1 baris" in out.getvalue()
