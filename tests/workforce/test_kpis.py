"""Every KPI on one hand-made March 2026, with leave, a reassignment, a transfer to another
sentra and a reopened case.

Sri (pendamping_a) and Agus (pendamping_a2) work in sentra A; Sri is on leave 11–13 March.
Targets (normal urgency): first contact 168 h, assessment 336 h, plan 720 h; urgent 72/168/336.

C1 normal 2 Mar, Sri: contact 4 Mar (met), assessed 10 Mar (met), services 21 and 25 Mar.
C2 urgent 3 Mar, Sri: contact 8 Mar (due 6 Mar: missed), never assessed (due 10 Mar), no plan
   (due 17 Mar).
C3 normal 5 Mar, Sri: never contacted; due 12 Mar falls in Sri's leave (excused for Sri).
C4 normal 1 Mar, Sri, reassigned to Agus 6 Mar: Agus contacts 7 Mar (met, for Agus).
C5 normal 5 Jan, Sri: terminated (goals met) in Feb, visits due 5, 12 (Sri on leave) and 20 Mar
   (done 9 Mar: on time; never: missing; done 30 Mar: late), closed 31 Mar.
C6 normal 12 Jan, Sri: closed 10 Mar, reopened 20 Mar.
C7 normal 2 Mar, Sri: transferred to sentra B on 10 Mar, assigned there to pendamping_b on
   11 Mar, who contacts on 12 Mar (due 9 Mar, while Sri held it: missed for Sri).
C8 normal 10 Feb, Sri: plan approved 10 Mar (due 12 Mar: met).
C9 lansia normal 2 Mar, Agus: contact 3 Mar (met).
Monthly reports of February are due 6 March: Sri's came 5 March, Agus's 9 March.
"""

import datetime as dt

import pytest

from atensi.cases import services as case_services
from atensi.cases.models import Case
from atensi.cases.selectors import response_time_summary
from atensi.cases.services import case_transfer
from atensi.workforce import kpis
from atensi.workforce.models import ServiceTally
from atensi.workforce.services import (
    absence_record,
    report_narrative_save,
    report_open,
    report_submit,
)
from atensi.workforce.tally import tally_sync
from tests.workforce.conftest import at, jkt, profile
from tests.workforce.timeline import (
    approve_plan,
    assess,
    assign,
    close,
    contact,
    open_case,
    reopen,
    schedule_visit,
    serve,
    terminate,
    to_aftercare,
    visit,
)

pytestmark = pytest.mark.django_db

MARCH = kpis.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
NOW = jkt(2026, 4, 2, 10)


def _done_case(sri, lead, received, *, terminated, reason="goals_met"):
    case = open_case(sri, received)
    contact(sri, case, received + dt.timedelta(days=1))
    assess(sri, case, received + dt.timedelta(days=4))
    approve_plan(sri, lead, case, received + dt.timedelta(days=10))
    serve(sri, case, (received + dt.timedelta(days=15)).date())
    return terminate(sri, case, terminated, reason=reason)


def _report(worker, month, submitted):
    with at(submitted - dt.timedelta(hours=2)):
        report = report_open(actor=worker, month=month)
        report = report_narrative_save(actor=worker, report=report, narrative="Kegiatan bulan ini.")
    with at(submitted):
        return report_submit(actor=worker, report=report)


