"""`atensi nik check`: the same NIK rules as the person form and the API, for operators and scripts."""

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from atensi.registry.validation import NIK_MESSAGES, validate_person

pytestmark = pytest.mark.django_db

JSON_KEYS = [
    "valid",
    "errors",
    "warnings",
    "province_code",
    "regency_code",
    "district_code",
    "birth_date",
    "sex",
]


def run(*args) -> tuple[str, int]:
    """Runs the command; returns its stdout and exit status."""
    out = io.StringIO()
    try:
        call_command("nik", "check", *args, stdout=out)
    except SystemExit as exc:
        return out.getvalue(), exc.code
    return out.getvalue(), 0


def run_json(*args) -> tuple[dict, int]:
    out, status = run(*args, "--json")
    return json.loads(out), status


def test_it_prints_exactly_the_documented_json_for_a_valid_nik():
    data, status = run_json("3175015705120001")
    assert status == 0
    assert list(data) == JSON_KEYS
    assert data == {
        "valid": True,
        "errors": [],
        "warnings": [],
        "province_code": "31",
        "regency_code": "31.75",
        "district_code": "31.75.01",
        "birth_date": "2012-05-17",
        "sex": "P",
    }


def test_it_exits_with_1_and_still_prints_the_answer_for_an_invalid_nik():
    data, status = run_json("3175001705120000")
    assert status == 1
    assert data["valid"] is False
    assert data["errors"] == ["district_zero", "serial_zero"]


def test_it_exits_with_1_for_a_nik_it_cannot_read():
    data, status = run_json("12345")
    assert status == 1
    assert data == {
        "valid": False,
        "errors": ["length"],
        "warnings": [],
        "province_code": None,
        "regency_code": None,
        "district_code": None,
        "birth_date": None,
        "sex": None,
    }


def test_it_checks_region_codes_against_the_database():
    data, status = run_json("9975011705120001")
    assert (status, data["errors"]) == (1, ["province_unknown"])
    data, _status = run_json("3199011705120001")
    assert data["errors"] == ["regency_unknown"]
    data, _status = run_json("3175991705120001")
    assert data["errors"] == ["district_unknown"]


def test_a_nik_with_kota_sorongs_code_from_before_the_split_is_valid():
    data, status = run_json("9271011705900001")
    assert status == 0
    assert data["valid"] is True
    assert data["regency_code"] == "92.71"


def test_mismatching_birth_date_and_sex_are_warnings_and_exit_0():
    data, status = run_json("3175011705120001", "--birth-date", "2012-05-18", "--sex", "P")
    assert status == 0
    assert data["valid"] is True
    assert data["warnings"] == ["birth_date_mismatch", "sex_mismatch"]
    assert data["birth_date"] == "2012-05-17"


def test_the_recorded_birth_date_settles_the_century():
    data, _status = run_json("3175011705120001", "--birth-date", "1912-05-17")
    assert data["birth_date"] == "1912-05-17"
    assert data["warnings"] == []


def test_the_sex_may_be_given_in_lower_case():
    data, _status = run_json("3175015705120001", "--sex", "p")
    assert data["warnings"] == []


def test_separators_in_the_nik_are_ignored():
    data, status = run_json("3175.0157.0512.0001")
    assert status == 0
    assert data["district_code"] == "31.75.01"


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3175015705120001", dt.date(2012, 5, 17), "P"),
        ("3175011705120001", dt.date(2012, 5, 18), "P"),
        ("3175003102120000", None, "L"),
        ("9975011705120001", None, "L"),
        ("9271011705900001", dt.date(1990, 5, 17), "L"),
        ("3175017205120001", None, "P"),
        ("31750117051200", None, "L"),
    ],
)
def test_it_gives_the_same_answer_as_the_person_form(nik, birth_date, sex):
    args = [nik, "--sex", sex]
    if birth_date:
        args += ["--birth-date", birth_date.isoformat()]
    data, _status = run_json(*args)
    form = validate_person(
        {
            "full_name": "Siti Aminah",
            "sex": sex,
            "target_group": "anak",
            "birth_date": birth_date,
            "nik": nik,
        }
    )
    assert form.errors.get("nik", []) == [str(NIK_MESSAGES[code]) for code in data["errors"]]
    assert form.warnings == data["warnings"]


def test_without_json_it_prints_a_readable_summary_in_indonesian():
    out, status = run("3175015705120001", "--birth-date", "2012-05-18", "--sex", "L")
    assert status == 0
    assert "NIK 3175015705120001: SAH" in out
    assert "Matraman" in out
    assert "Kota Administrasi Jakarta Timur" in out
    assert "17-05-2012" in out
    assert "perempuan" in out
    assert str(NIK_MESSAGES["birth_date_mismatch"]) in out
    assert str(NIK_MESSAGES["sex_mismatch"]) in out


def test_the_summary_of_an_invalid_nik_lists_each_error():
    out, status = run("3175003102120000")
    assert status == 1
    assert "TIDAK SAH" in out
    for code in ("district_zero", "birth_date_invalid", "serial_zero"):
        assert str(NIK_MESSAGES[code]) in out


def test_the_summary_names_the_successor_of_a_retired_code():
    out, _status = run("9271011705900001")
    assert "92.71 Kota Sorong" in out
    assert "96.71" in out


@pytest.mark.parametrize("value", ["17-05-2012", "2012-02-30", "2012/05/17", "20120517", "kemarin"])
def test_a_malformed_birth_date_is_a_clear_command_error(value):
    with pytest.raises(CommandError, match="--birth-date") as caught:
        run("3175011705120001", "--birth-date", value)
    assert "TTTT-BB-HH" in str(caught.value)
    assert value in str(caught.value)
    assert caught.value.returncode == 2


def test_a_birth_date_in_the_future_is_a_command_error():
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(CommandError, match="masa depan"):
        run("3175011705120001", "--birth-date", tomorrow.isoformat())


@pytest.mark.parametrize("value", ["X", "M", "laki-laki", ""])
def test_a_sex_other_than_l_or_p_is_a_clear_command_error(value):
    with pytest.raises(CommandError, match="--sex harus L") as caught:
        run("3175011705120001", "--sex", value)
    assert caught.value.returncode == 2


def test_the_help_documents_the_exit_status():
    help_text = subprocess.run(
        [sys.executable, "-m", "atensi", "nik", "check", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "0 valid, 1 invalid" in " ".join(help_text.split())
