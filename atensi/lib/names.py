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
    "ra",  # Raden Ajeng, written R.A.
    "rr",  # Raden Roro
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
    "mohd",
    "muhd",
    "md",
}
_PATRONYMIC = {"bin", "binti", "bt", "bte"}
# Degrees written after the name ("Budi Santoso, S.Pd., M.Si.") or glued with dots.
_DEGREE = re.compile(r",\s*(?:[a-z]{1,4}\.\s*)+[a-z]{0,6}\.?(?=,|$)")
# Degrees typed after the name without a comma ("Budi Santoso S.Pd"), written without their dots;
# only words that carry a dot are taken for degrees, so a surname such as "Se" or "Ma" stays.
_DEGREES_WITHOUT_COMMA = {
    "se",
    "sh",
    "st",
    "ssi",
    "ssos",
    "sosi",
    "ssosi",
    "skom",
    "spd",
    "spdi",
    "sag",
    "sip",
    "skm",
    "skep",
    "sked",
    "sfarm",
    "sp",
    "spsi",
    "sthi",
    "amd",
    "amdkeb",
    "amdkep",
    "ama",
    "mm",
    "mh",
    "mt",
    "msi",
    "mpd",
    "mpdi",
    "mag",
    "mkes",
    "mkom",
    "msc",
    "ma",
    "lc",
    "ns",
    "ak",
    "phd",
}
_NON_LETTER = re.compile(r"[^a-z\s]")
_SPACES = re.compile(r"\s+")


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _modern(token: str) -> str:
    for old, new in _OLD_SPELLINGS:
        token = token.replace(old, new)
    return token


def _without_dots(word: str) -> str:
    return word.replace(".", "")


def _is_title(word: str) -> bool:
    plain = _without_dots(word)
    return plain in _TITLES or _modern(plain) in _TITLES


def _is_dotted_degree(word: str) -> bool:
    return "." in word and _without_dots(word) in _DEGREES_WITHOUT_COMMA


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
    # Titles and degrees are recognised on the words as written, dots included ("K.H.", "S.Pd"),
    # before punctuation is dropped and would split them into single letters.
    words = [w for w in _SPACES.split(text.replace(",", " ")) if _NON_LETTER.sub("", w)]
    while len(words) > 1 and _is_title(words[0]):
        words.pop(0)
    while len(words) > 1 and _is_dotted_degree(words[-1]):
        words.pop()
    raw = [t for t in _SPACES.split(_NON_LETTER.sub(" ", " ".join(words))) if t]
    tokens: list[str] = []
    for position, token in enumerate(raw):
        if token in _PATRONYMIC:
            continue
        if not tokens and position < len(raw) - 1 and _is_title(token):
            continue  # a title glued to the name ("H.Moch."), not a one-word name
        token = _modern(token)
        if token in _MUHAMMAD or (token == "m" and not tokens and len(raw) > 1):
            token = "muhammad"
        tokens.append(token)
    return tokens


def normalize_name(name: str) -> str:
    """Returns the name as one normalised string, for display-free comparison."""
    return " ".join(name_tokens(name))


_VOWEL_Y = re.compile(r"y(?![aeiou])")
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
    # A y that no vowel follows is itself a vowel (Rudy = Rudi, Hendry = Hendri); only a consonant
    # y is the j of old spellings (Yusuf = Jusuf).
    token = _VOWEL_Y.sub("i", token)
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
