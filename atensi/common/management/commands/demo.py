import sys
import time

from django.core.management.base import BaseCommand, CommandError

from atensi.accounts.models import Role, User
from atensi.demodata.activity import DEFAULT_CASES, demo_activity_build
from atensi.demodata.build import DEFAULT_PERSONS, DEFAULT_SEED, STAFFED_SENTRA, demo_build
from atensi.demodata.staff import WORKERS_PER_SENTRA


class Command(BaseCommand):
    help = (
        "Builds the demo data set: units, users for every role, beneficiaries, and (without "
        "--scale) rules, budget, two years of cases in the staffed sentra and the workforce "
        "records behind them. Safe to run again. "
        "Usage: atensi demo [--persons N] [--cases N] [--scale N] [--seed S]"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons",
            type=int,
            default=DEFAULT_PERSONS,
            help=f"number of beneficiaries in the data set (default {DEFAULT_PERSONS})",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=DEFAULT_CASES,
            help=f"cases per staffed sentra (default {DEFAULT_CASES}); not with --scale",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=WORKERS_PER_SENTRA,
            help=f"case workers in every sentra's team (default {WORKERS_PER_SENTRA}); 0: only "
            "the demo logins",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            help="a large data set for benchmarks: N beneficiaries, e.g. 1000000 (overrides --persons)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; the same seed gives the same people (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--no-logins", action="store_true", help="do not print the table of demo logins"
        )

    def handle(self, *args, persons, cases, workers, scale, seed, no_logins=False, **options):
        count = scale if scale is not None else persons
        if count < 0:
            raise CommandError("Jumlah orang tidak boleh negatif.")
        if cases < 0:
            raise CommandError("Jumlah kasus tidak boleh negatif.")
        if workers < 0:
            raise CommandError("Jumlah pendamping per sentra tidak boleh negatif.")
        bar = _ProgressBar(enabled=options["verbosity"] > 0)
        started = time.monotonic()
        result = demo_build(persons=count, seed=seed, progress=bar.update)
        bar.finish()
        elapsed = time.monotonic() - started
        if result.regions_loaded:
            self.stdout.write("Kode wilayah dimuat.")
        if result.persons_added:
            self.stdout.write(
                f"Data demo: {result.persons_added} orang ditambahkan "
                f"({result.persons_before + result.persons_added} dari seed {seed}) "
                f"dalam {elapsed:.0f} detik."
            )
        else:
            self.stdout.write(
                f"Data demo sudah lengkap: {result.persons_before} orang dari seed {seed}; "
                "tidak ada yang ditambahkan."
            )
        if scale is None:
            self._budget_and_rules(result.logins)
            self._activity(seed, cases, workers)
        if not no_logins:
            self._print_logins(result.logins)

    def _budget_and_rules(self, logins):
        """Adds the case rules, the scoring rule sets and two fiscal years of budget data."""
        from atensi.budget.fixtures import budget_demo_load
        from atensi.budget.rules import rule_sets_load
        from atensi.cases.rules import rules_load

        rules_load()
        rule_sets_load()
        admin = User.objects.get(
            username=next(login.username for login in logins if login.role == Role.ADMIN)
        )
        budget_demo_load(actor=admin, current=True)
        self.stdout.write("Aturan kasus, aturan IKPA/NKA dan data anggaran demo dimuat.")

    def _activity(self, seed, cases, workers):
        """Adds two years of cases in the staffed sentra and the workforce records of every
        sentra's team."""
        started = time.monotonic()
        activity = demo_activity_build(
            seed=seed,
            unit_codes=list(STAFFED_SENTRA),
            per_sentra=cases,
            workers_per_sentra=workers,
        )
        if activity.built:
            staff = User.objects.filter(
                role__in=(Role.HEAD, Role.SUPERVISOR, Role.PENDAMPING), is_active=True
            ).count()
            self.stdout.write(
                f"Data demo: {activity.cases} kasus di {len(STAFFED_SENTRA)} sentra; {staff} "
                f"tenaga sentra dengan profil, pelatihan, cuti dan laporan bulanan "
                f"({activity.steps} langkah dalam {time.monotonic() - started:.0f} detik)."
            )
        else:
            self.stdout.write("Kasus dan data tenaga demo sudah ada; tidak ada yang ditambahkan.")

    def _print_logins(self, logins):
        labels = dict(Role.choices)
        rows = [
            (
                login.username,
                str(labels[login.role]),
                f"{login.unit.code} {login.unit.name}",
                login.password,
            )
            for login in logins
        ]
        header = ("Nama pengguna", "Peran", "Unit", "Kata sandi")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

        def line(cells) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("\nLogin demo:")
        self.stdout.write(line(header))
        self.stdout.write(line(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(line(row))


class _ProgressBar:
    """A one-line progress bar on stderr (a line per tenth when stderr is not a terminal)."""

    WIDTH = 30

    def __init__(self, *, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False
        self.last_tenth = -1
        self.tty = sys.stderr.isatty()

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if done == 0:  # the persons start now; what came before (regions, users) is not counted
            self.started = time.monotonic()
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        filled = int(self.WIDTH * done / total)
        text = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{total:,} orang "
            f"{rate:,.0f}/s, sisa {eta:.0f} s"
        )
        if self.tty:
            sys.stderr.write("\r" + text)
            sys.stderr.flush()
            self.shown = True
        elif done * 10 // total > self.last_tenth:
            self.last_tenth = done * 10 // total
            sys.stderr.write(text + "\n")

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
