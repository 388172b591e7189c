import json
import sys
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
        "Subcommands: nka, efisiensi, capaian-output, rules."
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