@pytest.fixture
def march(head_a, supervisor_a, pendamping_a, pendamping_a2, head_b, pendamping_b):
    sri, agus, lead = pendamping_a, pendamping_a2, supervisor_a
    profile(head_a, sri, assigned_since=dt.date(2025, 1, 1))
    profile(head_a, agus, specialisations=["lansia"], assigned_since=dt.date(2025, 1, 1))
    absence_record(
        actor=head_a,
        worker=sri,
        kind="annual",
        starts_on=dt.date(2026, 3, 11),
        ends_on=dt.date(2026, 3, 13),
    )
    c = {}
    c[1] = open_case(sri, jkt(2026, 3, 2))
    contact(sri, c[1], jkt(2026, 3, 4, 10))
    assess(sri, c[1], jkt(2026, 3, 10, 10))
    approve_plan(sri, lead, c[1], jkt(2026, 3, 20, 10))
    serve(sri, c[1], dt.date(2026, 3, 21))
    serve(sri, c[1], dt.date(2026, 3, 25))

    c[2] = open_case(sri, jkt(2026, 3, 3), urgency="urgent")
    contact(sri, c[2], jkt(2026, 3, 8, 10))

    c[3] = open_case(sri, jkt(2026, 3, 5))

    c[4] = open_case(sri, jkt(2026, 3, 1))
    assign(lead, c[4], agus, jkt(2026, 3, 6))
    contact(agus, c[4], jkt(2026, 3, 7, 10))

    c[5] = _done_case(sri, lead, jkt(2026, 1, 5), terminated=jkt(2026, 2, 20))
    to_aftercare(sri, c[5], jkt(2026, 2, 21))
    visits = [
        schedule_visit(sri, c[5], day, jkt(2026, 2, 21, 10))
        for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 12), dt.date(2026, 3, 20))
    ]
    visit(sri, visits[0], jkt(2026, 3, 9, 10))
    visit(sri, visits[2], jkt(2026, 3, 30, 10))
    close(lead, c[5], jkt(2026, 3, 31, 15))

    c[6] = _done_case(sri, lead, jkt(2026, 1, 12), terminated=jkt(2026, 2, 25))
    close(lead, c[6], jkt(2026, 3, 10, 15))
    reopen(lead, c[6], jkt(2026, 3, 20, 9))

    c[7] = open_case(sri, jkt(2026, 3, 2))
    with at(jkt(2026, 3, 10)):
        case_transfer(
            actor=head_a,
            case=Case.objects.get(pk=c[7].pk),
            to_unit=pendamping_b.unit,
            reason="Keluarga pindah ke Magelang",
            override_reason="Keadaan mendesak, keluarga tidak dapat dihubungi",
        )
    assign(head_b, c[7], pendamping_b, jkt(2026, 3, 11))
    contact(pendamping_b, c[7], jkt(2026, 3, 12, 10))

    c[8] = open_case(sri, jkt(2026, 2, 10))
    contact(sri, c[8], jkt(2026, 2, 11))
    assess(sri, c[8], jkt(2026, 2, 13))
    approve_plan(sri, lead, c[8], jkt(2026, 3, 10, 10))

    c[9] = open_case(agus, jkt(2026, 3, 2), target_group="lansia")
    contact(agus, c[9], jkt(2026, 3, 3, 10))

    _report(sri, dt.date(2026, 2, 1), jkt(2026, 3, 5, 16))
    _report(agus, dt.date(2026, 2, 1), jkt(2026, 3, 9, 8))
    return {"cases": {k: Case.objects.get(pk=v.pk) for k, v in c.items()}, "sri": sri, "agus": agus}


def table(user, by, **kw):
    with at(NOW):
        rows = kpis.kpi_table(user, MARCH, by=by, now=NOW, **kw)
    return {tuple(r.key.values()): r for r in rows}


def drill(user, code, outcome=None, **filters):
    with at(NOW):
        cases = kpis.kpi_cases(
            user, code, MARCH, filters=kpis.Filters(**filters), outcome=outcome, now=NOW
        )
        return set(cases.values_list("pk", flat=True))


def ids(march, *numbers):
    return {march["cases"][n].pk for n in numbers}


def test_cases_handled_count_each_case_once_for_each_holder(
    march, admin_user, sentra_a, sentra_b, pendamping_b
):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker", "unit"))
    assert rows[(sri.pk, sentra_a.pk)]["cases_handled"].value == 8  # C6, reopened: once
    assert rows[(agus.pk, sentra_a.pk)]["cases_handled"].value == 2
    assert rows[(pendamping_b.pk, sentra_b.pk)]["cases_handled"].value == 1
    assert rows[(None, sentra_b.pk)]["cases_handled"].value == 1  # C7 between 10 and 11 Mar
    units = table(admin_user, ("unit",))
    assert units[(sentra_a.pk,)]["cases_handled"].value == 9
    assert units[(sentra_b.pk,)]["cases_handled"].value == 1
    assert drill(admin_user, "cases_handled", worker=agus.pk) == ids(march, 4, 9)


