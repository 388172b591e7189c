"""Transfer, referral out, residential stays, aftercare, outcome measures, attachments, exports."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, FormDefinition
from atensi.common.models import AuditLog
from atensi.organisation.models import Unit
from tests.cases.factories import give_consent, make_case
from tests.cases.views.conftest import walk

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- transfer and referral out ------------------------------------------------------------------


def test_a_transfer_on_recorded_consent_hands_the_case_over(
    client, head_a, case_a, suparno, sentra_b, head_b
):
    consent = give_consent(head_a, suparno)
    client.force_login(head_a)
    response = client.post(
        reverse("cases:transfer", args=[case_a.pk]),
        {
            "version": 1,
            "to_unit": sentra_b.pk,
            "reason": "Keluarga pindah ke Magelang",
            "consent": consent.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")  # the case has left head_a's sentra
    assert Case.objects.get(pk=case_a.pk).unit == sentra_b
    client.force_login(head_b)
    body = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert "Keluarga pindah ke Magelang" in body


def test_a_transfer_without_consent_needs_the_heads_reason(
    client, supervisor_a, head_a, case_a, sentra_b
):
    client.force_login(supervisor_a)
    data = {"version": 1, "to_unit": sentra_b.pk, "reason": "Lebih dekat ke keluarga"}
    response = client.post(reverse("cases:transfer", args=[case_a.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "memerlukan persetujuan" in body
    assert "Lebih dekat ke keluarga" in body
    assert "override_reason" not in response.context["forms"]["transfer"].fields

    client.force_login(head_a)
    page = client.get(reverse("cases:detail", args=[case_a.pk]))
    assert "override_reason" in page.context["forms"]["transfer"].fields
    response = client.post(
        reverse("cases:transfer", args=[case_a.pk]),
        {**data, "override_reason": "Anak dalam bahaya, wali tidak dapat dihubungi"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case_a.pk).unit == sentra_b


def test_a_transfer_by_htmx_redirects_to_the_list(client, head_a, case_a, suparno, sentra_b):
    consent = give_consent(head_a, suparno)
    client.force_login(head_a)
    response = client.post(
        reverse("cases:transfer", args=[case_a.pk]),
        {"version": 1, "to_unit": sentra_b.pk, "reason": "Pindah", "consent": consent.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("cases:list")


def test_a_referral_out_is_recorded(client, pendamping_a, supervisor_a, case_a, suparno):
    case = walk(case_a, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    consent = give_consent(pendamping_a, suparno)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:referral", args=[case.pk]),
        {
            "version": case.version,
            "institution": "RSJ Dr. Soeharto Heerdjan",
            "contact": "021-5682841",
            "reason": "Perlu perawatan psikiatri",
            "referred_at": local(timezone.now() - dt.timedelta(hours=1)),
            "consent": consent.pk,
        },
    )
    assert response.status_code == 302
    assert case.referrals_out.get().institution == "RSJ Dr. Soeharto Heerdjan"
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "RSJ Dr. Soeharto Heerdjan" in body


def test_the_referral_form_appears_only_in_monitoring_or_termination(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    assert "referral" not in response.context["forms"]
    assert "Rujuk ke lembaga lain" not in response.content.decode()


# --- residential stays ---------------------------------------------------------------------------


@pytest.fixture
def residential(pendamping_a, supervisor_a, suparno, sentra_a):
    Unit.objects.filter(pk=sentra_a.pk).update(residential_capacity=1)
    return make_case(pendamping_a, person=suparno, approach="residential", supervisor=supervisor_a)


def test_admission_and_discharge_with_occupancy(client, pendamping_a, residential):
    client.force_login(pendamping_a)
    page = client.get(reverse("cases:detail", args=[residential.pk])).content.decode()
    assert "0 dari 1 tempat tidur terisi" in page
    response = client.post(
        reverse("cases:stay_admit", args=[residential.pk]),
        {"version": 1, "admitted_at": local(timezone.now() - dt.timedelta(hours=2))},
    )
    assert response.status_code == 302
    stay = residential.stays.get()
    page = client.get(reverse("cases:detail", args=[residential.pk])).content.decode()
    assert "1 dari 1 tempat tidur terisi" in page
    response = client.post(
        reverse("cases:stay_discharge", args=[residential.pk, stay.pk]),
        {"version": 1, "discharged_at": local(timezone.now() - dt.timedelta(minutes=5))},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.discharged_at is not None


def test_a_full_sentra_admits_only_on_the_heads_reason(
    client, pendamping_a, pendamping_a2, head_a, residential
):
    other = make_case(pendamping_a2, approach="residential")
    services.stay_admit(actor=pendamping_a2, case=other, admitted_at=timezone.now())
    client.force_login(pendamping_a)
    data = {"version": 1, "admitted_at": local(timezone.now() - dt.timedelta(hours=1))}
    refused = client.post(reverse("cases:stay_admit", args=[residential.pk]), data)
    assert refused.status_code == 400
    assert "Kapasitas residensial" in refused.content.decode()
    assert not residential.stays.exists()

    client.force_login(head_a)
    response = client.post(
        reverse("cases:stay_admit", args=[residential.pk]),
        {**data, "over_capacity_reason": "Korban kekerasan, tidak ada tempat aman lain"},
    )
    assert response.status_code == 302
    assert residential.stays.get().over_capacity_reason.startswith("Korban kekerasan")


# --- aftercare ------------------------------------------------------------------------------------


def test_aftercare_visits_are_scheduled_and_recorded(client, pendamping_a, supervisor_a, case_a):
    case = walk(case_a, Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:aftercare_schedule", args=[case.pk]),
        {"version": case.version, "scheduled_for": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    visit = case.aftercare_visits.get()
    url = reverse("cases:aftercare_record", args=[case.pk, visit.pk])
    refused = client.post(
        url, {"version": case.version, "done_at": local(timezone.now()), "notes": ""}
    )
    assert refused.status_code == 400
    assert any(row["open"] for row in refused.context["visits"])
    response = client.post(
        url,
        {
            "version": case.version,
            "done_at": local(timezone.now() - dt.timedelta(minutes=10)),
            "notes": "Anak tetap sekolah",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "Anak tetap sekolah"


# --- outcome measures ---------------------------------------------------------------------------


def test_an_outcome_scale_is_rendered_and_scored(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    scale = FormDefinition.objects.get(code="kesejahteraan-anak", version=1)
    page = client.get(reverse("cases:outcome", args=[case_a.pk]))
    assert page.status_code == 200
    assert page.context["scale"] == scale  # the only scale for klaster anak
    answers = {
        f"a-{q['code']}": q["options"][-1]["value"]
        for s in scale.definition["sections"]
        for q in s["questions"]
    }
    response = client.post(
        reverse("cases:outcome", args=[case_a.pk]),
        {
            **answers,
            "scale": scale.pk,
            "phase": "assessment",
            "taken_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    measurement = case_a.measurements.get()
    assert measurement.score > 0
    body = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert scale.title in body


def test_an_incomplete_scale_is_refused_and_kept(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    scale = FormDefinition.objects.get(code="kesejahteraan-anak", version=1)
    first = scale.definition["sections"][0]["questions"][0]
    response = client.post(
        reverse("cases:outcome", args=[case_a.pk]),
        {
            f"a-{first['code']}": first["options"][0]["value"],
            "scale": scale.pk,
            "phase": "assessment",
            "taken_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["answers"].errors
    assert not case_a.measurements.exists()


# --- attachments --------------------------------------------------------------------------------


def upload(client, case, **extra):
    data = {
        "version": case.version,
        "kind": "photo",
        "description": "Foto kunjungan rumah",
        "file": SimpleUploadedFile("kunjungan.pdf", PDF, "application/pdf"),
    }
    data.update(extra)
    return client.post(reverse("cases:attachment_add", args=[case.pk]), data)


def test_an_attachment_is_uploaded_and_downloaded_with_an_audit_row(
    client, pendamping_a, head_a, case_a
):
    client.force_login(pendamping_a)
    assert upload(client, case_a).status_code == 302
    attachment = case_a.attachments.get()
    client.force_login(head_a)
    response = client.get(reverse("cases:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "kunjungan.pdf" in response["Content-Disposition"]
    assert AuditLog.objects.filter(
        action="view", object_type="cases.attachment", actor=head_a
    ).exists()


def test_an_attachment_of_another_sentra_is_not_found(client, pendamping_a, head_b, case_a):
    client.force_login(pendamping_a)
    upload(client, case_a)
    attachment = case_a.attachments.get()
    client.force_login(head_b)
    assert client.get(reverse("cases:attachment", args=[attachment.pk])).status_code == 404


def test_the_finance_officer_cannot_download_an_attachment(client, pendamping_a, finance_a, case_a):
    client.force_login(pendamping_a)
    upload(client, case_a)
    client.force_login(finance_a)
    attachment = case_a.attachments.get()
    assert client.get(reverse("cases:attachment", args=[attachment.pk])).status_code == 403


def test_a_file_that_is_not_a_pdf_or_photo_is_refused(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = upload(
        client,
        case_a,
        file=SimpleUploadedFile("kuitansi.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    assert response.status_code == 400
    assert "file" in response.context["forms"]["attachment"].errors
    assert not case_a.attachments.exists()


# --- exports and response times -----------------------------------------------------------------


def test_the_case_file_downloads_as_an_audited_pdf(client, head_a, case_a):
    client.force_login(head_a)
    response = client.post(
        reverse("cases:case_file", args=[case_a.pk]), {"purpose": "Konferensi kasus"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert case_a.number in response["Content-Disposition"]
    row = AuditLog.objects.get(action="export", object_id=str(case_a.pk))
    assert row.changes["purpose"] == "Konferensi kasus"


def test_the_response_times_show_the_targets(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    times = {t.milestone: t for t in response.context["response_times"]}
    assert times["first_contact"].target_hours == 168
    assert times["first_contact"].status == "overdue"  # received 10 days ago, no contact yet
    body = response.content.decode()
    section = body[body.index('id="response"') :]
    assert "168 jam" in section and "lewat batas" in section
