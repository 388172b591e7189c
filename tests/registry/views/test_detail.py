import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.common.models import AuditLog
from atensi.registry.models import Consent, FamilyMember
from atensi.registry.services import consent_record, consent_withdraw, person_update
from tests.registry.factories import make_person, nik_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def detail(client, user, person):
    client.force_login(user)
    return client.get(reverse("registry:detail", args=[person.pk]))


def test_opening_a_person_writes_a_view_row(client, head_a, suparno):
    response = detail(client, head_a, suparno)
    assert response.status_code == 200
    row = AuditLog.objects.get(action="view", object_id=str(suparno.pk))
    assert row.actor == head_a
    assert row.object_type == "registry.person"
    assert row.ip == "127.0.0.1"


@pytest.mark.parametrize("role", ["head_b", "pendamping_b", "pendamping_a2"])
def test_outsiders_get_404_and_leave_no_view_row(client, request, role, suparno):
    response = detail(client, request.getfixturevalue(role), suparno)
    assert response.status_code == 404
    assert "Suparno" not in response.content.decode()
    assert not AuditLog.objects.filter(action="view").exists()


def test_the_finance_officer_gets_403(client, finance_a, suparno):
    assert detail(client, finance_a, suparno).status_code == 403


def test_an_unknown_person_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("registry:detail", args=[999999])).status_code == 404


def test_it_shows_identity_and_full_region_names(client, head_a, pendamping_a):
    person = make_person(pendamping_a, village="31.75.01.1001", aliases=["Parno"])
    body = detail(client, head_a, person).content.decode()
    assert person.nik in body
    assert "Parno" in body
    assert "17-05-2012" in body
    assert "Pisangan Baru" in body
    assert "Matraman" in body
    assert "Jakarta Timur" in body
    assert "Daerah Khusus Ibukota Jakarta" in body


def test_nik_warnings_are_highlighted(client, head_a):
    born = dt.date(2012, 5, 17)
    person = make_person(head_a, sex="L", birth_date=born, nik=nik_for(born, "P"))
    body = detail(client, head_a, person).content.decode()
    assert 'id="nik-warnings"' in body
    assert "Jenis kelamin tercatat berbeda" in body


def test_a_clean_record_has_no_warning_box(client, head_a, suparno):
    assert 'id="nik-warnings"' not in detail(client, head_a, suparno).content.decode()


@pytest.mark.parametrize("role", ["admin_user", "auditor", "head_a"])
def test_the_audit_trail_is_shown_to_admin_auditor_and_head(client, request, role, suparno):
    user = request.getfixturevalue(role)
    person_update(
        actor=user if role == "head_a" else suparno.registered_by,
        person=suparno,
        phone="0812 1111 2222",
    )
    response = detail(client, user, suparno)
    history = response.context["history"]
    assert [row.action for row in history][:3] == ["view", "update", "create"]
    assert "0812 1111 2222" in response.content.decode()


@pytest.mark.parametrize("role", ["supervisor_a", "pendamping_a", "analyst_anak"])
def test_the_audit_trail_is_hidden_from_other_roles(client, request, role, suparno):
    response = detail(client, request.getfixturevalue(role), suparno)
    assert response.context["history"] is None
    assert 'id="history"' not in response.content.decode()


def test_the_audit_trail_keeps_the_last_twenty_rows(client, head_a, suparno):
    for _ in range(25):
        detail(client, head_a, suparno)
    history = detail(client, head_a, suparno).context["history"]
    assert len(history) == 20
    assert history[0].at >= history[-1].at


def test_writers_see_the_edit_button(client, pendamping_a, suparno):
    body = detail(client, pendamping_a, suparno).content.decode()
    assert reverse("registry:edit", args=[suparno.pk]) in body
    assert reverse("registry:delete", args=[suparno.pk]) not in body
    assert reverse("registry:family_add", args=[suparno.pk]) in body


def test_readers_see_no_buttons(client, analyst_anak, suparno):
    body = detail(client, analyst_anak, suparno).content.decode()
    assert reverse("registry:edit", args=[suparno.pk]) not in body
    assert reverse("registry:family_add", args=[suparno.pk]) not in body
    assert reverse("registry:consent_add", args=[suparno.pk]) not in body


def test_the_administrator_sees_the_delete_button(client, admin_user, suparno):
    body = detail(client, admin_user, suparno).content.decode()
    assert reverse("registry:delete", args=[suparno.pk]) in body


# Family and guardians


