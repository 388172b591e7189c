"""Output achievement from cases: beneficiaries served under an RO beside the reported RVRO."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.budget.figures import output_reconciliation
from atensi.cases import services as cases
from atensi.cases.choices import Stage
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person

from .factories import dipa_line, do_import, output_report

pytestmark = pytest.mark.django_db
RO_CODE = "6371.QDB.001"


def served_case(worker, lead, day, *, group="anak", services=(RO_CODE,)):
    person = make_person(
        worker, full_name=f"Anak {day}", birth_date=dt.date(2012, 5, day), target_group=group
    )
    case = walk(make_case(worker, person=person), Stage.INTERVENTION, worker=worker, lead=lead)
    cases.case_penetapan(actor=lead, case=case, sk_number=f"SK-{day}", sk_date=timezone.localdate())
    for ro_code in services:
        cases.service_record(
            actor=worker,
            case=case,
            delivered_on=timezone.localdate(),
            component="family_support",
            description="Konseling",
            ro_code=ro_code,
        )
    return case


@pytest.fixture
def year():
    return timezone.localdate().year


def test_reconciliation_counts_distinct_beneficiaries_and_lists_the_cases(
    finance_a, pendamping_a, supervisor_a, pendamping_b, head_b, admin_user, year
):
    do_import(finance_a, "dipa", [dipa_line(ta=year)])
    month = timezone.localdate().month
    do_import(
        finance_a,
        "output",
        [output_report(ta=year, month=month, rvro=5, reported=timezone.localdate().isoformat())],
    )
    twice = served_case(pendamping_a, supervisor_a, 1, services=(RO_CODE, RO_CODE))
    once = served_case(pendamping_a, supervisor_a, 2)
    other_group = served_case(pendamping_a, supervisor_a, 3, group="disabilitas")
    uncharged = served_case(pendamping_a, supervisor_a, 4, services=("",))
    # The same RO code charged by another sentra does not count for sentra A.
    served_case(pendamping_b, head_b, 5)

    [row] = output_reconciliation(year, None, month)
    assert (row["unit"], row["ro"], row["target_group"]) == ("630108", RO_CODE, "anak")
    assert (row["reported"], row["from_cases"], row["difference"]) == (5, 3, 2)
    counted = {c["case"]: c["services"] for c in row["cases"]}
    assert counted == {twice.number: 2, once.number: 1, other_group.number: 1}
    assert [c["case"] for c in row["cases_other_target_group"]] == [other_group.number]
    assert [c["case"] for c in row["cases_not_charged"]] == [uncharged.number]
    # Cases are listed by case and registry number, never by name.
    persons = {c["case"]: c["person"] for c in row["cases"]}
    assert persons[once.number] == once.person.registry_id


def test_ros_without_a_target_group_are_not_reconciled(finance_a, year):
    do_import(finance_a, "dipa", [dipa_line(ta=year, klaster="")])
    assert output_reconciliation(year, None, 12) == []


def test_an_ro_nobody_reported_shows_no_difference(finance_a, year):
    do_import(finance_a, "dipa", [dipa_line(ta=year)])
    [row] = output_reconciliation(year, None, 12)
    assert (row["reported"], row["from_cases"], row["difference"]) == (None, 0, None)
