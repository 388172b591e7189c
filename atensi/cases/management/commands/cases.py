from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atensi.cases.rules import rules_load


class Command(BaseCommand):
    help = "Case rules. Usage: atensi cases rules  (load response-time targets, assessment forms, outcome scales)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rules", help="add the versioned case rules that are not loaded yet")

    def handle(self, *args, action, **options):
        created = rules_load()
        targets, forms = created["response_targets"], created["forms"]
        self.stdout.write(
            _("Aturan kasus: %(targets)s, %(forms)s baru.")
            % {
                "targets": ngettext("%d target waktu", "%d target waktu", targets) % targets,
                "forms": ngettext("%d formulir", "%d formulir", forms) % forms,
            }
        )
