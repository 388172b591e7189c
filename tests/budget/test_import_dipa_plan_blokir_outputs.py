"""Importing the DIPA, Hal III plan, blokir and output reports: dated versions, idempotent."""

import datetime as dt

import pytest

from atensi.budget.figures import budget_data
from atensi.budget.importing import import_template
from atensi.budget.models import Allocation, Blokir, MonthlyPlan, Output, OutputReport, Revision
from atensi.common.errors import ApplicationError

from .factories import blokir, dipa_line, do_import, output_report, plan_rows

pytestmark = pytest.mark.django_db


def pagu_on(unit, day):
    data = budget_data(2023, [unit.pk])
    return data.pagu([unit.pk], day)


def test_the_dipa_creates_ro_and_detail_lines_and_a_second_import_changes_nothing(
    finance_a, sentra_a
):
    rows = [dipa_line(akun="511111", pagu="400.000.000", revisi_ke=0), dipa_line(revisi_ke=0)]
    first = do_import(finance_a, "dipa", rows)
    again = do_import(finance_a, "dipa", rows)
    assert (first.created, first.skipped) == (2, 0)
    assert (again.created, again.skipped, again.updated) == (0, 2, 0)
    output = Output.objects.get()
    assert (output.full_code, output.target_volume, output.target_group) == (
        "6371.QDB.001",
        100,
        "anak",
    )
    assert Allocation.objects.count() == 2
    assert Revision.objects.get().number == 0
    assert pagu_on(sentra_a, dt.date(2023, 6, 30)) == {
        "51": 400_000_000,
        "52": 600_000_000,
        "53": 0,
        "57": 0,
    }


def test_a_revision_replaces_changed_lines_from_its_date_and_keeps_the_old_version(
    finance_a, sentra_a
):
    do_import(finance_a, "dipa", [dipa_line(akun="511111", pagu=400_000_000), dipa_line()])
    result = do_import(
        finance_a,
        "dipa",
        [
            dipa_line(akun="511111", pagu=400_000_000, berlaku_mulai="2023-04-01"),
            dipa_line(pagu=650_000_000, berlaku_mulai="2023-04-01"),
            dipa_line(akun="532111", pagu=50_000_000, berlaku_mulai="2023-04-01"),
        ],
        name="revisi-1.csv",
    )
    assert (result.created, result.updated, result.skipped) == (2, 1, 1)
    assert pagu_on(sentra_a, dt.date(2023, 3, 31))["52"] == 600_000_000
    after = pagu_on(sentra_a, dt.date(2023, 4, 1))
    assert (after["51"], after["52"], after["53"]) == (400_000_000, 650_000_000, 50_000_000)


def test_a_revision_dated_before_a_stored_later_one_is_refused(finance_a):
    do_import(finance_a, "dipa", [dipa_line(berlaku_mulai="2023-05-01")])
    with pytest.raises(ApplicationError, match="berurutan"):
        do_import(finance_a, "dipa", [dipa_line(pagu=1, berlaku_mulai="2023-03-01")])
    assert Allocation.objects.count() == 1


def test_the_rows_of_one_satker_must_be_one_version(finance_a):
    result = do_import(
        finance_a,
        "dipa",
        [dipa_line(), dipa_line(akun="511111", berlaku_mulai="2023-02-01")],
    )
    assert result.rejected
    assert result.issues[0].row == 3 and "satu versi" in result.issues[0].message


def test_one_ro_with_two_targets_in_a_file_is_an_error(finance_a):
    result = do_import(finance_a, "dipa", [dipa_line(), dipa_line(akun="511111", target_volume=5)])
    assert result.rejected and "RO 027.05.DN.6371.QDB.001" in result.issues[0].message


def test_dipa_checks_amounts_and_codes(finance_a):
    result = do_import(
        finance_a,
        "dipa",
        [dipa_line(pagu="-5", klaster="hewan", akun="611111", target_volume="x")],
    )
    assert sorted(i.column for i in result.issues) == ["akun", "klaster", "pagu", "target_volume"]


