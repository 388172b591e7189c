"""Blocking: which pairs of records are compared at all.

Comparing every pair of a million records is 5·10¹¹ comparisons; blocking rules keep only pairs
that share a key (same NIK; same name sound and birth year; ...). DOMAIN.md §8: a rule on a common
value explodes (full name alone gave 793M pairs), so the pairs of every rule are counted before any
is generated, and a rule whose count passes the budget has its largest blocks left out
(halving the block size allowed) until it fits. Blocks are runs of equal keys after one sort
of the integer key columns (numpy); their pairs are generated without a join.
"""

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from atensi.dedup.engine.dataset import Dataset, can_fork


@dataclass(frozen=True)
class BlockingRule:
    name: str
    columns: tuple[str, ...]  # coded integer columns of the Dataset that must all be equal
    roles: frozenset[str]  # comparisons held out when training on this rule's pairs


# Pairs that share a household share its address, region and parents too: a rule on one of these
# holds out all of them, or EM would take siblings for one person.
HOUSEHOLD = {"kk", "parent_name", "region", "address"}


def default_rules(ds: Dataset) -> list[BlockingRule]:
    """Returns the blocking rules the dataset's roles allow."""
    has = ds.roles.__contains__
    name, dob, region = has("name"), has("birth_date"), has("region")
    candidates = [
        ("nik", ("nik",), {"nik"}, has("nik")),
        # A one-digit NIK typo leaves one half whole.
        ("nik_first_half", ("nik_head",), {"nik"}, has("nik")),
        ("nik_second_half", ("nik_tail",), {"nik"}, has("nik")),
        # A household is small: every pair in it is compared (siblings are the hard non-matches).
        ("kk", ("kk",), HOUSEHOLD, has("kk")),
        ("name_sound+birth_year", ("name_keys", "dob_year"), {"name", "birth_date"}, name and dob),
        (
            "name_sound+birth_day_month",
            ("name_keys", "dob_day_month"),
            {"name", "birth_date"},
            name and dob,
        ),
        ("birth_date+first_name", ("dob", "name_first"), {"name", "birth_date"}, name and dob),
        ("birth_date+last_name", ("dob", "name_last"), {"name", "birth_date"}, name and dob),
        ("birth_date+regency", ("dob", "region_regency"), {"birth_date", "region"}, dob and region),
        (
            "name_sound+regency",
            ("name_keys", "region_regency"),
            {"name", "region"},
            name and region,
        ),
        (
            "first_name+district",
            ("name_first", "region_district"),
            {"name", "region"},
            name and region,
        ),
        (
            "last_name+district",
            ("name_last", "region_district"),
            {"name", "region"},
            name and region,
        ),
        ("phone", ("phone",), HOUSEHOLD | {"phone"}, has("phone")),
        # Without birth dates a name alone must block; its largest blocks are cut by the budget.
        ("name_sound", ("name_keys",), {"name"}, name and not dob),
        ("birth_date+sex", ("dob", "sex"), {"birth_date", "sex"}, dob and not name),
    ]
    return [
        BlockingRule(name, columns, frozenset(roles))
        for name, columns, roles, usable in candidates
        if usable
    ]


def key_columns(ds: Dataset, rule: BlockingRule) -> dict[str, np.ndarray]:
    """Returns the records a rule can block (rid) with its key columns k0, k1, …"""
    valid = np.ones(ds.n, dtype=bool)
    for column in rule.columns:
        values = ds.columns[column]
        valid &= values > 0 if column in {"dob_year", "sex"} else values >= 0
    rows = np.flatnonzero(valid).astype(np.int32)
    table = {"rid": rows}
    for position, column in enumerate(rule.columns):
        table[f"k{position}"] = ds.columns[column][rows].astype(np.int64)
    return table


@dataclass
class RuleCount:
    rule: BlockingRule
    pairs: int  # pairs the rule makes with the block size allowed
    pairs_uncapped: int
    max_block: int  # largest block kept; larger ones are left out
    records_left_out: int


_LIMIT = np.iinfo(np.int64).max // 2


def block_keys(ds: Dataset, rule: BlockingRule) -> tuple[np.ndarray, np.ndarray]:
    """Returns the records a rule can block, sorted by their key, and one int64 key per record.

    Within a block the records stay in ascending order, so each pair comes out as i < j.
    """
    table = key_columns(ds, rule)
    rows = table["rid"].astype(np.int64)
    key = np.zeros(len(rows), dtype=np.int64)
    span = 1
    for position in range(len(rule.columns)):
        column = table[f"k{position}"]
        top = int(column.max()) + 1 if len(column) else 1
        if span * top >= _LIMIT:  # too wide to combine as they are: dense codes first
            distinct, column = np.unique(column, return_inverse=True)
            top = max(len(distinct), 1)
        key = key * np.int64(top) + column
        span *= top
    n = max(ds.n, 1)
    if span * n < _LIMIT:  # one sort of key and record together
        combined = np.sort(key * np.int64(n) + rows)
        return combined % n, combined // n
    order = np.argsort(key, kind="stable")
    return rows[order], key[order]


