"""Shaping budget figures for people: labels, provisional notes, the TA to show, shortfalls.

Pages and the annual report read the same figures the API gives (figures.py, selectors.py);
this module only decides how they are named and which notes go beside them. It holds no
formula: a value shown here is a value computed there.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .figures import HUNDRED, JENIS, Rules, quarter_of
from .models import Blokir, JenisBelanja, Output, Restatement, Revision, RuleSet
from .selectors import budget_units_visible_to


def jenis_label(code: str) -> str:
    return str(dict(JenisBelanja.choices).get(code, code))


def month_name(month: int) -> str:
    names = [
        _("Januari"),
        _("Februari"),
        _("Maret"),
        _("April"),
        _("Mei"),
        _("Juni"),
        _("Juli"),
        _("Agustus"),
        _("September"),
        _("Oktober"),
        _("November"),
        _("Desember"),
    ]
    return names[month - 1] if 1 <= month <= 12 else ""


def month_choices() -> list[tuple[int, str]]:
    return [(m, month_name(m)) for m in range(1, 13)]


# --- Which TA to show ------------------------------------------------------------------------


def budget_years(unit_ids: list[int] | None = None) -> list[int]:
    """Returns the TAs that have a DIPA (for the given satker, or any), newest first."""
    outputs = Output.objects.all()
    if unit_ids is not None:
        outputs = outputs.filter(unit_id__in=unit_ids)
    return sorted(set(outputs.values_list("ta", flat=True).distinct().order_by()), reverse=True)


def default_ta(years: list[int]) -> int:
    """This year when it has a DIPA, else the newest TA that is over, else this year."""
    today = timezone.localdate().year
    if not years or today in years:
        return today
    past = [y for y in years if y < today]
    return past[0] if past else years[-1]


def latest_ta() -> int | None:
    return Output.objects.aggregate(ta=Max("ta"))["ta"]


# --- Rule sets and provisional figures --------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    kind: str
    code: str
    title: str
    source: str


def rule_infos(rules: Rules) -> list[RuleInfo]:
    """Returns the rule sets behind the figures, with their legal sources."""
    out = []
    for rule in (rules.ikpa, rules.nka):
        if rule is not None:
            out.append(RuleInfo(rule.kind.upper(), rule.code, rule.title, rule.source))
    if rules.pmk22 is not None:
        out.append(
            RuleInfo(
                rules.pmk22.kind.upper(),
                rules.pmk22.code,
                _("%s (rumus capaian dan efisiensi yang dipakai sebagai pengganti)")
                % rules.pmk22.title,
                rules.pmk22.source,
            )
        )
    return out


GENERIC_NOTE = gettext_lazy(
    "Aturan ini belum dapat dikonfirmasi dari teks sumbernya; dibuat dapat diatur dan angkanya "
    "sementara."
)


def _spec_note(rule: RuleSet | None, name: str) -> tuple[str, str]:
    """Returns (label, note) of a rule set's component or rule named `name`."""
    if rule is None:
        return name, ""
    definition = rule.definition
    components = definition.get("components", {})
    spec = components.get(name)
    if spec is None:
        for component in components.values():
            if name in component.get("parts", {}):
                spec = {**component["parts"][name], "note": component.get("note", "")}
                break
    deduction = definition.get("deduction") or {}
    if spec is None and deduction.get("component") == name:
        spec = deduction
    spec = spec or {}
    rule_spec = definition.get(name) if isinstance(definition.get(name), dict) else {}
    label = spec.get("label") or name.replace("_", " ")
    note = spec.get("note") or rule_spec.get("note") or ""
    if name == "capaian_output" and not note:
        note = definition.get("capaian_output_rule", {}).get("note", "")
    return label, note


