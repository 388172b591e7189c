"""Budget performance formulas (DOMAIN.md §7), driven by versioned rule sets.

Everything a regulation fixes — weights, targets, bounds, bands — comes from the rule set's
`definition` (data/rule_sets/*.json, loaded into RuleSet); this module only knows the shapes of
the formulas. Arithmetic is Decimal throughout; results are rounded half-up to 2 decimals.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from atensi.common.errors import ApplicationError

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


def D(value: Any) -> Decimal:
    """Converts a number or numeric string to Decimal, refusing what is not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ApplicationError(_("Nilai harus berupa angka."), code="not_a_number")
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Nilai %s bukan angka.") % value, code="not_a_number") from None
    if not result.is_finite():
        raise ApplicationError(_("Nilai %s bukan angka.") % value, code="not_a_number")
    return result


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def category(definition: dict, value: Decimal) -> str:
    """Names the band a score falls in: NKA bands use "above" (>), IKPA bands "at_least" (≥)."""
    for band in definition["bands"]:
        if "above" in band:
            if band["above"] is None or value > D(band["above"]):
                return band["label"]
        elif band["at_least"] is None or value >= D(band["at_least"]):
            return band["label"]
    raise ValueError("rule set bands must end with an open band")


@dataclass
class Score:
    value: Decimal
    category: str
    rule_set: str
    parts: dict[str, Decimal] = field(default_factory=dict)
    provisional: list[str] = field(default_factory=list)


def _check_percent(
    name: str, value: Decimal, *, low: Decimal = Decimal(0), high: Decimal = HUNDRED
) -> None:
    if value < low or value > high:
        raise ApplicationError(
            _("%(name)s harus antara %(low)s dan %(high)s; diterima %(value)s.")
            % {"name": name, "low": low, "high": high, "value": value},
            code="out_of_range",
            details={name: [_("Isi nilai %(low)s–%(high)s.") % {"low": low, "high": high}]},
        )


def _provisional(spec: dict, name: str) -> list[str]:
    return [name] if spec.get("provisional") else []


def nka_weighted(definition: dict, rule_code: str, inputs: dict[str, Any]) -> Score:
    """NKA as a weighted sum of component values (PMK 22/PMK.02/2021 shape)."""
    components = definition["components"]
    missing = [name for name in components if inputs.get(name) is None]
    if missing:
        raise ApplicationError(
            _("Aturan %(rule)s memerlukan nilai: %(names)s.")
            % {"rule": rule_code, "names": ", ".join(missing)},
            code="missing_input",
            details={name: [_("Wajib diisi.")] for name in missing},
        )
    total = Decimal(0)
    parts = {}
    provisional: list[str] = []
    for name, spec in components.items():
        value = D(inputs[name])
        _check_percent(name, value)
        parts[name] = value
        total += value * D(spec["weight"]) / HUNDRED
        provisional += _provisional(spec, name)
    value = rounded(total)
    return Score(value, category(definition, value), rule_code, parts, provisional)


def nka_nested(definition: dict, rule_code: str, inputs: dict[str, Any]) -> Score:
    """NKA combining a planning side (its own weighted parts) and an execution side (IKPA)."""
    mapping = definition["inputs"]
    missing = [name for name in mapping if inputs.get(name) is None]
    if missing:
        raise ApplicationError(
            _("Aturan %(rule)s memerlukan nilai: %(names)s.")
            % {"rule": rule_code, "names": ", ".join(missing)},
            code="missing_input",
            details={name: [_("Wajib diisi.")] for name in missing},
        )
    values = {}
    for name in mapping:
        values[name] = D(inputs[name])
        _check_percent(name, values[name])
    total = Decimal(0)
    parts: dict[str, Decimal] = {}
    provisional: list[str] = []
    for name, spec in definition["components"].items():
        if "parts" in spec:
            side = sum(
                (
                    values[_input_for(mapping, f"{name}.{part}")] * D(p["weight"]) / HUNDRED
                    for part, p in spec["parts"].items()
                ),
                Decimal(0),
            )
        else:
            side = values[_input_for(mapping, name)]
        parts[name] = rounded(side)
        total += side * D(spec["weight"]) / HUNDRED
        provisional += _provisional(spec, name)
    value = rounded(total)
    return Score(value, category(definition, value), rule_code, parts, provisional)


def _input_for(mapping: dict[str, str], path: str) -> str:
    return next(name for name, target in mapping.items() if target == path)


def nka(definition: dict, rule_code: str, inputs: dict[str, Any]) -> Score:
    """Computes NKA by the method its rule set declares."""
    method = definition["method"]
    if method == "weighted":
        return nka_weighted(definition, rule_code, inputs)
    if method == "nested":
        return nka_nested(definition, rule_code, inputs)
    raise ValueError(f"unknown NKA method {method}")


@dataclass
class Efisiensi:
    efisiensi: Decimal
    nilai_efisiensi: Decimal
    bounded: bool
    provisional: list[str]


