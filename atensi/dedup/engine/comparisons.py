"""Comparison levels per field, computed for many pairs at once.

Each comparison turns a pair of records into a level: 0 when either side lacks the field (the
field then says nothing), 1 for the strongest agreement, up to the last level for disagreement.
Levels are computed on arrays of pair indices (i, j) with numpy and rapidfuzz.process.cpdist, so
five million candidate pairs take seconds, not minutes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from atensi.dedup.engine.dataset import Dataset

NULL = 0


def _similarity(
    ds: Dataset, column: str, i: np.ndarray, j: np.ndarray, scorer, cutoff: float
) -> np.ndarray:
    """Returns scorer(a, b) for each pair (strings looked up by code), 0 below the cutoff.

    The cutoff is the lowest threshold any level uses: rapidfuzz stops early on pairs that cannot
    reach it, which is most pairs (random pairs for u, non-matches among the candidates).
    """
    if len(i) == 0:
        return np.zeros(0, dtype=np.float32)
    a = ds.text(column, i)
    b = ds.text(column, j)
    return process.cpdist(a, b, scorer=scorer, score_cutoff=cutoff, workers=-1).astype(np.float32)


def _jaro_winkler(ds, column, i, j, cutoff: float = 0.8):
    return _similarity(ds, column, i, j, JaroWinkler.normalized_similarity, cutoff)


def _token_set(ds, column, i, j, cutoff: float = 0.7):
    return _similarity(ds, column, i, j, fuzz.token_set_ratio, cutoff * 100) / 100.0


@dataclass
class Comparison:
    """One field's comparison: its levels, the roles it reads and its term-frequency column."""

    name: str
    roles: frozenset[str]
    labels: list[str]  # labels[0] is the null level
    tf_column: str | None = None  # coded column whose value frequencies adjust these levels
    tf_levels: tuple[int, ...] = ()
    function: Callable | None = field(default=None, repr=False)
    title: str = ""  # the attribute's own name, for `other` comparisons

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    def compute(self, ds: Dataset, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (self.function or COMPUTE[self.name])(ds, i, j)


def _first_level(conditions: list[np.ndarray], null: np.ndarray, n: int) -> np.ndarray:
    """Returns the first level (1-based) whose condition holds, the last level otherwise."""
    levels = np.full(n, len(conditions) + 1, dtype=np.int8)
    for level in range(len(conditions), 0, -1):
        levels[conditions[level - 1]] = level
    levels[null] = NULL
    return levels


def _name(ds: Dataset, i, j):
    c = ds.columns
    a, b = c["name"][i], c["name"][j]
    null = (a < 0) | (b < 0)
    exact = a == b
    same_words = c["name_sorted"][i] == c["name_sorted"][j]
    undecided = ~(null | exact | same_words)
    idx = np.flatnonzero(undecided)
    jw = np.zeros(len(i), dtype=np.float32)
    # Word order with a typo besides is left to token_set_ratio below (it sorts the words).
    jw[idx] = _jaro_winkler(ds, "name", i[idx], j[idx])
    same_keys = c["name_keys"][i] == c["name_keys"][j]
    # Contained names (a mononym in a longer name, a dropped "Siti" or "Muhammad"): only where the
    # closer levels did not already decide, token_set_ratio is the slowest scorer here.
    rest = np.flatnonzero(undecided & (jw < 0.94) & ~same_keys)
    token_set = np.zeros(len(i), dtype=np.float32)
    token_set[rest] = _token_set(ds, "name", i[rest], j[rest])
    return _first_level(
        [
            exact,
            same_words,
            jw >= 0.94,
            same_keys | (token_set >= 0.999),
            (jw >= 0.85) | (token_set >= 0.8),
        ],
        null,
        len(i),
    )


def _nik_digits(values: np.ndarray) -> np.ndarray:
    """Returns the 16 digits of each number as a (n, 16) uint8 array."""
    powers = 10 ** np.arange(15, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10).astype(np.uint8)


def _digit_errors(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Returns (one digit differs, two adjacent digits swapped) for pairs of 16-digit numbers."""
    one = np.zeros(len(a), dtype=bool)
    swapped = np.zeros(len(a), dtype=bool)
    # Either error leaves the first eight digits, the last eight, or all but digits 8-9 whole;
    # only such pairs are taken apart digit by digit.
    close = np.flatnonzero(
        (a // 10**8 == b // 10**8)
        | (a % 10**8 == b % 10**8)
        | ((a // 10**9 == b // 10**9) & (a % 10**7 == b % 10**7))
    )
    if len(close):
        one[close], swapped[close] = _digit_errors_close(a[close], b[close])
    return one, swapped


def _digit_errors_close(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    da, db = _nik_digits(a), _nik_digits(b)
    differ = da != db
    count = differ.sum(axis=1)
    one = count == 1
    two = np.flatnonzero(count == 2)
    swapped = np.zeros(len(a), dtype=bool)
    if len(two):
        d = differ[two]
        first = d.argmax(axis=1)
        adjacent = (first < 15) & d[np.arange(len(two)), np.minimum(first + 1, 15)]
        rows = two[adjacent]
        f = first[adjacent]
        swapped[rows] = (da[rows, f] == db[rows, f + 1]) & (da[rows, f + 1] == db[rows, f])
    return one, swapped


def _nik_agrees_with_date(ds: Dataset, rows: np.ndarray) -> np.ndarray:
    """Returns whether each record's NIK encodes its recorded birth date (-1 when unknown)."""
    nik = ds.columns["nik"][rows]
    if "dob" not in ds.columns:
        return np.full(len(rows), -1, dtype=np.int8)
    day = (nik // 10**8) % 100
    day = np.where(day > 40, day - 40, day)
    month = (nik // 10**6) % 100
    yy = (nik // 10**4) % 100
    c = ds.columns
    known = c["dob"][rows] > 0
    agrees = (
        (c["dob_day"][rows] == day)
        & (c["dob_month"][rows] == month)
        & (c["dob_year"][rows] % 100 == yy)
    )
    return np.where(known, agrees.astype(np.int8), -1)


def _nik(ds: Dataset, i, j):
    c = ds.columns
    a, b = c["nik"][i], c["nik"][j]
    null = (a < 0) | (b < 0)
    exact = (a == b) & ~null
    # A record carrying a relative's NIK (a child registered on a parent's): the shared NIK
    # encodes one record's birth date and not the other's, and the two dates differ.
    borrowed = np.zeros(len(i), dtype=bool)
    rows = np.flatnonzero(exact)
    if len(rows) and "dob" in c:
        ga = _nik_agrees_with_date(ds, i[rows])
        gb = _nik_agrees_with_date(ds, j[rows])
        dates_differ = c["dob"][i[rows]] != c["dob"][j[rows]]
        borrowed[rows] = (ga >= 0) & (gb >= 0) & (ga != gb) & dates_differ
    one = np.zeros(len(i), dtype=bool)
    swapped = np.zeros(len(i), dtype=bool)
    rows = np.flatnonzero(~null & ~exact)
    if len(rows):
        one[rows], swapped[rows] = _digit_errors(a[rows], b[rows])
    family = np.zeros(len(i), dtype=bool)
    if "kk" in c:
        # The family card's number typed where the NIK belongs.
        family = ~null & ((a == c["kk"][j]) | (c["kk"][i] == b))
    return _first_level([exact & ~borrowed, borrowed, one, swapped, family], null, len(i))


def _kk(ds: Dataset, i, j):
    a, b = ds.columns["kk"][i], ds.columns["kk"][j]
    null = (a < 0) | (b < 0)
    exact = a == b
    typo = np.zeros(len(i), dtype=bool)
    rows = np.flatnonzero(~null & ~exact)
    if len(rows):
        one, swapped = _digit_errors(a[rows], b[rows])
        typo[rows] = one | swapped
    return _first_level([exact, typo], null, len(i))


def _birth_date(ds: Dataset, i, j):
    c = ds.columns
    ya, yb = c["dob_year"][i], c["dob_year"][j]
    ma, mb = c["dob_month"][i], c["dob_month"][j]
    da, db = c["dob_day"][i], c["dob_day"][j]
    null = (ya == 0) | (yb == 0)
    full = (c["dob"][i] > 0) & (c["dob"][j] > 0)
    exact = full & (c["dob"][i] == c["dob"][j])
    swapped = full & (ya == yb) & (da == mb) & (ma == db)
    two_of_three = full & ((ya == yb).astype(np.int8) + (ma == mb) + (da == db) >= 2)
    year = ya == yb
    return _first_level([exact, swapped, two_of_three, year], null, len(i))


def _sex(ds: Dataset, i, j):
    a, b = ds.columns["sex"][i], ds.columns["sex"][j]
    return _first_level([a == b], (a == 0) | (b == 0), len(i))


def _region(ds: Dataset, i, j):
    c = ds.columns
    conditions = []
    null = np.ones(len(i), dtype=bool)
    for depth in ("village", "district", "regency", "province"):
        a, b = c[f"region_{depth}"][i], c[f"region_{depth}"][j]
        both = (a >= 0) & (b >= 0)
        null &= ~both
        conditions.append(both & (a == b))
    return _first_level(conditions, null, len(i))


def _fuzzy_text(column: str, close: float, near: float):
    def compute(ds: Dataset, i, j):
        a, b = ds.columns[column][i], ds.columns[column][j]
        null = (a < 0) | (b < 0)
        exact = a == b
        idx = np.flatnonzero(~null & ~exact)
        score = np.zeros(len(i), dtype=np.float32)
        score[idx] = _jaro_winkler(ds, column, i[idx], j[idx])
        return _first_level([exact, score >= close, score >= near], null, len(i))

    return compute


def _address(ds: Dataset, i, j):
    a, b = ds.columns["address"][i], ds.columns["address"][j]
    null = (a < 0) | (b < 0)
    exact = a == b
    idx = np.flatnonzero(~null & ~exact)
    score = np.zeros(len(i), dtype=np.float32)
    score[idx] = _token_set(ds, "address", i[idx], j[idx])
    return _first_level([exact | (score >= 0.9), score >= 0.7], null, len(i))


def _phone(ds: Dataset, i, j):
    a, b = ds.columns["phone"][i], ds.columns["phone"][j]
    null = (a < 0) | (b < 0)
    # A number typed with or without its area code or an extra digit still ends the same.
    tail = (a % 10**7) == (b % 10**7)
    return _first_level([a == b, tail], null, len(i))


def _other(column: str):
    def compute(ds: Dataset, i, j):
        a, b = ds.columns[column][i], ds.columns[column][j]
        return _first_level([a == b], (a < 0) | (b < 0), len(i))

    return compute


def _household(ds: Dataset, i, j):
    # No. KK, the parent's name, the region and the street all say "same household", and a
    # household's members share them all: as separate fields of a Fellegi–Sunter model (which
    # takes fields as independent) they would count one piece of evidence four times and make
    # siblings one person. So they are one comparison whose levels combine them.
    # The fuzzy parts (parent's name, street) are computed only for the pairs whose level they
    # can still decide; the others get the level as if they were computed.
    n = len(i)
    none = np.zeros(n, dtype=np.int8)
    roles = ds.roles
    kk = _kk(ds, i, j) if "kk" in roles else none
    region = _region(ds, i, j) if "region" in roles else none
    same_kk = (kk == 1) | (kk == 2)
    near = (region == 1) | (region == 2)  # same village or district
    parent = _part(ds, i, j, "parent_name", ~same_kk, COMPUTE["parent_name"])
    same_parent = (parent == 1) | (parent == 2)
    undecided = ~same_kk & ~(same_parent & near) & ((region == 1) | (region == NULL))
    street = _part(ds, i, j, "address", undecided, _address)
    return _first_level(
        [
            same_kk & near,
            same_kk,
            same_parent & near,
            ((region == 1) | (region == NULL)) & (street == 1),
            same_parent,
            region == 1,
            region == 2,
            region == 3,
            region == 4,
        ],
        (kk == NULL) & (parent == NULL) & (region == NULL) & (street == NULL),
        n,
    )


def _part(ds: Dataset, i, j, role: str, needed: np.ndarray, compute: Callable) -> np.ndarray:
    """Returns a household part's levels where needed; elsewhere NULL or a placeholder level.

    Outside `needed` only whether the part is null matters (for the household's own null level).
    """
    if role not in ds.roles:
        return np.zeros(len(i), dtype=np.int8)
    column = ds.columns[role]
    levels = np.where((column[i] < 0) | (column[j] < 0), NULL, 99).astype(np.int8)
    rows = np.flatnonzero(needed & (levels != NULL))
    levels[rows] = compute(ds, i[rows], j[rows])
    return levels


COMPUTE = {
    "name": _name,
    "nik": _nik,
    "kk": _kk,
    "birth_date": _birth_date,
    "sex": _sex,
    "region": _region,
    "address": _address,
    "parent_name": _fuzzy_text("parent_name", 0.92, 0.8),
    "birth_place": _fuzzy_text("birth_place", 0.92, 0.8),
    "phone": _phone,
    "household": _household,
}

# Stable level codes; the Django layer (atensi.dedup.labels) gives them words in both languages.
LEVELS = {
    "name": [
        "exact",
        "same_words",
        "very_similar",
        "same_sound_or_contained",
        "similar",
        "different",
    ],
    "nik": [
        "exact",
        "shared_other_birth_date",
        "one_digit",
        "transposed",
        "kk_as_nik",
        "different",
    ],
    "kk": ["exact", "one_digit_or_transposed", "different"],
    "birth_date": ["exact", "day_month_swapped", "two_of_three", "same_year", "different"],
    "sex": ["same", "different"],
    "region": ["same_village", "same_district", "same_regency", "same_province", "different"],
    "address": ["same", "similar", "different"],
    "parent_name": ["exact", "very_similar", "similar", "different"],
    "birth_place": ["exact", "very_similar", "similar", "different"],
    "phone": ["same", "same_last_seven", "different"],
    "household": [
        "same_kk_same_place",
        "same_kk",
        "same_parent_same_place",
        "same_village_and_address",
        "same_parent",
        "same_village",
        "same_district",
        "same_regency",
        "same_province",
        "different",
    ],
}
# Fields compared together (see _household); the rest are compared alone.
GROUPS = {"household": frozenset({"kk", "parent_name", "region", "address"})}
_TF = {"name": ("name_sorted", (1, 2)), "birth_date": ("dob", (1,))}


def comparisons_for(ds: Dataset) -> list[Comparison]:
    """Returns the comparisons the dataset's roles allow, in a fixed order."""
    result = []
    for name in ("name", "nik", "birth_date", "sex", "household", "birth_place", "phone"):
        roles = GROUPS.get(name, frozenset({name})) & ds.roles
        if not roles:
            continue
        tf_column, tf_levels = _TF.get(name, (None, ()))
        result.append(
            Comparison(
                name=name,
                roles=frozenset(roles),
                labels=["null", *LEVELS[name]],
                tf_column=tf_column,
                tf_levels=tf_levels,
            )
        )
    for position, attribute in enumerate(ds.others):
        column = f"other_{position}"
        result.append(
            Comparison(
                name=column,
                roles=frozenset({column}),
                labels=["null", "same", "different"],
                function=_other(column),
                title=attribute,
            )
        )
    return result
