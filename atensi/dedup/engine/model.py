"""The Fellegi–Sunter model: m and u per comparison level, the prior, weights and explanations.

Training follows Splink's recipe (DOMAIN.md §8), because plain EM over m, u and λ on blocked
pairs collapses (non-matches inside a block agree on the blocking fields):
- u (how often two different people agree at a level) from random pairs of records, which are
  almost all non-matches;
- m (how often two records of one person agree at a level) by expectation–maximisation on each
  blocking rule's pairs with u fixed and the rule's own fields held out, then averaged over the
  rules, weighted by the matches each found;
- λ (the chance that two random records are one person) from the expected number of matching
  candidate pairs found by those EM runs.
A pair's match weight is log2 of the prior odds plus each field's log2(m/u); for names and birth
dates that agree exactly, u is replaced by how common the value is (term frequency), so a rare
name weighs more than "Siti Aminah".
"""

import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np

from atensi.dedup.engine.comparisons import NULL, Comparison
from atensi.dedup.engine.dataset import Dataset, can_fork

# Pseudo-count added to every level's tally, so that a level no random pair reached keeps a
# finite weight (half a pair in the sample).
U_PSEUDO_COUNT = 0.5
M_FLOOR = 1e-3  # a level EM never saw among matches still happens (typos in sex, birthplace)
EM_MAX_ITERATIONS = 100
EM_TOLERANCE = 1e-6


# From this many pairs on, the levels are computed in one process per core (fork: the children
# share the Dataset without copying it).
PARALLEL_PAIRS = 400_000
_SHARED: tuple = ()