def efisiensi(definition: dict, ros: list[dict[str, Any]]) -> Efisiensi:
    """E = Σ(pagu × capaian − realisasi) / Σ(pagu × capaian) × 100; NE = 50 + (E / bound) × 50.

    `capaian` is a ratio (0.95); pagu and realisasi are whole Rupiah.
    """
    spec = definition["efisiensi"]
    if not ros:
        raise ApplicationError(
            _("Isi minimal satu RO."), code="missing_input", details={"ro": [_("Kosong.")]}
        )
    expected = Decimal(0)
    saved = Decimal(0)
    for index, ro in enumerate(ros):
        try:
            pagu, capaian, realisasi = D(ro["pagu"]), D(ro["capaian"]), D(ro["realisasi"])
        except KeyError as exc:
            raise ApplicationError(
                _("RO ke-%(n)d tidak memuat %(key)s.") % {"n": index + 1, "key": exc.args[0]},
                code="missing_input",
            ) from None
        if pagu < 0 or capaian < 0:
            raise ApplicationError(
                _("Pagu dan capaian RO ke-%d tidak boleh negatif.") % (index + 1),
                code="out_of_range",
            )
        if spec.get("cap_capaian_at_one") and capaian > 1:
            capaian = Decimal(1)
        expected += pagu * capaian
        saved += pagu * capaian - realisasi
    if expected == 0:
        raise ApplicationError(
            _("Efisiensi tidak dapat dihitung: jumlah pagu × capaian seluruh RO adalah nol."),
            code="undefined",
        )
    e = saved / expected * HUNDRED
    bound = D(spec["bound"])
    clipped = max(-bound, min(bound, e))
    ne = Decimal(50) + clipped / bound * Decimal(50)
    return Efisiensi(rounded(e), rounded(ne), clipped != e, _provisional(spec, "efisiensi"))


def _geometric_mean(values: list[Decimal]) -> Decimal:
    if any(v == 0 for v in values):
        return Decimal(0)
    product_log = sum((v.ln() for v in values), Decimal(0))
    return (product_log / len(values)).exp()


def capaian_output(definition: dict, programs: list[dict]) -> dict:
    """Nested geometric mean of realised/target ratios: indicators → outputs → programmes → total (%)."""
    cap = definition.get("capaian_output", {}).get("cap_ratio_at_one", False)
    if not programs:
        raise ApplicationError(_("Isi minimal satu program."), code="missing_input")
    program_values = []
    out_programs = []
    for p_index, program in enumerate(programs, 1):
        output_values = []
        out_outputs = []
        if not program.get("outputs"):
            raise ApplicationError(
                _("Program ke-%d tidak memiliki output.") % p_index, code="missing_input"
            )
        for o_index, output in enumerate(program["outputs"], 1):
            ratios = []
            if not output.get("indicators"):
                raise ApplicationError(
                    _("Output ke-%(o)d program ke-%(p)d tidak memiliki indikator.")
                    % {"o": o_index, "p": p_index},
                    code="missing_input",
                )
            for i_index, indicator in enumerate(output["indicators"], 1):
                target, realised = D(indicator["target"]), D(indicator["realisasi"])
                if target <= 0 or realised < 0:
                    raise ApplicationError(
                        _(
                            "Indikator ke-%(i)d (output %(o)d, program %(p)d): target harus > 0 dan realisasi ≥ 0."
                        )
                        % {"i": i_index, "o": o_index, "p": p_index},
                        code="out_of_range",
                    )
                ratio = realised / target
                ratios.append(min(ratio, Decimal(1)) if cap else ratio)
            value = _geometric_mean(ratios)
            output_values.append(value)
            out_outputs.append({"capaian": rounded(value * HUNDRED)})
        program_value = _geometric_mean(output_values)
        program_values.append(program_value)
        out_programs.append({"capaian": rounded(program_value * HUNDRED), "outputs": out_outputs})
    total = _geometric_mean(program_values)
    return {
        "capaian_output": rounded(total * HUNDRED),
        "programs": out_programs,
        "provisional": _provisional(definition.get("capaian_output", {}), "capaian_output"),
    }


def ikpa_final(
    definition: dict, rule_code: str, scores: dict[str, Any], deduction_ratio: Any = None
) -> Score:
    """Final IKPA = Σ(score × weight) / (Σ applicable weights / 100) − deduction.

    A component whose score is None does not apply to the satker (e.g. no contracts) and its weight
    leaves the denominator.
    """
    weighted = Decimal(0)
    weights = Decimal(0)
    parts: dict[str, Decimal] = {}
    provisional: list[str] = []
    for name, spec in definition["components"].items():
        value = scores.get(name)
        if value is None:
            continue
        value = D(value)
        _check_percent(name, value, high=Decimal(120))
        parts[name] = value
        weighted += value * D(spec["weight"])
        weights += D(spec["weight"])
        provisional += _provisional(spec, name)
    if weights == 0:
        raise ApplicationError(_("Tidak ada komponen IKPA yang berlaku."), code="missing_input")
    value = weighted / weights
    deduction = Decimal(0)
    rule = definition.get("deduction")
    if rule and deduction_ratio is not None:
        ratio = D(deduction_ratio)
        if ratio > 0:
            deduction = next(
                D(s["deduct"]) for s in rule["steps"] if s["max"] is None or ratio <= D(s["max"])
            )
        parts[rule["component"]] = -deduction
        provisional += _provisional(rule, rule["component"])
    value = rounded(value - deduction)
    return Score(value, category(definition, value), rule_code, parts, provisional)
