"""Exports over the API: the PDF case file and the Excel case list, scoped and audited."""

import io

from openpyxl import load_workbook

from atensi.common.models import AuditLog
from atensi.registry.services import consent_withdraw
from tests.api_helpers import error_of
from tests.cases.factories import give_consent, make_case
from tests.registry.factories import make_person


def test_the_case_file_is_a_pdf_and_its_export_is_audited(api, pendamping_a):
    case = make_case(pendamping_a)
    response = api(pendamping_a).get(f"/api/v1/cases/{case.pk}/case-file/?purpose=Konferensi kasus")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{case.number}.pdf"' in response["Content-Disposition"]
    row = AuditLog.objects.get(object_type="cases.case", object_id=str(case.pk), action="export")
    assert row.changes["purpose"] == "Konferensi kasus"


def test_an_outsider_gets_no_case_file(api, pendamping_a, head_b):
    case = make_case(pendamping_a)
    assert api(head_b).get(f"/api/v1/cases/{case.pk}/case-file/").status_code == 404


def test_no_case_file_once_consent_is_withdrawn(api, pendamping_a):
    person = make_person(pendamping_a)
    consent = give_consent(pendamping_a, person)
    case = make_case(pendamping_a, person=person)
    consent_withdraw(actor=pendamping_a, consent=consent, reason="Keluarga menolak")
    response = api(pendamping_a).get(f"/api/v1/cases/{case.pk}/case-file/")
    assert response.status_code == 400
    assert error_of(response)["code"] == "consent_withdrawn"


def test_the_excel_list_holds_the_filtered_cases_in_scope(
    api, pendamping_a, pendamping_a2, pendamping_b, head_a
):
    mine = make_case(pendamping_a, urgency="emergency")
    make_case(pendamping_a2)
    make_case(pendamping_b, urgency="emergency")
    response = api(head_a).get("/api/v1/cases/export/?urgency=emergency")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = {cell.value for row in sheet.iter_rows() for cell in row}
    assert mine.number in numbers
    assert len([n for n in numbers if isinstance(n, str) and n.startswith("KS-")]) == 1


def test_a_finance_officer_cannot_export_cases(api, finance_a):
    assert api(finance_a).get("/api/v1/cases/export/").status_code == 403
