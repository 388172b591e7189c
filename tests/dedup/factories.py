"""Candidate pairs as a run would store them, without training a model (for review tests)."""

from atensi.dedup.models import CandidatePair, MatchRun, RunStatus

EXPLANATION = {
    "prior_weight": -12.0,
    "fields": [
        {"field": "name", "level": "very_similar", "weight": 8.5, "tf_weight": 1.2},
        {"field": "nik", "level": "null", "weight": 0.0, "tf_weight": 0.0},
        {"field": "birth_date", "level": "exact", "weight": 9.1, "tf_weight": 0.4},
        {"field": "sex", "level": "same", "weight": 1.0, "tf_weight": 0.0},
        {"field": "household", "level": "different", "weight": -2.3, "tf_weight": 0.0},
    ],
    "match_weight": 5.9,
    "probability": 0.98,
}


def make_pair(one, other, *, probability=0.98, impact=0, run=None):
    """Stores the pair of two persons (in the order the table keeps) with a made-up score."""
    run = run or MatchRun.objects.create(
        started_by=one.registered_by, purpose="Uji", status=RunStatus.DONE
    )
    a, b = sorted([one, other], key=lambda p: p.pk)
    return CandidatePair.objects.create(
        run=run,
        person_a=a,
        person_b=b,
        probability=probability,
        match_weight=5.9,
        explanation=EXPLANATION,
        impact=impact,
    )
