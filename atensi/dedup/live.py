"""The live check of the registration form: likely existing persons, before the new one is saved.

Candidates come from cheap blocking on indexed columns only (the NIK typed and its one-digit and
transposed variants; the name's keys with the birth date, or day and month swapped; the name
alone when no birth date is typed), at most CANDIDATES of them, all visible to the user; the
engine then scores the new record against each with the latest run's model.
"""

import datetime as dt
import threading

from django.db.models import Q

from atensi.lib.names import name_keys
from atensi.lib.nik import clean_nik
from atensi.registry.models import Person, PersonNameToken
from atensi.registry.selectors import person_search, persons_visible_to

from .labels import explained_fields
from .matching import (
    dataset_of,
    default_parameters,
    model_from_parameters,
    person_rows,
    score_against,
)
from .models import MatchRun, RunStatus
from .selectors import merged_person_ids

CANDIDATES = 50
SHOWN = 5
# A warning for pairs the model finds more likely than not one person; an identical NIK is
# always shown, whatever the other fields say (it is either the same person or a data error).
WARN_FROM = 0.5


def nik_variants(nik: str) -> list[str]:
    """Returns the NIK and every NIK one digit or one swap of neighbouring digits away."""
    out = {nik}
    for position, digit in enumerate(nik):
        for other in "0123456789":
            if other != digit:
                out.add(nik[:position] + other + nik[position + 1 :])
        if position + 1 < len(nik) and nik[position + 1] != digit:
            out.add(nik[:position] + nik[position + 1] + digit + nik[position + 2 :])
    return sorted(out)


def _swapped(day: dt.date) -> dt.date | None:
    try:
        return dt.date(day.year, day.day, day.month) if day.day <= 12 else None
    except ValueError:
        return None


def candidate_ids(user, values: dict) -> list[int]:
    """Returns the ids of up to CANDIDATES persons visible to `user` that may be the one typed."""
    persons = persons_visible_to(user).exclude(pk__in=merged_person_ids())
    wanted = Q(pk__in=[])
    nik = clean_nik(values.get("nik") or "")
    if len(nik) == 16 and nik.isdigit():
        wanted |= Q(nik__in=nik_variants(nik))
    keys = sorted(k for k in name_keys(values.get("full_name") or "") if k)
    born = values.get("birth_date")
    if keys and born:
        dates = [d for d in (born, _swapped(born)) if d]
        holders = PersonNameToken.objects.filter(key__in=keys).values("person_id")
        wanted |= Q(birth_date__in=dates, pk__in=holders)
    ids = list(persons.filter(wanted).values_list("pk", flat=True)[:CANDIDATES])
    if len(keys) >= 2 and not born and len(ids) < CANDIDATES:
        found = person_search(persons, values["full_name"], limit=CANDIDATES - len(ids))
        ids += [p.pk for p in found if p.pk not in ids]
    return ids


_models: dict[int, dict] = {}
_models_lock = threading.Lock()


def current_parameters() -> dict:
    """Returns the model of the latest finished run, else the bundled default model."""
    run = (
        MatchRun.objects.filter(status=RunStatus.DONE)
        .exclude(model={})
        .order_by("-finished_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if run is None:
        return default_parameters()
    with _models_lock:
        if run not in _models:
            _models.clear()
            _models[run] = MatchRun.objects.values_list("model", flat=True).get(pk=run)
        return _models[run]


def likely_existing(user, values: dict) -> list[dict]:
    """Returns the persons the typed record most likely is, likeliest first (at most SHOWN)."""
    ids = candidate_ids(user, values)
    if not ids:
        return []
    rows = person_rows(Person.objects.filter(pk__in=ids))
    typed = {
        "id": 0,
        "full_name": values.get("full_name") or "",
        "birth_date": values.get("birth_date"),
        "sex": values.get("sex") or "",
        "nik": clean_nik(values.get("nik") or ""),
        "no_kk": clean_nik(values.get("no_kk") or ""),
        "address": values.get("address") or "",
        "village_id": values.get("village") or "",
        "phone": values.get("phone") or "",
        "birth_place": values.get("birth_place") or "",
        "parent_name": "",
    }
    ds = dataset_of([typed, *rows], ids=["new", *(str(r["id"]) for r in rows)])
    model = model_from_parameters(current_parameters(), ds) or model_from_parameters(
        default_parameters(), ds
    )
    typed_nik = typed["nik"]
    scored = []
    if model is not None:
        details = score_against(model, ds, list(range(1, len(rows) + 1)))
    else:  # neither model fits the engine's comparisons any more: identical NIKs only
        details = [{"probability": None, "fields": []} for _row in rows]
    for row, detail in zip(rows, details, strict=True):
        same_nik = bool(typed_nik) and row["nik"] == typed_nik
        p = detail["probability"]
        if same_nik or (p is not None and p >= WARN_FROM):
            agreeing = [f for f in explained_fields(detail) if f["agrees"]]
            scored.append(
                {"id": row["id"], "probability": p, "same_nik": same_nik, "agreeing": agreeing}
            )
    scored.sort(key=lambda s: (not s["same_nik"], -(s["probability"] or 0)))
    scored = scored[:SHOWN]
    persons = Person.objects.select_related("unit").in_bulk([s["id"] for s in scored])
    for s in scored:
        s["person"] = persons[s["id"]]
    return scored
