"""Django admin for users: role, unit, lock state, unlocking; creation through the service."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.accounts.models import User
from atensi.common.models import AuditLog
from tests.conftest import PASSWORD, SENTRA_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def lock(user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_logins=3, locked_until=timezone.now() + dt.timedelta(minutes=10)
    )


def test_the_user_list_shows_role_unit_and_lock_state(admin_client, pendamping_a, head_b):
    lock(pendamping_a)
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"locked": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "pendamping_a" in html
    assert "head_b" not in html
    assert "Pendamping" in html


def test_the_user_list_takes_few_queries(
    admin_client, pendamping_a, head_b, django_assert_max_num_queries
):
    url = reverse("admin:accounts_user_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(12):
        admin_client.get(url)


def test_unlocking_clears_the_lock_and_is_audited(admin_client, admin_user, pendamping_a, head_b):
    lock(pendamping_a)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [pendamping_a.pk, head_b.pk]},
    )
    assert response.status_code == 302
    pendamping_a.refresh_from_db()
    assert pendamping_a.locked_until is None
    assert pendamping_a.failed_logins == 0
    rows = AuditLog.objects.filter(action="update", object_type="accounts.user")
    assert [r.object_id for r in rows] == [str(pendamping_a.pk)]  # head_b was not locked
    assert rows[0].actor == admin_user
    assert rows[0].changes["failed_logins"] == [3, 0]


def test_an_unlocked_user_can_sign_in_again(admin_client, pendamping_a, client):
    from atensi.accounts.services import user_authenticate

    lock(pendamping_a)
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [pendamping_a.pk]},
    )
    assert user_authenticate(username="pendamping_a", password=PASSWORD) == pendamping_a


def test_adding_a_user_goes_through_the_service(admin_client, admin_user, sentra_a):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "wati",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "supervisor",
            "unit": sentra_a.pk,
            "first_name": "Wati",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="wati")
    assert (user.role, user.unit.code, user.first_name) == ("supervisor", SENTRA_A, "Wati")
    assert user.check_password(PASSWORD)
    row = AuditLog.objects.get(action="create", object_id=str(user.pk))
    assert row.actor == admin_user


def test_adding_a_user_with_a_weak_password_is_refused(admin_client, sentra_a):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "wati",
            "password1": "pendek1",
            "password2": "pendek1",
            "role": "supervisor",
            "unit": sentra_a.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="wati").exists()


def test_changing_the_role_is_audited(admin_client, admin_user, pendamping_a):
    url = reverse("admin:accounts_user_change", args=[pendamping_a.pk])
    response = admin_client.post(
        url,
        {
            "username": pendamping_a.username,
            "first_name": pendamping_a.first_name,
            "last_name": "",
            "email": "",
            "phone": "",
            "role": "supervisor",
            "unit": pendamping_a.unit_id,
            "is_active": "on",
            "locked_until_0": "",
            "locked_until_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = AuditLog.objects.get(action="update", object_id=str(pendamping_a.pk))
    assert row.changes == {"role": ["pendamping", "supervisor"]}
    assert row.actor == admin_user


def test_users_cannot_be_deleted(admin_client, pendamping_a):
    response = admin_client.get(reverse("admin:accounts_user_delete", args=[pendamping_a.pk]))
    assert response.status_code == 403


def test_the_user_pages_render(admin_client, pendamping_a):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    html = admin_client.get(reverse("admin:accounts_user_change", args=[pendamping_a.pk])).content
    assert b'name="role"' in html
    assert b'name="locked_until_0"' in html
    assert b'name="groups"' not in html


def test_changing_a_password_in_the_admin_is_audited(admin_client, admin_user, pendamping_a):
    new = "Sandi-Baru-2026"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[pendamping_a.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pendamping_a.refresh_from_db()
    assert pendamping_a.check_password(new)
    row = AuditLog.objects.get(action="update", object_id=str(pendamping_a.pk))
    assert row.actor == admin_user
    assert set(row.changes) == {"password"}