def gamma_matrix(
    comparisons: list[Comparison], ds: Dataset, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Returns the level of every comparison for every pair, as int8 (pairs, comparisons)."""
    cores = os.cpu_count() or 1
    if len(i) >= PARALLEL_PAIRS and cores > 1 and can_fork():
        global _SHARED
        _SHARED = (comparisons, ds, i, j)
        bounds = np.linspace(0, len(i), cores * 4 + 1).astype(np.int64)
        try:
            with multiprocessing.get_context("fork").Pool(cores) as pool:
                pieces = pool.map(_gamma_piece, list(zip(bounds[:-1], bounds[1:], strict=True)))
        finally:
            _SHARED = ()
        return np.concatenate(pieces) if pieces else _gamma(comparisons, ds, i, j)
    return _gamma(comparisons, ds, i, j)


def _gamma_piece(bounds: tuple[int, int]) -> np.ndarray:
    comparisons, ds, i, j = _SHARED
    start, stop = bounds
    return _gamma(comparisons, ds, i[start:stop], j[start:stop])


def _gamma(comparisons: list[Comparison], ds: Dataset, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    gamma = np.zeros((len(i), len(comparisons)), dtype=np.int8)
    for k, comparison in enumerate(comparisons):
        gamma[:, k] = comparison.compute(ds, i, j)
    return gamma


def pattern_codes(gamma: np.ndarray) -> np.ndarray:
    """Returns one int64 per row of gamma (levels are below 16, at most 15 comparisons)."""
    code = np.zeros(len(gamma), dtype=np.int64)
    for k in range(gamma.shape[1]):
        code = code * np.int64(16) + gamma[:, k]
    return code


def decode_patterns(codes: np.ndarray, width: int) -> np.ndarray:
    """Returns the levels of each pattern code (the inverse of pattern_codes)."""
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64) * 4
    return ((codes[:, None] >> shifts) & 15).astype(np.int8)


def patterns(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns the distinct rows of gamma (in the order of their codes), how often each occurs
    and each row's pattern."""
    if len(gamma) == 0:
        return gamma, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _unique, first, inverse, counts = np.unique(
        pattern_codes(gamma), return_index=True, return_inverse=True, return_counts=True
    )
    return gamma[first], counts, inverse


def random_pairs(n: int, max_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Returns random distinct pairs (all pairs when there are at most max_pairs)."""
    total = n * (n - 1) // 2
    if total <= max_pairs:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int32), j.astype(np.int32)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, size=max_pairs, dtype=np.int64)
    j = rng.integers(0, n - 1, size=max_pairs, dtype=np.int64)
    j = np.where(j >= i, j + 1, j)  # never a record with itself
    return np.minimum(i, j).astype(np.int32), np.maximum(i, j).astype(np.int32)


def _initial_m(n_levels: int) -> np.ndarray:
    """Returns a starting m: most matches at the top level, few at disagreement."""
    m = np.zeros(n_levels)
    agreeing = n_levels - 1  # levels 1..L
    if agreeing == 1:
        m[1] = 1.0
        return m
    m[1] = 0.7
    m[agreeing] = 0.05
    if agreeing > 2:
        m[2:agreeing] = 0.25 / (agreeing - 2)
    else:
        m[1] = 0.95
    return m


def expectation_maximisation(
    gamma: np.ndarray,
    counts: np.ndarray,
    u: list[np.ndarray],
    *,
    lam: float = 0.5,
) -> tuple[list[np.ndarray], float, np.ndarray, int]:
    """Returns (m per comparison, λ, posterior per pattern, iterations) with u held fixed."""
    k_count = gamma.shape[1]
    m = [_initial_m(len(u[k])) for k in range(k_count)]
    log_u = np.zeros(len(gamma))
    for k in range(k_count):
        log_u += np.log(u[k])[gamma[:, k]] * (gamma[:, k] != NULL)
    total = counts.sum()
    posterior = np.zeros(len(gamma))
    iterations = 0
    while iterations < EM_MAX_ITERATIONS:
        iterations += 1
        log_m = np.zeros(len(gamma))
        for k in range(k_count):
            log_m += np.log(np.maximum(m[k], M_FLOOR))[gamma[:, k]] * (gamma[:, k] != NULL)
        log_odds = np.log(lam) - np.log1p(-lam) + log_m - log_u
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        weighted = posterior * counts
        new_lam = float(np.clip(weighted.sum() / total, 1e-9, 1 - 1e-9))
        change = abs(new_lam - lam)
        for k in range(k_count):
            tally = np.bincount(gamma[:, k], weights=weighted, minlength=len(m[k]))
            tally[NULL] = 0.0
            known = tally.sum()
            new_m = tally / known if known > 0 else m[k]
            change = max(change, float(np.abs(new_m - m[k]).max()))
            m[k] = new_m
        lam = new_lam
        if change < EM_TOLERANCE:
            break
    return m, lam, posterior, iterations


@dataclass
class TermFrequencies:
    """Share of records holding each value of a coded column, for the term-frequency weight."""

    column: str
    share: np.ndarray  # share[code]
    floor: float
    # For a column of numbers rather than codes (dates as yyyymmdd): its sorted distinct values,
    # whose positions are the codes.
    values: np.ndarray | None = None

    def codes(self, ds: Dataset, rows: np.ndarray) -> np.ndarray:
        found = ds.columns[self.column][rows]
        return found if self.values is None else np.searchsorted(self.values, found)


@dataclass
class Model:
    comparisons: list[Comparison]
    m: list[np.ndarray]
    u: list[np.ndarray]
    lam: float  # probability that two random records are one person
    tf: dict[str, TermFrequencies] = field(default_factory=dict)
    training: dict = field(default_factory=dict)  # what each EM run found, for the run's log

    def weights(self) -> list[np.ndarray]:
        """Returns log2(m/u) per comparison level (0 for the null level)."""
        result = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log2(np.maximum(m, M_FLOOR) / u)
            w[NULL] = 0.0
            result.append(w)
        return result

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.lam / (1 - self.lam)))

    def tf_adjustments(
        self, ds: Dataset, gamma: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> np.ndarray:
        """Returns the term-frequency weight per pair and comparison (0 where none applies)."""
        adjust = np.zeros(gamma.shape, dtype=np.float64)
        for k, rows, weight in self._tf_weights(ds, gamma, i, j):
            adjust[rows, k] = weight
        return adjust

    def _tf_weights(self, ds: Dataset, gamma: np.ndarray, i: np.ndarray, j: np.ndarray):
        """Yields (comparison, rows, term-frequency weight) where an adjustment applies."""
        for k, comparison in enumerate(self.comparisons):
            tf = self.tf.get(comparison.name)
            if tf is None:
                continue
            column = gamma[:, k]
            at_level = column == comparison.tf_levels[0]
            for level in comparison.tf_levels[1:]:
                at_level |= column == level
            rows = np.flatnonzero(at_level)
            if not len(rows):
                continue
            codes_a = tf.codes(ds, i[rows])
            codes_b = tf.codes(ds, j[rows])
            share = np.maximum(np.maximum(tf.share[codes_a], tf.share[codes_b]), tf.floor)
            yield k, rows, np.log2(self.u[k][column[rows]] / share)

    def score(self, ds: Dataset, gamma: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Returns the match weight of each pair (log2 odds)."""
        total = np.full(len(gamma), self.prior_weight)
        for k, w in enumerate(self.weights()):
            total += w[gamma[:, k]]
        for _k, rows, weight in self._tf_weights(ds, gamma, i, j):
            total[rows] += weight
        return total

    def explain(self, ds: Dataset, gamma_row: np.ndarray, i: int, j: int) -> dict:
        """Returns each field's level, m, u and weight for one pair, with the total."""
        weights = self.weights()
        tf = self.tf_adjustments(
            ds, gamma_row[None, :], np.array([i], np.int32), np.array([j], np.int32)
        )[0]
        fields = []
        for k, comparison in enumerate(self.comparisons):
            level = int(gamma_row[k])
            fields.append(
                {
                    "field": comparison.name,
                    "title": comparison.title,
                    "level": comparison.labels[level],
                    "m": float(self.m[k][level]) if level else None,
                    "u": float(self.u[k][level]) if level else None,
                    "weight": round(float(weights[k][level]), 3),
                    "tf_weight": round(float(tf[k]), 3),
                }
            )
        total = self.prior_weight + sum(f["weight"] + f["tf_weight"] for f in fields)
        return {
            "prior_weight": round(self.prior_weight, 3),
            "fields": fields,
            "match_weight": round(total, 3),
            "probability": float(probability(np.array([total]))[0]),
        }

    def as_dict(self) -> dict:
        """Returns the trained parameters (without term frequencies) as plain data."""
        return {
            "lambda": self.lam,
            "comparisons": [
                {
                    "field": c.name,
                    "levels": c.labels,
                    "m": [round(float(x), 8) for x in m],
                    "u": [round(float(x), 10) for x in u],
                }
                for c, m, u in zip(self.comparisons, self.m, self.u, strict=True)
            ],
            "training": self.training,
        }


def term_frequencies(ds: Dataset, comparisons: list[Comparison]) -> dict[str, TermFrequencies]:
    """Returns the share of records holding each value, for the comparisons that adjust by it."""
    result = {}
    for comparison in comparisons:
        column = comparison.tf_column
        if column is None or column not in ds.columns:
            continue
        values = ds.columns[column]
        distinct = None
        if column == "dob":
            # Dates are numbers (yyyymmdd), not codes: code them by their sorted distinct values.
            known = values[values > 0]
            distinct, counts = np.unique(known, return_counts=True)
        else:
            known = values[values >= 0]
            counts = np.bincount(known, minlength=len(ds.strings[column]))
        total = max(len(known), 1)
        share = np.append(counts / total, 1.0)  # a code never seen (-1 → last) counts as common
        result[comparison.name] = TermFrequencies(column, share, 1.0 / total, distinct)
    return result


def probability(match_weight: np.ndarray) -> np.ndarray:
    """Returns the match probability for a match weight (log2 odds)."""
    return 1.0 / (1.0 + np.exp2(-np.clip(match_weight, -1000, 1000)))


def expected_f1_threshold(p: np.ndarray) -> float:
    """Returns the probability cut that maximises the expected F1 over the candidate pairs.

    Taking the probabilities as calibrated, keeping the k likeliest pairs yields Σp true pairs
    out of k, out of Σp over all candidates: F1(k) = 2·TP(k) / (k + Σp). The cut is the
    probability of the k that maximises it; 0.5 when there is nothing to choose from.
    """
    if len(p) == 0 or p.sum() <= 0:
        return 0.5
    ordered = np.sort(p)[::-1]
    tp = np.cumsum(ordered)
    f1 = 2 * tp / (np.arange(1, len(ordered) + 1) + ordered.sum())
    return float(ordered[int(np.argmax(f1))])
