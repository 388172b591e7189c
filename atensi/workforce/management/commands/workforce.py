from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from atensi.workforce.holdings import holdings_sync
from atensi.workforce.kpi_months import months_forget
from atensi.workforce.rules import rules_load
from atensi.workforce.tally import tally_sync

# What rules_load counts, as the command reports it ("n" is the number of new rows).
RULE_COUNTS = {
    "weights": ngettext_lazy("%(n)d bobot beban kasus", "%(n)d bobot beban kasus", "n"),
    "norms": ngettext_lazy("%(n)d norma beban kasus", "%(n)d norma beban kasus", "n"),
    "settings": ngettext_lazy("%(n)d ambang dan setelan", "%(n)d ambang dan setelan", "n"),
    "holidays": ngettext_lazy("%(n)d hari libur", "%(n)d hari libur", "n"),
    "competences": ngettext_lazy("%(n)d kompetensi", "%(n)d kompetensi", "n"),
    "courses": ngettext_lazy("%(n)d pelatihan", "%(n)d pelatihan", "n"),
}


class Command(BaseCommand):
    help = (
        "Workforce. Usage: atensi workforce rules  (load caseload weights and norms, thresholds, "
        "holidays, competences and courses) | atensi workforce sync  (bring case holdings and "
        "the services tally up to date and count the kept KPI months again, e.g. after a bulk "
        "load)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rules", help="add the bundled workforce rules that are not loaded yet")
        sub.add_parser("sync", help="rebuild what the KPIs read from the audit trail and services")

    def handle(self, *args, action, **options):
        if action == "rules":
            created = rules_load()
            counts = ", ".join(RULE_COUNTS[name] % {"n": n} for name, n in created.items())
            self.stdout.write(_("Aturan tenaga: %s baru.") % counts)
            return
        holdings = holdings_sync()
        services = tally_sync()
        months = months_forget()
        self.stdout.write(
            _(
                "Pemegang kasus: %(holdings)s; layanan ditambahkan: %(services)d; bulan KPI "
                "tersimpan dihitung ulang: %(months)d."
            )
            % {
                "holdings": ngettext("%d baris", "%d baris", holdings) % holdings,
                "services": services,
                "months": months,
            }
        )