def test_first_contact_on_time_credits_the_holder_and_excuses_leave(march, admin_user, sentra_a):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker",))
    figure = rows[(sri.pk,)]["first_contact"]
    assert figure.counts == {"met": 1, "missed": 2, "overdue:excused": 1}
    assert (figure.numerator, figure.denominator, figure.value) == (1, 3, 33.3)
    assert figure.excused == 1
    assert rows[(agus.pk,)]["first_contact"].value == 100.0  # C4 after the reassignment, C9
    # The sentra answers for the deadline that fell in Sri's leave.
    unit = table(admin_user, ("unit",))[(sentra_a.pk,)]["first_contact"]
    assert (unit.numerator, unit.denominator) == (3, 6)
    assert drill(admin_user, "first_contact", "missed", worker=sri.pk) == ids(march, 2, 7)
    assert drill(admin_user, "first_contact", "excused", worker=sri.pk) == ids(march, 3)


def test_the_sql_judgement_agrees_with_the_case_pages(march, admin_user, sentra_a):
    due_in_march = ids(march, 1, 2, 3, 4, 7, 9)
    with at(NOW):
        summary = response_time_summary(Case.objects.filter(pk__in=due_in_march), now=NOW)
    counts = summary["first_contact"].counts
    unit = table(admin_user, ("unit",))[(sentra_a.pk,)]["first_contact"]
    assert counts["met"] == unit.n("met") == 3
    assert counts["missed"] == unit.n("missed") == 2
    assert counts["overdue"] == unit.n("overdue") + unit.n("overdue:excused") == 1


def test_assessment_on_time_follows_the_case_to_its_new_sentra(
    march, admin_user, sentra_a, sentra_b, pendamping_b
):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker", "unit"))
    assert rows[(sri.pk, sentra_a.pk)]["assessment"].counts == {"met": 1, "overdue": 2}
    assert rows[(agus.pk, sentra_a.pk)]["assessment"].counts == {"overdue": 2}
    assert rows[(pendamping_b.pk, sentra_b.pk)]["assessment"].counts == {"overdue": 1}
    assert table(admin_user, ("unit",))[(sentra_a.pk,)]["assessment"].value == 20.0


def test_plans_approved_on_time(march, admin_user):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker",))
    assert rows[(sri.pk,)]["plan_approved"].counts == {"met": 1, "overdue": 1}
    assert rows[(sri.pk,)]["plan_approved"].value == 50.0
    assert rows[(agus.pk,)]["plan_approved"].value == 0.0
    assert drill(admin_user, "plan_approved", "met", worker=sri.pk) == ids(march, 8)


def test_services_per_case_handled(march, admin_user):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker",))
    assert rows[(sri.pk,)]["services_per_case"].numerator == 2
    assert rows[(sri.pk,)]["services_per_case"].value == 0.25
    assert rows[(agus.pk,)]["services_per_case"].value == 0.0
    assert drill(admin_user, "services_per_case", worker=sri.pk) == ids(march, 1)


def test_a_closing_undone_by_reopening_does_not_count(march, admin_user):
    rows = table(admin_user, ("worker",))
    figure = rows[(march["sri"].pk,)]["goals_met"]
    assert figure.counts == {"goals_met": 1}  # C5; C6 was reopened
    assert drill(admin_user, "goals_met", worker=march["sri"].pk) == ids(march, 5)


def test_aftercare_visits_on_schedule(march, admin_user, sentra_a):
    sri = march["sri"]
    figure = table(admin_user, ("worker",))[(sri.pk,)]["aftercare_on_time"]
    assert figure.counts == {"on_time": 1, "late": 1, "missing:excused": 1}
    assert figure.value == 50.0
    unit = table(admin_user, ("unit",))[(sentra_a.pk,)]["aftercare_on_time"]
    assert unit.value == 33.3


