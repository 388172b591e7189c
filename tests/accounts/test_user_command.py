"""`atensi user add|token`: creating users and API tokens from the command line."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from atensi.accounts.models import Role, User
from atensi.common.models import AuditLog
from tests.conftest import PASSWORD, SENTRA_A

pytestmark = pytest.mark.django_db


def add(username, *options, password=PASSWORD, monkeypatch) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
    out = io.StringIO()
    call_command("user", "add", username, *options, stdout=out)
    return out.getvalue()


def token(username, *options) -> str:
    out = io.StringIO()
    call_command("user", "token", username, *options, stdout=out)
    return out.getvalue().strip()


def policy_messages(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return exc.messages
    raise AssertionError(f"{password!r} passes the policy")


def test_it_creates_a_user_with_the_role_and_unit(monkeypatch):
    out = add("sri", "--role", "pendamping", "--unit", SENTRA_A, monkeypatch=monkeypatch)
    user = User.objects.get(username="sri")
    assert (user.role, user.unit.code) == (Role.PENDAMPING, SENTRA_A)
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert "sri" in out and user.unit.name in out


def test_the_creation_is_audited(monkeypatch):
    add("sri", "--role", "pendamping", "--unit", SENTRA_A, monkeypatch=monkeypatch)
    user = User.objects.get(username="sri")
    row = AuditLog.objects.get(action="create", object_type="accounts.user", object_id=str(user.pk))
    assert row.actor is None
    assert row.changes == {
        "username": [None, "sri"],
        "role": [None, "pendamping"],
        "unit": [None, SENTRA_A],
    }


def test_a_national_administrator_can_use_the_django_admin(monkeypatch):
    add("nasional", "--role", "admin", "--unit", "630001", monkeypatch=monkeypatch)
    assert User.objects.get(username="nasional").is_staff


@pytest.mark.parametrize("weak", ["pendek1", "rahasiarahasia", "1234567890123", "password123"])
def test_it_refuses_a_weak_password_with_the_policy_message(weak, monkeypatch):
    with pytest.raises(CommandError) as caught:
        add(
            "sri",
            "--role",
            "pendamping",
            "--unit",
            SENTRA_A,
            password=weak,
            monkeypatch=monkeypatch,
        )
    for message in policy_messages(weak):
        assert message in str(caught.value)
    assert not User.objects.filter(username="sri").exists()
    assert not AuditLog.objects.filter(object_type="accounts.user").exists()


def test_letters_without_digits_get_the_letters_and_digits_rule(monkeypatch):
    with pytest.raises(CommandError, match="huruf dan angka"):
        add(
            "sri",
            "--role",
            "pendamping",
            "--unit",
            SENTRA_A,
            password="Kata-Sandi-Panjang",
            monkeypatch=monkeypatch,
        )


def test_an_empty_password_is_refused(monkeypatch):
    with pytest.raises(CommandError, match="stdin"):
        add("sri", "--role", "pendamping", "--unit", SENTRA_A, password="", monkeypatch=monkeypatch)


def test_it_refuses_an_unknown_unit(monkeypatch):
    with pytest.raises(CommandError, match="999999"):
        add("sri", "--role", "pendamping", "--unit", "999999", monkeypatch=monkeypatch)
    assert not User.objects.filter(username="sri").exists()


def test_it_refuses_an_unknown_role(monkeypatch):
    with pytest.raises(CommandError, match="--role"):
        add("sri", "--role", "kepala", "--unit", SENTRA_A, monkeypatch=monkeypatch)
    assert not User.objects.filter(username="sri").exists()


@pytest.mark.parametrize("taken", ["pendamping_a", "Pendamping_A"])
def test_it_refuses_a_username_already_taken(taken, pendamping_a, monkeypatch):
    with pytest.raises(CommandError, match="sudah dipakai"):
        add(taken, "--role", "head", "--unit", SENTRA_A, monkeypatch=monkeypatch)
    assert User.objects.filter(username__iexact="pendamping_a").count() == 1


def test_the_token_authenticates_the_api(pendamping_a, client):
    key = token("pendamping_a")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "pendamping_a"
    assert response.json()["unit_code"] == SENTRA_A


def test_without_the_token_the_api_refuses(pendamping_a, client):
    token("pendamping_a")
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token salah").status_code == 401


def test_the_same_token_is_printed_again_and_audited_once(pendamping_a):
    assert token("pendamping_a") == token("pendamping_a")
    assert AuditLog.objects.filter(action="token", object_id=str(pendamping_a.pk)).count() == 1


def test_rotate_replaces_the_token(pendamping_a, client):
    old = token("pendamping_a")
    new = token("pendamping_a", "--rotate")
    assert new != old
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_token_for_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="tidak ada"):
        token("siapa")
