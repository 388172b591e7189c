import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atensi.accounts.models import Role, User
from atensi.accounts.services import user_create, user_token
from atensi.common.errors import ApplicationError
from atensi.organisation.models import Unit


class Command(BaseCommand):
    help = (
        "Users. `atensi user add USERNAME --role ROLE --unit UNITCODE` (password on stdin); "
        "`atensi user token USERNAME [--rotate]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a user; the password is read from stdin")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--unit", required=True, help="6-digit unit (satker) code")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        token = sub.add_parser("token", help="print the user's API token (created when missing)")
        token.add_argument("username")
        token.add_argument("--rotate", action="store_true", help="replace the existing token")

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                self._add(options)
            else:
                self._token(options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None

    def _add(self, options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(
                _("Unit dengan kode %(code)s tidak ada. Lihat daftar unit di admin.")
                % {"code": options["unit"]}
            )
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError(_("Kata sandi dibaca dari stdin dan tidak boleh kosong."))
        user = user_create(
            actor=None,
            username=options["username"],
            password=password,
            role=options["role"],
            unit=unit,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
        )
        self.stdout.write(
            _("Pengguna %(username)s (%(role)s, %(unit)s) dibuat.")
            % {"username": user.username, "role": user.get_role_display(), "unit": unit.name}
        )

    def _token(self, options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("Pengguna %s tidak ada.") % options["username"])
        self.stdout.write(user_token(actor=None, user=user, rotate=options["rotate"]))
