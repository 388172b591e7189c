"""POST /api/v1/nik/check/: the NIK rules of the form and the CLI, answered as JSON."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from atensi.registry.validation import NIK_MESSAGES
from tests.api_helpers import error_of
from tests.registry.factories import nik_for

URL = "/api/v1/nik/check/"
BORN = dt.date(2012, 5, 17)
GIRL = nik_for(BORN, "P", serial=12)  # 3175015705120012


def cli_json(nik: str, *options: str) -> dict:
    """Returns what `atensi nik check NIK --json` prints (it exits 1 for an invalid NIK)."""
    out = io.StringIO()
    try:
        call_command("nik", "check", nik, *options, "--json", stdout=out)
    except SystemExit as exit:
        assert exit.code == 1
    return json.loads(out.getvalue())


def test_a_valid_nik_is_decoded(api, pendamping_a):
    response = api(pendamping_a).post(URL, {"nik": GIRL}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "errors": [],
        "warnings": [],
        "province_code": "31",
        "regency_code": "31.75",
        "district_code": "31.75.01",
        "birth_date": "2012-05-17",
        "sex": "P",
        "messages": {},
    }


def test_errors_reject_and_come_with_messages(api, pendamping_a):
    body = api(pendamping_a).post(URL, {"nik": "3175004213120000"}, format="json").json()
    assert body["valid"] is False
    assert body["errors"] == ["district_zero", "birth_date_invalid", "serial_zero"]
    assert body["messages"]["district_zero"] == "Kode kecamatan di NIK tidak boleh 00."
    assert set(body["messages"]) == set(body["errors"])


def test_mismatches_are_warnings_not_errors(api, pendamping_a):
    body = (
        api(pendamping_a)
        .post(URL, {"nik": GIRL, "birth_date": "2012-05-18", "sex": "L"}, format="json")
        .json()
    )
    assert body["valid"] is True
    assert body["errors"] == []
    assert body["warnings"] == ["birth_date_mismatch", "sex_mismatch"]
    assert set(body["messages"]) == {"birth_date_mismatch", "sex_mismatch"}


@pytest.mark.parametrize(
    "nik, options",
    [
        (GIRL, []),
        ("3175-0157-0512-0012", ["--birth-date", "2012-05-18", "--sex", "L"]),
        ("9975015705120012", []),
        ("31750157051", []),
        ("3175015705120000", ["--sex", "P"]),
        ("abc", []),
    ],
)
def test_it_answers_exactly_what_the_cli_prints(api, pendamping_a, nik, options):
    body = {"nik": nik}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        body[flag.removeprefix("--").replace("-", "_")] = value
    answer = api(pendamping_a).post(URL, body, format="json").json()
    messages = answer.pop("messages")
    assert answer == cli_json(nik, *options)
    assert set(messages) == set(answer["errors"]) | set(answer["warnings"])


@pytest.mark.parametrize("language", ["id", "en"])
def test_messages_are_in_the_callers_language(api, pendamping_a, language):
    body = api(pendamping_a, language=language).post(URL, {"nik": "12"}, format="json").json()
    with translation.override(language):
        assert body["messages"] == {"length": str(NIK_MESSAGES["length"])}


def test_a_malformed_request_is_400(api, pendamping_a):
    client = api(pendamping_a)
    response = client.post(
        URL, {"nik": GIRL, "birth_date": "17-05-2012", "sex": "X"}, format="json"
    )
    assert response.status_code == 400
    assert {"birth_date", "sex"} <= set(error_of(response)["details"])
    assert "nik" in error_of(client.post(URL, {}, format="json"))["details"]
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(URL, {"nik": GIRL, "birth_date": future}, format="json")
    assert "birth_date" in error_of(response)["details"]


def test_it_needs_a_registry_role(api, finance_a, db):
    assert api(finance_a).post(URL, {"nik": GIRL}, format="json").status_code == 403
    assert api().post(URL, {"nik": GIRL}, format="json").status_code == 401
