"""accounts.services.user_create: the password policy, roles, usernames and the audit row."""

import pytest

from atensi.accounts.models import Role, User
from atensi.accounts.services import user_create
from atensi.common.errors import ApplicationError
from atensi.common.models import AuditLog
from atensi.organisation.models import Unit
from tests.conftest import DITJEN


@pytest.fixture
def ditjen(db):
    return Unit.objects.get(code=DITJEN)


def create(unit, password: str, username: str = "wulan", role: str = Role.PENDAMPING, actor=None):
    return user_create(
        actor=actor,
        username=username,
        password=password,
        role=role,
        unit=unit,
        first_name="Wulan",
        last_name="Sari",
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abc12345x", "setidaknya 10 karakter"),  # nine characters
        ("rehabilitasisosial", "harus memuat huruf dan angka"),
        ("8405197312", "harus memuat huruf dan angka"),
        ("password123", "terlalu umum"),
        ("qwerty12345", "terlalu umum"),
        ("wulansari1", "terlalu mirip dengan nama pengguna"),
    ],
)
def test_it_refuses_a_weak_password_and_says_why(sentra_a, password, message):
    with pytest.raises(ApplicationError) as refused:
        create(sentra_a, password, username="wulansari")
    assert refused.value.code == "weak_password"
    assert any(message in m for m in refused.value.details["password"])
    assert message in str(refused.value.message)
    assert not User.objects.filter(username="wulansari").exists()


def test_it_accepts_a_long_password_with_letters_and_digits(sentra_a, admin_user):
    user = create(sentra_a, "Tiga-kuda-lari-2026", actor=admin_user)
    assert user.check_password("Tiga-kuda-lari-2026")
    assert user.password != "Tiga-kuda-lari-2026"  # stored hashed
    assert (user.role, user.unit) == (Role.PENDAMPING, sentra_a)
    assert not user.is_staff


def test_the_creation_is_audited_without_the_password(sentra_a, admin_user):
    user = create(sentra_a, "Tiga-kuda-lari-2026", actor=admin_user)
    row = AuditLog.objects.get(action="create", object_type="accounts.user", object_id=str(user.pk))
    assert row.actor == admin_user
    assert row.changes == {
        "username": [None, "wulan"],
        "role": [None, "pendamping"],
        "unit": [None, sentra_a.code],
    }
    assert "Tiga-kuda" not in str(row.changes)


def test_the_minimum_length_follows_the_settings(sentra_a, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 14},
        }
    ]
    with pytest.raises(ApplicationError):
        create(sentra_a, "Kudalari-2026")  # 13 characters
    assert create(sentra_a, "Kuda-lari-20261").username == "wulan"


def test_an_administrator_gets_the_django_admin(ditjen):
    user = create(ditjen, "Tiga-kuda-lari-2026", role=Role.ADMIN)
    assert user.is_staff and user.is_superuser


def test_it_refuses_an_unknown_role(sentra_a):
    with pytest.raises(ApplicationError) as refused:
        create(sentra_a, "Tiga-kuda-lari-2026", role="kepala")
    assert refused.value.code == "unknown_role"


def test_it_refuses_a_username_taken_in_another_case(sentra_a):
    create(sentra_a, "Tiga-kuda-lari-2026")
    with pytest.raises(ApplicationError) as refused:
        create(sentra_a, "Tiga-kuda-lari-2026", username="WULAN")
    assert refused.value.code == "username_taken"


def test_a_user_recorded_without_a_password_cannot_log_in(db, sentra_a):
    from django.contrib.auth import authenticate

    from atensi.accounts.services import user_create
    from atensi.common.models import AuditLog

    user = user_create(
        actor=None, username="staf.baru", password=None, role="pendamping", unit=sentra_a
    )
    assert not user.has_usable_password()
    assert AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exists()
    for attempt in ("", "!", user.password):
        assert authenticate(username="staf.baru", password=attempt) is None
