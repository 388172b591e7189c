"""One deduplication run: block, compare, train, score, choose the cut-off, cluster."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from atensi.dedup.engine.blocking import (
    BlockingRule,
    CandidatePairs,
    RuleCount,
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
    decode_patterns,
    expectation_maximisation,
    expected_f1_threshold,
    gamma_matrix,
    pattern_codes,
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
    # Each blocking rule's budget, in pairs per record: at a million records 1.0 kept F1 (0.982)
    # with a third fewer candidate pairs than 2.0.
    pairs_per_record: float = 1.0
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
    return u_from_tallies(
        comparisons, level_tallies(comparisons, gamma_matrix(comparisons, ds, i, j))
    )


def level_tallies(comparisons: list[Comparison], gamma: np.ndarray) -> list[np.ndarray]:
    """Returns how many pairs reached each level, per comparison."""
    return [
        np.bincount(gamma[:, k], minlength=c.n_levels).astype(np.float64)
        for k, c in enumerate(comparisons)
    ]


def u_from_tallies(comparisons: list[Comparison], tallies: list[np.ndarray]) -> list[np.ndarray]:
    """Returns u per comparison level from the level tallies of random pairs."""
    u = []
    for tally in tallies:
        tally = tally.copy()
        tally[NULL] = 0.0
        tally[1:] += U_PSEUDO_COUNT
        share = tally / tally.sum()
        share[NULL] = 1.0  # never used: the null level has weight 0
        u.append(share)
    return u


def trained_comparisons(comparisons: list[Comparison], rule: BlockingRule) -> list[int]:
    """Returns the comparisons a rule's pairs train: those on fields the rule did not block on."""
    return [k for k, c in enumerate(comparisons) if not (c.roles & rule.roles)]


@dataclass
class RuleTraining:
    """What EM found on one blocking rule's pairs."""

    used: list[int]  # comparisons trained
    codes: np.ndarray  # sorted pattern codes (see patterns) of the rule's pairs
    posterior: np.ndarray  # match posterior per pattern
    m: list[np.ndarray]
    expected: float  # expected matches among the rule's pairs
    summary: dict


def train_rule(
    comparisons: list[Comparison],
    count: RuleCount,
    used: list[int],
    distinct: np.ndarray,
    counts: np.ndarray,
    u: list[np.ndarray],
) -> RuleTraining:
    """Runs EM on one rule's distinct patterns (over the comparisons in used)."""
    m, lam, posterior, iterations = expectation_maximisation(distinct, counts, [u[k] for k in used])
    expected = float((posterior * counts).sum())
    return RuleTraining(
        used=used,
        codes=pattern_codes(distinct),
        posterior=posterior,
        m=m,
        expected=expected,
        summary={
            "rule": count.rule.name,
            "pairs": int(counts.sum()),
            "pairs_uncapped": count.pairs_uncapped,
            "max_block": count.max_block,
            "records_left_out": count.records_left_out,
            "lambda_in_block": round(lam, 6),
            "expected_matches": round(expected, 1),
            "em_iterations": iterations,
            "trained": [comparisons[k].name for k in used],
        },
    )


def combine_m(comparisons: list[Comparison], trainings: list[RuleTraining]) -> list[np.ndarray]:
    """Returns m per comparison: the rules' m averaged, weighted by the matches each expected."""
    sums = [np.zeros(c.n_levels) for c in comparisons]
    weights = np.zeros(len(comparisons))
    for training in trainings:
        for position, k in enumerate(training.used):
            sums[k] += training.expected * training.m[position]
            weights[k] += training.expected
    return [
        sums[k] / weights[k] if weights[k] > 0 else _initial_m(c.n_levels)
        for k, c in enumerate(comparisons)
    ]


