"""Per-field normalisation of identity data, as plain Python on strings (no Django).

Every function takes what a person typed, or a spreadsheet cell, and returns a comparable value,
or the field's empty value when nothing usable is there. The fields with hundreds of thousands of
distinct values in a large file (NIK, No. KK, phone, address, region code) also have a vectorised
twin (`*_many`, on a pyarrow array) that gives exactly what the plain function gives; the tests
hold them to it. Names go through atensi.lib.names (old
spellings, titles, degrees, bin/binti, Muhammad) and then a few comparison-only folds that the
registry search does not need.
"""

import functools
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from atensi.lib.names import _MUHAMMAD, _PATRONYMIC, _is_title, _modern, name_tokens, token_key

# Written variants of common name words that atensi.lib.names keeps apart (its output is stored
# in the registry); for comparing two records they are the same word.
_NAME_VARIANTS = {
    "noor": "nur",
    "nor": "nur",
    "abd": "abdul",
    "abdoel": "abdul",
    "sitti": "siti",
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
}


@functools.cache
def _word(token: str) -> tuple[str, str]:
    """Returns a name word folded for comparison and its spelling-tolerant key (cached: a
    registry of millions holds a few tens of thousands of distinct words)."""
    folded = _fold(token)
    return folded, token_key(folded)


def _fold(token: str) -> str:
    # DOMAIN.md §8: j → y is not a safe rewrite (modern "Joko"), so both letters become one only
    # for comparing; "oo" is the Dutch-era u that survives in Noor or Soofyan.
    return _NAME_VARIANTS.get(token, token).replace("j", "y").replace("oo", "u")


# Words that open so many names that they say little about which person is meant; the "first
# name" of a blocking key is the first word that is not one of them.
_COMMON_OPENERS = {
    "muhammad",
    "siti",
    "nur",
    "nurul",
    "abdul",
    "ahmad",
    "sri",
    "dwi",
    "tri",
    "eko",
    "i",
    "ni",
    "wayan",
    "made",
    "nyoman",
    "ketut",
    "putu",
    "kadek",
    "komang",
    "gede",
    "ade",
}


@dataclass(frozen=True)
class NameParts:
    folded: str  # the words in written order, folded
    sorted: str  # the same words sorted, for word-order-free comparison
    first_key: str  # spelling-tolerant key of the first word that is not a common opener
    last_key: str  # ... and of the last word (mononyms: the same word)
    key_set: str  # the keys of all words, sorted and joined
    initials: str  # first letters of the words, in order


EMPTY_NAME = NameParts("", "", "", "", "", "")


# A name of plain ASCII letters and spaces needs none of name_tokens' work on accents, dots,
# commas and degrees: its words are read one by one, each through a cache (see _plain_word).
_PLAIN_NAME = re.compile(r"[A-Za-z ]*")


@functools.cache
def _plain_word(word: str) -> tuple[str, str] | None:
    """Returns _word of one lower-cased word of a plain name as name_tokens would give it after
    the first word; None for bin/binti, which name_tokens drops."""
    if word in _PATRONYMIC:
        return None
    token = _modern(word)
    return _word("muhammad" if token in _MUHAMMAD else token)


@functools.cache
def _read_by_position(first: str) -> bool:
    return first == "m" or first in _PATRONYMIC or _is_title(first)


def _plain_pairs(name: str) -> list[tuple[str, str]] | None:
    """Returns [_word(t) for t in name_tokens(name)] for a plain name whose first word is neither
    a title, bin/binti nor a lone M. (which name_tokens treats by position); None for any other."""
    if not _PLAIN_NAME.fullmatch(name):
        return None
    words = name.lower().split()
    if len(words) > 1 and _read_by_position(words[0]):
        return None
    pairs = [_plain_word(w) for w in words]
    return [p for p in pairs if p is not None]


def _name_pairs(name: str) -> list[tuple[str, str]]:
    """Returns the words of a name, folded, each with its spelling-tolerant key."""
    pairs = _plain_pairs(name or "")
    if pairs is None:
        pairs = [_word(t) for t in name_tokens(name or "") if t]
    return pairs


def name_parts(name: str) -> NameParts:
    """Returns the comparable parts of a personal name; EMPTY_NAME when there is none."""
    pairs = _name_pairs(name)
    if not pairs:
        return EMPTY_NAME
    words = [w for w, _k in pairs]
    keys = [k for _w, k in pairs]
    first = next((k for w, k in zip(words, keys, strict=True) if w not in _COMMON_OPENERS), keys[0])
    return NameParts(
        folded=" ".join(words),
        sorted=" ".join(sorted(words)),
        first_key=first,
        last_key=keys[-1],
        key_set=" ".join(sorted(keys)),
        initials="".join(w[0] for w in words),
    )


