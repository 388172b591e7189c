"""Kept months (kpi_months.py): a settled month's KPIs are counted once and kept, and every
audited change behind them makes the next reading count them again.

On the hand-made March 2026 of test_kpis, read on 15 May 2026 (March and April are settled by
then): each figure read through the kept months must equal the same figure counted live (an
explicit `now` always counts live), before and after changes made after the keeping.
"""

import datetime as dt

import pytest

from atensi.cases.models import Case, ResponseTarget
from atensi.workforce import kpis
from atensi.workforce.kpi_months import kept_span, settled_until
from atensi.workforce.models import KpiMonth, KpiMonthCount
from atensi.workforce.services import absence_record
from tests.workforce.conftest import at, jkt
from tests.workforce.test_kpis import MARCH, _done_case, march  # noqa: F401 (the timeline)
from tests.workforce.timeline import (
    assign,
    contact,
    reopen,
    schedule_visit,
    to_aftercare,
    visit,
)

pytestmark = pytest.mark.django_db

LATER = jkt(2026, 5, 15, 10)
GROUPINGS = [
    ("worker",),
    ("unit",),
    ("target_group",),
    ("worker", "unit"),
    ("unit", "target_group", "approach"),
]


def figures(user, period, by, *, kept: bool, moment: dt.datetime = LATER) -> dict:
    """{group: {kpi: (numerator, denominator, {outcome: n})}}, through the kept months or live."""
    with at(moment):
        rows = (
            kpis.kpi_table(user, period, by=by)
            if kept
            else kpis.kpi_table(user, period, by=by, now=moment)
        )
    return {
        tuple(r.key.values()): {
            code: (f.numerator, f.denominator, {o: n for o, n in f.counts.items() if n})
            for code, f in r.figures.items()
        }
        for r in rows
    }


def agree(user, period=MARCH, groupings=GROUPINGS, moment: dt.datetime = LATER) -> dict:
    """Asserts kept == live for every grouping; returns the kept figures by worker."""
    for by in groupings:
        kept = figures(user, period, by, kept=True, moment=moment)
        live = figures(user, period, by, kept=False, moment=moment)
        differing = {
            (key, code): (kept.get(key, {}).get(code), live.get(key, {}).get(code))
            for key in kept.keys() | live.keys()
            for code in kept.get(key, live.get(key, {}))
            if kept.get(key, {}).get(code) != live.get(key, {}).get(code)
        }
        assert not differing, (by, differing)
    return figures(user, period, ("worker",), kept=True, moment=moment)


def test_settled_and_whole_months():
    # Aftercare grace of 7 days: on 15 May, April's last visits (30 April) are past their grace.
    assert settled_until(dt.date(2026, 5, 15), 7) == dt.date(2026, 4, 30)
    assert settled_until(dt.date(2026, 5, 7), 7) == dt.date(2026, 3, 31)
    settled = dt.date(2026, 4, 30)
    assert kept_span(dt.date(2026, 3, 1), dt.date(2026, 3, 31), settled) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
    )
    assert kept_span(dt.date(2026, 1, 15), dt.date(2026, 5, 10), settled) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 4, 1),
    )
    assert kept_span(dt.date(2026, 3, 2), dt.date(2026, 3, 31), settled) is None
    assert kept_span(dt.date(2026, 4, 1), dt.date(2026, 5, 31), dt.date(2026, 3, 31)) is None


def test_a_settled_month_read_from_its_kept_counts_equals_the_live_count(
    march,  # noqa: F811
    admin_user,
    head_a,
    pendamping_a,
):
    agree(admin_user)
    assert KpiMonth.objects.filter(month=dt.date(2026, 3, 1)).exists()
    assert KpiMonthCount.objects.filter(month=dt.date(2026, 3, 1), kpi="first_contact").exists()
    # The kept rows are read within each reader's scope.
    agree(head_a, groupings=[("worker",), ("unit",)])
    agree(pendamping_a, groupings=[("worker",)])


def test_a_longer_period_adds_kept_months_and_counts_the_days_around_them_live(
    march,  # noqa: F811
    admin_user,
):
    period = kpis.Period(dt.date(2026, 1, 15), dt.date(2026, 4, 20))
    agree(admin_user, period=period)
    kept_months = set(KpiMonth.objects.values_list("month", flat=True))
    assert kept_months == {dt.date(2026, 2, 1), dt.date(2026, 3, 1)}


