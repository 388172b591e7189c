from django.core.management.base import BaseCommand

from atensi.cases.rules import rules_load


class Command(BaseCommand):
    help = "Case rules. Usage: atensi cases rules  (load response-time targets, assessment forms, outcome scales)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rules", help="add the versioned case rules that are not loaded yet")

    def handle(self, *args, action, **options):
        created = rules_load()
        self.stdout.write(
            f"Aturan kasus: {created['response_targets']} target waktu, {created['forms']} formulir baru."
        )