def test_the_plan_is_versioned_by_cell(finance_a, sentra_a):
    first = do_import(finance_a, "plan", plan_rows(amounts={"51": 30_000_000, "52": 40_000_000}))
    assert first.created == 24
    assert (
        do_import(
            finance_a, "plan", plan_rows(amounts={"51": 30_000_000, "52": 40_000_000})
        ).created
        == 0
    )
    changed = [10_000_000] * 6 + [60_000_000] * 6
    revised = do_import(
        finance_a,
        "plan",
        plan_rows(amounts={"51": 30_000_000, "52": changed}, valid_from="2023-07-01"),
    )
    # Months 1-6 of 52 changed (40 → 10 million), months 7-12 too (40 → 60 million).
    assert (revised.created, revised.updated, revised.skipped) == (12, 12, 12)
    data = budget_data(2023, [sentra_a.pk])
    assert data.plan_on([sentra_a.pk], dt.date(2023, 6, 30))[3, "52"] == 40_000_000
    assert data.plan_on([sentra_a.pk], dt.date(2023, 7, 1))[3, "52"] == 10_000_000
    assert MonthlyPlan.objects.filter(valid_to__isnull=True).count() == 24


def test_a_plan_cell_twice_in_a_file_is_an_error(finance_a):
    rows = plan_rows(amounts={"52": 1})[:1] * 2
    result = do_import(finance_a, "plan", rows)
    assert result.rejected and "sudah ada di baris 2" in result.issues[0].message


def test_the_plan_accepts_an_akun_for_the_jenis_belanja(finance_a):
    rows = plan_rows(amounts={"521211": 5})
    assert do_import(finance_a, "plan", rows).created == 12
    assert set(MonthlyPlan.objects.values_list("jenis_belanja", flat=True)) == {"52"}


def test_blokir_is_recorded_once_and_its_release_later(finance_a, sentra_a):
    do_import(finance_a, "dipa", [dipa_line()])
    assert (
        do_import(finance_a, "blokir", [blokir(kegiatan="6371", kro="QDB", ro="001")]).created == 1
    )
    assert (
        do_import(finance_a, "blokir", [blokir(kegiatan="6371", kro="QDB", ro="001")]).skipped == 1
    )
    released = do_import(
        finance_a,
        "blokir",
        [blokir(kegiatan="6371", kro="QDB", ro="001", tanggal_dibuka="2023-07-01")],
    )
    assert released.updated == 1
    item = Blokir.objects.get()
    assert item.output.full_code == "6371.QDB.001" and item.released_on == dt.date(2023, 7, 1)
    data = budget_data(2023, [sentra_a.pk])
    assert data.blokir_at([sentra_a.pk], dt.date(2023, 6, 30))["52"] == 100_000_000
    assert data.blokir_at([sentra_a.pk], dt.date(2023, 7, 1))["52"] == 0


def test_blokir_for_an_ro_outside_the_dipa_is_an_error(finance_a):
    result = do_import(finance_a, "blokir", [blokir(kegiatan="6371", kro="QDB", ro="009")])
    assert result.rejected and "tidak ada di DIPA" in result.issues[0].message


def test_output_reports_are_stored_and_corrected(finance_a):
    do_import(finance_a, "dipa", [dipa_line()])
    assert do_import(finance_a, "output", [output_report(rvro=10)]).created == 1
    assert do_import(finance_a, "output", [output_report(rvro=10)]).skipped == 1
    corrected = do_import(finance_a, "output", [output_report(rvro=12, pcro="12,5")])
    assert corrected.updated == 1
    report = OutputReport.objects.get()
    assert (report.rvro, str(report.pcro)) == (12, "12.50")


def test_output_report_pcro_defaults_to_rvro_over_tvro(finance_a):
    do_import(finance_a, "dipa", [dipa_line()])
    do_import(finance_a, "output", [output_report(tvro=80, rvro=20)])
    assert str(OutputReport.objects.get().pcro) == "25.00"


def test_an_output_report_needs_its_ro_in_the_dipa(finance_a):
    result = do_import(finance_a, "output", [output_report()])
    assert result.rejected and "impor DIPA lebih dulu" in result.issues[0].message


@pytest.mark.parametrize("kind", ["dipa", "plan", "blokir", "realisation", "output"])
def test_templates_are_generated_for_every_kind(kind, finance_a, tmp_path):
    from openpyxl import load_workbook

    from atensi.budget.importing import COLUMNS

    csv_text = import_template(kind, "csv").decode("utf-8-sig").splitlines()
    assert csv_text[0].split(",") == [c.name for c in COLUMNS[kind]]
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(import_template(kind, "xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["data", "petunjuk"]
    assert [c.value for c in book["data"][1]] == [c.name for c in COLUMNS[kind]]
