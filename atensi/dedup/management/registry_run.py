"""`atensi dedup run`: duplicates in the registry, stored for review (the `run` subcommand)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from atensi.accounts.models import Role, User
from atensi.common.errors import ApplicationError
from atensi.dedup.services import dedup_run
from atensi.organisation.models import Unit

DEFAULT_PURPOSE = "Pemeliharaan kualitas data registri (pencarian duplikat terjadwal)"


def add_run_arguments(sub) -> None:
    run = sub.add_parser(
        "run",
        help="find duplicates in the registry and store them for review",
        description=(
            "Compares the persons of the registry (of one unit with --unit, else all the user "
            "may see), stores the likely duplicate pairs in the review queue and logs the run "
            "with its purpose and scope (UU PDP). Pairs already decided are left as they are."
        ),
    )
    run.add_argument("--unit", metavar="CODE", help="the unit (satker code) to compare")
    run.add_argument("--purpose", default=DEFAULT_PURPOSE, help="why the data are matched (logged)")
    run.add_argument(
        "--as",
        dest="username",
        metavar="USERNAME",
        help="the user the run is logged under (default: the first national administrator)",
    )
    run.add_argument(
        "--threshold",
        type=float,
        help="lowest probability kept (default: the model's cut-off, at most 0.5)",
    )
    run.add_argument("--progress", action="store_true", help="show a progress bar on stderr")


def _actor(username: str | None) -> User:
    users = User.objects.filter(is_active=True).select_related("unit")
    if username:
        try:
            return users.get(username=username)
        except User.DoesNotExist:
            raise CommandError(
                _("--as %(name)s: pengguna tidak ada") % {"name": username}
            ) from None
    actor = users.filter(role=Role.ADMIN).order_by("date_joined", "id").first()
    if actor is None:
        raise CommandError(_("Belum ada administrator nasional; sebutkan --as USERNAME."))
    return actor


def registry_run(command, progress_bar, *, unit, purpose, username, threshold, progress, **_o):
    actor = _actor(username)
    scope = None
    if unit:
        try:
            scope = Unit.objects.get(code=unit)
        except Unit.DoesNotExist:
            raise CommandError(_("--unit %(code)s: unit tidak ada") % {"code": unit}) from None
    try:
        run = dedup_run(
            actor=actor,
            unit=scope,
            purpose=purpose,
            threshold=threshold,
            progress=progress_bar(command.stderr._out) if progress else None,
        )
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from None
    command.stderr.write(
        _(
            "Pencarian #%(run)d: %(records)d orang, %(candidates)d pasangan dibandingkan, "
            "%(found)d pasangan untuk ditinjau, %(decided)d sudah diputuskan (ambang %(cut)s)"
        )
        % {
            "run": run.pk,
            "records": run.records,
            "candidates": run.candidate_pairs,
            "found": run.pairs_found,
            "decided": run.pairs_decided,
            "cut": f"{run.threshold:.4f}" if run.threshold is not None else "–",
        }
    )
