"""NIK rules (DOMAIN.md §4): structure errors reject, disagreements with the record only warn.

Pure tests: no database; region codes come from a small fake of the region history.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from atensi.lib import nik as rules
from atensi.lib.nik import check_nik, clean_nik

TODAY = dt.date(2026, 3, 1)

# A sliver of the region history: current codes plus Kota Sorong's code from before the 2022
# Papua Barat Daya split (92.71 → 96.71), which NIKs issued before the split still carry.
KNOWN_CODES = {
    "31",
    "31.75",
    "31.75.01",
    "32",
    "32.01",
    "32.01.01",
    "92",
    "92.71",
    "92.71.01",
    "96",
    "96.71",
    "96.71.01",
}


def region_exists(code: str) -> bool:
    return code in KNOWN_CODES


def make_nik(
    dd: int | str,
    mm: int | str = 5,
    yy: int | str = 12,
    *,
    district: str = "317501",
    serial: str = "0001",
) -> str:
    def two(value):
        return value if isinstance(value, str) else f"{value:02d}"

    return f"{district}{two(dd)}{two(mm)}{two(yy)}{serial}"


def check(raw, **kwargs):
    kwargs.setdefault("region_exists", region_exists)
    kwargs.setdefault("today", TODAY)
    return check_nik(raw, **kwargs)


# --- a valid NIK and what it encodes ---------------------------------------------------------


def test_it_accepts_a_mans_nik_and_reads_region_birth_date_and_sex():
    result = check("3175011705120001")
    assert result.valid is True
    assert result.errors == []
    assert result.warnings == []
    assert result.province_code == "31"
    assert result.regency_code == "31.75"
    assert result.district_code == "31.75.01"
    assert result.birth_date == dt.date(2012, 5, 17)
    assert result.sex == "L"


def test_it_reads_a_womans_day_plus_40():
    result = check("3175015705120001")
    assert result.valid
    assert result.birth_date == dt.date(2012, 5, 17)
    assert result.sex == "P"


@pytest.mark.parametrize(
    ("dd", "day", "sex"),
    [(1, 1, "L"), (31, 31, "L"), (41, 1, "P"), (71, 31, "P"), (60, 20, "P")],
)
def test_it_decodes_the_day_and_sex_at_the_edges(dd, day, sex):
    result = check(make_nik(dd, 1, 90))
    assert result.valid, result.errors
    assert (result.birth_date, result.sex) == (dt.date(1990, 1, day), sex)


def test_the_json_shape_has_exactly_the_documented_keys_in_order():
    data = check("3175015705120001", birth_date=dt.date(2012, 5, 17), sex="P").as_dict()
    assert list(data) == [
        "valid",
        "errors",
        "warnings",
        "province_code",
        "regency_code",
        "district_code",
        "birth_date",
        "sex",
    ]
    assert data["birth_date"] == "2012-05-17"
    assert data["valid"] is True


def test_the_json_shape_of_an_unreadable_nik_has_nulls():
    assert check("123").as_dict() == {
        "valid": False,
        "errors": ["length"],
        "warnings": [],
        "province_code": None,
        "regency_code": None,
        "district_code": None,
        "birth_date": None,
        "sex": None,
    }


# --- separators, length, digits -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3175 0117 0512 0001",
        "31.75.01.170512.0001",
        "3175-0117-0512-0001",
        " 3175011705120001 ",
        "3175011705120001\n",
        "3175\t0117\t0512\t0001",
    ],
)
def test_it_strips_the_separators_people_type(typed):
    result = check(typed)
    assert result.valid, result.errors
    assert result.nik == "3175011705120001"


def test_clean_nik_handles_none_and_numbers():
    assert clean_nik(None) == ""
    assert clean_nik(3175011705120001) == "3175011705120001"


@pytest.mark.parametrize(
    "raw", ["317501170512000", "31750117051200011", "3175", "", None, "3175 0117 0512 000"]
)
def test_it_rejects_a_nik_that_is_not_16_digits_long(raw):
    result = check(raw)
    assert result.valid is False
    assert result.errors == [rules.LENGTH]
    assert result.birth_date is None


@pytest.mark.parametrize(
    "raw",
    [
        "317501170512000A",
        "31750117O512OOO1",  # letter O for zero
        "3175011705l20001",  # letter l for one
        "317501170512000²",  # str.isdigit() says True; int() would crash
        "٣١٧٥٠١١٧٠٥١٢٠٠٠١",  # Arabic-Indic digits
        "3175/117/0512/01",
    ],
)
def test_it_rejects_anything_but_ascii_digits(raw):
    result = check(raw)
    assert result.valid is False
    assert result.errors == [rules.DIGITS]
    assert result.province_code is None


def test_it_reports_both_wrong_characters_and_wrong_length():
    assert check("31750A").errors == [rules.DIGITS, rules.LENGTH]


# --- region codes -------------------------------------------------------------------------------


def test_it_rejects_an_unknown_province():
    result = check(make_nik(17, district="997501"))
    assert result.errors == [rules.PROVINCE_UNKNOWN]
    assert result.province_code == "99"


def test_it_rejects_an_unknown_regency_in_a_known_province():
    result = check(make_nik(17, district="319901"))
    assert result.errors == [rules.REGENCY_UNKNOWN]


def test_it_rejects_an_unknown_district_in_a_known_regency():
    result = check(make_nik(17, district="317599"))
    assert result.errors == [rules.DISTRICT_UNKNOWN]


def test_it_rejects_district_00_without_also_calling_it_unknown():
    result = check(make_nik(17, district="317500"))
    assert result.errors == [rules.DISTRICT_ZERO]
    assert result.district_code == "31.75.00"


def test_district_00_is_an_error_even_without_region_codes():
    result = check(make_nik(17, district="317500"), region_exists=None)
    assert result.errors == [rules.DISTRICT_ZERO]


def test_without_region_codes_only_the_structure_is_checked():
    result = check(make_nik(17, district="997501"), region_exists=None)
    assert result.valid


def test_it_asks_for_dotted_codes_from_province_down():
    asked = []

    def spy(code):
        asked.append(code)
        return True

    check("3175011705120001", region_exists=spy)
    assert asked == ["31", "31.75", "31.75.01"]


def test_a_retired_code_from_before_a_split_stays_valid():
    # Kota Sorong was 92.71 until the Papua Barat Daya split of 2022; NIKs keep the old code.
    result = check(make_nik(17, 5, 90, district="927101"))
    assert result.valid, result.errors
    assert result.regency_code == "92.71"


# --- serial ------------------------------------------------------------------------------------


def test_it_rejects_serial_0000():
    result = check(make_nik(17, serial="0000"))
    assert result.errors == [rules.SERIAL_ZERO]


@pytest.mark.parametrize("serial", ["0001", "9999", "1000"])
def test_any_other_serial_is_fine(serial):
    assert check(make_nik(17, serial=serial)).valid


# --- impossible dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dd", "mm", "yy", "why"),
    [
        (31, 2, 12, "31 February"),
        (30, 2, 12, "30 February"),
        (29, 2, 23, "29 February in a common year"),
        (0, 5, 12, "day 00"),
        (40, 5, 12, "day 40 is neither a man's nor a woman's day"),
        (32, 5, 12, "day 32 for a man"),
        (72, 5, 12, "day 72 for a woman (= 32)"),
        (71, 4, 12, "31 April for a woman"),
        (31, 6, 12, "31 June"),
        (17, 0, 12, "month 00"),
        (17, 13, 12, "month 13"),
        (99, 99, 99, "all nines"),
    ],
)
def test_it_rejects_a_date_that_does_not_exist(dd, mm, yy, why):
    result = check(make_nik(dd, mm, yy))
    assert result.valid is False, why
    assert result.errors == [rules.BIRTH_DATE_INVALID], why
    assert result.birth_date is None
    assert result.sex is None


@pytest.mark.parametrize(
    ("dd", "mm", "yy", "expected"),
    [
        (29, 2, 24, dt.date(2024, 2, 29)),
        (69, 2, 24, dt.date(2024, 2, 29)),  # a woman born on leap day
        (29, 2, 0, dt.date(2000, 2, 29)),  # 2000 was a leap year
        (31, 12, 99, dt.date(1999, 12, 31)),
        (71, 1, 26, dt.date(2026, 1, 31)),
    ],
)
def test_it_accepts_the_dates_that_do_exist(dd, mm, yy, expected):
    result = check(make_nik(dd, mm, yy))
    assert result.valid, result.errors
    assert result.birth_date == expected


def test_a_leap_day_in_1900_does_not_exist():
    # 1900 was not a leap year: a recorded 1900 birth date puts the NIK there, where 29-02 fails.
    result = check(make_nik(29, 2, 0), birth_date=dt.date(1900, 3, 1))
    assert result.errors == [rules.BIRTH_DATE_INVALID]


def test_errors_accumulate():
    result = check(make_nik(0, 5, 12, district="317500", serial="0000"))
    assert result.errors == [rules.DISTRICT_ZERO, rules.BIRTH_DATE_INVALID, rules.SERIAL_ZERO]


# --- the century -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yy", "mm", "year"),
    [
        (0, 5, 2000),
        (12, 5, 2012),
        (25, 12, 2025),
        (26, 2, 2026),  # this year, already past
        (26, 6, 1926),  # this year's June is still to come: nobody is born in the future
        (27, 1, 1927),  # after the current year
        (45, 8, 1945),
        (99, 5, 1999),
    ],
)
def test_it_infers_the_century_from_today(yy, mm, year):
    result = check(make_nik(15, mm, yy))
    assert result.valid, result.errors
    assert result.birth_date == dt.date(year, mm, 15)
    assert rules.BIRTH_DATE_IN_FUTURE not in result.warnings


def test_the_recorded_birth_date_settles_the_century():
    result = check(make_nik(17, 5, 12), birth_date=dt.date(1912, 5, 17))
    assert result.birth_date == dt.date(1912, 5, 17)
    assert result.warnings == []


def test_the_recorded_century_is_kept_when_only_the_day_differs():
    result = check(make_nik(17, 5, 12), birth_date=dt.date(1912, 5, 18))
    assert result.birth_date == dt.date(1912, 5, 17)
    assert result.warnings == [rules.BIRTH_DATE_MISMATCH]


def test_a_recorded_date_in_another_year_does_not_decide_the_century():
    result = check(make_nik(17, 5, 12), birth_date=dt.date(1950, 5, 17))
    assert result.birth_date == dt.date(2012, 5, 17)
    assert result.warnings == [rules.BIRTH_DATE_MISMATCH]


def test_a_recorded_birth_date_in_the_future_is_flagged():
    result = check(make_nik(15, 6, 26), birth_date=dt.date(2026, 6, 15))
    assert result.birth_date == dt.date(2026, 6, 15)
    assert result.valid
    assert result.warnings == [rules.BIRTH_DATE_IN_FUTURE]


def test_today_is_the_day_in_jakarta():
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    born_today = make_nik(today.day, today.month, today.year % 100)
    result = check_nik(born_today)
    assert result.birth_date == today
    assert result.warnings == []


# --- disagreements with the record are warnings only ---------------------------------------------


def test_a_different_recorded_birth_date_is_only_a_warning():
    result = check("3175011705120001", birth_date=dt.date(2012, 5, 18))
    assert result.valid is True
    assert result.errors == []
    assert result.warnings == [rules.BIRTH_DATE_MISMATCH]
    assert result.birth_date == dt.date(2012, 5, 17)


def test_a_different_recorded_sex_is_only_a_warning():
    result = check("3175011705120001", sex="P")
    assert result.valid is True
    assert result.warnings == [rules.SEX_MISMATCH]
    assert result.sex == "L"


def test_a_woman_recorded_as_a_man_is_only_a_warning():
    result = check("3175015705120001", sex="L", birth_date=dt.date(2012, 5, 17))
    assert result.valid
    assert result.warnings == [rules.SEX_MISMATCH]


def test_both_disagreements_are_reported_and_it_stays_valid():
    result = check("3175011705120001", birth_date=dt.date(2011, 1, 1), sex="P")
    assert result.valid is True
    assert result.warnings == [rules.BIRTH_DATE_MISMATCH, rules.SEX_MISMATCH]


def test_warnings_come_along_with_errors_but_do_not_cause_them():
    result = check(make_nik(17, serial="0000"), birth_date=dt.date(2012, 5, 18), sex="P")
    assert result.errors == [rules.SERIAL_ZERO]
    assert result.warnings == [rules.BIRTH_DATE_MISMATCH, rules.SEX_MISMATCH]


def test_agreeing_birth_date_and_sex_give_no_warning():
    result = check("3175015705120001", birth_date=dt.date(2012, 5, 17), sex="P")
    assert result.warnings == []


@pytest.mark.parametrize("sex", ["p", " P "])
def test_the_recorded_sex_is_compared_case_insensitively(sex):
    assert check("3175015705120001", sex=sex).warnings == []


@pytest.mark.parametrize("sex", [None, "", "X", "perempuan"])
def test_a_missing_or_malformed_recorded_sex_is_not_a_mismatch(sex):
    assert check("3175011705120001", sex=sex).warnings == []


def test_no_comparison_is_made_when_the_nik_date_is_impossible():
    result = check(make_nik(31, 2, 12), birth_date=dt.date(2012, 2, 28), sex="P")
    assert result.errors == [rules.BIRTH_DATE_INVALID]
    assert result.warnings == []
