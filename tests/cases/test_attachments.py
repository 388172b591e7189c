"""Attachments: checked by content, stored under a random name, read only within scope."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atensi.cases import services
from atensi.cases.selectors import attachment_get
from atensi.cases.storage import MAX_ATTACHMENT_BYTES, sniff_content_type
from atensi.common.errors import ApplicationError, NotFound
from atensi.common.models import AuditLog
from tests.cases.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 20


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def test_a_receipt_is_stored_with_a_random_name_and_its_hash(pendamping_a, media):
    case = make_case(pendamping_a)
    attachment = services.attachment_add(
        actor=pendamping_a,
        case=case,
        file=_upload("kuitansi sembako.pdf", PDF, "application/pdf"),
        kind="receipt",
        description="Kuitansi paket sembako",
    )
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media / "cases")
    assert "kuitansi" not in stored.name and stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF
    assert (attachment.sha256, attachment.size) == (hashlib.sha256(PDF).hexdigest(), len(PDF))
    assert (attachment.content_type, attachment.original_name) == (
        "application/pdf",
        "kuitansi sembako.pdf",
    )
    assert case.events.filter(kind="attachment").exists()
    assert AuditLog.objects.filter(object_type="cases.attachment", action="create").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (HEIC, "image/heic"),
    ],
)
def test_the_type_comes_from_the_content(content, expected):
    assert sniff_content_type(content[:32]) == expected


def test_a_file_of_another_type_is_refused_whatever_its_name(pendamping_a, media):
    case = make_case(pendamping_a)
    with pytest.raises(ApplicationError) as refused:
        services.attachment_add(
            actor=pendamping_a,
            case=case,
            file=_upload("kuitansi.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            kind="receipt",
        )
    assert refused.value.code == "file_type"
    assert "PDF, JPG, PNG, WEBP atau HEIC" in str(refused.value.message)
    assert not case.attachments.exists()
    assert not (media / "cases").exists()


def test_a_file_over_10_mb_is_refused(pendamping_a):
    case = make_case(pendamping_a)
    big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    with pytest.raises(ApplicationError) as refused:
        services.attachment_add(
            actor=pendamping_a, case=case, file=_upload("besar.pdf", big), kind="photo"
        )
    assert refused.value.code == "file_too_large"
    assert "10 MB" in str(refused.value.message)


def test_exactly_10_mb_is_accepted(pendamping_a):
    case = make_case(pendamping_a)
    limit = PNG + b"0" * (MAX_ATTACHMENT_BYTES - len(PNG))
    attachment = services.attachment_add(
        actor=pendamping_a, case=case, file=_upload("foto.png", limit), kind="photo"
    )
    assert attachment.size == MAX_ATTACHMENT_BYTES


def test_a_service_of_another_case_is_refused(pendamping_a, supervisor_a):
    from atensi.cases.choices import Stage
    from tests.cases.factories import walk

    served = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    other = make_case(pendamping_a)
    with pytest.raises(ApplicationError):
        services.attachment_add(
            actor=pendamping_a,
            case=other,
            file=_upload("k.pdf", PDF),
            kind="receipt",
            service=served.services.get(),
        )


def test_attachments_are_read_only_within_scope(pendamping_a, pendamping_a2, head_a, head_b):
    case = make_case(pendamping_a)
    attachment = services.attachment_add(
        actor=pendamping_a, case=case, file=_upload("foto.png", PNG), kind="photo"
    )
    assert attachment_get(head_a, attachment.pk) == attachment
    assert attachment_get(pendamping_a, attachment.pk) == attachment
    for outsider in (head_b, pendamping_a2):
        with pytest.raises(NotFound):
            attachment_get(outsider, attachment.pk)
    with pytest.raises(NotFound):
        attachment_get(head_a, "bukan-angka")


def test_opening_an_attachment_is_audited(pendamping_a, head_b):
    case = make_case(pendamping_a)
    attachment = services.attachment_add(
        actor=pendamping_a, case=case, file=_upload("foto.png", PNG), kind="photo"
    )
    assert services.attachment_open(actor=pendamping_a, pk=attachment.pk) == attachment
    assert AuditLog.objects.filter(
        object_type="cases.attachment", object_id=str(attachment.pk), action="view"
    ).exists()
    with pytest.raises(NotFound):
        services.attachment_open(actor=head_b, pk=attachment.pk)
