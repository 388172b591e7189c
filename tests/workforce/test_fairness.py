"""Like compared with like: the spread of a KPI across sentra in one cell (target group and
approach), the sentra below the 25th percentile, and the training that would help."""

import datetime as dt

import pytest

from atensi.accounts.models import Role
from atensi.workforce import fairness as fairness_module
from atensi.workforce.kpis import Period
from atensi.workforce.services import training_record
from tests.conftest import SENTRA_A, SENTRA_B, make_user
from tests.workforce.conftest import at, jkt
from tests.workforce.timeline import contact, open_case

pytestmark = pytest.mark.django_db

SENTRA_C = "630109"
APRIL = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
NOW = jkt(2026, 5, 4, 10)


def _cases(worker, *, late: bool, n: int = 5, approach: str = "family"):
    for i in range(n):
        received = jkt(2026, 4, 1 + i)
        case = open_case(worker, received, approach=approach)
        contact(worker, case, received + dt.timedelta(days=8 if late else 1))


@pytest.fixture
def three_sentra(db):
    slow = make_user("lambat", Role.PENDAMPING, SENTRA_A, "Lambat")
    quick_b = make_user("cepat_b", Role.PENDAMPING, SENTRA_B, "Cepat B")
    quick_c = make_user("cepat_c", Role.PENDAMPING, SENTRA_C, "Cepat C")
    _cases(slow, late=True)
    _cases(quick_b, late=False)
    _cases(quick_c, late=False)
    # Residential cases are another cell: sentra A is not compared with them.
    _cases(quick_b, late=False, n=2, approach="residential")
    return {"slow": slow, "quick_b": quick_b, "quick_c": quick_c}


def run(user):
    with at(NOW):
        return fairness_module.fairness(user, APRIL, now=NOW)


def first_contact_cell(result, approach="family"):
    return next(
        s
        for s in result.spreads
        if s.kpi.code == "first_contact" and s.target_group == "anak" and s.approach == approach
    )


def test_sentra_are_compared_within_a_cell(three_sentra, analyst_anak, sentra_a):
    result = run(analyst_anak)
    cell = first_contact_cell(result)
    assert sorted(v.value for v in cell.values) == [0.0, 100.0, 100.0]
    assert (cell.median, cell.p25, cell.p75) == (100.0, 50.0, 100.0)
    assert [v.unit_id for v in cell.values if v.short] == [sentra_a.pk]
    # Two residential cases are too few to be judged (fewer than fairness_min_facts = 5).
    assert not any(s.approach == "residential" for s in result.spreads)


def test_a_shortfall_on_a_linked_kpi_names_the_course_and_who_lacks_it(
    three_sentra, analyst_anak, head_a, sentra_a
):
    need = next(n for n in run(analyst_anak).needs if n.spread.kpi.code == "first_contact")
    assert need.unit == sentra_a
    assert [c.code for c in need.competences] == ["respon_kasus"]
    assert [c.code for c in need.courses] == ["BIMTEK-RESPON"]
    assert need.workers == [three_sentra["slow"]]
    with at(NOW):
        course = need.courses[0]
        training_record(
            actor=head_a,
            worker=three_sentra["slow"],
            course=course,
            started_on=dt.date(2026, 4, 20),
            finished_on=dt.date(2026, 4, 22),
            result="passed",
        )
    need = next(n for n in run(analyst_anak).needs if n.spread.kpi.code == "first_contact")
    assert need.workers == []  # trained: the need stays visible, nobody left to send


def test_a_head_sees_the_national_spread_but_only_their_own_sentra(
    three_sentra, head_a, head_b, sentra_a, sentra_b
):
    cell = first_contact_cell(run(head_a))
    assert [v.unit_id for v in cell.values] == [sentra_a.pk]
    assert cell.p25 == 50.0
    result_b = run(head_b)
    assert [v.unit_id for v in first_contact_cell(result_b).values] == [sentra_b.pk]
    assert result_b.needs == []


def test_a_pendamping_gets_no_comparison(three_sentra):
    assert run(three_sentra["slow"]) is None