def test_every_audited_change_behind_a_kept_month_is_counted(
    march,  # noqa: F811
    admin_user,
    head_a,
    supervisor_a,
):
    sri, agus = march["sri"], march["agus"]
    # One more case in aftercare, with a visit due 10 March that nobody made.
    case = _done_case(sri, supervisor_a, jkt(2026, 1, 6), terminated=jkt(2026, 2, 20))
    to_aftercare(sri, case, jkt(2026, 2, 21))
    march["pending_visit"] = schedule_visit(sri, case, dt.date(2026, 3, 10), jkt(2026, 2, 21, 11))
    before = agree(admin_user)

    # A first contact made late (C3, due 12 March) turns "overdue" into "missed".
    contact(sri, march["cases"][3], jkt(2026, 5, 15, 12))
    after_contact = agree(admin_user, moment=jkt(2026, 5, 15, 12, 1))
    assert after_contact[(sri.pk,)]["first_contact"] != before[(sri.pk,)]["first_contact"]

    # Leave recorded afterwards for 6 March excuses Sri's failure due that day (C2).
    with at(jkt(2026, 5, 15, 13, 0)):
        absence_record(
            actor=head_a,
            worker=sri,
            kind="sick",
            starts_on=dt.date(2026, 3, 6),
            ends_on=dt.date(2026, 3, 6),
        )
    after_leave = agree(admin_user, moment=jkt(2026, 5, 15, 13, 1))
    assert after_leave[(sri.pk,)]["first_contact"] != after_contact[(sri.pk,)]["first_contact"]

    # A visit due 10 March and missing, made now, is late.
    visit(sri, march["pending_visit"], jkt(2026, 5, 15, 14, 0))
    after_visit = agree(admin_user, moment=jkt(2026, 5, 15, 14, 1))
    assert (
        after_visit[(sri.pk,)]["aftercare_on_time"] != after_leave[(sri.pk,)]["aftercare_on_time"]
    )

    # Reopening C5 (closed 31 March with its goals met) undoes March's closing.
    reopen(supervisor_a, march["cases"][5], jkt(2026, 5, 15, 14, 30))
    after_reopen = agree(admin_user, moment=jkt(2026, 5, 15, 14, 31))
    assert after_reopen[(sri.pk,)]["goals_met"] != after_visit[(sri.pk,)]["goals_met"]

    # A reassignment today moves nothing in March: the kept month stays and still agrees.
    # (Read first once the reopening is older than the sync's re-read window: a month counted
    # within that window of a change is counted once more, as it may not have seen it.)
    quiet = agree(admin_user, moment=jkt(2026, 5, 15, 15, 0))
    kept_at = KpiMonth.objects.get(month=dt.date(2026, 3, 1)).built_at
    assign(supervisor_a, march["cases"][3], agus, jkt(2026, 5, 15, 16, 0))
    assert agree(admin_user, moment=jkt(2026, 5, 15, 16, 1)) == quiet
    assert KpiMonth.objects.get(month=dt.date(2026, 3, 1)).built_at == kept_at


def test_new_response_targets_recount_the_kept_months(march, admin_user):  # noqa: F811
    before = agree(admin_user)
    for target in ResponseTarget.objects.filter(urgency="normal", milestone="first_contact"):
        target.hours = 24
        target.save()
    after = agree(admin_user)
    assert after != before


def test_the_sync_command_counts_the_kept_months_again_after_a_bulk_load(
    march,  # noqa: F811
    admin_user,
):
    from io import StringIO

    from django.core.management import call_command

    before = agree(admin_user)
    assert KpiMonth.objects.exists()
    # A repair in SQL, past the audit trail: C2's contact moved back into its target.
    Case.objects.filter(pk=march["cases"][2].pk).update(first_contact_at=jkt(2026, 3, 4, 10))
    stale = figures(admin_user, MARCH, ("worker",), kept=True)
    assert stale == before  # the kept month cannot see it ...
    out = StringIO()
    call_command("workforce", "sync", stdout=out)
    assert "bulan KPI tersimpan dihitung ulang: 1" in out.getvalue()
    after = agree(admin_user)  # ... until the sync has it counted again
    sri = march["sri"].pk
    assert after[(sri,)]["first_contact"][0] == before[(sri,)]["first_contact"][0] + 1
