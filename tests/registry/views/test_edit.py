import pytest
from django.urls import reverse

from atensi.common.models import AuditLog
from atensi.registry.forms import PersonForm
from atensi.registry.services import person_update

pytestmark = pytest.mark.django_db


def edit_data(person, **overrides) -> dict:
    initial = PersonForm.initial_for(person)
    data = {
        name: value
        for name, value in initial.items()
        if name not in ("aliases", "disability_types", "birth_date")
    }
    data["aliases"] = "\n".join(initial["aliases"])
    data["disability_types"] = initial["disability_types"]
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_the_form_starts_from_the_saved_record(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    response = client.get(reverse("registry:edit", args=[suparno.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert suparno.nik in body
    assert 'name="version" value="1"' in body


def test_opening_the_form_is_an_audited_view(client, pendamping_a, suparno):
    client.force_login(pendamping_a)
    client.get(reverse("registry:edit", args=[suparno.pk]))
    assert AuditLog.objects.filter(
        action="view", object_id=str(suparno.pk), actor=pendamping_a
    ).exists()


def test_an_edit_writes_an_update_row_with_old_and_new_values(client, head_a, suparno):
    client.force_login(head_a)
    response = client.post(
        reverse("registry:edit", args=[suparno.pk]),
        edit_data(suparno, full_name="Suparno Wijaya Kusuma", phone="0812 3456 7890"),
    )
    assert response.status_code == 302
    suparno.refresh_from_db()
    assert suparno.full_name == "Suparno Wijaya Kusuma"
    assert suparno.version == 2
    row = AuditLog.objects.get(action="update", object_id=str(suparno.pk))
    assert row.actor == head_a
    assert row.changes["full_name"] == ["Suparno Wijaya", "Suparno Wijaya Kusuma"]
    assert row.changes["phone"] == ["", "0812 3456 7890"]
    assert "nik" not in row.changes


def test_saving_without_changes_writes_nothing(client, head_a, suparno):
    client.force_login(head_a)
    client.post(reverse("registry:edit", args=[suparno.pk]), edit_data(suparno))
    suparno.refresh_from_db()
    assert suparno.version == 1
    assert not AuditLog.objects.filter(action="update").exists()


def test_a_stale_edit_shows_the_conflict_and_keeps_the_input(
    client, pendamping_a, supervisor_a, suparno
):
    stale = edit_data(suparno, full_name="Suparno Bin Slamet", address="Jl. Melati 9")
    person_update(actor=supervisor_a, person=suparno, expected_version=1, address="Jl. Mawar 1")

    client.force_login(pendamping_a)
    response = client.post(reverse("registry:edit", args=[suparno.pk]), stale)

    assert response.status_code == 409
    body = response.content.decode()
    assert "sudah diubah orang lain" in body
    assert "Suparno Bin Slamet" in body and "Jl. Melati 9" in body  # nothing lost
    assert "Jl. Mawar 1" in body  # what the other person saved
    suparno.refresh_from_db()
    assert suparno.full_name == "Suparno Wijaya"
    assert suparno.address == "Jl. Mawar 1"
    form = response.context["form"]
    assert form["version"].value() == "2"


def test_saving_again_after_a_conflict_is_a_deliberate_overwrite(
    client, pendamping_a, supervisor_a, suparno
):
    stale = edit_data(suparno, address="Jl. Melati 9")
    person_update(actor=supervisor_a, person=suparno, expected_version=1, address="Jl. Mawar 1")
    client.force_login(pendamping_a)
    client.post(reverse("registry:edit", args=[suparno.pk]), stale)

    response = client.post(reverse("registry:edit", args=[suparno.pk]), {**stale, "version": 2})

    assert response.status_code == 302
    suparno.refresh_from_db()
    assert suparno.address == "Jl. Melati 9"


def test_a_nik_error_on_edit_keeps_the_saved_record(client, head_a, suparno):
    client.force_login(head_a)
    response = client.post(
        reverse("registry:edit", args=[suparno.pk]),
        edit_data(suparno, nik="12", full_name="Nama Baru"),
    )
    assert response.status_code == 200
    assert "NIK harus 16 digit." in response.content.decode()
    suparno.refresh_from_db()
    assert suparno.full_name == "Suparno Wijaya"


@pytest.mark.parametrize("role", ["head_b", "pendamping_b", "pendamping_a2"])
def test_outsiders_get_404_on_the_edit_page(client, request, role, suparno):
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:edit", args=[suparno.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(suparno, full_name="X")).status_code == 404
    suparno.refresh_from_db()
    assert suparno.full_name == "Suparno Wijaya"
    assert not AuditLog.objects.filter(action="view").exists()


@pytest.mark.parametrize("role", ["analyst_anak", "auditor"])
def test_readers_get_403_on_the_edit_page(client, request, role, suparno):
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:edit", args=[suparno.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(suparno, full_name="X")).status_code == 403
    suparno.refresh_from_db()
    assert suparno.full_name == "Suparno Wijaya"
