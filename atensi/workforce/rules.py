"""The workforce rules as versioned data: caseload weights and norms, thresholds, holidays, courses.

The bundled file (data/rules.json) is loaded with `atensi workforce rules`, and on first use when
no rule is stored yet. A stored rule row is never changed by loading: a new rule is a new rule
set with a later `valid_from`, so figures of past periods keep the rules they were judged by.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import (
    CaseloadNorm,
    CaseloadWeight,
    Competence,
    Course,
    Holiday,
    SettingKey,
    WorkforceSetting,
)

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"


def rules_load(path: Path = RULES_FILE) -> dict[str, int]:
    """Adds the rule sets, holidays, competences and courses that are not stored yet."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = {
        "weights": 0,
        "norms": 0,
        "settings": 0,
        "holidays": 0,
        "competences": 0,
        "courses": 0,
    }
    with transaction.atomic():
        for rule_set in data["rule_sets"]:
            common = {
                "valid_from": dt.date.fromisoformat(rule_set["valid_from"]),
                "source": rule_set["source"],
                "provisional": rule_set["provisional"],
            }
            for stage, urgencies in rule_set["weights"].items():
                for urgency, weight in urgencies.items():
                    _row, new = CaseloadWeight.objects.get_or_create(
                        rule_set=rule_set["rule_set"],
                        stage=stage,
                        urgency=urgency,
                        defaults={"weight": Decimal(str(weight)), **common},
                    )
                    created["weights"] += new
            for norm in rule_set["norms"]:
                _row, new = CaseloadNorm.objects.get_or_create(
                    rule_set=rule_set["rule_set"],
                    worker_kind=norm["worker_kind"],
                    approach=norm["approach"],
                    defaults={"max_weighted": Decimal(str(norm["max_weighted"])), **common},
                )
                created["norms"] += new
            for key, value in rule_set["settings"].items():
                _row, new = WorkforceSetting.objects.get_or_create(
                    rule_set=rule_set["rule_set"],
                    key=key,
                    defaults={"value": Decimal(str(value)), **common},
                )
                created["settings"] += new
        for holiday in data["holidays"]:
            _row, new = Holiday.objects.get_or_create(
                date=dt.date.fromisoformat(holiday["date"]),
                defaults={k: holiday[k] for k in ("name", "kind", "source")},
            )
            created["holidays"] += new
        competences = {}
        for item in data["competences"]:
            competences[item["code"]], new = Competence.objects.get_or_create(
                code=item["code"],
                defaults={
                    "title": item["title"],
                    "kpis": item["kpis"],
                    "source": data["competence_source"],
                },
            )
            created["competences"] += new
        for item in data["courses"]:
            course, new = Course.objects.get_or_create(
                code=item["code"],
                defaults={
                    k: item[k]
                    for k in ("title", "hours", "provider", "source", "certificate_valid_months")
                },
            )
            if new:
                course.competences.set([competences[c] for c in item["competences"]])
            created["courses"] += new
    return created


def rules_ensure() -> None:
    """Loads the bundled rules when none is stored (a fresh database, a flushed test database)."""
    if not CaseloadWeight.objects.exists():
        rules_load()


def _latest(rows, key, day: dt.date) -> dict:
    """Keeps, per key, the row with the latest valid_from on or before `day`."""
    chosen: dict = {}
    for row in sorted(rows, key=lambda r: (r.valid_from, r.pk), reverse=True):
        if row.valid_from <= day:
            chosen.setdefault(key(row), row)
    return chosen


class RuleBook:
    """The weights, norms and thresholds valid on one day, read once (three queries).

    `on(day)` gives the rules of another day from the rows already read.
    """

    def __init__(self, day: dt.date | None = None, *, _rows: tuple | None = None):
        if _rows is None:
            rules_ensure()
            _rows = (
                list(CaseloadWeight.objects.all()),
                list(CaseloadNorm.objects.all()),
                list(WorkforceSetting.objects.all()),
            )
        self._rows = _rows
        self.day = day or timezone.localdate()
        weights, norms, settings = _rows
        self._weights = _latest(weights, lambda r: (r.stage, r.urgency), self.day)
        self._norms = _latest(norms, lambda r: (r.worker_kind, r.approach), self.day)
        self._settings = _latest(settings, lambda r: r.key, self.day)

    def on(self, day: dt.date) -> "RuleBook":
        return RuleBook(day, _rows=self._rows)

    def weight(self, stage: str, urgency: str) -> Decimal:
        """Returns the weight of an active case; a stage without a weight (closed) weighs 0."""
        row = self._weights.get((stage, urgency))
        return row.weight if row else Decimal(0)

    def norm(self, worker_kind: str, approach: str) -> CaseloadNorm | None:
        """Returns the most specific norm: kind and approach, kind only, approach only, neither."""
        for key in ((worker_kind, approach), (worker_kind, ""), ("", approach), ("", "")):
            if key in self._norms:
                return self._norms[key]
        return None

    def setting(self, key: str) -> Decimal:
        row = self._settings.get(key)
        if row is None:
            raise LookupError(f"workforce rule {key} is not loaded")
        return row.value

    def setting_int(self, key: str) -> int:
        return int(self.setting(key))

    @property
    def idle_ratio(self) -> float:
        return float(self.setting(SettingKey.IDLE_RATIO))

    @property
    def provisional(self) -> bool:
        rows = [*self._weights.values(), *self._norms.values(), *self._settings.values()]
        return any(r.provisional for r in rows)

    @property
    def sources(self) -> list[str]:
        rows = [*self._weights.values(), *self._norms.values(), *self._settings.values()]
        return sorted({r.source for r in rows})

    def norms(self) -> list[CaseloadNorm]:
        return sorted(self._norms.values(), key=lambda r: (r.worker_kind, r.approach))

    def weights(self) -> list[CaseloadWeight]:
        return list(self._weights.values())
