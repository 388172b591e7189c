"""Filling and scoring the versioned form definitions (assessment forms and outcome scales)."""

from typing import Any

from django.utils.translation import gettext as _


def _questions(definition: dict):
    for section in definition.get("sections", []):
        yield from section.get("questions", [])


def validate_answers(
    definition: dict, answers: dict[str, Any], *, require_all: bool = True
) -> dict[str, list[str]]:
    """Returns {question code: [messages]} for answers that are missing or do not fit the form."""
    errors: dict[str, list[str]] = {}
    known = set()
    for q in _questions(definition):
        code = q["code"]
        known.add(code)
        value = answers.get(code)
        if value in (None, "", []):
            if require_all and q.get("required", True):
                errors[code] = [_("Wajib diisi: %s") % q["label"]]
            continue
        kind = q.get("type", "text")
        if kind in ("choice", "scale"):
            allowed = {str(o["value"]) for o in q.get("options", [])}
            if str(value) not in allowed:
                errors[code] = [
                    _("Pilihan tidak dikenal untuk %(q)s: %(v)s") % {"q": q["label"], "v": value}
                ]
        elif kind == "number":
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[code] = [_("%s harus berupa angka bulat.") % q["label"]]
                continue
            low, high = q.get("min"), q.get("max")
            if (low is not None and number < low) or (high is not None and number > high):
                errors[code] = [
                    _("%(q)s harus antara %(lo)s dan %(hi)s.")
                    % {"q": q["label"], "lo": low, "hi": high}
                ]
    unknown = set(answers) - known
    if unknown:
        errors["__all__"] = [
            _("Pertanyaan tidak dikenal di formulir ini: %s") % ", ".join(sorted(unknown))
        ]
    return errors


def score_answers(definition: dict, answers: dict[str, Any]) -> dict[str, Any]:
    """Sums option scores per section and in total, and names the band the total falls in."""
    sections: dict[str, int] = {}
    total = 0
    scored = False
    for section in definition.get("sections", []):
        subtotal = 0
        for q in section.get("questions", []):
            options = {str(o["value"]): o.get("score") for o in q.get("options", [])}
            value = answers.get(q["code"])
            if value is None:
                continue
            score = options.get(str(value))
            if score is None and q.get("type") == "number" and q.get("scored"):
                score = int(value)
            if score is not None:
                subtotal += int(score)
                scored = True
        sections[section["code"]] = subtotal
        total += subtotal
    if not scored:
        return {}
    band = None
    for item in definition.get("scoring", {}).get("bands", []):
        if item["min"] <= total <= item["max"]:
            band = item["label"]
    return {"total": total, "sections": sections, "band": band}
