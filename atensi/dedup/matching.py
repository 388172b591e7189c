"""The registry as the engine reads it, and scoring a few records with an already trained model.

A run trains the model on the whole scope (engine.deduplicate). The live check on the
registration form cannot train on every keystroke: it scores the new record against a handful
of candidates with the model of the latest run (its m, u and λ are kept on the MatchRun), or,
before any run, with the bundled default model (data/default_model.json).
"""

import functools
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from django.db.models import QuerySet

from atensi.dedup.engine import build_dataset
from atensi.dedup.engine.comparisons import comparisons_for
from atensi.dedup.engine.dataset import Dataset
from atensi.dedup.engine.model import Model, gamma_matrix, probability
from atensi.registry.models import FamilyMember, Person, Relationship

# The roles a person record offers; every dataset built here has all of them, so a model trained
# on one dataset has the same comparisons as any other (empty values compare as "null").
ROLES = (
    "name",
    "birth_date",
    "sex",
    "nik",
    "kk",
    "address",
    "region",
    "parent_name",
    "phone",
    "birth_place",
)
PERSON_FIELDS = (
    "id",
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "no_kk",
    "address",
    "village_id",
    "phone",
    "birth_place",
)
# A mother's name is the parent name most often known (and the one the engine's household
# comparison is tuned on); the father's when no mother is recorded.
PARENTS = (Relationship.MOTHER, Relationship.FATHER)


def parent_names(person_ids: QuerySet | Iterable[int] | None = None) -> dict[int, str]:
    """Returns each person's mother's (else father's) name from the family records."""
    members = FamilyMember.objects.filter(relationship__in=PARENTS)
    if person_ids is not None:
        members = members.filter(person_id__in=person_ids)
    found: dict[int, str] = {}
    for person_id, relationship, name in members.order_by("id").values_list(
        "person_id", "relationship", "name"
    ):
        if relationship == Relationship.MOTHER or person_id not in found:
            found[person_id] = name
    return found


def person_rows(persons: QuerySet[Person]) -> list[dict]:
    """Returns the identity fields of the persons, with their parent's name, as plain dicts."""
    rows = list(persons.order_by("id").values(*PERSON_FIELDS))
    parents = parent_names(persons.values("id"))
    for row in rows:
        row["parent_name"] = parents.get(row["id"], "")
    return rows


def dataset_of(rows: list[dict], ids: list[str] | None = None) -> Dataset:
    """Returns the engine's Dataset of person rows (see person_rows)."""

    def text(row, key):
        return str(row.get(key) or "")

    values = {
        "name": [text(r, "full_name") for r in rows],
        "birth_date": [r["birth_date"].isoformat() if r.get("birth_date") else "" for r in rows],
        "sex": [text(r, "sex") for r in rows],
        "nik": [text(r, "nik") for r in rows],
        "kk": [text(r, "no_kk") for r in rows],
        "address": [text(r, "address") for r in rows],
        "region": [[text(r, "village_id")] for r in rows],
        "parent_name": [text(r, "parent_name") for r in rows],
        "phone": [text(r, "phone") for r in rows],
        "birth_place": [text(r, "birth_place") for r in rows],
    }
    return build_dataset(ids or [str(r["id"]) for r in rows], values)


# u values are stored rounded; a level no random pair reached must keep a finite weight.
_U_FLOOR = 1e-10


def model_from_parameters(parameters: dict, ds: Dataset) -> Model | None:
    """Returns the stored model (engine Model.as_dict) for a dataset, or None if it does not fit."""
    if not parameters or "comparisons" not in parameters:
        return None
    stored = {c["field"]: c for c in parameters["comparisons"]}
    comparisons = comparisons_for(ds)
    m, u = [], []
    for comparison in comparisons:
        saved = stored.get(comparison.name)
        if saved is None or len(saved["m"]) != comparison.n_levels:
            return None
        m.append(np.asarray(saved["m"], dtype=np.float64))
        u.append(np.maximum(np.asarray(saved["u"], dtype=np.float64), _U_FLOOR))
    return Model(comparisons=comparisons, m=m, u=u, lam=float(parameters["lambda"]))


def score_against(model: Model, ds: Dataset, others: np.ndarray) -> list[dict]:
    """Returns the explanation of record 0 against each record in `others`, as the engine gives."""
    if not len(others):
        return []
    i = np.zeros(len(others), dtype=np.int32)
    j = np.asarray(others, dtype=np.int32)
    gamma = gamma_matrix(model.comparisons, ds, i, j)
    weights = model.score(ds, gamma, i, j)
    p = probability(weights)
    out = []
    for position, other in enumerate(j):
        detail = model.explain(ds, gamma[position], 0, int(other))
        detail["probability"] = float(p[position])
        out.append(detail)
    return out


DEFAULT_MODEL = Path(__file__).resolve().parent / "data" / "default_model.json"


@functools.cache
def default_parameters() -> dict:
    """Returns the bundled model (trained on a synthetic population; see the file's "about").

    Used by the live check until the first run has trained a model on the registry itself.
    """
    return json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))["model"]


def explanations(result, rows: np.ndarray) -> list[dict]:
    """Returns result.explain(row) for many rows at once, in the same shape.

    The engine explains one pair at a time (its term-frequency weights and level weights are
    recomputed per call, ~2 ms); a national run keeps 10^5 pairs, so here they are computed
    once for all rows and only the dicts are built per pair.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return []
    model, ds, pairs = result.model, result.dataset, result.pairs
    i, j, gamma = pairs.i[rows], pairs.j[rows], result.gamma[rows]
    weights = model.weights()
    tf = model.tf_adjustments(ds, gamma, i, j)
    prior = model.prior_weight
    comparisons = list(enumerate(model.comparisons))
    rule_names = [count.rule.name for count in pairs.counts]
    rule_flags = pairs.rules[:, rows]
    out = []
    for n in range(len(rows)):
        fields = []
        for k, comparison in comparisons:
            level = int(gamma[n, k])
            fields.append(
                {
                    "field": comparison.name,
                    "title": comparison.title,
                    "level": comparison.labels[level],
                    "m": float(model.m[k][level]) if level else None,
                    "u": float(model.u[k][level]) if level else None,
                    "weight": round(float(weights[k][level]), 3),
                    "tf_weight": round(float(tf[n, k]), 3),
                }
            )
        total = prior + sum(f["weight"] + f["tf_weight"] for f in fields)
        out.append(
            {
                "prior_weight": round(prior, 3),
                "fields": fields,
                "match_weight": round(total, 3),
                "probability": float(probability(np.array([total]))[0]),
                "id_a": ds.ids[int(i[n])],
                "id_b": ds.ids[int(j[n])],
                "rules": [name for r, name in enumerate(rule_names) if rule_flags[r, n]],
            }
        )
    return out
