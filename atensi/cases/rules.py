"""Loading the versioned case rules (response-time targets, assessment forms, outcome scales)."""

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from .models import FormDefinition, ResponseTarget

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"


def rules_load(path: Path = RULES_FILE) -> dict:
    """Adds rule sets and form versions that are not there yet; never changes an existing version."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = {"response_targets": 0, "forms": 0}
    with transaction.atomic():
        for rule_set in data["response_targets"]:
            for urgency, milestones in rule_set["hours"].items():
                for milestone, hours in milestones.items():
                    _, new = ResponseTarget.objects.get_or_create(
                        rule_set=rule_set["rule_set"],
                        urgency=urgency,
                        milestone=milestone,
                        defaults={
                            "hours": hours,
                            "valid_from": dt.date.fromisoformat(rule_set["valid_from"]),
                            "source": rule_set["source"],
                            "provisional": rule_set["provisional"],
                        },
                    )
                    created["response_targets"] += new
        for form in data["forms"]:
            _, new = FormDefinition.objects.get_or_create(
                code=form["code"],
                version=form["version"],
                defaults={
                    k: form[k] for k in ("kind", "title", "target_groups", "definition", "source")
                },
            )
            created["forms"] += new
    return created
