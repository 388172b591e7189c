"""Writes about users: creating them, signing in (with lockout) and API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError
from atensi.organisation.models import Unit

from .models import Role, User


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    role: str,
    unit: Unit,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Creates a user after checking the role and the password policy; audits it.

    Without a password (None) the user is recorded without a way to log in, e.g. a worker
    whose account an administrator opens later (a password set in the admin).
    """
    if role not in Role.values:
        raise ApplicationError(
            _("Peran tidak dikenal: %(role)s. Pilihan: %(choices)s.")
            % {"role": role, "choices": ", ".join(Role.values)},
            code="unknown_role",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            _("Nama pengguna %s sudah dipakai.") % username, code="username_taken"
        )
    user = User(
        username=username,
        role=role,
        unit=unit,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError(
                " ".join(exc.messages), code="weak_password", details={"password": exc.messages}
            ) from None
        user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _("Data pengguna tidak valid."), code="invalid", details=exc.message_dict
        ) from None
    user.save()
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        changes={
            "username": [None, username],
            "role": [None, role],
            "unit": [None, unit.code],
        },
    )
    return user


def user_authenticate(*, username: str, password: str, request=None) -> User:
    """Checks a username and password; locks the account after repeated failures."""
    now = timezone.now()
    user = User.objects.filter(username__iexact=username).first()
    if user is not None and user.locked_until and user.locked_until > now:
        with transaction.atomic():
            audit_record(
                actor=user, action="login_failed", obj=user, changes={"reason": [None, "locked"]}
            )
        raise ApplicationError(
            _(
                "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi setelah %s."
            )
            % timezone.localtime(user.locked_until).strftime("%H:%M"),
            code="account_locked",
        )
    authenticated = authenticate(
        request, username=user.username if user else username, password=password
    )
    if authenticated is None:
        if user is not None:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
                user.refresh_from_db(fields=["failed_logins"])
                audit_record(actor=user, action="login_failed", obj=user)
                if user.failed_logins >= settings.ATENSI_LOGIN_MAX_FAILURES:
                    user.locked_until = now + dt.timedelta(
                        minutes=settings.ATENSI_LOGIN_LOCKOUT_MINUTES
                    )
                    user.failed_logins = 0
                    user.save(update_fields=["locked_until", "failed_logins"])
                    audit_record(
                        actor=user,
                        action="locked",
                        obj=user,
                        changes={
                            "locked_until": [None, user.locked_until.isoformat()],
                        },
                    )
        else:
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="login_failed",
                    object_type="accounts.user",
                    object_repr=username[:150],
                )
        raise ApplicationError(
            _("Nama pengguna atau kata sandi salah."), code="invalid_credentials"
        )
    with transaction.atomic():
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
        audit_record(actor=authenticated, action="login", obj=authenticated)
    return authenticated


@transaction.atomic
def user_token(*, actor, user: User, rotate: bool = False) -> str:
    """Returns the user's API token, creating (or replacing, with rotate) it; audits a new token."""
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=actor, action="token", obj=user)
    return token.key
