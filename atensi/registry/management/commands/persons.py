import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from atensi.accounts.models import User
from atensi.common.errors import ApplicationError
from atensi.organisation.models import Unit
from atensi.registry.importing import import_report_write, person_import
from atensi.registry.models import ImportStage
from atensi.registry.services import persons_reindex_names

# Bad rows printed in the summary; the report file (--report) has them all.
SHOWN_PROBLEMS = 20


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width
        self.last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        if total:
            filled = int(self.width * done / total)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r{label:<18} [{bar}] {done:>7}/{total} ")
        else:
            self.stream.write(f"\r{label:<18} ")
        if done and done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Persons in the registry. `atensi persons import FILE --as USERNAME [--unit CODE] "
        "[--valid-only] [--report OUT.xlsx] [--progress]` imports a .csv/.xlsx file; it exits "
        "with 1 when nothing was imported because of errors. `atensi persons reindex "
        "[--progress]` rebuilds every person's name search keys after a change to the name "
        "rules (safe to run again, and while the service runs)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import persons from a .csv or .xlsx file")
        imp.add_argument("file", help="the .csv or .xlsx file (see the template on the page)")
        imp.add_argument("--as", dest="username", required=True, help="the user who imports")
        imp.add_argument("--unit", help="6-digit unit code (default: the user's unit)")
        imp.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, skip the bad ones"
        )
        imp.add_argument("--report", help="write the Excel copy with the problems per row here")
        imp.add_argument(
            "--progress", action="store_true", help="show progress even when not on a terminal"
        )

        reindex = sub.add_parser(
            "reindex", help="rebuild every person's name search keys (after a name rule change)"
        )
        reindex.add_argument(
            "--batch-size", type=int, default=2000, help="persons per transaction (default 2000)"
        )
        reindex.add_argument(
            "--progress", action="store_true", help="show progress even when not on a terminal"
        )

    def handle(self, *args, action, **options):
        try:
            if action == "reindex":
                self._reindex(options)
            else:
                self._import(options)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None

    def _progress_bar(self, options):
        if options["progress"] or sys.stderr.isatty():
            return ProgressBar(self.stderr)
        return None

    def _reindex(self, options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size harus 1 atau lebih.")
        bar = self._progress_bar(options)
        done = persons_reindex_names(
            batch_size=options["batch_size"],
            progress=(lambda n, total: bar("Indeks nama", n, total)) if bar else None,
        )
        self.stdout.write(
            f"{done.persons} orang diperiksa, indeks nama {done.changed} orang dibangun ulang "
            f"({done.batches} kelompok)."
        )

    def _import(self, options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Pengguna {options['username']} tidak ada.")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Unit dengan kode {options['unit']} tidak ada.")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Berkas {path} tidak ada.")
        bar = self._progress_bar(options)
        result = person_import(
            actor=user,
            file=path,
            file_name=path.name,
            unit=unit,
            valid_only=options["valid_only"],
            progress=(lambda stage, n, total: bar(ImportStage(stage).label, n, total))
            if bar
            else None,
        )
        if options["report"]:
            import_report_write(result, options["report"])

        out = self.stdout
        out.write(
            f"{result.total} baris dibaca, {result.created} orang diimpor ke {result.unit.name}, "
            f"{result.error_rows} baris bermasalah, {result.warning_rows} baris dengan peringatan."
        )
        if result.ignored_columns:
            out.write("Kolom diabaikan (tidak dikenal): " + ", ".join(result.ignored_columns))
        errors = [i for i in result.issues if i.level == "error"]
        for issue in errors[:SHOWN_PROBLEMS]:
            out.write(f"  baris {issue.row}, kolom {issue.column}: {issue.message}")
        if len(errors) > SHOWN_PROBLEMS:
            out.write(f"  … dan {len(errors) - SHOWN_PROBLEMS} masalah lain.")
        if options["report"]:
            out.write(f"Laporan per baris: {options['report']}")
        if result.rejected:
            raise CommandError(
                "Tidak ada yang diimpor karena ada baris bermasalah. Perbaiki barisnya, "
                "atau ulangi dengan --valid-only untuk mengimpor baris yang valid saja."
            )