def provisional_notes(rules: Rules, keys: list[str]) -> list[dict]:
    """Explains each provisional figure ("ikpa.penyerapan", "nka.efisiensi", …) from its rule."""
    out = []
    seen = set()
    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        kind, _dot, name = key.partition(".")
        rule = rules.ikpa if kind == "ikpa" else rules.nka
        label, note = _spec_note(rule, name)
        if kind == "nka" and name in (
            "efisiensi",
            "efektivitas",
            "capaian_output",
            "nilai_efisiensi",
        ):
            if not note and rules.pmk22 is not None:
                label, note = _spec_note(rules.pmk22, name)
            if name == "efisiensi" and rules.pmk22 is not None and rule is not rules.pmk22:
                note = (
                    _("Nilai SBK belum diisi: nilai efisiensi %s dipakai sebagai pengganti.")
                    % rules.pmk22.code
                )
            elif name == "efektivitas":
                note = _(
                    "Efektivitas dihitung dari capaian RO (rata-rata geometris bersarang); kaitan "
                    "dengan sasaran program belum dikonfirmasi."
                )
        out.append(
            {
                "key": key,
                "kind": kind.upper(),
                "rule": rule.code if rule else "",
                "label": label,
                "note": note or str(GENERIC_NOTE),
            }
        )
    return out


def provisional_flags(keys: list[str]) -> dict[str, bool]:
    """Says whether the IKPA and the NKA of a satker rest on an unconfirmed rule."""
    return {
        "ikpa": any(k.startswith("ikpa.") for k in keys),
        "nka": any(k.startswith("nka.") for k in keys),
    }


MISSING_LABELS = {
    "ikpa": gettext_lazy(
        "IKPA belum dapat dihitung (belum ada bulan yang selesai atau belum ada aturan)."
    ),
    "ikpa.kontraktual": gettext_lazy("Nilai belanja kontraktual dari OM-SPAN belum diisi."),
    "ikpa.tagihan": gettext_lazy("Nilai penyelesaian tagihan dari OM-SPAN belum diisi."),
    "ikpa.up_tup": gettext_lazy("Nilai pengelolaan UP/TUP dari OM-SPAN belum diisi."),
    "ikpa.dispensasi_spm": gettext_lazy("Rasio dispensasi SPM dari OM-SPAN belum diisi."),
    "ikpa.capaian_output": gettext_lazy("Capaian output: belum ada RO dengan target atau laporan."),
    "ikpa.penyerapan": gettext_lazy("Penyerapan: belum ada triwulan yang selesai."),
    "ikpa.deviasi_hal3": gettext_lazy("Deviasi Hal III: belum ada rencana penarikan (Hal III)."),
    "ikpa.revisi_dipa": gettext_lazy("Revisi DIPA: belum ada bulan yang selesai."),
    "nka.efisiensi": gettext_lazy("Nilai efisiensi (SBK) belum diisi dan tidak dapat diganti."),
    "nka.ikpa": gettext_lazy("NKA menunggu nilai IKPA."),
    "nka.efektivitas": gettext_lazy("Efektivitas: belum ada RO dengan target."),
    "nka.konsistensi": gettext_lazy("Konsistensi: belum ada rencana penarikan (Hal III)."),
    "nka.capaian_output": gettext_lazy("Capaian RO: belum ada RO dengan target."),
    "nka.nilai_efisiensi": gettext_lazy("Nilai efisiensi: belum ada RO dengan pagu dan capaian."),
    "nka.penyerapan": gettext_lazy("Penyerapan: pagu nol."),
}


def missing_notes(keys: list[str]) -> list[str]:
    return [str(MISSING_LABELS.get(k, k)) for k in keys]


# --- IKPA components and the quarterly targets -------------------------------------------------


def ikpa_rows(rules: Rules, components: dict, provisional: list[str]) -> list[dict]:
    """Each IKPA component with its weight, value and whether the value is provisional."""
    if rules.ikpa is None:
        return []
    definition = rules.ikpa.definition
    rows = []
    for name, spec in definition["components"].items():
        part = components.get(name)
        rows.append(
            {
                "name": name,
                "label": spec.get("label", name),
                "weight": Decimal(spec["weight"]),
                "value": None if part is None else part["value"],
                "provisional": f"ikpa.{name}" in provisional,
                "applies": part is not None,
            }
        )
    deduction = definition.get("deduction")
    if deduction and deduction["component"] in components:
        rows.append(
            {
                "name": deduction["component"],
                "label": deduction.get("label", deduction["component"]),
                "weight": None,
                "value": components[deduction["component"]]["value"],
                "provisional": f"ikpa.{deduction['component']}" in provisional,
                "applies": True,
            }
        )
    return rows