def text_name(name: str) -> str:
    """Returns a name (a parent's, a birthplace) folded for comparison, words sorted."""
    return " ".join(sorted(w for w, _k in _name_pairs(name)))


_DIGITS = re.compile(r"\D")


def _digits_many(values: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(values, r"\D", "")


def identity_number_many(values: pa.Array) -> np.ndarray:
    """Returns identity_number of every value (a pyarrow string array) as int64."""
    digits = _digits_many(values)
    usable = pc.and_(
        pc.equal(pc.utf8_length(digits), 16), pc.match_substring_regex(digits, "[1-9]")
    )
    return _as_int(digits, usable)


def _as_int(digits: pa.Array, usable: pa.Array) -> np.ndarray:
    kept = pc.if_else(usable, digits, "-1")
    return pc.cast(kept, pa.int64()).to_numpy(zero_copy_only=False)


def phone_many(values: pa.Array) -> np.ndarray:
    """Returns phone of every value (a pyarrow string array) as int64."""
    digits = pc.replace_substring_regex(_digits_many(values), "^62", "", max_replacements=1)
    digits = pc.replace_substring_regex(digits, "^0+", "")
    length = pc.utf8_length(digits)
    return _as_int(digits, pc.and_(pc.greater_equal(length, 7), pc.less_equal(length, 13)))


def identity_number(raw: str) -> int:
    """Returns a 16-digit NIK or No. KK as an integer, -1 when it is not 16 digits or all zero."""
    digits = _DIGITS.sub("", str(raw or ""))
    if len(digits) != 16 or not digits.strip("0"):
        return -1
    return int(digits)


_DATE_SEPARATORS = re.compile(r"[\s/.\-]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "januari", "january"),
            ("feb", "februari", "february", "pebruari"),
            ("mar", "maret", "march"),
            ("apr", "april"),
            ("mei", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("agu", "agt", "agus", "agustus", "aug", "august"),
            ("sep", "sept", "september"),
            ("okt", "oct", "oktober", "october"),
            ("nov", "nop", "november", "nopember"),
            ("des", "dec", "desember", "december"),
        ],
        start=1,
    )
    for name in names
}


