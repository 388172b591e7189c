"""Pages come in Bahasa Indonesia by default; /i18n/setlang/ switches a visitor to English."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOGIN = reverse("accounts:login")
SETLANG = reverse("set_language")


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_indonesian_is_the_default_language(client, db):
    assert settings.LANGUAGE_CODE == "id"
    response = client.get(LOGIN)
    assert html_lang(response) == "id"
    assert "Masuk ke atensi" in response.content.decode()


def test_a_browser_asking_for_another_language_still_gets_one_we_offer(client, db):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(response) == "id"


def test_the_switch_sets_the_language_cookie_and_goes_back(client, db):
    response = client.post(SETLANG, {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_language_we_do_not_offer_falls_back_to_indonesian(client, db):
    client.post(SETLANG, {"language": "fr", "next": LOGIN})
    assert html_lang(client.get(LOGIN)) == "id"


def test_after_the_switch_pages_come_in_english(client, db):
    client.post(SETLANG, {"language": "en", "next": LOGIN})
    # An empty form makes Django's own "required" message, translated in both catalogues.
    response = client.post(LOGIN, {"username": "", "password": ""})
    page = response.content.decode()
    assert html_lang(response) == "en"
    assert "This field is required." in page
    assert "Bidang ini harus diisi." not in page


def test_without_the_switch_the_same_message_is_indonesian(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert "Bidang ini harus diisi." in response.content.decode()


def test_our_own_strings_follow_the_switch(client, db):
    with translation.override("en"):
        english = translation.gettext("Masuk ke atensi")
    if (Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo").exists():
        assert english != "Masuk ke atensi", "the English catalogue translates the login title"
    client.post(SETLANG, {"language": "en", "next": LOGIN})
    assert english in client.get(LOGIN).content.decode()


def test_switching_back_to_indonesian(client, db):
    client.post(SETLANG, {"language": "en", "next": LOGIN})
    client.post(SETLANG, {"language": "id", "next": LOGIN})
    response = client.get(LOGIN)
    assert html_lang(response) == "id"
    assert "Masuk ke atensi" in response.content.decode()
