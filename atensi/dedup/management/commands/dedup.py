import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atensi.dedup.engine import STAGES
from atensi.dedup.filemode import ENGINES, FILE_ROLES, FileModeError, dedup_file
from atensi.dedup.management.registry_run import add_run_arguments, registry_run

EXIT_USAGE = 2  # as argparse does for bad options


class ProgressBar:
    """A one-line progress bar on stderr: the engine's stages, then done."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        steps = len(STAGES) + 1  # reading the file, then the engine's stages
        step = 0 if stage == "reading" else STAGES.index(stage) + 1 if stage in STAGES else done
        filled = int(self.width * step / steps)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r[{bar}] {step}/{steps} {stage:<20} {elapsed:6.1f} s ")
        if step >= steps - 1:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Duplicate detection. `atensi dedup file INPUT.csv --id-column COL --column ROLE=COL[,COL…] "
        "… --output PAIRS.csv [--threshold P] [--progress]` writes id_a,id_b,probability for "
        "every likely duplicate pair in a spreadsheet."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        file = sub.add_parser(
            "file",
            help="find duplicates inside one CSV file (no database)",
            description=(
                "Reads a CSV (comma, semicolon or tab separated, UTF-8), compares the records on "
                "the columns given with --column, and writes id_a,id_b,probability for every "
                "pair at or above the threshold, likeliest first. Several columns for one role "
                "are joined (name, address, parent_name), read from broad to fine (region), or "
                "read as day, month, year (birth_date with three columns). Roles: "
                + ", ".join(FILE_ROLES)
                + "."
            ),
        )
        file.add_argument("input", help="the CSV file")
        file.add_argument("--id-column", required=True, help="the column holding each row's id")
        file.add_argument(
            "--column",
            dest="columns",
            action="append",
            default=[],
            metavar="ROLE=COL[,COL…]",
            help="which column(s) hold a role; repeat for each role",
        )
        file.add_argument("--output", required=True, help="where to write the pairs (CSV)")
        file.add_argument(
            "--threshold",
            type=float,
            help="lowest match probability written (default: the model's own cut-off, the one "
            "that maximises the expected F1)",
        )
        file.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
        file.add_argument(
            "--engine",
            choices=ENGINES,
            default="embedded",
            help="where the model runs: embedded (this process, the default) or spark (Apache "
            "Spark; master from ATENSI_SPARK_MASTER, default local[2]); same model, same pairs",
        )
        add_run_arguments(sub)

    def handle(self, *args, action, **options):
        if action == "file":
            self._file(**options)
        elif action == "run":
            registry_run(self, ProgressBar, **options)

    def _file(self, *, input, id_column, columns, output, threshold, progress, engine, **options):
        try:
            summary = dedup_file(
                input_path=Path(input),
                id_column=id_column,
                columns=columns,
                output_path=Path(output),
                threshold=threshold,
                progress=ProgressBar(sys.stderr) if progress else None,
                engine=engine,
            )
        except FileModeError as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from None
        self.stderr.write(
            _(
                "%(records)d rekaman, %(candidates)d pasangan dibandingkan, %(written)d pasangan "
                "ditulis (ambang %(threshold).4f; ambang model %(model).4f)"
            )
            % {
                "records": summary.records,
                "candidates": summary.candidate_pairs,
                "written": summary.pairs_written,
                "threshold": summary.threshold,
                "model": summary.model_threshold,
            }
        )
