import datetime as dt
import json
import sys
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from atensi.budget import scoring
from atensi.budget.rules import rule_set_for, rule_sets_load
from atensi.common.errors import ApplicationError


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


class Command(BaseCommand):
    requires_system_checks: list = []  # calculators must answer fast, even on a half-configured site
    help = (
        "Budget performance calculators (same code as the stored-data path). "
        "Subcommands: nka, efisiensi, capaian-output, rules, score, import, summarise."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        nka = sub.add_parser("nka", help="NKA from component values (percentages 0–100)")
        nka.add_argument("--ta", type=int, required=True, help="fiscal year, chooses the rule set")
        nka.add_argument("--penyerapan")
        nka.add_argument("--konsistensi")
        nka.add_argument("--capaian-output", dest="capaian_output")
        nka.add_argument("--nilai-efisiensi", dest="nilai_efisiensi")
        nka.add_argument("--efektivitas", help="TA 2024+: planning-side effectiveness")
        nka.add_argument("--efisiensi", help="TA 2024+: planning-side efficiency (SBK)")
        nka.add_argument("--ikpa", help="TA 2024+: execution side (IKPA)")
        nka.add_argument("--json", action="store_true")
        eff = sub.add_parser(
            "efisiensi", help='reads {"ro": [{"pagu", "capaian", "realisasi"}]} on stdin'
        )
        eff.add_argument(
            "--ta", type=int, default=2023, help="rule set year (default 2023, PMK 22/2021)"
        )
        eff.add_argument("--json", action="store_true")
        cap = sub.add_parser(
            "capaian-output",
            help='reads {"programs": [{"outputs": [{"indicators": [...]}]}]} on stdin',
        )
        cap.add_argument("--ta", type=int, default=2023)
        cap.add_argument("--json", action="store_true")
        sub.add_parser("rules", help="load the bundled rule sets that are not stored yet")
        score = sub.add_parser("score", help="every satker's figures for a TA from stored data")
        score.add_argument("--ta", type=int, required=True)
        score.add_argument("--month", type=int, help="realisation through this month (1-12)")
        score.add_argument(
            "--as-of", dest="as_of", help="pagu, blokir and plan in force on this date"
        )
        score.add_argument("--json", action="store_true")
        imp = sub.add_parser("import", help="import a budget file (.csv or .xlsx)")
        imp.add_argument("kind", choices=["dipa", "plan", "blokir", "realisation", "output"])
        imp.add_argument("file")
        imp.add_argument("--as", dest="username", required=True, help="the importing user")
        imp.add_argument(
            "--valid-only", action="store_true", help="import the good rows, leave the bad out"
        )
        imp.add_argument(
            "--restatement-reason",
            default="",
            help="reason for changing months the head has signed off",
        )
        imp.add_argument("--json", action="store_true")
        summary = sub.add_parser(
            "summarise",
            help="recompute the monthly realisation summary of a TA from its SP2D lines "
            "(after lines were written other than by `budget import`)",
        )
        summary.add_argument("--ta", type=int, required=True)

    def handle(self, *args, action, **options):
        try:
            result = getattr(self, "_" + action.replace("-", "_"))(options)
        except ApplicationError as exc:
            detail = "; ".join(
                f"{k}: {' '.join(map(str, v))}" for k, v in (exc.details or {}).items()
            )
            raise CommandError(f"{exc.message}" + (f" ({detail})" if detail else "")) from None
        if result is None:
            return
        if options.get("json"):
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")

    def _rules(self, options):
        self.stdout.write(f"Aturan penilaian baru: {rule_sets_load()}")

    def _stdin_json(self):
        try:
            return json.load(sys.stdin)
        except json.JSONDecodeError as exc:
            raise CommandError(f"Masukan stdin bukan JSON yang sah: {exc}") from None

    def _nka(self, options):
        rule = rule_set_for("nka", options["ta"])
        names = [
            "penyerapan",
            "konsistensi",
            "capaian_output",
            "nilai_efisiensi",
            "efektivitas",
            "efisiensi",
            "ikpa",
        ]
        inputs = {n: options[n] for n in names if options.get(n) is not None}
        score = scoring.nka(rule.definition, rule.code, inputs)
        return {
            "nka": _number(score.value),
            "category": score.category,
            "rule_set": score.rule_set,
            "components": {k: _number(v) for k, v in score.parts.items()},
            "provisional": score.provisional,
            "source": rule.source,
        }

    def _efisiensi(self, options):
        data = self._stdin_json()
        if not isinstance(data, dict) or not isinstance(data.get("ro"), list):
            raise CommandError(
                'Masukan harus berbentuk {"ro": [{"pagu": ..., "capaian": ..., "realisasi": ...}]}.'
            )
        rule = rule_set_for("nka", options["ta"])
        if "efisiensi" not in rule.definition:
            rule = rule_set_for("nka", 2023)
        result = scoring.efisiensi(rule.definition, data["ro"])
        return {
            "efisiensi": _number(result.efisiensi),
            "nilai_efisiensi": _number(result.nilai_efisiensi),
            "bounded": result.bounded,
            "rule_set": rule.code,
            "provisional": result.provisional,
        }

    def _capaian_output(self, options):
        data = self._stdin_json()
        if not isinstance(data, dict) or not isinstance(data.get("programs"), list):
            raise CommandError(
                'Masukan harus berbentuk {"programs": [{"outputs": [{"indicators": [...]}]}]}.'
            )
        rule = rule_set_for("nka", options["ta"])
        if "capaian_output" not in rule.definition:
            rule = rule_set_for("nka", 2023)
        result = scoring.capaian_output(rule.definition, data["programs"])
        return {
            "capaian_output": _number(result["capaian_output"]),
            "programs": [
                {
                    "capaian": _number(p["capaian"]),
                    "outputs": [{"capaian": _number(o["capaian"])} for o in p["outputs"]],
                }
                for p in result["programs"]
            ],
            "rule_set": rule.code,
            "provisional": result["provisional"],
        }

    def _score(self, options):
        from atensi.budget.figures import period_for, score_table

        as_of = _date(options["as_of"]) if options.get("as_of") else None
        table = score_table(
            options["ta"], period_for(options["ta"], month=options.get("month"), as_of=as_of)
        )
        if options.get("json"):
            return table
        for row in table["satker"] + ([table["eselon1"]] if table["eselon1"] else []):
            self.stdout.write(
                f"{row['code']} {row['name'][:40]:40} pagu {row['pagu']:>16,} "
                f"real {row['penyerapan'] if row['penyerapan'] is not None else '-':>6}% "
                f"IKPA {row['ikpa'] if row['ikpa'] is not None else '-'} "
                f"NKA {row['nka'] if row['nka'] is not None else '-'}"
                + (" *" if row["provisional"] else "")
            )
        self.stdout.write("* sementara (aturan belum dikonfirmasi): lihat --json")
        return None

    def _import(self, options):
        from django.contrib.auth import get_user_model

        from atensi.budget.importing import budget_import

        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Pengguna {options['username']} tidak ada.")
        started = time.monotonic()
        shown = {"at": 0.0}

        def progress(stage, done, total):
            now = time.monotonic()
            if now - shown["at"] >= 1 or (total and done >= total):
                shown["at"] = now
                self.stderr.write(f"{stage}: {done:,}/{total:,}" if total else f"{stage}...")

        result = budget_import(
            actor=user,
            kind=options["kind"],
            file=options["file"],
            valid_only=options["valid_only"],
            restatement_reason=options["restatement_reason"],
            progress=progress,
        )
        summary = result.as_dict()
        summary["seconds"] = round(time.monotonic() - started, 2)
        if options.get("json"):
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            for issue in result.issues:
                self.stdout.write(f"baris {issue.row}, kolom {issue.column}: {issue.message}")
            for warning in result.warnings:
                self.stdout.write(warning)
            self.stdout.write(
                f"{result.rows:,} baris: {result.created:,} baru, {result.skipped:,} sudah ada, "
                f"{result.updated:,} diubah, {result.error_rows:,} bermasalah "
                f"({summary['seconds']} detik)."
            )
        if result.rejected:
            raise CommandError(
                f"Tidak ada yang diimpor: {result.error_rows:,} baris bermasalah "
                "(perbaiki, atau pakai --valid-only)."
            )
        return None

    def _summarise(self, options):
        from atensi.budget.services import realisation_summary_rebuild

        rows = realisation_summary_rebuild(ta=options["ta"])
        self.stdout.write(f"Ringkasan realisasi TA {options['ta']}: {rows:,} baris.")


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Tanggal {text} tidak dikenali; tulis TTTT-BB-HH atau HH-BB-TTTT.")
