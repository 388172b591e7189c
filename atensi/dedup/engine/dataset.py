"""Records turned into columns of numbers, ready for vectorised comparison.

A Dataset is built once from raw values per role (the same roles as `atensi dedup file`):
name, birth_date, sex, nik, kk, address, region, parent_name, phone, birth_place and any number of
`other` attributes. Strings are normalised once per distinct value (a registry repeats names,
dates and places a lot) and coded as integers, so that blocking and exact comparison work on int
arrays and only the fuzzy levels look at strings.
"""

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from atensi.dedup.engine import normalize

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
    "other",
)


def _codes(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Returns an int32 code per value (-1 for "") and the distinct values by code."""
    index = {value: code for code, value in enumerate(dict.fromkeys(values))}
    empty = index.pop("", None)
    if empty is not None:  # renumber so that the codes of real values are 0..k-1
        index = {value: code for code, value in enumerate(index)}
        index[""] = -1
    codes = np.fromiter(map(index.__getitem__, values), np.int32, len(values))
    index.pop("", None)
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return codes, distinct


# Above this many distinct values, slow normalisers (names) run in one process per core.
PARALLEL_FROM = 20_000


def _map_distinct(values: Sequence, function: Callable, parallel: bool = False) -> list:
    """Returns function(value) for every value, computing it once per distinct value."""
    distinct = list(set(values))
    cores = os.cpu_count() or 1
    if parallel and cores > 1 and len(distinct) >= PARALLEL_FROM and _can_fork():
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            results = pool.map(function, distinct, chunksize=max(len(distinct) // (cores * 8), 1))
        cache = dict(zip(distinct, results, strict=True))
    else:
        cache = {value: function(value) for value in distinct}
    return [cache[value] for value in values]


def _can_fork() -> bool:
    # A daemon process (a worker of a pool itself) may not start children.
    return "fork" in multiprocessing.get_all_start_methods() and not (
        multiprocessing.current_process().daemon
    )


@dataclass
class Dataset:
    """Normalised identity data of n records; arrays are indexed by record position."""

    ids: list[str]
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    strings: dict[str, np.ndarray] = field(default_factory=dict)  # code → distinct string
    roles: set[str] = field(default_factory=set)
    others: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.ids)

    def text(self, column: str, rows: np.ndarray) -> np.ndarray:
        """Returns the strings of a coded column at the given rows ("" where missing)."""
        codes = self.columns[column][rows]
        table = np.append(self.strings[column], "")
        return table[np.where(codes < 0, len(table) - 1, codes)]


def build_dataset(
    ids: Sequence[str],
    values: dict[str, Sequence],
    others: dict[str, Sequence[str]] | None = None,
) -> Dataset:
    """Returns a Dataset from raw values per role.

    values maps a role to one value per record; for "region" each value may be a list of codes or
    names from broad to fine (see normalize.region). others maps an attribute name to values
    compared exactly.
    """
    unknown = set(values) - set(ROLES) - {"other"}
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    n = len(ids)
    for role, column in [*values.items(), *(others or {}).items()]:
        if len(column) != n:
            raise ValueError(f"{role}: {len(column)} values for {n} records")
    ds = Dataset(ids=[str(i) for i in ids])
    cols, strings = ds.columns, ds.strings

    def coded(name: str, texts: Sequence[str]) -> None:
        cols[name], strings[name] = _codes(texts)

    if "name" in values:
        parts = _map_distinct(values["name"], normalize.name_parts, parallel=True)
        coded("name", [p.folded for p in parts])
        coded("name_sorted", [p.sorted for p in parts])
        coded("name_first", [p.first_key for p in parts])
        coded("name_last", [p.last_key for p in parts])
        coded("name_keys", [p.key_set for p in parts])
        ds.roles.add("name")
    if "birth_date" in values:
        dates = np.array(
            _map_distinct(values["birth_date"], normalize.birth_date), dtype=np.int32
        ).reshape(n, 3)
        cols["dob_year"], cols["dob_month"], cols["dob_day"] = dates.T.copy()
        known = (dates[:, 0] > 0) & (dates[:, 1] > 0) & (dates[:, 2] > 0)
        cols["dob"] = np.where(known, dates[:, 0] * 10000 + dates[:, 1] * 100 + dates[:, 2], -1)
        cols["dob_day_month"] = np.where(known, dates[:, 1] * 100 + dates[:, 2], -1)
        ds.roles.add("birth_date")
    if "sex" in values:
        cols["sex"] = np.array(_map_distinct(values["sex"], normalize.sex), dtype=np.int8)
        ds.roles.add("sex")
    for role in ("nik", "kk"):
        if role in values:
            cols[role] = np.array(
                _map_distinct(values[role], normalize.identity_number), dtype=np.int64
            )
            ds.roles.add(role)
    if "nik" in values:
        # A one-digit typo leaves one half of the NIK whole: region + birth day, or the rest.
        nik = cols["nik"]
        cols["nik_head"] = np.where(nik >= 0, nik // 10**8, -1)
        cols["nik_tail"] = np.where(nik >= 0, nik % 10**8, -1)
    if "phone" in values:
        cols["phone"] = np.array(_map_distinct(values["phone"], normalize.phone), dtype=np.int64)
        ds.roles.add("phone")
    if "address" in values:
        coded("address", _map_distinct(values["address"], normalize.address, parallel=True))
        ds.roles.add("address")
    for role in ("parent_name", "birth_place"):
        if role in values:
            coded(role, _map_distinct(values[role], normalize.text_name, parallel=True))
            ds.roles.add(role)
    if "region" in values:
        raw = [v if isinstance(v, list | tuple) else [v] for v in values["region"]]
        keys = _map_distinct([tuple(v) for v in raw], lambda v: normalize.region(list(v)))
        for depth, name in enumerate(("province", "regency", "district", "village")):
            coded(f"region_{name}", [k[depth] for k in keys])
        ds.roles.add("region")
    for position, (name, column) in enumerate((others or {}).items()):
        coded(f"other_{position}", _map_distinct(column, normalize.other))
        ds.others.append(name)
    return ds
