"""Attachments over the API: multipart upload checked by content, download within scope, audited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atensi.cases import services
from atensi.common.models import AuditLog
from tests.api_helpers import error_of
from tests.cases.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, case, content=PDF, name="kuitansi.pdf", **fields):
    return client.post(
        f"/api/v1/cases/{case.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content), "kind": "receipt"} | fields,
        format="multipart",
    )


def test_an_upload_is_listed_and_downloaded_with_an_audit_row(api, pendamping_a):
    case = make_case(pendamping_a)
    client = api(pendamping_a)
    response = _upload(client, case, description="Kuitansi sembako")
    assert response.status_code == 201, response.json()
    attachment = response.json()
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["content_type"] == "application/pdf"
    assert [a["id"] for a in client.get(f"/api/v1/cases/{case.pk}/attachments/").json()] == [
        attachment["id"]
    ]
    download = client.get(attachment["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="kuitansi.pdf"' in download["Content-Disposition"]
    assert AuditLog.objects.filter(
        object_type="cases.attachment", object_id=str(attachment["id"]), action="view"
    ).exists()


def test_a_receipt_is_linked_to_its_service(api, pendamping_a, supervisor_a):
    from atensi.cases.choices import Stage
    from tests.cases.factories import walk

    case = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    service = case.services.get()
    response = _upload(api(pendamping_a), case, service=service.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["service"] == service.pk
    other = make_case(pendamping_a)
    refused = _upload(api(pendamping_a), other, service=service.pk)
    assert refused.status_code == 400 and "service" in error_of(refused)["details"]


def test_a_file_that_is_not_a_pdf_or_image_is_refused(api, pendamping_a):
    case = make_case(pendamping_a)
    response = _upload(api(pendamping_a), case, content=b"MZ\x90\x00 program", name="x.pdf")
    assert response.status_code == 400
    assert error_of(response)["code"] == "file_type"
    assert not case.attachments.exists()


def test_an_outsider_cannot_download(api, pendamping_a, head_b, pendamping_a2):
    case = make_case(pendamping_a)
    attachment = services.attachment_add(
        actor=pendamping_a,
        case=case,
        file=SimpleUploadedFile("foto.pdf", PDF),
        kind="photo",
    )
    url = f"/api/v1/cases/{case.pk}/attachments/{attachment.pk}/"
    for outsider in (head_b, pendamping_a2):
        response = api(outsider).get(url)
        assert response.status_code == 404
    assert not AuditLog.objects.filter(object_type="cases.attachment", action="view").exists()


def test_an_attachment_is_reached_only_through_its_own_case(api, pendamping_a):
    first, second = make_case(pendamping_a), make_case(pendamping_a)
    attachment = services.attachment_add(
        actor=pendamping_a, case=first, file=SimpleUploadedFile("a.pdf", PDF), kind="photo"
    )
    response = api(pendamping_a).get(f"/api/v1/cases/{second.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 404
