"""Lockout after repeated failed logins, on the login page and on the API token endpoint alike."""

import contextlib
import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from atensi.accounts.models import User
from atensi.common.models import AuditLog
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
TOKEN = "/api/v1/auth/token/"
WRONG_PASSWORD = "Bukan-sandinya-9"
LOCKED = "Akun dikunci sementara"


def page_login(client, password: str, username: str = "pendamping_a"):
    return client.post(LOGIN, {"username": username, "password": password})


def api_login(client, password: str, username: str = "pendamping_a"):
    return client.post(TOKEN, {"username": username, "password": password})


def fail(times: int, login=page_login):
    client = Client()
    for _ in range(times):
        login(client, WRONG_PASSWORD)


@contextlib.contextmanager
def later(minutes: int):
    """Moves the clock forward (the service reads django.utils.timezone.now)."""
    moment = timezone.now() + dt.timedelta(minutes=minutes)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def test_the_account_locks_after_the_configured_number_of_failures(client, pendamping_a):
    limit = settings.ATENSI_LOGIN_MAX_FAILURES
    fail(limit - 1)
    pendamping_a.refresh_from_db()
    assert pendamping_a.failed_logins == limit - 1
    assert pendamping_a.locked_until is None

    fail(1)

    pendamping_a.refresh_from_db()
    minutes = settings.ATENSI_LOGIN_LOCKOUT_MINUTES
    assert pendamping_a.locked_until is not None
    remaining = pendamping_a.locked_until - timezone.now()
    assert dt.timedelta(minutes=minutes - 1) < remaining <= dt.timedelta(minutes=minutes)
    locked = AuditLog.objects.get(action="locked")
    assert locked.actor == pendamping_a
    assert AuditLog.objects.filter(action="login_failed", actor=pendamping_a).count() == limit


def test_the_limit_comes_from_the_settings(client, pendamping_a, settings):
    settings.ATENSI_LOGIN_MAX_FAILURES = 2
    fail(2)
    pendamping_a.refresh_from_db()
    assert pendamping_a.locked_until is not None


def test_a_locked_account_refuses_even_the_right_password(client, pendamping_a):
    fail(settings.ATENSI_LOGIN_MAX_FAILURES)
    response = page_login(client, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session
    refused = AuditLog.objects.filter(action="login_failed", actor=pendamping_a).latest("id")
    assert refused.changes == {"reason": [None, "locked"]}
    assert not AuditLog.objects.filter(action="login").exists()


def test_the_lockout_ends_when_locked_until_has_passed(client, pendamping_a):
    fail(settings.ATENSI_LOGIN_MAX_FAILURES)
    with later(settings.ATENSI_LOGIN_LOCKOUT_MINUTES - 1):
        assert LOCKED in page_login(client, PASSWORD).content.decode()
    with later(settings.ATENSI_LOGIN_LOCKOUT_MINUTES + 1):
        response = page_login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(pendamping_a.pk)
    pendamping_a.refresh_from_db()
    assert pendamping_a.locked_until is None


def test_a_lock_in_the_past_does_not_block(client, pendamping_a):
    User.objects.filter(pk=pendamping_a.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert page_login(client, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_counter(client, pendamping_a):
    limit = settings.ATENSI_LOGIN_MAX_FAILURES
    fail(limit - 1)
    assert page_login(client, PASSWORD).status_code == 302
    pendamping_a.refresh_from_db()
    assert pendamping_a.failed_logins == 0
    client.logout()
    fail(limit - 1)  # would lock without the reset
    assert page_login(client, PASSWORD).status_code == 302


def test_failures_of_one_user_do_not_lock_another(client, pendamping_a, pendamping_a2):
    fail(settings.ATENSI_LOGIN_MAX_FAILURES)
    assert page_login(client, PASSWORD, username="pendamping_a2").status_code == 302


def test_failures_with_a_differently_cased_username_count_too(client, pendamping_a):
    for _ in range(settings.ATENSI_LOGIN_MAX_FAILURES):
        page_login(client, WRONG_PASSWORD, username="PENDAMPING_A")
    pendamping_a.refresh_from_db()
    assert pendamping_a.locked_until is not None


# --- the API token endpoint ------------------------------------------------------------------


def test_the_token_endpoint_gives_a_token_for_the_right_password(client, pendamping_a):
    response = api_login(client, PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "pendamping_a"
    assert AuditLog.objects.filter(action="login", actor=pendamping_a).exists()


def test_the_token_endpoint_refuses_a_wrong_password_in_the_error_shape(client, pendamping_a):
    response = api_login(client, WRONG_PASSWORD)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_the_token_endpoint_locks_like_the_login_page(client, pendamping_a):
    fail(settings.ATENSI_LOGIN_MAX_FAILURES, login=api_login)
    response = api_login(client, PASSWORD)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "account_locked"
    assert AuditLog.objects.filter(action="locked", actor=pendamping_a).count() == 1


def test_failures_on_the_page_and_the_api_add_up(client, pendamping_a):
    limit = settings.ATENSI_LOGIN_MAX_FAILURES
    fail(limit - 1, login=page_login)
    fail(1, login=api_login)
    assert api_login(client, PASSWORD).json()["error"]["code"] == "account_locked"
    assert LOCKED in page_login(client, PASSWORD).content.decode()


def test_the_token_endpoint_works_again_after_the_lockout(client, pendamping_a):
    fail(settings.ATENSI_LOGIN_MAX_FAILURES, login=api_login)
    with later(settings.ATENSI_LOGIN_LOCKOUT_MINUTES + 1):
        response = api_login(client, PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]
