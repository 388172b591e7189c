"""Stage moves, penetapan, assignment, termination and reopening through the case page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case
from atensi.common.models import AuditLog
from tests.cases.views.conftest import walk

pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def contacted(case, actor):
    return services.case_contact_record(
        actor=actor,
        case=case,
        happened_at=timezone.now() - dt.timedelta(hours=1),
        text="Kunjungan rumah",
    )


def test_a_contact_is_recorded_and_sets_the_first_contact(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    when = timezone.now() - dt.timedelta(hours=3)
    response = client.post(
        reverse("cases:contact", args=[case_a.pk]),
        {"version": 1, "happened_at": local(when), "text": "Bertemu nenek di rumah"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#notes")
    case = Case.objects.get(pk=case_a.pk)
    assert case.first_contact_at is not None
    assert case.notes.get().text == "Bertemu nenek di rumah"


def test_a_refused_contact_shows_the_reason_on_the_field(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:contact", args=[case_a.pk]),
        {"version": 1, "happened_at": local(timezone.now() + dt.timedelta(days=2)), "text": "x"},
    )
    assert response.status_code == 400
    form = response.context["forms"]["contact"]
    assert "happened_at" in form.errors
    assert "Waktu kontak harus antara" in response.content.decode()


def test_the_stage_moves_when_ready(client, pendamping_a, case_a):
    case = contacted(case_a, pendamping_a)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"target": Stage.ASSESSMENT, "version": case.version},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.ASSESSMENT


def test_an_illegal_transition_is_refused_with_a_message(client, head_a, case_a):
    client.force_login(head_a)
    response = client.post(
        reverse("cases:transition", args=[case_a.pk]),
        {"target": Stage.CLOSED, "version": 1},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "tidak dapat dipindahkan ke tahap Ditutup" in body
    assert Case.objects.get(pk=case_a.pk).stage == Stage.INTAKE


def test_a_blocked_transition_says_what_is_missing(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:transition", args=[case_a.pk]),
        {"target": Stage.ASSESSMENT, "version": 1},
    )
    assert response.status_code == 400
    assert "Catat kontak pertama" in response.content.decode()


def test_a_pendamping_cannot_close_a_case(client, pendamping_a, head_a, case_a):
    case = walk(case_a, Stage.AFTERCARE, worker=pendamping_a, lead=head_a)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"target": Stage.CLOSED, "version": case.version},
    )
    assert response.status_code == 403
    assert "Peran Anda tidak boleh melakukan langkah ini" in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == Stage.AFTERCARE


def test_a_stale_move_is_refused_and_names_who_changed_the_case(
    client, pendamping_a, supervisor_a, case_a
):
    case = contacted(case_a, pendamping_a)
    stale_version = case.version
    services.case_penetapan(
        actor=supervisor_a, case=case, sk_number="SK-1/2026", sk_date=timezone.localdate()
    )
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"target": Stage.ASSESSMENT, "version": stale_version},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "sudah diubah oleh Supervisor A pada" in body
    assert Case.objects.get(pk=case.pk).stage == Stage.INTAKE


def test_a_stale_termination_keeps_what_was_typed(client, pendamping_a, supervisor_a, case_a):
    services.case_penetapan(
        actor=supervisor_a, case=case_a, sk_number="SK-1/2026", sk_date=timezone.localdate()
    )
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:terminate", args=[case_a.pk]),
        {
            "version": 1,
            "reason": "moved",
            "outcome_rating": "unknown",
            "note": "Keluarga pindah ke Surabaya bulan lalu",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "sudah diubah oleh Supervisor A" in body
    assert "Keluarga pindah ke Surabaya bulan lalu" in body  # nothing lost
    assert 'value="moved" selected' in body
    assert 'name="version" value="2"' in body  # saving again is a deliberate overwrite
    assert Case.objects.get(pk=case_a.pk).stage == Stage.INTAKE

    again = client.post(
        reverse("cases:terminate", args=[case_a.pk]),
        {"version": 2, "reason": "moved", "outcome_rating": "unknown", "note": "Pindah"},
    )
    assert again.status_code == 302
    assert Case.objects.get(pk=case_a.pk).stage == Stage.TERMINATION


def test_the_penetapan_is_recorded_by_a_lead(client, head_a, case_a):
    client.force_login(head_a)
    response = client.post(
        reverse("cases:penetapan", args=[case_a.pk]),
        {"version": 1, "sk_number": "SK-77/HDY/2026", "sk_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case_a.pk)
    assert case.sk_number == "SK-77/HDY/2026"
    assert AuditLog.objects.filter(action="update", object_id=str(case.pk), actor=head_a).exists()


def test_a_pendamping_cannot_record_the_penetapan(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:penetapan", args=[case_a.pk]),
        {"version": 1, "sk_number": "SK-1", "sk_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case_a.pk).sk_number == ""


def test_the_penetapan_without_number_is_refused_on_the_field(client, head_a, case_a):
    client.force_login(head_a)
    response = client.post(
        reverse("cases:penetapan", args=[case_a.pk]),
        {"version": 1, "sk_number": "", "sk_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "sk_number" in response.context["forms"]["penetapan"].errors


def test_a_lead_assigns_another_pendamping(client, supervisor_a, pendamping_a2, case_a):
    client.force_login(supervisor_a)
    response = client.post(
        reverse("cases:assign", args=[case_a.pk]),
        {"version": 1, "pendamping": pendamping_a2.pk},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case_a.pk).pendamping == pendamping_a2


def test_the_pendamping_picker_offers_only_the_sentras_staff(
    client, supervisor_a, pendamping_b, case_a
):
    client.force_login(supervisor_a)
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    choices = {c for c, _ in response.context["forms"]["assign"].fields["pendamping"].choices}
    assert pendamping_b.pk not in {getattr(c, "value", c) for c in choices}
    response = client.post(
        reverse("cases:assign", args=[case_a.pk]), {"version": 1, "pendamping": pendamping_b.pk}
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case_a.pk).pendamping_id != pendamping_b.pk


def test_termination_and_reopening(client, pendamping_a, head_a, case_a):
    case = walk(case_a, Stage.MONITORING, worker=pendamping_a, lead=head_a)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:terminate", args=[case.pk]),
        {"version": case.version, "reason": "goals_met", "outcome_rating": "improved"},
    )
    assert response.status_code == 302
    case = walk(case, Stage.CLOSED, worker=pendamping_a, lead=head_a)

    client.force_login(head_a)
    refused = client.post(
        reverse("cases:reopen", args=[case.pk]), {"version": case.version, "reason": ""}
    )
    assert refused.status_code == 400
    assert "reason" in refused.context["forms"]["reopen"].errors
    response = client.post(
        reverse("cases:reopen", args=[case.pk]),
        {"version": case.version, "reason": "Kekerasan terulang"},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.ASSESSMENT and case.reopened_count == 1


def test_htmx_gets_the_case_area_back_with_the_message(client, pendamping_a, case_a):
    case = contacted(case_a, pendamping_a)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"target": Stage.ASSESSMENT, "version": case.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="case">')
    assert "<html" not in body
    assert "Tahap kasus sekarang: Asesmen." in body
    assert f'name="version" value="{case.version + 1}"' in body


def test_htmx_refusals_are_swapped_in_too(client, head_a, case_a):
    client.force_login(head_a)
    response = client.post(
        reverse("cases:transition", args=[case_a.pk]),
        {"target": Stage.CLOSED, "version": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200  # htmx does not swap error statuses
    assert "tidak dapat dipindahkan" in response.content.decode()
