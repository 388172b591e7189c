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
import pyarrow as pa
import pyarrow.compute as pc

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


def _codes(values: Sequence[str] | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Returns an int32 code per value (-1 for "") and the distinct values by code.

    Codes follow first appearance; Arrow's dictionary encoding does the work in C.
    """
    array = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    encoded = pc.dictionary_encode(pc.fill_null(array, ""))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    dictionary = encoded.dictionary.to_numpy(zero_copy_only=False)
    empty = np.flatnonzero(dictionary == "")
    if len(empty):  # "" is no value: -1, and the codes of real values stay 0..k-1
        position = int(empty[0])
        codes = np.where(codes == position, -1, codes - (codes > position)).astype(np.int32)
        dictionary = np.delete(dictionary, position)
    distinct = np.empty(len(dictionary), dtype=object)
    distinct[:] = list(dictionary)
    return codes, distinct


# Joins the parts of a multi-column value (a region read broad to fine) into one string.
PARTS = "\x1f"


@dataclass
class Distinct:
    """The distinct values of a column and, per record, the position of its value among them."""

    array: pa.Array  # the distinct values (strings)
    index: np.ndarray  # int32 per record

    @property
    def values(self) -> list[str]:
        return self.array.to_pylist()

    def take(self, per_value: Sequence) -> np.ndarray:
        """Returns a per-value result (one per distinct value) spread out to the records."""
        return np.asarray(per_value)[self.index]

    def coded(self, texts: Sequence[str] | pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """Returns _codes of one text per distinct value, spread out to the records."""
        codes, strings = _codes(texts)
        return codes[self.index], strings


def distinct(values) -> Distinct:
    """Returns the distinct values of a column (a list, a numpy or a pyarrow array of strings).

    Arrow's dictionary encoding does the grouping in C, so a million cells cost a few tens of
    milliseconds and every normaliser then runs once per distinct value, not once per record.
    """
    if isinstance(values, pa.ChunkedArray | pa.Array):
        array = values.cast(pa.string())
    else:
        array = pa.array(
            [
                PARTS.join("" if x is None else str(x) for x in v)
                if isinstance(v, list | tuple)
                else ("" if v is None else str(v))
                for v in values
            ],
            type=pa.string(),
        )
    if isinstance(array, pa.ChunkedArray):
        # One dictionary for the whole column (unifying per-chunk dictionaries is far slower).
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(pc.fill_null(array, ""))
    dictionary, index = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    return Distinct(dictionary, index.astype(np.int32, copy=False))


# Above this many distinct values, slow normalisers (names) run in one process per core. A name
# costs a few microseconds (see normalize._plain_pairs), less than forking a process that holds
# the whole file and sending the names both ways: at 1M records (110k distinct names) one
# process is faster, so only far larger files use the others.
PARALLEL_FROM = 400_000


def _map(values: list, function: Callable, parallel: bool = False) -> list:
    """Returns function(value) for every (distinct) value, on every core when it pays."""
    cores = os.cpu_count() or 1
    if parallel and cores > 1 and len(values) >= PARALLEL_FROM and can_fork():
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            return pool.map(function, values, chunksize=max(len(values) // (cores * 8), 1))
    return [function(value) for value in values]


def _name_tuple(name: str) -> tuple[str, str, str, str, str]:
    parts = normalize.name_parts(name)
    return parts.folded, parts.sorted, parts.first_key, parts.last_key, parts.key_set


def can_fork() -> bool:
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

    if "name" in values:
        names = distinct(values["name"])
        # Plain tuples cross from the worker processes faster than dataclasses.
        parts = _map(names.values, _name_tuple, parallel=True)
        for position, column in enumerate(
            ("name", "name_sorted", "name_first", "name_last", "name_keys")
        ):
            cols[column], strings[column] = names.coded([p[position] for p in parts])
        ds.roles.add("name")
    if "birth_date" in values:
        dates_of = distinct(values["birth_date"])
        dates = dates_of.take(
            np.array([normalize.birth_date(v) for v in dates_of.values], dtype=np.int32).reshape(
                -1, 3
            )
        )
        cols["dob_year"], cols["dob_month"], cols["dob_day"] = dates.T.copy()
        known = (dates[:, 0] > 0) & (dates[:, 1] > 0) & (dates[:, 2] > 0)
        cols["dob"] = np.where(known, dates[:, 0] * 10000 + dates[:, 1] * 100 + dates[:, 2], -1)
        cols["dob_day_month"] = np.where(known, dates[:, 1] * 100 + dates[:, 2], -1)
        ds.roles.add("birth_date")
    if "sex" in values:
        sexes = distinct(values["sex"])
        cols["sex"] = sexes.take(np.array([normalize.sex(v) for v in sexes.values], np.int8))
        ds.roles.add("sex")
    for role, function in (
        ("nik", normalize.identity_number_many),
        ("kk", normalize.identity_number_many),
        ("phone", normalize.phone_many),
    ):
        if role in values:
            numbers = distinct(values[role])
            cols[role] = numbers.take(function(numbers.array))
            ds.roles.add(role)
    if "nik" in values:
        # A one-digit typo leaves one half of the NIK whole: region + birth day, or the rest.
        nik = cols["nik"]
        cols["nik_head"] = np.where(nik >= 0, nik // 10**8, -1)
        cols["nik_tail"] = np.where(nik >= 0, nik % 10**8, -1)
    if "address" in values:
        addresses = distinct(values["address"])
        texts = normalize.address_many(addresses.array)
        cols["address"], strings["address"] = addresses.coded(texts)
        ds.roles.add("address")
    for role in ("parent_name", "birth_place"):
        if role in values:
            names = distinct(values[role])
            texts = _map(names.values, normalize.text_name, parallel=True)
            cols[role], strings[role] = names.coded(texts)
            ds.roles.add(role)
    if "region" in values:
        regions = distinct(values["region"])
        levels = normalize.region_code_many(regions.array)
        if levels is not None:
            by_depth = levels
        else:
            keys = [normalize.region(v.split(PARTS)) for v in regions.values]
            by_depth = [[k[depth] for k in keys] for depth in range(4)]
        for depth, name in enumerate(("province", "regency", "district", "village")):
            cols[f"region_{name}"], strings[f"region_{name}"] = regions.coded(by_depth[depth])
        ds.roles.add("region")
    for position, (name, column) in enumerate((others or {}).items()):
        cells = distinct(column)
        texts = [normalize.other(v) for v in cells.values]
        cols[f"other_{position}"], strings[f"other_{position}"] = cells.coded(texts)
        ds.others.append(name)
    return ds
