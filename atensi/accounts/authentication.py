"""API token authentication: DRF's token scheme, read in one lean query.

Every API request authenticates, so the lookup is on the path of the busiest writes (recording
a service delivery). DRF's TokenAuthentication builds an ORM query joining the token and its
user on every request; this reads the same user row by the token key with plain SQL (the
token's key is its primary key) and builds the token without a second read. The rules are
DRF's: an unknown key or an inactive user is refused with 401.
"""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import User


def _user_by_token_sql() -> str:
    users, tokens = User._meta.db_table, Token._meta.db_table
    return f'SELECT u.* FROM "{users}" u JOIN "{tokens}" t ON t.user_id = u.id WHERE t.key = %s'


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        found = list(User.objects.raw(_user_by_token_sql(), [key]))
        if not found:
            raise exceptions.AuthenticationFailed(_("Token tidak valid."))
        user = found[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Pengguna nonaktif atau telah dihapus."))
        return user, Token(key=key, user=user)
