"""Opening a case from a person's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases.models import Case
from atensi.common.models import AuditLog

pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def open_data(**overrides) -> dict:
    data = {
        "source": "police",
        "referrer_name": "Bripka Santoso",
        "referrer_institution": "Polsek Cakung",
        "referrer_contact": "0812 1111 2222",
        "referral_note": "Anak ditemukan di terminal",
        "received_at": local(timezone.now() - dt.timedelta(hours=3)),
        "urgency": "emergency",
        "target_group": "anak",
        "approach": "residential",
    }
    data.update(overrides)
    return data


def test_the_person_page_offers_to_open_a_case_to_writers_only(
    client, pendamping_a, analyst_anak, suparno
):
    url = reverse("cases:create", args=[suparno.pk])
    client.force_login(pendamping_a)
    assert url in client.get(reverse("registry:detail", args=[suparno.pk])).content.decode()
    client.force_login(analyst_anak)
    body = client.get(reverse("registry:detail", args=[suparno.pk])).content.decode()
    assert url not in body
    assert 'id="cases"' in body


def test_the_person_page_lists_the_persons_cases(client, head_a, case_a, suparno):
    client.force_login(head_a)
    body = client.get(reverse("registry:detail", args=[suparno.pk])).content.decode()
    assert reverse("cases:detail", args=[case_a.pk]) in body


def test_a_head_opens_a_case_with_staff_of_the_sentra(
    client, head_a, supervisor_a, pendamping_a2, suparno
):
    client.force_login(head_a)
    page = client.get(reverse("cases:create", args=[suparno.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("cases:create", args=[suparno.pk]),
        open_data(pendamping=pendamping_a2.pk, supervisor=supervisor_a.pk),
    )
    case = Case.objects.get(person=suparno)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert (case.pendamping, case.supervisor, case.urgency) == (
        pendamping_a2,
        supervisor_a,
        "emergency",
    )
    assert case.referrer_institution == "Polsek Cakung"
    assert AuditLog.objects.filter(action="create", object_id=str(case.pk)).exists()


def test_the_pickers_offer_only_the_sentras_staff(client, head_a, pendamping_b, head_b, suparno):
    client.force_login(head_a)
    form = client.get(reverse("cases:create", args=[suparno.pk])).context["form"]
    pendamping_ids = {u.pk for u in form.fields["pendamping"].queryset}
    supervisor_ids = {u.pk for u in form.fields["supervisor"].queryset}
    assert pendamping_b.pk not in pendamping_ids
    assert head_b.pk not in supervisor_ids
    assert head_a.pk in supervisor_ids


def test_a_pendamping_opening_a_case_takes_it_on(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(reverse("cases:create", args=[suparno.pk]), open_data())
    assert response.status_code == 302
    assert Case.objects.get(person=suparno).pendamping == pendamping_a


def test_a_future_referral_time_is_refused_on_its_field(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:create", args=[suparno.pk]),
        open_data(received_at=local(timezone.now() + dt.timedelta(days=1))),
    )
    assert response.status_code == 400
    assert "received_at" in response.context["form"].errors
    assert "Anak ditemukan di terminal" in response.content.decode()  # kept
    assert not Case.objects.exists()


def test_missing_choices_are_marked_on_their_fields(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:create", args=[suparno.pk]), open_data(source="", approach="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "source" in errors and "approach" in errors


def test_read_only_roles_cannot_open_a_case(client, analyst_anak, suparno):
    client.force_login(analyst_anak)
    assert client.get(reverse("cases:create", args=[suparno.pk])).status_code == 403
    assert client.post(reverse("cases:create", args=[suparno.pk]), open_data()).status_code == 403


def test_an_administrator_picks_the_sentra_and_its_staff(
    client, admin_user, pendamping_b, head_b, sentra_b, suparno
):
    client.force_login(admin_user)
    page = client.get(reverse("cases:create", args=[suparno.pk]), {"unit": sentra_b.pk})
    assert pendamping_b in page.context["form"].fields["pendamping"].queryset
    response = client.post(
        reverse("cases:create", args=[suparno.pk]),
        open_data(unit=sentra_b.pk, pendamping=pendamping_b.pk, supervisor=head_b.pk),
    )
    assert response.status_code == 302
    assert Case.objects.get(person=suparno).unit == sentra_b


def test_a_person_whose_consent_was_withdrawn_gets_no_new_case(client, pendamping_a, suparno):
    from atensi.registry.services import consent_withdraw
    from tests.cases.factories import give_consent

    consent_withdraw(
        actor=pendamping_a, consent=give_consent(pendamping_a, suparno), reason="Menolak"
    )
    client.force_login(pendamping_a)
    assert (
        reverse("cases:create", args=[suparno.pk])
        not in client.get(reverse("registry:detail", args=[suparno.pk])).content.decode()
    )
    response = client.post(reverse("cases:create", args=[suparno.pk]), open_data())
    assert response.status_code == 400
    assert "Persetujuan pemrosesan data orang ini ditarik" in response.content.decode()
    assert not Case.objects.exists()
