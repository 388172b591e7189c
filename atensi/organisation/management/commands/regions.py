import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atensi.organisation.loaders import regions_load


class Command(BaseCommand):
    help = "Region codes (Kepmendagri 2025, with retired codes). Usage: atensi regions load [--without-villages]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="create or update all region codes")
        load.add_argument("--without-villages", action="store_true", help="skip the 83k villages")

    def handle(self, *args, action, without_villages=False, **options):
        verbose = options["verbosity"] > 0 and sys.stderr.isatty()

        def progress(done, total):
            if verbose:
                line = ngettext("%(done)d/%(total)d wilayah", "%(done)d/%(total)d wilayah", total)
                sys.stderr.write("\r  " + line % {"done": done, "total": total})
                sys.stderr.flush()

        counts = regions_load(include_villages=not without_villages, progress=progress)
        if verbose:
            sys.stderr.write("\n")
        self.stdout.write(
            _("Wilayah: %(created)d baru, %(updated)d diperbarui, %(total)d total.") % counts
        )