def test_a_family_member_is_added_in_place(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Siti Aminah", "relationship": "ibu", "is_guardian": "on"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="family"' in body
    assert "Siti Aminah" in body
    member = FamilyMember.objects.get(person=suparno)
    assert member.is_guardian
    assert AuditLog.objects.filter(action="create", object_type="registry.familymember").exists()


def test_a_family_member_with_a_bad_nik_is_refused(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Siti Aminah", "relationship": "ibu", "nik": "123"},
        headers=HTMX,
    )
    assert "NIK harus 16 digit." in response.content.decode()
    assert not FamilyMember.objects.exists()


def test_without_htmx_adding_returns_to_the_record(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Slamet", "relationship": "ayah"},
    )
    assert response.status_code == 302
    assert FamilyMember.objects.filter(name="Slamet").exists()


def test_a_family_member_is_removed(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Slamet", "relationship": "ayah"},
    )
    member = FamilyMember.objects.get()
    response = client.post(
        reverse("registry:family_remove", args=[suparno.pk, member.pk]), headers=HTMX
    )
    assert "Slamet" not in response.content.decode()
    assert not FamilyMember.objects.exists()
    assert AuditLog.objects.filter(action="delete", object_type="registry.familymember").exists()


def test_readers_may_not_change_the_family(client, analyst_anak, suparno):
    client.force_login(analyst_anak)
    response = client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Slamet", "relationship": "ayah"},
        headers=HTMX,
    )
    assert response.status_code == 403
    assert not FamilyMember.objects.exists()


def test_outsiders_may_not_change_the_family(client, head_b, suparno):
    client.force_login(head_b)
    response = client.post(
        reverse("registry:family_add", args=[suparno.pk]),
        {"name": "Slamet", "relationship": "ayah"},
    )
    assert response.status_code == 404
    assert not FamilyMember.objects.exists()


# Consents


def consent_data(**overrides):
    data = {
        "basis": "consent",
        "scope": "Asesmen dan layanan ATENSI",
        "given_by": "parent",
        "given_by_name": "Siti Aminah",
        "method": "written",
        "given_at": "2026-01-05T09:30",
    }
    data.update(overrides)
    return data


def test_a_consent_is_recorded(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:consent_add", args=[suparno.pk]), consent_data(), headers=HTMX
    )
    body = response.content.decode()
    assert "Asesmen dan layanan ATENSI" in body
    consent = Consent.objects.get()
    assert timezone.localtime(consent.given_at).strftime("%d-%m-%Y %H:%M") == "05-01-2026 09:30"
    assert consent.recorded_by == pendamping_a


def test_a_child_cannot_consent_alone(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:consent_add", args=[suparno.pk]),
        consent_data(given_by="self", given_by_name="Suparno"),
        headers=HTMX,
    )
    assert "UU PDP Pasal 25" in response.content.decode()
    assert not Consent.objects.exists()


def record(actor, person, **overrides):
    values = {
        "basis": "consent",
        "scope": "Layanan ATENSI",
        "given_by": "parent",
        "given_by_name": "Siti Aminah",
        "method": "written",
        "given_at": timezone.now() - dt.timedelta(days=3),
    }
    values.update(overrides)
    return consent_record(actor=actor, person=person, **values)


def test_withdrawing_needs_a_reason(client, pendamping_a, suparno):
    consent = record(pendamping_a, suparno)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:consent_withdraw", args=[suparno.pk, consent.pk]),
        {"reason": ""},
        headers=HTMX,
    )
    assert "Tuliskan alasan penarikan." in response.content.decode()
    consent.refresh_from_db()
    assert consent.is_active


def test_a_withdrawn_consent_is_struck_through_and_raises_the_banner(client, pendamping_a, suparno):
    consent = record(pendamping_a, suparno)
    client.force_login(pendamping_a)
    response = client.post(
        reverse("registry:consent_withdraw", args=[suparno.pk, consent.pk]),
        {"reason": "Keluarga pindah ke luar kota"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert "<s>" in body
    assert "Keluarga pindah ke luar kota" in body
    assert 'id="consent-banner" hx-swap-oob="true"' in body
    assert "Persetujuan telah ditarik." in body
    consent.refresh_from_db()
    assert not consent.is_active

    page = detail(client, pendamping_a, suparno).content.decode()
    assert "Persetujuan telah ditarik." in page


def test_another_active_basis_keeps_the_banner_away(client, pendamping_a, suparno):
    withdrawn = record(pendamping_a, suparno)
    consent_withdraw(actor=pendamping_a, consent=withdrawn, reason="Ditarik oleh orang tua")
    record(pendamping_a, suparno, basis="public_task", scope="Rehabilitasi sosial anak")
    page = detail(client, pendamping_a, suparno).content.decode()
    assert "Persetujuan telah ditarik." not in page
    assert "Ditarik oleh orang tua" in page


def test_no_banner_without_any_withdrawal(client, pendamping_a, suparno):
    assert (
        "Persetujuan telah ditarik." not in detail(client, pendamping_a, suparno).content.decode()
    )
