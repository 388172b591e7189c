"""Signing in and out through the pages: session, CSRF, messages and the audit rows."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from atensi.common.models import AuditLog
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WRONG = "Nama pengguna atau kata sandi salah."


def csrf_client() -> Client:
    """A client that, like a browser, must send the CSRF token the page gave it."""
    return Client(enforce_csrf_checks=True)


def page_token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the login form carries a CSRF token"
    return match.group(1)


def test_the_login_page_shows_the_form(client, db):
    response = client.get(LOGIN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Masuk ke atensi" in page
    assert 'autocomplete="current-password"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_signing_in_with_the_csrf_token_opens_a_session(pendamping_a):
    client = csrf_client()
    token = page_token(client.get(LOGIN))
    response = client.post(
        LOGIN,
        {"username": "pendamping_a", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(pendamping_a.pk)


def test_a_post_without_the_csrf_token_is_refused(pendamping_a):
    client = csrf_client()
    client.get(LOGIN)
    response = client.post(LOGIN, {"username": "pendamping_a", "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert not AuditLog.objects.filter(action="login").exists()


def test_the_username_is_not_case_sensitive(client, pendamping_a):
    response = client.post(LOGIN, {"username": "Pendamping_A", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(pendamping_a.pk)


def test_it_goes_to_the_page_asked_for_after_signing_in(client, auditor):
    response = client.post(
        f"{LOGIN}?next=/audit/", {"username": "auditor", "password": PASSWORD, "next": "/audit/"}
    )
    assert response["Location"] == "/audit/"


def test_it_does_not_follow_a_next_address_on_another_site(client, auditor):
    response = client.post(
        LOGIN, {"username": "auditor", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_wrong_password_says_so_without_signing_in(client, pendamping_a):
    response = client.post(LOGIN, {"username": "pendamping_a", "password": "Salah-sandi-1"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert SESSION_KEY not in client.session
    # the username stays in the form, the password does not
    assert 'value="pendamping_a"' in response.content.decode()
    assert "Salah-sandi-1" not in response.content.decode()


def test_an_unknown_username_gets_the_same_message(client, db):
    # The same words for both, so the page does not tell which usernames exist.
    response = client.post(LOGIN, {"username": "siapa", "password": "Salah-sandi-1"})
    assert WRONG in response.content.decode()


def test_a_successful_login_is_audited_with_the_address(client, pendamping_a):
    client.post(
        LOGIN, {"username": "pendamping_a", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
    )
    row = AuditLog.objects.get(action="login")
    assert row.actor == pendamping_a
    assert row.unit_id == pendamping_a.unit_id
    assert row.object_type == "accounts.user"
    assert row.ip == "198.51.100.4"


def test_a_failed_login_is_audited(client, pendamping_a):
    client.post(LOGIN, {"username": "pendamping_a", "password": "Salah-sandi-1"})
    row = AuditLog.objects.get(action="login_failed")
    assert row.actor == pendamping_a
    assert row.object_id == str(pendamping_a.pk)


def test_a_failed_login_for_an_unknown_name_is_audited_with_the_name_tried(client, db):
    client.post(LOGIN, {"username": "siapa", "password": "Salah-sandi-1"})
    row = AuditLog.objects.get(action="login_failed")
    assert row.actor is None
    assert row.object_repr == "siapa"


def test_signing_out_ends_the_session_and_is_audited(client, pendamping_a):
    client.post(LOGIN, {"username": "pendamping_a", "password": PASSWORD})
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    row = AuditLog.objects.get(action="logout")
    assert row.actor == pendamping_a


def test_signing_out_needs_a_post(client, pendamping_a):
    # A link or image on another site must not be able to sign people out.
    client.force_login(pendamping_a)
    assert client.get(LOGOUT).status_code == 405
    assert SESSION_KEY in client.session


@pytest.mark.parametrize("path", ["/audit/", "/"])
def test_pages_send_anonymous_visitors_to_the_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
