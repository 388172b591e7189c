"""Indonesian personal names: normalising for comparison and keys for typo-tolerant search.

DOMAIN.md §8: old spellings are rewritten (dj→j, tj→c, nj→ny, sj→sy, ch→kh, oe→u), j and y are
treated as equal when comparing, honorifics and degrees are dropped, bin/binti separate a father's
name, and Muhammad has many written forms.
"""

import re
import unicodedata

_OLD_SPELLINGS = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh")]
_TITLES = {
    "h",
    "hj",
    "haji",
    "hajah",
    "hajjah",
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "kh",
    "ust",
    "ustadz",
    "ustaz",
    "ustadzah",
    "tn",
    "ny",
    "nn",
    "sdr",
    "sdri",
    "bpk",
    "bapak",
    "ibu",
    "raden",
    "rd",
}
_MUHAMMAD = {
    "muhammad",
    "muhamad",
    "muhammat",
    "muhamat",
    "mohammad",
    "mohamad",
    "mohammed",
    "mohamed",
    "muhammed",
    "mochammad",
    "mochamad",
    "mokhammad",
    "mokhamad",
    "muchammad",
    "muchamad",
    "mukhammad",
    "mukhamad",
    "moh",
    "moch",
    "mokh",
    "muh",
    "much",
    "mukh",
    "mhd",
    "mhmd",
    "md",
}
_PATRONYMIC = {"bin", "binti", "bt", "bte"}
# Degrees written after the name ("Budi Santoso, S.Pd., M.Si.") or glued with dots.
_DEGREE = re.compile(r",\s*(?:[a-z]{1,4}\.\s*)+[a-z]{0,6}\.?(?=,|$)")
_NON_LETTER = re.compile(r"[^a-z\s]")
_SPACES = re.compile(r"\s+")


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _modern(token: str) -> str:
    for old, new in _OLD_SPELLINGS:
        token = token.replace(old, new)
    return token


def name_tokens(name: str) -> list[str]:
    """Returns the words of a name, normalised, without titles, degrees or bin/binti.

    >>> name_tokens("H. Moch. Soedjono bin Tjiptoredjo, S.Pd.")
    ['muhammad', 'sujono', 'ciptorejo']
    """
    text = _ascii_lower(name).strip()
    while True:
        stripped = _DEGREE.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = text.replace("'", "").replace("`", "")
    text = _NON_LETTER.sub(" ", text)
    raw = [t for t in _SPACES.split(text) if t]
    tokens: list[str] = []
    for position, token in enumerate(raw):
        if token in _PATRONYMIC:
            continue
        if token in _TITLES and len(raw) > 1 and position < len(raw) - 1 and not tokens:
            continue  # a leading title, not a one-word name
        token = _modern(token)
        if token in _MUHAMMAD or (token == "m" and not tokens and len(raw) > 1):
            token = "muhammad"
        tokens.append(token)
    return tokens


def normalize_name(name: str) -> str:
    """Returns the name as one normalised string, for display-free comparison."""
    return " ".join(name_tokens(name))


_KEY_REWRITES = [
    ("kh", "h"),
    ("sy", "s"),
    ("ph", "p"),
    ("dz", "j"),
    ("y", "j"),
    ("f", "p"),
    ("v", "p"),
    ("q", "k"),
    ("z", "j"),
    ("x", "ks"),
]


def token_key(token: str) -> str:
    """Returns a spelling-tolerant key of one normalised name word.

    Vowels (after the first letter) and h are dropped, and sounds written in several ways are
    merged, so Suparno/Soeparno/Suparna/Supparno share a key; the search ranks candidates after.
    """
    for old, new in _KEY_REWRITES:
        token = token.replace(old, new)
    if not token:
        return ""
    head, tail = token[0], token[1:]
    tail = "".join(c for c in tail if c not in "aeiouh")
    key = head
    for c in tail:
        if c != key[-1]:
            key += c
    return key[:40]


def name_keys(*names: str) -> set[str]:
    """Returns the search keys of a person's names (full name and aliases)."""
    return {token_key(t) for name in names for t in name_tokens(name) if t}