def birth_date(raw: str) -> tuple[int, int, int]:
    """Returns (year, month, day) with 0 for an unknown part; (0, 0, 0) when unusable.

    Reads yyyy-mm-dd, dd-mm-yyyy (also with / or . or spaces, and Indonesian month names),
    yyyymmdd, a year alone, and 00 for an unknown day or month ("00-00-1975").
    """
    text = str(raw or "").strip().lower()
    if not text:
        return (0, 0, 0)
    text = text.split("t")[0].split(" 00:00")[0] if re.match(r"^\d{4}-", text) else text
    parts = [p for p in _DATE_SEPARATORS.split(text) if p]
    if len(parts) == 1 and parts[0].isdigit():
        digits = parts[0]
        if len(digits) == 4:
            return _checked(int(digits), 0, 0)
        if len(digits) == 8:
            return _checked(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return (0, 0, 0)
    if len(parts) != 3:
        return (0, 0, 0)
    if parts[1] in _MONTHS:
        parts[1] = str(_MONTHS[parts[1]])
    if not all(p.isdigit() for p in parts):
        return (0, 0, 0)
    a, b, c = (int(p) for p in parts)
    if len(parts[0]) == 4:
        return _checked(a, b, c)
    if len(parts[2]) == 4:
        return _checked(c, b, a)
    return (0, 0, 0)


def _checked(year: int, month: int, day: int) -> tuple[int, int, int]:
    if not 1850 <= year <= 2100:
        return (0, 0, 0)
    if not 0 <= month <= 12:
        month = 0
    if not 0 <= day <= 31 or month == 0:
        day = 0
    return (year, month, day)


def sex(raw: str) -> int:
    """Returns 1 for male, 2 for female, 0 when unknown."""
    text = str(raw or "").strip().lower()
    if text in {"l", "lk", "laki-laki", "laki laki", "laki", "pria", "m", "male", "1"}:
        return 1
    if text in {"p", "pr", "perempuan", "wanita", "f", "female", "w", "2"}:
        return 2
    return 0


def phone(raw: str) -> int:
    """Returns an Indonesian phone number as digits after a leading 0 (+62 and 62 read as 0)."""
    digits = _DIGITS.sub("", str(raw or ""))
    if digits.startswith("62"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if len(digits) < 7 or len(digits) > 13:
        return -1
    return int(digits)


_ADDRESS_WORDS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "kp": "kampung",
    "kmp": "kampung",
    "ds": "desa",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "no": "nomor",
    "blk": "blok",
    "perum": "perumahan",
    "dsn": "dusun",
}
_ADDRESS_SPLIT = re.compile(r"[^a-z0-9]+")
# Words nearly every address has; left in, any two addresses would look alike.
_ADDRESS_GENERIC = {
    "jalan",
    "gang",
    "nomor",
    "rt",
    "rw",
    "blok",
    "desa",
    "kelurahan",
    "kecamatan",
    "kabupaten",
    "kampung",
    "dusun",
    "perumahan",
    "kota",
    "provinsi",
}


_ADDRESS_DROPPED = re.compile(
    r"\b(?:"
    + "|".join(sorted({*_ADDRESS_WORDS, *_ADDRESS_GENERIC}, key=len, reverse=True))
    + r")\b"
)


def address_many(values: pa.Array) -> pa.Array:
    """Returns address of every value (a pyarrow string array) as a pyarrow string array."""
    # Every abbreviation stands for a generic word, so both are simply dropped.
    assert all(word in _ADDRESS_GENERIC for word in _ADDRESS_WORDS.values())
    text = pc.replace_substring_regex(pc.utf8_lower(values), "[^a-z0-9]+", " ")
    text = pc.replace_substring_regex(text, r"\b0+(\d+)\b", r"\1")
    text = pc.replace_substring_regex(text, _ADDRESS_DROPPED.pattern, "")
    return pc.utf8_trim(pc.replace_substring_regex(text, " +", " "), " ")


def address(raw: str) -> str:
    """Returns the telling words of an address: no "jalan", "RT", "nomor"; numbers without 0s."""
    words = []
    for word in _ADDRESS_SPLIT.split(str(raw or "").lower()):
        if not word:
            continue
        if word.isdigit():
            word = word.lstrip("0") or "0"
        word = _ADDRESS_WORDS.get(word, word)
        if word not in _ADDRESS_GENERIC:
            words.append(word)
    return " ".join(words)


# Kemendagri code lengths without dots: province, regency/city, district, village.
REGION_DEPTHS = (2, 4, 6, 10)


def region(values: list[str]) -> tuple[str, str, str, str]:
    """Returns the province, regency, district and village keys of a region ("" when unknown).

    One value holding a Kemendagri code (dotted or not) is cut at its levels. Several values are
    read as names or codes from broad to fine (province, regency, district, village): each level's
    key is the values down to it.
    """
    values = [str(v or "").strip() for v in values]
    if len(values) == 1:
        digits = _DIGITS.sub("", values[0])
        if digits and len(digits) >= 2 and not re.search(r"[a-z]", values[0].lower()):
            return tuple(digits[:n] if len(digits) >= n else "" for n in REGION_DEPTHS)  # type: ignore[return-value]
    keys: list[str] = []
    prefix = ""
    for value in values[:4]:
        text = " ".join(_ADDRESS_SPLIT.split(value.lower())).strip()
        prefix = f"{prefix}|{text}" if text else ""
        keys.append(prefix)
    # A single text value (a village name alone) is the finest level the data holds.
    keys = [""] * (4 - len(keys)) + keys
    return tuple(keys)  # type: ignore[return-value]


def region_code_many(values: pa.Array) -> list[pa.Array] | None:
    """Returns region's four keys for every value when each is a single code (no letters),
    as pyarrow string arrays (province, regency, district, village); None otherwise."""
    lowered = pc.utf8_lower(values)
    if pc.any(pc.match_substring_regex(lowered, "[a-z\x1f]")).as_py():
        return None
    digits = _digits_many(values)
    length = pc.utf8_length(digits)
    has_code = pc.greater_equal(length, 2)
    if pc.any(pc.and_(pc.invert(has_code), pc.match_substring_regex(lowered, "[0-9]"))).as_py():
        return None  # a lone digit is read as a name (see region)
    return [
        pc.if_else(
            pc.and_(has_code, pc.greater_equal(length, n)),
            pc.utf8_slice_codeunits(digits, 0, n),
            "",
        )
        for n in REGION_DEPTHS
    ]


def other(raw: str) -> str:
    """Returns any other attribute lower-cased with spaces collapsed, for exact comparison."""
    return " ".join(str(raw or "").lower().split())