def _blocks(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Returns the start and size of each run of equal keys (key sorted)."""
    if not len(key):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return starts, np.diff(np.r_[starts, len(key)])


def count_pairs(
    ds: Dataset, rule: BlockingRule, budget: int, max_block: int, keys=None
) -> RuleCount:
    """Counts the pairs a rule makes and the block size that keeps them within budget."""
    _rows, key = keys if keys is not None else block_keys(ds, rule)
    _starts, sizes = _blocks(key)
    size, blocks = np.unique(sizes[sizes > 1], return_counts=True)
    return capped(rule, size, blocks, budget, max_block)


def capped(
    rule: BlockingRule, size: np.ndarray, blocks: np.ndarray, budget: int, max_block: int
) -> RuleCount:
    """Returns the rule's count given how many blocks there are of each size (size > 1).

    The largest blocks are left out, halving the size allowed, until the pairs fit the budget.
    """
    size = np.asarray(size, dtype=np.int64)
    blocks = np.asarray(blocks, dtype=np.int64)
    pairs_by_size = blocks * size * (size - 1) // 2
    uncapped = int(pairs_by_size.sum())
    limit = max_block
    while True:
        kept = size <= limit
        pairs = int(pairs_by_size[kept].sum())
        if pairs <= budget or limit <= 2:
            break
        limit //= 2
    return RuleCount(
        rule=rule,
        pairs=pairs,
        pairs_uncapped=uncapped,
        max_block=limit,
        records_left_out=int((blocks * size)[~kept].sum()),
    )


@dataclass
class CandidatePairs:
    i: np.ndarray  # int32, i < j
    j: np.ndarray
    rules: np.ndarray  # bool (len(rules), pairs): which rules made each pair
    counts: list[RuleCount]


def block_pairs(ds: Dataset, count: RuleCount, keys=None) -> tuple[np.ndarray, np.ndarray]:
    """Returns the pairs (i < j) of one rule, blocks larger than its allowed size left out."""
    rows, key = keys if keys is not None else block_keys(ds, count.rule)
    starts, sizes = _blocks(key)
    kept = (sizes >= 2) & (sizes <= count.max_block)
    starts, sizes = starts[kept], sizes[kept]
    # Every record pairs with the records after it in its block.
    position = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    first = np.repeat(starts, sizes) + position  # index into rows
    after = (np.repeat(sizes, sizes) - 1 - position).astype(np.int64)
    left = np.repeat(first, after)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after)
    right = left + 1 + offset
    return rows[left].astype(np.int32), rows[right].astype(np.int32)


# From this many records on, the rules' pairs are made in one process per core.
PARALLEL_RECORDS = 200_000
_SHARED: tuple = ()


def _rule_pairs(position: int) -> tuple[RuleCount, np.ndarray | None]:
    """Returns one rule's count and its pairs as keys i·n + j tagged with the rule (low 6 bits)."""
    ds, rules, budget, max_block = _SHARED
    rule = rules[position]
    sorted_keys = block_keys(ds, rule)
    count = count_pairs(ds, rule, budget, max_block, sorted_keys)
    if not count.pairs:
        return count, None
    i, j = block_pairs(ds, count, sorted_keys)
    return count, ((i.astype(np.int64) * np.int64(max(ds.n, 1)) + j) << 6) | position


def candidate_pairs(
    ds: Dataset,
    rules: list[BlockingRule],
    *,
    pairs_per_record: float = 5.0,
    max_block: int = 1000,
) -> CandidatePairs:
    """Returns the union of the rules' pairs, each rule kept within n × pairs_per_record pairs."""
    budget = max(int(ds.n * pairs_per_record), 1000)
    if len(rules) > 62:
        raise ValueError("at most 62 blocking rules")
    global _SHARED
    _SHARED = (ds, rules, budget, max_block)
    try:
        cores = os.cpu_count() or 1
        if ds.n >= PARALLEL_RECORDS and cores > 1 and can_fork():
            # One process per core, the rules shared out between them (fork: no copy of ds).
            with multiprocessing.get_context("fork").Pool(cores) as pool:
                done = pool.map(_rule_pairs, range(len(rules)), chunksize=1)
        else:
            done = [_rule_pairs(position) for position in range(len(rules))]
    finally:
        _SHARED = ()
    counts = [count for count, _keys in done]
    keys = [tagged for _count, tagged in done if tagged is not None]
    n = np.int64(max(ds.n, 1))
    if not keys:
        empty = np.zeros(0, np.int32)
        return CandidatePairs(empty, empty, np.zeros((len(rules), 0), dtype=bool), counts)
    # One sort of every rule's pairs, each tagged with its rule in the low bits.
    tagged = np.sort(np.concatenate(keys))
    key, rule_of = tagged >> 6, tagged & 63
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    unique = key[starts]
    mask = np.bitwise_or.reduceat(np.left_shift(1, rule_of), starts)
    # One rule at a time: a (rules × pairs) int64 intermediate would take gigabytes at 1M records.
    member = np.empty((len(rules), len(mask)), dtype=bool)
    for position in range(len(rules)):
        np.not_equal(mask & np.int64(1 << position), 0, out=member[position])
    return CandidatePairs(
        i=(unique // n).astype(np.int32),
        j=(unique % n).astype(np.int32),
        rules=member,
        counts=counts,
    )