def pair_posterior(
    gamma: np.ndarray, rules: np.ndarray, trainings: list[RuleTraining | None]
) -> np.ndarray:
    """Returns each pair's match posterior: the highest any rule that made it gives its pattern."""
    posterior = np.zeros(len(gamma))
    for position, training in enumerate(trainings):
        if training is None:
            continue
        rows = np.flatnonzero(rules[position])
        codes = pattern_codes(gamma[np.ix_(rows, training.used)])
        found = training.posterior[np.searchsorted(training.codes, codes)]
        np.maximum.at(posterior, rows, found)
    return posterior


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
    trainings: list[RuleTraining | None] = []
    posterior = np.zeros(len(gamma))
    for position, count in enumerate(pairs.counts):
        rows = np.flatnonzero(pairs.rules[position])
        used = trained_comparisons(comparisons, count.rule)
        if not len(rows) or not used:
            trainings.append(None)
            continue
        codes = pattern_codes(gamma[np.ix_(rows, used)])
        distinct, counts = np.unique(codes, return_counts=True)
        training = train_rule(
            comparisons, count, used, decode_patterns(distinct, len(used)), counts, u
        )
        trainings.append(training)
        np.maximum.at(posterior, rows, training.posterior[np.searchsorted(distinct, codes)])
    done = [t for t in trainings if t is not None]
    return combine_m(comparisons, done), posterior, [t.summary for t in done]


def finish_model(
    ds: Dataset,
    comparisons: list[Comparison],
    m: list[np.ndarray],
    u: list[np.ndarray],
    expected_matching_pairs: float,
    summary: list[dict],
) -> Model:
    """Returns the model: λ from the matches the EM runs expected among all pairs of records."""
    all_pairs = max(ds.n * (ds.n - 1) / 2, 1.0)
    lam = float(np.clip(expected_matching_pairs / all_pairs, 1e-12, 0.5))
    return Model(
        comparisons=comparisons,
        m=m,
        u=u,
        lam=lam,
        tf=term_frequencies(ds, comparisons),
        training={
            "rules": summary,
            "expected_matching_pairs": round(float(expected_matching_pairs), 1),
        },
    )


class Stopwatch:
    """Times the stages of a run and tells the progress callback as each one ends."""

    def __init__(self, progress: Progress | None = None):
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.started, 3)
        self.started = now
        if self.progress:
            self.progress(name, len(self.timings), len(STAGES))


def deduplicate(
    ds: Dataset, settings: Settings | None = None, progress: Progress | None = None
) -> LinkResult:
    """Returns the scored candidate pairs of a dataset with the model trained on it."""
    settings = settings or Settings()
    watch = Stopwatch(progress)
    comparisons = comparisons_for(ds)
    rules = settings.rules if settings.rules is not None else default_rules(ds)
    pairs = candidate_pairs(
        ds, rules, pairs_per_record=settings.pairs_per_record, max_block=settings.max_block
    )
    watch.stage("blocking")
    gamma = gamma_matrix(comparisons, ds, pairs.i, pairs.j)
    watch.stage("comparing")
    u = estimate_u(comparisons, ds, settings.u_pairs, settings.seed)
    watch.stage("u from random pairs")
    m, posterior, summary = estimate_m(comparisons, gamma, pairs, u)
    model = finish_model(ds, comparisons, m, u, float(posterior.sum()), summary)
    watch.stage("m by EM")
    weight = model.score(ds, gamma, pairs.i, pairs.j)
    p = probability(weight)
    threshold = expected_f1_threshold(p)
    watch.stage("scoring")
    return LinkResult(
        dataset=ds,
        model=model,
        pairs=pairs,
        gamma=gamma,
        match_weight=weight,
        probability=p,
        threshold=threshold,
        timings=watch.timings,
    )


def score_pairs(result: LinkResult, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Returns (levels, probability) of any pairs of the result's records under its model."""
    i = np.asarray(i, dtype=np.int32)
    j = np.asarray(j, dtype=np.int32)
    gamma = gamma_matrix(result.model.comparisons, result.dataset, i, j)
    return gamma, probability(result.model.score(result.dataset, gamma, i, j))
