"""The scoring rule sets: bundled as JSON with their legal sources, stored in RuleSet, chosen by TA."""

import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from atensi.common.errors import ApplicationError

from .models import RuleSet

BUNDLED = Path(__file__).resolve().parent / "data" / "rule_sets"


@transaction.atomic
def rule_sets_load(directory: Path = BUNDLED) -> int:
    """Adds the bundled rule sets that are not stored yet; returns how many were added.

    A stored rule set is never overwritten: a changed regulation is a new rule set with a new code.
    """
    known = set(RuleSet.objects.values_list("code", flat=True))
    added = 0
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["code"] in known:
            continue
        RuleSet.objects.create(
            code=data["code"],
            kind=data["kind"],
            title=data["title"],
            ta_from=data["ta_from"],
            ta_to=data["ta_to"],
            source=data["source"],
            definition=data,
        )
        added += 1
    return added


def rule_set_for(kind: str, ta: int) -> RuleSet:
    """Returns the rule set of `kind` that applies to fiscal year `ta` (the newest when several do)."""
    if not RuleSet.objects.exists():
        rule_sets_load()
    candidates = [
        r
        for r in RuleSet.objects.filter(kind=kind, ta_from__lte=ta).order_by("-ta_from")
        if r.applies_to(ta)
    ]
    if not candidates:
        raise ApplicationError(
            _(
                "Tidak ada aturan %(kind)s untuk TA %(ta)s. Tambahkan aturan baru (atensi budget rules)."
            )
            % {"kind": kind.upper(), "ta": ta},
            code="no_rule_set",
        )
    return candidates[0]