def test_monthly_reports_on_time(march, admin_user, sentra_a):
    sri, agus = march["sri"], march["agus"]
    rows = table(admin_user, ("worker",))
    assert rows[(sri.pk,)]["reports_on_time"].counts == {"on_time": 1}
    assert rows[(agus.pk,)]["reports_on_time"].counts == {"late": 1}
    assert table(admin_user, ("unit",))[(sentra_a.pk,)]["reports_on_time"].value == 50.0
    with at(NOW):
        facts = kpis.kpi_reports(admin_user, MARCH, now=NOW)
    assert {(f.worker_id, f.due, f.outcome) for f in facts} == {
        (sri.pk, dt.date(2026, 3, 6), "on_time"),
        (agus.pk, dt.date(2026, 3, 6), "late"),
    }


def test_per_target_group(march, admin_user):
    rows = table(admin_user, ("target_group",), kpis=["cases_handled", "first_contact"])
    assert rows[("lansia",)]["first_contact"].value == 100.0
    assert rows[("anak",)]["cases_handled"].value == 8  # C1–C8, C7 counted once


def test_a_worker_sees_only_their_own_figures(march, pendamping_a, pendamping_a2):
    rows = table(pendamping_a, ("worker",))
    assert set(rows) == {(pendamping_a.pk,)}
    assert drill(pendamping_a, "cases_handled", worker=pendamping_a2.pk) == set()


def test_a_head_sees_their_team_and_the_cases_their_sentra_still_holds(
    march, head_a, head_b, pendamping_b, sentra_a
):
    rows = table(head_a, ("worker", "unit"))
    assert {key[1] for key in rows} == {sentra_a.pk}
    assert (pendamping_b.pk, pendamping_b.unit_id) not in rows
    # The head of B sees C7's assessment deadline (B held it) but not its first contact.
    assert drill(head_b, "assessment") == ids(march, 7)
    assert drill(head_b, "first_contact") == set()
    assert drill(head_a, "first_contact", "missed") == ids(march, 2)  # C7 is no longer A's case


def test_services_are_read_from_the_tally_and_fresh_ones_are_counted_live(march, admin_user):
    sri, one = march["sri"], march["cases"][1]
    with at(NOW):
        tally_sync()
    tallied = ServiceTally.objects.filter(day__gte=MARCH.start, day__lte=MARCH.end)
    assert sum(t.services for t in tallied) == 2
    # Recorded now, for 31 March: too fresh for the tally, counted live.
    with at(NOW):
        case_services.service_record(
            actor=sri,
            case=Case.objects.get(pk=one.pk),
            delivered_on=dt.date(2026, 3, 31),
            component="care",
            description="Pengasuhan",
        )
    assert table(admin_user, ("worker",))[(sri.pk,)]["services_per_case"].numerator == 3
    later = NOW + dt.timedelta(hours=1)
    with at(later):
        rows = kpis.kpi_table(admin_user, MARCH, by=("worker",), now=later)
    assert next(r for r in rows if r.key["worker"] == sri.pk)["services_per_case"].numerator == 3
    assert sum(t.services for t in tallied.all()) == 3  # now in the tally, counted once


def test_services_over_whole_months_and_the_days_around_them_count_each_service_once(
    march, admin_user
):
    """The monthly tally serves whole months, the daily one the partial months at the ends."""
    sri = march["sri"]
    with at(NOW):
        tally_sync()

    def services(start, end):
        period = kpis.Period(start, end)
        with at(NOW):
            rows = kpis.kpi_table(admin_user, period, by=("worker",), now=NOW)
        row = next((r for r in rows if r.key["worker"] == sri.pk), None)
        return row["services_per_case"].numerator if row else 0

    # Sri's services: 21 and 25 March.
    assert services(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 2  # one whole month
    assert services(dt.date(2026, 2, 1), dt.date(2026, 4, 30)) == 2  # three whole months
    assert services(dt.date(2026, 2, 20), dt.date(2026, 4, 5)) == 2  # days around March
    assert services(dt.date(2026, 3, 22), dt.date(2026, 4, 30)) == 1  # partial March, April
    assert services(dt.date(2026, 2, 1), dt.date(2026, 3, 21)) == 1  # February, partial March
    assert services(dt.date(2026, 3, 22), dt.date(2026, 3, 24)) == 0  # days only
