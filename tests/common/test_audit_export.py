"""Exporting the audit trail as CSV: the filtered rows only, and every export is itself audited."""

import csv
import io
from zoneinfo import ZoneInfo

from django.urls import reverse

from atensi.common.audit import audit_record
from atensi.common.models import AuditLog
from tests.conftest import SENTRA_A
from tests.registry.factories import make_person

URL = reverse("audit:export")


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheet programs then read the text as UTF-8
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_it_exports_the_filtered_rows_and_audits_the_export(client, auditor, pendamping_a, head_b):
    siti = make_person(pendamping_a, full_name="Siti Aminah", sex="P")
    make_person(head_b, full_name="Budi Santoso")
    client.force_login(auditor)

    response = client.post(f"{URL}?unit={SENTRA_A}&action=create")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    lines = read_csv(response)
    assert [(r["nama pengguna"], r["aksi"], r["kode aksi"], r["unit"]) for r in lines] == [
        ("pendamping_a", "buat", "create", SENTRA_A)
    ]
    assert lines[0]["objek"] == str(siti)
    assert lines[0]["id objek"] == str(siti.pk)
    export = AuditLog.objects.get(action="export")
    assert export.actor == auditor
    assert export.object_type == "common.auditlog"
    assert export.changes["filters"] == [None, {"unit": SENTRA_A, "action": "create"}]
    assert export.changes["rows"] == [None, 1]


def test_the_export_does_not_contain_itself(client, auditor):
    client.force_login(auditor)
    lines = read_csv(client.post(URL))
    assert "export" not in {r["kode aksi"] for r in lines}
    second = read_csv(client.post(f"{URL}?action=export"))
    assert len(second) == 1  # the first export only


def test_the_export_shows_jakarta_time_and_the_changes(client, auditor, pendamping_a):
    person = make_person(pendamping_a, full_name="Siti Aminah", sex="P")
    row = AuditLog.objects.get(
        action="create", object_type="registry.person", object_id=str(person.pk)
    )
    client.force_login(auditor)
    (line,) = read_csv(client.post(f"{URL}?object={person.registry_id}"))
    local = row.at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert line["waktu (WIB)"] == local.strftime("%d-%m-%Y %H:%M:%S")
    assert line["waktu (ISO 8601)"] == row.at.isoformat()
    assert '"full_name": [null, "Siti Aminah"]' in line["perubahan"]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(client, auditor):
    audit_record(actor=None, action="login_failed", object_repr='=HYPERLINK("http://x","y")')
    client.force_login(auditor)
    (line,) = read_csv(client.post(f"{URL}?action=login_failed"))
    assert line["objek"] == '\'=HYPERLINK("http://x","y")'


def test_an_export_needs_a_post_with_the_csrf_token(client, auditor):
    client.force_login(auditor)
    assert client.get(URL).status_code == 405
    assert not AuditLog.objects.filter(action="export").exists()


def test_other_roles_cannot_export_and_leave_no_export_row(client, head_a):
    client.force_login(head_a)
    assert client.post(URL).status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()


def test_an_invalid_filter_exports_nothing(client, auditor):
    client.force_login(auditor)
    response = client.post(f"{URL}?date_from=31-02-2026")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:list"))
    assert not AuditLog.objects.filter(action="export").exists()
