"""Keeps the English catalogue (atensi/locale/en/LC_MESSAGES) in step with the Indonesian source.

    .venv/bin/python scripts/update_translations.py           # update django.po, compile django.mo
    .venv/bin/python scripts/update_translations.py --prune   # the same, dropping obsolete entries
    .venv/bin/python scripts/update_translations.py --check   # change nothing; exit 1 if out of step

Updating runs `makemessages -l en` over the atensi package and config (existing translations are
kept: makemessages merges, and a changed source string comes back as a fuzzy entry with its old
text), then `compilemessages`, and lists the entries that still need an English text. Both need
GNU gettext (Debian: gettext). A string that leaves the source stays in django.po as an obsolete
`#~` entry, so its translation comes back if the string does (while other work is mid-edit);
--prune drops those.

--check fails when a translatable string in the source is missing from the catalogue (needs GNU
gettext; skipped with a note without it), when a gettext call sits inside an f-string (xgettext
0.21, Debian 12's, does not extract it, so it would stay Indonesian), when an entry is untranslated
or fuzzy, or when the committed django.mo does not match django.po (a fresh clone may have no
msgfmt, so the compiled catalogue is committed and must not go stale).
"""

import argparse
import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "atensi" / "locale"
LANGUAGE = "en"
PO_FILE = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# makemessages walks the whole work tree; only the atensi package and config hold our strings.
IGNORE = [".venv", "var", "tests", "bench", "node_modules", "scripts", "build", "*.egg-info"]
# File names without line numbers: line numbers would change the catalogue on every unrelated edit.
MAKEMESSAGES_OPTIONS = ["--add-location=file"]
GETTEXT_PROGRAMS = ["xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt"]
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
SOURCE_PACKAGES = ("atensi", "config")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    # PO strings use C escapes, which a Python string literal reads the same way for \n \t \" \\.
    return ast.literal_eval(text)


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    """Returns the live entries of a PO file (obsolete `#~` entries are left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    pending_refs: list[str] = []
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0].startswith("msgstr"):
                finish()
                target = None
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                pending_refs.extend(line[2:].split())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{where}: a continuation line outside an entry")
            value = _unquote(line, where)
            attribute, index = target
            if attribute == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, attribute, getattr(current, attribute) + value)
            continue
        if keyword in ("msgctxt", "msgid") and (
            current is None or (target is not None and target[0] == "msgstr")
        ):
            finish()
            current = Entry(msgid="", flags=pending_flags, references=pending_refs)
            pending_flags, pending_refs = set(), []
        if current is None:
            raise ValueError(f"{where}: {keyword} before msgid")
        if keyword == "msgctxt":
            current.msgctxt = _unquote(rest, where)
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid = _unquote(rest, where)
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural = _unquote(rest, where)
            target = ("msgid_plural", 0)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = _unquote(rest, where)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{where}: unknown keyword {keyword!r}")
    finish()
    return entries


def catalogue_entries(path: Path = PO_FILE) -> list[Entry]:
    """Returns the catalogue's entries without the header (the entry whose msgid is empty)."""
    return [entry for entry in parse_po(path.read_text(encoding="utf-8"), path.name) if entry.msgid]


def header(path: Path = PO_FILE) -> Entry:
    """Returns the catalogue's header entry."""
    return next(entry for entry in parse_po(path.read_text(encoding="utf-8")) if not entry.msgid)


def expected_mo_catalogue(entries: list[Entry]) -> dict:
    """Returns what gettext should read from a django.mo compiled from these entries."""
    catalogue: dict = {}
    for entry in entries:
        if entry.fuzzy or not entry.translated:
            continue  # msgfmt leaves these out, so gettext falls back to the Indonesian source
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalogue[msgid] = entry.msgstr[0]
        else:
            for index, text in enumerate(entry.msgstr):
                catalogue[(msgid, index)] = text
    return catalogue


def mo_catalogue(path: Path = MO_FILE) -> dict:
    """Returns the messages of a compiled catalogue, header left out."""
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {key: value for key, value in translations._catalog.items() if key != ""}


def problems(entries: list[Entry]) -> list[str]:
    """Returns one line per entry that is untranslated or fuzzy."""
    found = []
    for entry in entries:
        state = "fuzzy" if entry.fuzzy else None if entry.translated else "untranslated"
        if state:
            where = entry.references[0] if entry.references else "?"
            found.append(f"{state}: {entry.msgid!r} ({where})")
    return found


