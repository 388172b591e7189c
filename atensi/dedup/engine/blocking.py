"""Blocking: which pairs of records are compared at all.

Comparing every pair of a million records is 5·10¹¹ comparisons; blocking rules keep only pairs
that share a key (same NIK; same name sound and birth year; ...). DOMAIN.md §8: a rule on a common
value explodes (full name alone gave 793M pairs), so the pairs of every rule are counted in DuckDB
before any is generated, and a rule whose count passes the budget has its largest blocks left out
(halving the block size allowed) until it fits. The joins run in DuckDB on integer columns.
"""

from dataclasses import dataclass

import duckdb
import numpy as np

from atensi.dedup.engine.dataset import Dataset


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


def count_pairs(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    rule: BlockingRule,
    budget: int,
    max_block: int,
) -> RuleCount:
    """Counts the pairs a rule makes and the block size that keeps them within budget."""
    keys_table = key_columns(ds, rule)  # noqa: F841 (read by DuckDB's replacement scan)
    keys = ", ".join(f"k{p}" for p in range(len(rule.columns)))
    sizes = con.execute(
        f"SELECT c, count(*) FROM (SELECT count(*) AS c FROM keys_table GROUP BY {keys}) "
        "WHERE c > 1 GROUP BY c ORDER BY c"
    ).fetchnumpy()
    return capped(rule, sizes["c"], sizes["count_star()"], budget, max_block)


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


def block_pairs(
    con: duckdb.DuckDBPyConnection, ds: Dataset, count: RuleCount
) -> tuple[np.ndarray, np.ndarray]:
    """Returns the pairs (i < j) of one rule, blocks larger than its allowed size left out."""
    keys_table = key_columns(ds, count.rule)  # noqa: F841 (read by DuckDB's replacement scan)
    keys = [f"k{p}" for p in range(len(count.rule.columns))]
    on = " AND ".join(f"a.{k} = b.{k}" for k in keys)
    key_list = ", ".join(keys)
    result = con.execute(
        f"WITH kept AS (SELECT {key_list} FROM keys_table GROUP BY {key_list} "
        f"HAVING count(*) BETWEEN 2 AND {int(count.max_block)}), "
        f"t AS (SELECT keys_table.* FROM keys_table JOIN kept USING ({key_list})) "
        f"SELECT a.rid AS i, b.rid AS j FROM t a JOIN t b ON {on} AND a.rid < b.rid"
    ).fetchnumpy()
    return result["i"].astype(np.int32), result["j"].astype(np.int32)


@dataclass
class CandidatePairs:
    i: np.ndarray  # int32, i < j
    j: np.ndarray
    rules: np.ndarray  # bool (len(rules), pairs): which rules made each pair
    counts: list[RuleCount]


def candidate_pairs(
    ds: Dataset,
    rules: list[BlockingRule],
    *,
    pairs_per_record: float = 5.0,
    max_block: int = 1000,
    threads: int | None = None,
) -> CandidatePairs:
    """Returns the union of the rules' pairs, each rule kept within n × pairs_per_record pairs."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    budget = max(int(ds.n * pairs_per_record), 1000)
    counts, pieces = [], []
    for rule in rules:
        count = count_pairs(con, ds, rule, budget, max_block)
        counts.append(count)
        pieces.append(block_pairs(con, ds, count) if count.pairs else (np.zeros(0, np.int32),) * 2)
    con.close()
    n = np.int64(max(ds.n, 1))
    keys = (
        np.concatenate([i.astype(np.int64) * n + j for i, j in pieces])
        if pieces
        else np.zeros(0, np.int64)
    )
    unique, inverse = np.unique(keys, return_inverse=True)
    member = np.zeros((len(rules), len(unique)), dtype=bool)
    start = 0
    for position, (i, _j) in enumerate(pieces):
        member[position, inverse[start : start + len(i)]] = True
        start += len(i)
    return CandidatePairs(
        i=(unique // n).astype(np.int32),
        j=(unique % n).astype(np.int32),
        rules=member,
        counts=counts,
    )
