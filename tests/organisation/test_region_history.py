"""Retired region codes: a NIK keeps the code it was issued with, so old codes stay known."""

import datetime as dt

import pytest

from atensi.lib.nik import check_nik
from atensi.organisation.models import Region, RegionLevel
from atensi.organisation.selectors import region_code_exists
from atensi.registry.validation import validate_person

pytestmark = pytest.mark.django_db


def test_kota_sorong_keeps_its_code_from_before_the_papua_barat_daya_split():
    old = Region.objects.get(code="92.71")
    assert old.name == "Kota Sorong"
    assert old.level == RegionLevel.REGENCY
    assert old.valid_until == dt.date(2022, 12, 8)
    assert old.successor_id == "96.71"
    assert not old.is_current
    assert Region.objects.get(code="96.71").is_current


def test_the_districts_of_a_retired_regency_are_kept_with_their_successors():
    districts = Region.objects.filter(parent_id="92.71", level=RegionLevel.DISTRICT)
    assert districts.exists()
    for district in districts:
        assert district.successor_id == "96.71" + district.code[len("92.71") :]
        assert district.valid_until == dt.date(2022, 12, 8)
        assert Region.objects.filter(code=district.successor_id).exists()


def test_every_papua_split_is_loaded():
    retired = Region.objects.filter(level=RegionLevel.REGENCY, valid_until__isnull=False)
    assert retired.filter(code__startswith="91.").count() == 20  # Papua Selatan, Tengah, Pegunungan
    assert retired.filter(code__startswith="92.").count() == 6  # Papua Barat Daya
    assert not retired.filter(successor__isnull=True).exists()


@pytest.mark.parametrize("code", ["92", "92.71", "92.71.01", "96.71", "96.71.01", "91.01"])
def test_region_code_exists_knows_old_and_new_codes(code):
    assert region_code_exists(code)


@pytest.mark.parametrize("code", ["99", "31.99", "31.75.99", "31.75.01.1001"])
def test_region_code_exists_rejects_unknown_codes_and_villages(code):
    assert not region_code_exists(code)


def test_a_nik_issued_in_kota_sorong_before_the_split_is_valid():
    result = check_nik("9271011705900001", region_exists=region_code_exists)
    assert result.valid, result.errors


def test_a_nik_issued_in_kota_sorong_after_the_split_is_valid():
    result = check_nik("9671011705900001", region_exists=region_code_exists)
    assert result.valid, result.errors


def test_the_person_form_accepts_a_retired_code():
    check = validate_person(
        {
            "full_name": "Yohanes Kambu",
            "sex": "L",
            "target_group": "lansia",
            "birth_date": dt.date(1950, 5, 17),
            "nik": "9271011705500001",
        }
    )
    assert check.ok, check.errors
    assert check.warnings == []
