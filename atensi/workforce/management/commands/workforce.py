from django.core.management.base import BaseCommand

from atensi.workforce.holdings import holdings_sync
from atensi.workforce.rules import rules_load
from atensi.workforce.tally import tally_sync


class Command(BaseCommand):
    help = (
        "Workforce. Usage: atensi workforce rules  (load caseload weights and norms, thresholds, "
        "holidays, competences and courses) | atensi workforce sync  (bring case holdings and "
        "the services tally up to date, e.g. after a bulk load)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rules", help="add the bundled workforce rules that are not loaded yet")
        sub.add_parser("sync", help="rebuild what the KPIs read from the audit trail and services")

    def handle(self, *args, action, **options):
        if action == "rules":
            created = rules_load()
            self.stdout.write(
                "Aturan tenaga: "
                + ", ".join(f"{n} {name}" for name, n in created.items())
                + " baru."
            )
            return
        holdings = holdings_sync()
        services = tally_sync()
        self.stdout.write(f"Pemegang kasus: {holdings} baris; layanan ditambahkan: {services}.")
