import datetime as dt

import pytest
from django.urls import reverse

from atensi.common.models import AuditLog
from atensi.organisation.models import Region, RegionLevel
from atensi.registry.models import Person
from tests.registry.factories import nik_for

pytestmark = pytest.mark.django_db

BORN = dt.date(2012, 5, 17)


def form_data(**overrides) -> dict:
    data = {
        "nik": nik_for(BORN, "L"),
        "no_nik_reason": "",
        "no_kk": "",
        "full_name": "Suparno Wijaya",
        "aliases": "",
        "sex": "L",
        "birth_place": "Jakarta",
        "birth_date": "17-05-2012",
        "address": "Jl. Kenanga 5",
        "village": "",
        "phone": "",
        "target_group": "anak",
    }
    data.update(overrides)
    return data


def post(client, user, **overrides):
    client.force_login(user)
    return client.post(reverse("registry:create"), form_data(**overrides))


def test_it_shows_an_empty_form_to_a_writer(client, pendamping_a):
    client.force_login(pendamping_a)
    response = client.get(reverse("registry:create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="nik"' in body
    assert reverse("registry:nik_check") in body


def test_it_registers_a_person_and_opens_the_record(client, pendamping_a):
    response = post(client, pendamping_a, aliases="Parno\nSoeparno", disability_types=["netra"])
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:detail", args=[person.pk])
    assert person.unit == pendamping_a.unit
    assert person.registered_by == pendamping_a
    assert person.birth_date == BORN
    assert person.aliases == ["Parno", "Soeparno"]
    assert person.disability_types == ["netra"]
    assert AuditLog.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_it_accepts_the_iso_date_a_phone_date_picker_sends(client, pendamping_a):
    post(client, pendamping_a, birth_date="2012-05-17")
    assert Person.objects.get().birth_date == BORN


def test_a_nik_error_rerenders_the_form_and_saves_nothing(client, pendamping_a):
    bad = "3175001705120001"  # district 00
    response = post(client, pendamping_a, nik=bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kode kecamatan di NIK tidak boleh 00." in body
    assert "Suparno Wijaya" in body  # the user's input stays
    assert response.context["form"].errors["nik"]
    assert not Person.objects.exists()
    assert not AuditLog.objects.filter(action="create", object_type="registry.person").exists()


def test_a_sex_mismatch_saves_and_warns(client, pendamping_a):
    response = post(client, pendamping_a, nik=nik_for(BORN, "P"), sex="L")
    person = Person.objects.get()
    assert person.nik_warnings == ["sex_mismatch"]
    page = client.get(response["Location"]).content.decode()
    assert "Jenis kelamin tercatat berbeda dengan yang tersirat di NIK" in page


def test_a_birth_date_mismatch_saves_and_warns(client, pendamping_a):
    response = post(client, pendamping_a, birth_date="18-05-2012")
    person = Person.objects.get()
    assert person.nik_warnings == ["birth_date_mismatch"]
    page = client.get(response["Location"]).content.decode()
    assert "Tanggal lahir tercatat berbeda dengan tanggal lahir di NIK" in page


def test_no_nik_needs_a_reason(client, pendamping_a):
    response = post(client, pendamping_a, nik="")
    assert response.status_code == 200
    assert "pilih alasan mengapa orang ini tidak punya NIK" in response.content.decode()
    assert not Person.objects.exists()

    post(client, pendamping_a, nik="", no_nik_reason="street_child")
    person = Person.objects.get()
    assert person.nik is None
    assert person.no_nik_reason == "street_child"


def test_a_village_code_typed_by_hand_is_saved(client, pendamping_a):
    village = (
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="31.75.01.")
        .order_by("code")
        .first()
    )
    post(client, pendamping_a, village=village.code)
    assert Person.objects.get().village == village


def test_an_unknown_village_code_is_refused_on_its_field(client, pendamping_a):
    response = post(client, pendamping_a, village="31.75.01.9999")
    assert response.context["form"].errors["village"]
    assert not Person.objects.exists()


def test_a_type_error_is_caught_before_the_service(client, pendamping_a):
    response = post(client, pendamping_a, birth_date="tanggal 17")
    assert response.context["form"].errors["birth_date"]
    assert not Person.objects.exists()


def test_the_administrator_may_register_in_a_sentra(client, admin_user, sentra_b):
    post(client, admin_user, unit=sentra_b.pk)
    assert Person.objects.get().unit == sentra_b


def test_sentra_staff_do_not_choose_a_unit(client, head_a):
    client.force_login(head_a)
    assert "unit" not in client.get(reverse("registry:create")).context["form"].fields


@pytest.mark.parametrize("role", ["analyst_anak", "auditor", "finance_a"])
def test_readers_and_outsiders_may_not_register(client, request, role):
    user = request.getfixturevalue(role)
    response = post(client, user)
    assert response.status_code == 403
    assert not Person.objects.exists()


# The live NIK check


def check(client, user, **data):
    client.force_login(user)
    return client.post(reverse("registry:nik_check"), data, headers={"HX-Request": "true"})


def test_the_live_check_shows_nik_errors(client, pendamping_a):
    body = check(client, pendamping_a, nik="3175001705120000").content.decode()
    assert "Kode kecamatan di NIK tidak boleh 00." in body
    assert "Nomor urut di NIK (4 digit terakhir) tidak boleh 0000." in body
    assert 'class="errors"' in body


def test_the_live_check_shows_warnings_as_warnings(client, pendamping_a):
    response = check(client, pendamping_a, nik=nik_for(BORN, "P"), sex="L", birth_date="2012-05-17")
    body = response.content.decode()
    assert "Jenis kelamin tercatat berbeda" in body
    assert 'class="warnings"' in body
    assert 'class="errors"' not in body
    assert "17-05-2012" in body  # what the NIK says


def test_the_live_check_tolerates_a_half_typed_date(client, pendamping_a):
    response = check(client, pendamping_a, nik=nik_for(BORN, "L"), birth_date="17-05-")
    assert response.status_code == 200
    assert 'class="errors"' not in response.content.decode()


def test_the_live_check_of_a_short_nik(client, pendamping_a):
    assert "NIK harus 16 digit." in check(client, pendamping_a, nik="317501").content.decode()


def test_the_live_check_is_quiet_without_a_nik(client, pendamping_a):
    assert check(client, pendamping_a, nik="").content.decode().strip() == ""


def test_the_live_check_refuses_the_finance_officer(client, finance_a):
    assert check(client, finance_a, nik="3175011705120001").status_code == 403
