"""The workforce pages: who sees what (own page, team board, national view; outsiders 404),
the report workflow through the pages, assignment from the board, drill-down, audited exports."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases.models import Case
from atensi.common.models import AuditLog
from atensi.workforce.choices import ReportStatus
from atensi.workforce.models import CaseAssignmentDecision, MonthlyReport
from atensi.workforce.services import absence_record, report_narrative_save, report_open
from tests.cases.factories import make_case
from tests.conftest import SENTRA_A, make_user
from tests.registry.factories import make_person
from tests.workforce.conftest import at, profile

pytestmark = pytest.mark.django_db


def get(client, user, name, *args, status=200, **params):
    client.force_login(user)
    response = client.get(reverse(f"workforce:{name}", args=args), params)
    assert response.status_code == status, response.content.decode()[:500]
    return response


@pytest.fixture
def last_month():
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# --- where each role lands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "target"),
    [
        ("pendamping_a", "workforce:mine"),
        ("supervisor_a", "workforce:team"),
        ("head_a", "workforce:team"),
        ("analyst_anak", "workforce:national"),
        ("auditor", "workforce:national"),
    ],
)
def test_each_role_lands_on_its_page(client, request, fixture, target):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get(reverse("workforce:home"))
    assert response.status_code == 302 and response.url == reverse(target)


def test_a_finance_officer_has_no_workforce_pages(client, finance_a):
    get(client, finance_a, "home", status=403)
    get(client, finance_a, "team", status=403)


# --- my page --------------------------------------------------------------------------------------


def test_my_page_shows_my_load_reports_and_training(client, head_a, pendamping_a):
    profile(head_a, pendamping_a)
    case = make_case(pendamping_a, urgency="emergency")
    body = get(client, pendamping_a, "mine").content.decode()
    assert case.number in body
    assert "Beban, laporan dan pelatihan saya" in body
    assert "Buka laporan" in body
    assert "Definisi" in body


def test_a_worker_sees_only_their_own_page(client, pendamping_a, pendamping_a2):
    get(client, pendamping_a, "worker", pendamping_a.pk)
    get(client, pendamping_a, "worker", pendamping_a2.pk, status=404)


def test_a_head_sees_their_team_but_not_another_sentra(
    client, head_a, head_b, pendamping_a, pendamping_b
):
    get(client, head_a, "worker", pendamping_a.pk)
    get(client, head_a, "worker", pendamping_b.pk, status=404)
    get(client, head_b, "worker", pendamping_a.pk, status=404)


# --- the team board -------------------------------------------------------------------------------


def test_the_team_board_shows_load_leave_and_the_suggestion(
    client, head_a, pendamping_a, pendamping_a2, pendamping_b
):
    profile(head_a, pendamping_a, specialisations=["anak"])
    profile(head_a, pendamping_a2, specialisations=["lansia"])
    today = timezone.localdate()
    absence_record(actor=head_a, worker=pendamping_a2, kind="sick", starts_on=today, ends_on=today)
    make_case(pendamping_a)
    waiting = make_case(head_a, person=make_person(head_a, full_name="Rudi Hartono"))
    response = get(client, head_a, "team")
    body = response.content.decode()
    assert str(pendamping_a) in body and str(pendamping_a2) in body
    assert str(pendamping_b) not in body
    assert "Cuti sakit" in body
    item = response.context["unassigned"][0]
    assert item["case"] == waiting and item["suggestion"].worker == pendamping_a


def _queries(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in context.captured_queries]


def test_the_team_board_costs_the_same_queries_however_many_workers(client, head_a, pendamping_a):
    make_case(pendamping_a)
    make_case(head_a)  # one unassigned case with its suggestion
    client.force_login(head_a)
    url = reverse("workforce:team")
    client.get(url)  # rules loaded, holdings synced
    few = _queries(client, url)
    for n in range(4):
        worker = make_user(f"pendamping_x{n}", "pendamping", SENTRA_A)
        make_case(worker)
    client.get(url)
    assert len(_queries(client, url)) == len(few) <= 50


def test_the_head_assigns_from_the_board_and_the_decision_is_recorded(
    client, head_a, pendamping_a, pendamping_a2
):
    profile(head_a, pendamping_a, specialisations=["anak"])
    case = make_case(head_a)
    client.force_login(head_a)
    response = client.post(
        reverse("workforce:assign", args=[case.pk]),
        {f"case{case.pk}-worker": pendamping_a2.pk, f"case{case.pk}-note": "Dekat rumah"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Ditetapkan kepada" in response.content.decode()
    decision = CaseAssignmentDecision.objects.get(case=case)
    assert (decision.suggested, decision.chosen) == (pendamping_a, pendamping_a2)
    assert Case.objects.get(pk=case.pk).pendamping == pendamping_a2


def test_a_supervisor_of_another_sentra_cannot_assign(client, head_b, head_a, pendamping_a):
    case = make_case(head_a)
    client.force_login(head_b)
    response = client.post(
        reverse("workforce:assign", args=[case.pk]), {f"case{case.pk}-worker": pendamping_a.pk}
    )
    assert response.status_code == 404


def test_bulk_reassignment_from_the_worker_page(client, head_a, pendamping_a, pendamping_a2):
    cases = [make_case(pendamping_a) for _ in range(2)]
    client.force_login(head_a)
    response = client.post(
        reverse("workforce:reassign", args=[pendamping_a.pk]),
        {"reassign-to_worker": pendamping_a2.pk, "reassign-note": "Mutasi"},
        follow=True,
    )
    assert "2 kasus dialihkan" in response.content.decode()
    assert {c.pendamping_id for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {
        pendamping_a2.pk
    }


# --- national view --------------------------------------------------------------------------------


def test_the_national_view_is_for_the_directorate(client, analyst_anak, head_a, pendamping_a):
    make_case(pendamping_a)
    body = get(client, analyst_anak, "national").content.decode()
    assert "Indikator per sentra" in body and "Kebutuhan pelatihan" in body
    get(client, head_a, "national", status=403)
    get(client, pendamping_a, "national", status=403)


def test_the_national_view_can_look_at_any_sentras_board(client, auditor, sentra_b, pendamping_b):
    body = get(client, auditor, "team", unit=sentra_b.pk).content.decode()
    assert str(pendamping_b) in body


# --- drill-down -----------------------------------------------------------------------------------


def test_a_figure_drills_down_to_its_cases(client, head_a, pendamping_a, pendamping_b):
    mine = make_case(pendamping_a)
    other = make_case(pendamping_b)
    today = timezone.localdate()
    params = {"dari": today.replace(day=1).isoformat(), "sampai": today.isoformat()}
    body = get(client, head_a, "drill", "cases_handled", **params).content.decode()
    assert mine.number in body and other.number not in body
    get(client, head_a, "drill", "no_such_kpi", status=404)


# --- the report workflow through the pages ------------------------------------------------------


def test_the_report_workflow_through_the_pages(
    client, pendamping_a, supervisor_a, head_a, last_month
):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("workforce:report_create"), {"month": last_month.strftime("%Y-%m")}
    )
    report = MonthlyReport.objects.get(worker=pendamping_a, month=last_month)
    assert response.url == reverse("workforce:report", args=[report.pk])
    url = lambda name: reverse(f"workforce:{name}", args=[report.pk])  # noqa: E731
    response = client.post(
        url("report_narrative"),
        {"narrative": "Kunjungan rumah ke tiga keluarga.", "version": report.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Uraian disimpan." in response.content.decode()
    report.refresh_from_db()
    response = client.post(
        url("report_submit"), {"version": report.version}, HTTP_HX_REQUEST="true"
    )
    assert "Laporan diajukan" in response.content.decode()

    client.force_login(supervisor_a)
    body = get(client, supervisor_a, "team").content.decode()
    assert "Laporan menunggu pemeriksaan" in body
    response = client.post(
        url("report_decide"), {"decision": "return", "comment": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Tuliskan apa yang harus diperbaiki." in response.content.decode()
    client.post(url("report_decide"), {"decision": "return", "comment": "Tambahkan hambatan."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    client.force_login(pendamping_a)
    body = client.get(url("report")).content.decode()
    assert "Tambahkan hambatan." in body and "Ajukan ulang" in body
    client.post(
        url("report_narrative"),
        {"narrative": "Tiga keluarga; hambatan: jarak.", "version": report.version},
    )
    report.refresh_from_db()
    client.post(url("report_submit"), {"version": report.version})

    client.force_login(supervisor_a)
    client.post(url("report_decide"), {"decision": "approve", "comment": ""})
    body = get(client, head_a, "report", report.pk).content.decode()
    assert "Disetujui" in body
    assert [e.action for e in MonthlyReport.objects.get(pk=report.pk).events.all()] == [
        "generated",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_a_colleague_or_outsider_cannot_open_a_report(
    client, pendamping_a, pendamping_a2, head_b, last_month
):
    with at(timezone.now()):
        report = report_open(actor=pendamping_a, month=last_month)
    get(client, pendamping_a2, "report", report.pk, status=404)
    get(client, head_b, "report", report.pk, status=404)


def test_report_downloads_are_audited(client, pendamping_a, last_month):
    report = report_open(actor=pendamping_a, month=last_month)
    report_narrative_save(actor=pendamping_a, report=report, narrative="Uraian")
    client.force_login(pendamping_a)
    pdf = client.post(reverse("workforce:report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.post(reverse("workforce:report_xlsx", args=[report.pk]))
    assert xlsx.content.startswith(b"PK")
    formats = AuditLog.objects.filter(
        action="export", object_type="workforce.monthlyreport", object_id=str(report.pk)
    ).values_list("changes__format", flat=True)
    assert sorted(formats) == ["pdf", "xlsx"]


@pytest.mark.parametrize("name", ["tim", "indikator-sentra", "keadilan", "kebutuhan-pelatihan"])
def test_every_table_exports_to_excel_and_the_export_is_audited(
    client, auditor, pendamping_a, name
):
    make_case(pendamping_a)
    client.force_login(auditor)
    today = timezone.localdate()
    response = client.post(
        reverse("workforce:export", args=[name]),
        {"dari": today.replace(day=1).isoformat(), "sampai": today.isoformat()},
    )
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditLog.objects.filter(action="export", object_type=f"workforce.{name}").exists()


def test_a_pendamping_cannot_export_the_national_tables(client, pendamping_a):
    client.force_login(pendamping_a)
    response = client.post(reverse("workforce:export", args=["indikator-sentra"]))
    assert response.status_code == 403


def test_a_narrative_that_looks_like_a_formula_stays_text_in_excel(
    client, pendamping_a, last_month
):
    import io

    from openpyxl import load_workbook

    report = report_open(actor=pendamping_a, month=last_month)
    report_narrative_save(actor=pendamping_a, report=report, narrative='=HYPERLINK("http://x")')
    client.force_login(pendamping_a)
    content = client.post(reverse("workforce:report_xlsx", args=[report.pk])).content
    sheet = load_workbook(io.BytesIO(content))["Laporan"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"


def test_the_cases_behind_a_figure_export_to_excel_audited(client, head_a, pendamping_a):
    make_case(pendamping_a)
    today = timezone.localdate()
    client.force_login(head_a)
    response = client.post(
        reverse("workforce:drill_export", args=["cases_handled"]),
        {"dari": today.replace(day=1).isoformat(), "sampai": today.isoformat()},
    )
    assert response.status_code == 200 and response.content.startswith(b"PK")
    row = AuditLog.objects.get(action="export", object_type="cases.case")
    assert row.changes["count"] == 1 and "Kasus ditangani" in row.changes["description"]
