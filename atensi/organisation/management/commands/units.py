from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from atensi.organisation.loaders import units_load


class Command(BaseCommand):
    help = "Units of Ditjen Rehsos (centre and the 31 sentra). Usage: atensi units load"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="create the seed units that do not exist yet")

    def handle(self, *args, action, **options):
        counts = units_load()
        self.stdout.write(_("Unit kerja: %(created)d baru, %(total)d total.") % counts)
