"""The English catalogue: complete, compiled, in step with the source, and used by pages and API.

Bahasa Indonesia is the source language; English comes from atensi/locale/en. When a test here
fails after you added or changed a string, run `.venv/bin/python scripts/update_translations.py`,
translate what it lists in django.po, and run it again (it compiles django.mo).
"""

import datetime as dt
import importlib.util
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.registry.factories import nik_for

ROOT = Path(__file__).resolve().parent.parent
LOGIN = reverse("accounts:login")
SETLANG = reverse("set_language")
REGISTRY = reverse("registry:list")


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
# printf-style (%s, %(name)s, %d, %%), str.format ({name}) and HTML tags must survive translation.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]|\{\w*\}|<[^>]+>")


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- the catalogue itself ------------------------------------------------------------------------


def test_the_catalogue_is_where_settings_look_for_it():
    assert tool.PO_FILE.parent == Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
    assert tool.PO_FILE.exists() and tool.MO_FILE.exists()


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = tool.catalogue_entries()
    assert len(entries) > 1000
    assert tool.problems(entries) == []
    assert not tool.header().fuzzy, "a fuzzy header is left out of django.mo, plural rule too"


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in tool.catalogue_entries():
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, text in enumerate(entry.msgstr):
            source = sources[min(index, len(sources) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_committed_mo_is_compiled_from_the_po():
    # A fresh clone may have no msgfmt, so django.mo is committed; it must not lag behind.
    expected = tool.expected_mo_catalogue(tool.catalogue_entries())
    assert tool.mo_catalogue() == expected


def test_the_source_has_no_string_missing_from_the_catalogue():
    missing_programs = tool.gettext_missing()
    if missing_programs:
        pytest.skip(f"GNU gettext is not installed (missing {missing_programs})")
    started = time.monotonic()
    known = {entry.key for entry in tool.catalogue_entries()}
    missing = sorted(key[1] for key in tool.source_keys() - known)
    assert not missing, "run scripts/update_translations.py and translate:\n" + "\n".join(missing)
    assert time.monotonic() - started < 30, "extracting the strings got slow"


def test_no_gettext_call_hides_inside_an_f_string():
    # xgettext 0.21 skips f"{_('Kec.')} ..." silently: the string never reaches the catalogue.
    assert tool.gettext_in_fstrings() == []


# --- the checks can fail -------------------------------------------------------------------------

SAMPLE = r"""
msgid ""
msgstr ""
"Language: en\n"

#: atensi/x.py
msgid "Simpan"
msgstr "Save"

#: atensi/x.py
#, fuzzy, python-format
#| msgid "Hapus %s"
msgid "Hapus %s?"
msgstr "Delete %s"

#: atensi/y.html
msgid "Belum"
msgstr ""

#, python-format
msgid "%(n)s orang"
msgid_plural "%(n)s orang"
msgstr[0] "%(n)s person"
msgstr[1] ""
"%(n)s people"

msgctxt "bulan"
msgid "Mei"
msgstr "May"

#~ msgid "Lama"
#~ msgstr "Old"
"""


def test_the_parser_reads_flags_plurals_contexts_and_continuations():
    entries = [entry for entry in tool.parse_po(SAMPLE) if entry.msgid]
    assert [entry.msgid for entry in entries] == [
        "Simpan",
        "Hapus %s?",
        "Belum",
        "%(n)s orang",
        "Mei",
    ]
    assert entries[1].fuzzy and "python-format" in entries[1].flags
    assert entries[3].msgstr == ["%(n)s person", "%(n)s people"]
    assert entries[4].key == ("bulan", "Mei", None)


def test_untranslated_and_fuzzy_entries_are_reported():
    entries = [entry for entry in tool.parse_po(SAMPLE) if entry.msgid]
    reported = tool.problems(entries)
    assert reported == [
        "fuzzy: 'Hapus %s?' (atensi/x.py)",
        "untranslated: 'Belum' (atensi/y.html)",
    ]


def test_a_gettext_call_inside_an_f_string_is_found(tmp_path):
    package = tmp_path / "atensi"
    package.mkdir()
    (tmp_path / "config").mkdir()
    (package / "labels.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "ok = _('Simpan')\n"
        "hidden = f\"{_('Kec.')} {name}\"\n"
    )
    assert tool.gettext_in_fstrings(tmp_path) == ["atensi/labels.py:3"]


def test_a_stale_mo_is_noticed():
    entries = [entry for entry in tool.parse_po(SAMPLE) if entry.msgid]
    assert tool.expected_mo_catalogue(entries) == {
        "Simpan": "Save",
        ("%(n)s orang", 0): "%(n)s person",
        ("%(n)s orang", 1): "%(n)s people",
        "bulan\x04Mei": "May",
    }
    assert tool.mo_catalogue() != tool.expected_mo_catalogue(entries)


# --- pages and API in English ---------------------------------------------------------------------


def test_a_signed_in_user_switches_pages_to_english(client, pendamping_a):
    response = client.post(LOGIN, {"username": "pendamping_a", "password": PASSWORD})
    assert response.status_code == 302
    client.post(SETLANG, {"language": "en", "next": REGISTRY})
    page = client.get(REGISTRY)
    text = page.content.decode()
    assert html_lang(page) == "en"
    assert "<title>Beneficiary registry" in text
    assert "Register a person" in text
    assert "Registri penerima manfaat" not in text


def test_the_login_page_is_english_after_the_switch(client, db):
    client.post(SETLANG, {"language": "en", "next": LOGIN})
    text = client.get(LOGIN).content.decode()
    assert "Sign in to atensi" in text
    assert "Masuk ke atensi" not in text


def test_without_the_switch_pages_stay_indonesian(client, pendamping_a):
    client.post(LOGIN, {"username": "pendamping_a", "password": PASSWORD})
    page = client.get(REGISTRY)
    text = page.content.decode()
    assert html_lang(page) == "id"
    assert "Registri penerima manfaat" in text
    assert "Beneficiary registry" not in text


def _api(user, language: str | None = None):
    from rest_framework.test import APIClient

    from atensi.accounts.services import user_token

    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {user_token(actor=user, user=user)}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


def _invalid_nik_person() -> dict:
    nik = nik_for(dt.date(2013, 8, 21), "P")
    return {
        "nik": nik[:4] + "00" + nik[6:],  # district 00 can never be right
        "full_name": "Putri Ayu Lestari",
        "sex": "P",
        "birth_date": "2013-08-21",
        "target_group": "anak",
    }


def test_the_api_answers_in_english_when_asked(pendamping_a):
    response = _api(pendamping_a, "en").post(
        "/api/v1/persons/", _invalid_nik_person(), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "The person's data is not right yet; correct the marked fields."
    assert error["details"]["nik"] == ["The district code in the NIK may not be 00."]


def test_the_api_answers_in_indonesian_by_default(pendamping_a):
    response = _api(pendamping_a).post("/api/v1/persons/", _invalid_nik_person(), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Data orang belum benar; perbaiki kolom yang ditandai."
    assert error["details"]["nik"] == ["Kode kecamatan di NIK tidak boleh 00."]
