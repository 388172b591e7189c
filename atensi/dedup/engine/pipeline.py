"""One deduplication run: block, compare, train, score, choose the cut-off, cluster."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from atensi.dedup.engine.blocking import (
    BlockingRule,
    CandidatePairs,
    candidate_pairs,
    default_rules,
)
from atensi.dedup.engine.cluster import connected_components
from atensi.dedup.engine.comparisons import NULL, Comparison, comparisons_for
from atensi.dedup.engine.dataset import Dataset
from atensi.dedup.engine.model import (
    U_PSEUDO_COUNT,
    Model,
    _initial_m,
    expectation_maximisation,
    expected_f1_threshold,
    gamma_matrix,
    patterns,
    probability,
    random_pairs,
    term_frequencies,
)

Progress = Callable[[str, int, int], None]  # (stage, step done, steps in all)

STAGES = ("blocking", "comparing", "u from random pairs", "m by EM", "scoring")


@dataclass
class Settings:
    seed: int = 20260701
    # Random pairs for u (all pairs of a smaller file): enough for ~400 pairs agreeing on a name
    # at the u of an exact name match (~1e-3); term frequencies refine that level anyway.
    u_pairs: int = 400_000
    pairs_per_record: float = 2.0  # each blocking rule's budget (pairs per record)
    max_block: int = 1000
    rules: list[BlockingRule] | None = None  # None: default_rules(dataset)


@dataclass
class LinkResult:
    dataset: Dataset
    model: Model
    pairs: CandidatePairs
    gamma: np.ndarray  # (pairs, comparisons) levels
    match_weight: np.ndarray
    probability: np.ndarray
    threshold: float  # the model's own cut-off: the expected-F1 maximum
    timings: dict[str, float] = field(default_factory=dict)

    def above(self, threshold: float | None = None) -> np.ndarray:
        """Returns the indices of the pairs at or above the threshold, likeliest first."""
        cut = self.threshold if threshold is None else threshold
        rows = np.flatnonzero(self.probability >= cut)
        return rows[np.argsort(-self.probability[rows], kind="stable")]

    def clusters(self, threshold: float | None = None) -> np.ndarray:
        """Returns a cluster label per record (records linked above the threshold share one)."""
        rows = self.above(threshold)
        return connected_components(self.dataset.n, self.pairs.i[rows], self.pairs.j[rows])

    def explain(self, row: int) -> dict:
        """Returns the explanation of one candidate pair (by its index in the result)."""
        i, j = int(self.pairs.i[row]), int(self.pairs.j[row])
        detail = self.model.explain(self.dataset, self.gamma[row], i, j)
        detail["id_a"], detail["id_b"] = self.dataset.ids[i], self.dataset.ids[j]
        detail["rules"] = [
            count.rule.name
            for position, count in enumerate(self.pairs.counts)
            if self.pairs.rules[position, row]
        ]
        return detail


def estimate_u(
    comparisons: list[Comparison], ds: Dataset, max_pairs: int, seed: int
) -> list[np.ndarray]:
    """Returns u per comparison level from random pairs (almost all of them non-matches)."""
    i, j = random_pairs(ds.n, max_pairs, seed)
    gamma = gamma_matrix(comparisons, ds, i, j)
    u = []
    for k, comparison in enumerate(comparisons):
        tally = np.bincount(gamma[:, k], minlength=comparison.n_levels).astype(np.float64)
        tally[NULL] = 0.0
        tally[1:] += U_PSEUDO_COUNT
        share = tally / tally.sum()
        share[NULL] = 1.0  # never used: the null level has weight 0
        u.append(share)
    return u


def estimate_m(
    comparisons: list[Comparison],
    gamma: np.ndarray,
    pairs: CandidatePairs,
    u: list[np.ndarray],
) -> tuple[list[np.ndarray], np.ndarray, list[dict]]:
    """Returns m per comparison, each pair's match posterior and a summary per rule.

    Each rule's pairs train only the comparisons the rule did not block on; a comparison's m is
    the average of the rules that trained it, weighted by the matches each expected.
    """
    k_count = len(comparisons)
    sums = [np.zeros(c.n_levels) for c in comparisons]
    weights = np.zeros(k_count)
    posterior = np.zeros(len(gamma))
    summary = []
    for position, count in enumerate(pairs.counts):
        rows = np.flatnonzero(pairs.rules[position])
        used = [k for k, c in enumerate(comparisons) if not (c.roles & count.rule.roles)]
        if not len(rows) or not used:
            continue
        distinct, counts, inverse = patterns(gamma[np.ix_(rows, used)])
        m, lam, pattern_posterior, iterations = expectation_maximisation(
            distinct, counts, [u[k] for k in used]
        )
        row_posterior = pattern_posterior[inverse]
        np.maximum.at(posterior, rows, row_posterior)
        expected = float(row_posterior.sum())
        for position_in_used, k in enumerate(used):
            sums[k] += expected * m[position_in_used]
            weights[k] += expected
        summary.append(
            {
                "rule": count.rule.name,
                "pairs": int(len(rows)),
                "pairs_uncapped": count.pairs_uncapped,
                "max_block": count.max_block,
                "records_left_out": count.records_left_out,
                "lambda_in_block": round(lam, 6),
                "expected_matches": round(expected, 1),
                "em_iterations": iterations,
                "trained": [comparisons[k].name for k in used],
            }
        )
    m_final = [
        sums[k] / weights[k] if weights[k] > 0 else _initial_m(c.n_levels)
        for k, c in enumerate(comparisons)
    ]
    return m_final, posterior, summary


def deduplicate(
    ds: Dataset, settings: Settings | None = None, progress: Progress | None = None
) -> LinkResult:
    """Returns the scored candidate pairs of a dataset with the model trained on it."""
    settings = settings or Settings()
    timings: dict[str, float] = {}
    step = 0

    def stage(name: str, started: float) -> float:
        nonlocal step
        now = time.perf_counter()
        timings[name] = round(now - started, 3)
        step += 1
        if progress:
            progress(name, step, len(STAGES))
        return now

    t = time.perf_counter()
    comparisons = comparisons_for(ds)
    rules = settings.rules if settings.rules is not None else default_rules(ds)
    pairs = candidate_pairs(
        ds, rules, pairs_per_record=settings.pairs_per_record, max_block=settings.max_block
    )
    t = stage("blocking", t)
    gamma = gamma_matrix(comparisons, ds, pairs.i, pairs.j)
    t = stage("comparing", t)
    u = estimate_u(comparisons, ds, settings.u_pairs, settings.seed)
    t = stage("u from random pairs", t)
    m, posterior, summary = estimate_m(comparisons, gamma, pairs, u)
    all_pairs = max(ds.n * (ds.n - 1) / 2, 1.0)
    lam = float(np.clip(posterior.sum() / all_pairs, 1e-12, 0.5))
    model = Model(
        comparisons=comparisons,
        m=m,
        u=u,
        lam=lam,
        tf=term_frequencies(ds, comparisons),
        training={"rules": summary, "expected_matching_pairs": round(float(posterior.sum()), 1)},
    )
    t = stage("m by EM", t)
    weight = model.score(ds, gamma, pairs.i, pairs.j)
    p = probability(weight)
    threshold = expected_f1_threshold(p)
    stage("scoring", t)
    return LinkResult(
        dataset=ds,
        model=model,
        pairs=pairs,
        gamma=gamma,
        match_weight=weight,
        probability=p,
        threshold=threshold,
        timings=timings,
    )


def score_pairs(result: LinkResult, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Returns (levels, probability) of any pairs of the result's records under its model."""
    i = np.asarray(i, dtype=np.int32)
    j = np.asarray(j, dtype=np.int32)
    gamma = gamma_matrix(result.model.comparisons, result.dataset, i, j)
    return gamma, probability(result.model.score(result.dataset, gamma, i, j))
