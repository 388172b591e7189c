"""POST /api/v1/persons/: registering through the API, NIK errors and warnings, audit."""

import datetime as dt

import pytest

from atensi.common.models import AuditLog
from atensi.registry.models import Person
from tests.api_helpers import error_of
from tests.registry.factories import nik_for

URL = "/api/v1/persons/"
BORN = dt.date(2013, 8, 21)


def payload(**overrides) -> dict:
    data = {
        "nik": nik_for(BORN, "P"),
        "no_kk": "3175010101130001",
        "full_name": "  Putri   Ayu Lestari ",
        "aliases": ["Ayu"],
        "sex": "P",
        "birth_place": "Jakarta",
        "birth_date": BORN.isoformat(),
        "address": "Jl. Dewi Sartika 12",
        "phone": "0812-3456-7890",
        "target_group": "anak",
        "disability_types": ["rungu"],
    }
    data.update(overrides)
    return data


def test_a_pendamping_registers_a_person_in_their_unit(api, pendamping_a):
    response = api(pendamping_a).post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.unit.code == "630108"
    assert person.registered_by == pendamping_a
    assert body["full_name"] == "Putri Ayu Lestari"
    assert body["registry_id"] == person.registry_id
    assert body["unit"] == "630108"
    assert body["registered_by"] == "pendamping_a"
    assert body["disability_types"] == ["rungu"]
    assert body["nik_warnings"] == []
    assert body["version"] == 1


def test_it_writes_the_create_audit_row(api, pendamping_a):
    body = api(pendamping_a).post(URL, payload(), format="json").json()
    row = AuditLog.objects.get(action="create", object_type="registry.person")
    assert row.object_id == str(body["id"])
    assert row.actor == pendamping_a
    assert row.unit.code == "630108"
    assert row.changes["full_name"] == [None, "Putri Ayu Lestari"]
    assert row.ip == "127.0.0.1"


def test_a_nik_error_rejects_and_stores_nothing(api, pendamping_a):
    bad = "3175" + "00" + nik_for(BORN, "P")[6:]  # district 00
    response = api(pendamping_a).post(URL, payload(nik=bad), format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["details"]["nik"] == ["Kode kecamatan di NIK tidak boleh 00."]
    assert not Person.objects.exists()
    assert not AuditLog.objects.filter(object_type="registry.person").exists()


@pytest.mark.parametrize(
    "nik",
    ["12345", "3175abcd21081300x1", "9975014108130001", "3175014108130000", "3175013208130001"],
)
def test_each_kind_of_nik_error_is_reported_on_the_nik_field(api, pendamping_a, nik):
    response = api(pendamping_a).post(URL, payload(nik=nik), format="json")
    assert response.status_code == 400
    assert error_of(response)["details"]["nik"]
    assert not Person.objects.exists()


def test_a_mismatch_is_a_warning_returned_with_the_record(api, pendamping_a):
    response = api(pendamping_a).post(
        URL, payload(nik=nik_for(BORN, "L"), birth_date="2013-08-22"), format="json"
    )
    assert response.status_code == 201
    warnings = response.json()["nik_warnings"]
    assert [w["code"] for w in warnings] == ["birth_date_mismatch", "sex_mismatch"]
    assert warnings[1]["message"].startswith("Jenis kelamin tercatat berbeda")
    assert Person.objects.get().nik_warnings == ["birth_date_mismatch", "sex_mismatch"]


def test_a_person_without_nik_needs_a_reason(api, pendamping_a):
    client = api(pendamping_a)
    response = client.post(URL, payload(nik=None), format="json")
    assert response.status_code == 400
    assert "nik" in error_of(response)["details"]
    response = client.post(URL, payload(nik="", no_nik_reason="street_child"), format="json")
    assert response.status_code == 201
    assert response.json()["nik"] is None
    assert response.json()["no_nik_reason"] == "street_child"


def test_it_reports_malformed_fields_per_field(api, pendamping_a):
    response = api(pendamping_a).post(
        URL,
        payload(sex="X", birth_date="21-08-2013", full_name="", disability_types=["tuli"]),
        format="json",
    )
    assert response.status_code == 400
    details = error_of(response)["details"]
    assert {"sex", "birth_date", "full_name", "disability_types"} <= set(details)
    assert not Person.objects.exists()


def test_it_rejects_an_unknown_field_rather_than_ignoring_it(api, pendamping_a):
    response = api(pendamping_a).post(URL, payload(fullname="Typo"), format="json")
    assert response.status_code == 400
    assert "fullname" in error_of(response)["details"]


def test_it_rejects_an_unknown_village(api, pendamping_a):
    response = api(pendamping_a).post(URL, payload(village="31.75.01.9999"), format="json")
    assert response.status_code == 400
    assert "village" in error_of(response)["details"]


def test_read_only_roles_cannot_register(api, analyst_anak, auditor):
    for user in (analyst_anak, auditor):
        response = api(user).post(URL, payload(), format="json")
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    assert not Person.objects.exists()


def test_a_finance_officer_cannot_register(api, finance_a):
    assert api(finance_a).post(URL, payload(), format="json").status_code == 403
    assert not Person.objects.exists()


def test_a_head_cannot_register_into_another_sentra(api, head_a):
    response = api(head_a).post(URL, payload(unit="630117"), format="json")
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_the_administrator_registers_into_any_unit(api, admin_user):
    response = api(admin_user).post(URL, payload(unit="630117"), format="json")
    assert response.status_code == 201
    assert response.json()["unit"] == "630117"


def test_an_unknown_unit_is_a_field_error(api, admin_user):
    response = api(admin_user).post(URL, payload(unit="999999"), format="json")
    assert response.status_code == 400
    assert "unit" in error_of(response)["details"]


def test_an_anonymous_caller_cannot_register(api, db):
    response = api().post(URL, payload(), format="json")
    assert response.status_code == 401
    assert not Person.objects.exists()


def test_field_errors_follow_the_callers_language(api, pendamping_a):
    indonesian = error_of(api(pendamping_a).post(URL, {}, format="json"))
    english = error_of(api(pendamping_a, language="en").post(URL, {}, format="json"))
    assert indonesian["details"]["full_name"] == ["Bidang ini harus diisi."]
    assert english["details"]["full_name"] == ["This field is required."]