def gettext_in_fstrings(root: Path = ROOT) -> list[str]:
    """Returns `file:line` of every gettext call inside an f-string: xgettext cannot extract it."""
    found = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in GETTEXT_FUNCTIONS
                    ):
                        found.append(f"{path.relative_to(root)}:{inner.lineno}")
    return sorted(
        set(found), key=lambda where: (where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))
    )


def gettext_missing() -> list[str]:
    """Returns the GNU gettext programs that are not installed."""
    return [program for program in GETTEXT_PROGRAMS if shutil.which(program) is None]


def _atensi(args: list[str], cwd: Path) -> None:
    # PYTHONSAFEPATH: `-m` must import atensi from this checkout, never from a scratch copy in cwd.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONSAFEPATH": "1"}
    env.setdefault("ATENSI_DATA_DIR", str(Path(tempfile.gettempdir()) / "atensi-i18n"))
    command = [sys.executable, "-m", "atensi", *args]
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(args[:1])} failed:\n{result.stdout}{result.stderr}")


def _makemessages(cwd: Path, *, prune: bool = False) -> None:
    ignores = [f"--ignore={pattern}" for pattern in IGNORE]
    options = [*MAKEMESSAGES_OPTIONS, *(["--no-obsolete"] if prune else [])]
    _atensi(["makemessages", "-l", LANGUAGE, *options, *ignores], cwd)


def source_keys() -> set[tuple[str | None, str, str | None]]:
    """Returns the keys of every translatable string in the source, extracted into a scratch copy."""
    with tempfile.TemporaryDirectory(prefix="atensi-i18n-") as scratch:
        tree = Path(scratch)
        skip = shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc", "node_modules")
        for package in SOURCE_PACKAGES:
            shutil.copytree(ROOT / package, tree / package, ignore=skip)
        # A `locale` folder at the top of the copy catches every file, so nothing is written to the
        # real catalogue that settings.LOCALE_PATHS names.
        (tree / "locale").mkdir()
        _makemessages(tree)
        fresh = tree / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
        return {entry.key for entry in catalogue_entries(fresh)}


def check() -> int:
    entries = catalogue_entries()
    failures = problems(entries)
    if mo_catalogue() != expected_mo_catalogue(entries):
        failures.append(f"{MO_FILE.relative_to(ROOT)} is stale: compile it from django.po")
    failures += [
        f"{where}: gettext inside an f-string is not extracted; translate into a variable first"
        for where in gettext_in_fstrings()
    ]
    missing_programs = gettext_missing()
    if missing_programs:
        print(f"note: not comparing with the source, GNU gettext is missing {missing_programs}")
    else:
        known = {entry.key for entry in entries}
        found = source_keys()
        failures += [
            f"missing from the catalogue: {key[1]!r}" for key in sorted(found - known, key=str)
        ]
        stale = len(known - found)
        if stale:
            print(f"note: {stale} entries no longer in the source (an update marks them obsolete)")
    for line in failures:
        print(line)
    print(f"{len(entries)} entries, {len(failures)} problems")
    return 1 if failures else 0


def update(*, prune: bool) -> int:
    missing_programs = gettext_missing()
    if missing_programs:
        raise SystemExit(
            f"GNU gettext is needed (missing {missing_programs}): apt-get install gettext"
        )
    _makemessages(ROOT, prune=prune)
    ignores = [f"--ignore={pattern}" for pattern in IGNORE]
    _atensi(["compilemessages", "-l", LANGUAGE, *ignores], ROOT)
    entries = catalogue_entries()
    todo = problems(entries)
    for line in todo:
        print(line)
    obsolete = PO_FILE.read_text(encoding="utf-8").count("\n#~ msgid ")
    print(
        f"{PO_FILE.relative_to(ROOT)}: {len(entries)} entries, {len(todo)} to translate, "
        f"{obsolete} obsolete"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if out of step")
    parser.add_argument("--prune", action="store_true", help="drop obsolete entries")
    options = parser.parse_args()
    return check() if options.check else update(prune=options.prune)


if __name__ == "__main__":
    sys.exit(main())