def quarter_rows(rules: Rules, components: dict) -> list[dict]:
    """Penyerapan per closed quarter and jenis belanja against the quarter's target (% reached)."""
    if rules.ikpa is None or "penyerapan" not in components:
        return []
    spec = rules.ikpa.definition["penyerapan"]
    out = []
    for quarter in components["penyerapan"]["detail"].get("quarters", []):
        targets = spec["targets"][str(quarter["quarter"])]
        cells = []
        for jenis in JENIS:
            value = quarter["jenis_belanja"].get(jenis)
            if value is None:
                continue
            value = Decimal(str(value))
            cells.append(
                {
                    "jenis": jenis,
                    "label": jenis_label(jenis),
                    "target_percent": Decimal(targets.get(jenis, 0)),
                    "reached": value,
                    "short": value < HUNDRED,
                }
            )
        out.append(
            {
                "quarter": quarter["quarter"],
                "value": quarter["value"],
                "provisional": str(quarter["quarter"]) in spec.get("provisional_quarters", []),
                "jenis": cells,
            }
        )
    return out


def current_quarter(as_of: dt.date) -> int:
    return quarter_of(as_of.month)


# --- Reads for the list pages (scope through selectors.budget_units_visible_to) -------------------


def blokir_for(user, ta: int):
    """The blokir of the satker `user` sees in `ta`, newest first."""

    return (
        Blokir.objects.filter(ta=ta, unit__in=budget_units_visible_to(user))
        .select_related("unit", "output", "revision", "previous")
        .order_by("unit__code", "-blocked_on", "-id")
    )


def revisions_for(user, ta: int):
    """The DIPA revisions of the satker `user` sees in `ta`, with how many lines each changed."""

    return (
        Revision.objects.filter(ta=ta, unit__in=budget_units_visible_to(user))
        .select_related("unit", "created_by")
        .annotate(
            allocation_lines=Count("allocations", distinct=True),
            plan_lines=Count("plans", distinct=True),
            blokir_lines=Count("blokir", distinct=True),
        )
        .order_by("unit__code", "number")
    )


def restatements_for(user, ta: int):
    """Restatements of locked months of `ta`, or made during `ta`, for the satker `user` sees."""

    units = budget_units_visible_to(user)
    return (
        Restatement.objects.filter(lock__unit__in=units)
        .filter(Q(lock__ta=ta) | Q(reported_ta=ta))
        .select_related("lock", "lock__unit", "made_by", "batch")
        .order_by("-made_at", "-id")
    )


def restatement_changes(before: dict, after: dict) -> list[dict]:
    """The figures a restatement changed: (what, jenis/RO, before, after), amounts only."""
    out = []
    for key in ("realisasi", "rencana", "pagu", "blokir", "pagu_ro"):
        old, new = before.get(key, {}) or {}, after.get(key, {}) or {}
        for item in sorted(set(old) | set(new)):
            if old.get(item) != new.get(item):
                out.append(
                    {
                        "what": key,
                        "item": jenis_label(item) if key != "pagu_ro" else item,
                        "before": old.get(item),
                        "after": new.get(item),
                    }
                )
    return out


def nka_rows(rules: Rules, components: dict, provisional: list[str]) -> list[dict]:
    """Each NKA input with its label, weight in the final value and whether it is provisional."""
    if rules.nka is None or not components:
        return []
    definition = rules.nka.definition
    inputs = components.get("inputs", {})
    rows = []
    if definition.get("method") == "weighted":
        for name, spec in definition["components"].items():
            rows.append(
                {
                    "label": spec.get("label", name),
                    "weight": Decimal(spec["weight"]),
                    "value": inputs.get(name),
                    "provisional": f"nka.{name}" in provisional,
                }
            )
        return rows
    mapping = definition.get("inputs", {})
    for name, path in mapping.items():
        side, _dot, part = path.partition(".")
        spec = definition["components"].get(side, {})
        weight = Decimal(spec.get("weight", 0))
        label = spec.get("label", side)
        if part:
            part_spec = spec.get("parts", {}).get(part, {})
            weight = weight * Decimal(part_spec.get("weight", 0)) / HUNDRED
            label = part_spec.get("label", part)
        rows.append(
            {
                "label": label,
                "weight": weight,
                "value": inputs.get(name),
                "provisional": f"nka.{name}" in provisional or f"nka.{side}" in provisional,
            }
        )
    return rows
