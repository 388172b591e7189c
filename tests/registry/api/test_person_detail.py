"""GET/PATCH/DELETE /api/v1/persons/<id>/: audited reading, optimistic locking, erasure."""

import pytest
from django.utils import translation

from atensi.common.models import AuditLog
from atensi.organisation.models import TargetGroup
from atensi.registry.models import Person, Sex
from atensi.registry.services import person_update
from tests.api_helpers import error_of


def url(person) -> str:
    return f"/api/v1/persons/{person.pk}/"


# (caller, person key): callers who must not learn that the person exists.
OUTSIDERS = [
    ("head_b", "a_child"),
    ("pendamping_b", "a_child"),
    ("pendamping_a2", "a_child"),
    ("analyst_anak", "a_elder"),
    ("head_a", "b_child"),
]


@pytest.mark.parametrize(
    "who", ["admin_user", "auditor", "analyst_anak", "head_a", "supervisor_a", "pendamping_a"]
)
def test_those_in_scope_read_the_record_and_the_view_is_audited(api, registry, request, who):
    user = request.getfixturevalue(who)
    person = registry["a_child"]
    response = api(user).get(url(person))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == person.pk
    assert body["nik"] == person.nik
    assert body["registered_by"] == "pendamping_a"
    assert body["unit_name"] == "Sentra Handayani"
    assert body["sex_label"] == "Laki-laki"
    views = AuditLog.objects.filter(
        action="view", object_type="registry.person", object_id=str(person.pk), actor=user
    )
    assert views.count() == 1


@pytest.mark.parametrize("language", ["id", "en"])
def test_labels_follow_the_callers_language(api, registry, head_a, language):
    body = api(head_a, language=language).get(url(registry["a_elder"])).json()
    assert body["sex"] == "P"
    assert body["target_group"] == "lansia"
    with translation.override(language):
        assert body["sex_label"] == str(Sex.FEMALE.label)
        assert body["target_group_label"] == str(TargetGroup.LANSIA.label)


@pytest.mark.parametrize("who, key", OUTSIDERS)
def test_an_outsider_gets_404_for_every_method(api, registry, request, who, key):
    user = request.getfixturevalue(who)
    person = registry[key]
    client = api(user)
    responses = [
        client.get(url(person)),
        client.patch(url(person), {"version": 1, "full_name": "X"}, format="json"),
        client.delete(url(person), {"reason": "x"}, format="json"),
    ]
    for response in responses:
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    person.refresh_from_db()
    assert person.full_name != "X"
    assert not AuditLog.objects.filter(
        object_type="registry.person", object_id=str(person.pk), actor=user
    ).exists()


def test_a_missing_person_is_404_too(api, registry, admin_user):
    response = api(admin_user).get("/api/v1/persons/999999/")
    assert response.status_code == 404
    assert error_of(response)["message"] == "Orang tidak ditemukan."


def test_a_finance_officer_gets_403(api, registry, finance_a):
    assert api(finance_a).get(url(registry["a_child"])).status_code == 403


def test_an_anonymous_caller_gets_401(api, registry):
    assert api().get(url(registry["a_child"])).status_code == 401


def test_patch_changes_fields_and_bumps_the_version(api, registry, pendamping_a):
    person = registry["a_child"]
    response = api(pendamping_a).patch(
        url(person), {"version": 1, "phone": "0812 1111 2222", "aliases": ["Ubi"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert body["phone"] == "0812 1111 2222"
    assert body["aliases"] == ["Ubi"]
    person.refresh_from_db()
    assert person.version == 2
    row = AuditLog.objects.get(
        action="update", object_type="registry.person", object_id=str(person.pk)
    )
    assert row.actor == pendamping_a
    assert row.changes["phone"] == ["", "0812 1111 2222"]
    assert set(row.changes) == {"phone", "aliases"}


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, registry, pendamping_a, head_a):
    person = registry["a_child"]
    person_update(actor=head_a, person=person, expected_version=1, address="Jl. Baru 1")
    response = api(pendamping_a).patch(
        url(person), {"version": 1, "address": "Jl. Lama 2"}, format="json"
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "stale_version"
    assert error["details"] == {"current_version": 2}
    person.refresh_from_db()
    assert person.address == "Jl. Baru 1"
    assert person.version == 2
    assert AuditLog.objects.filter(action="update", object_type="registry.person").count() == 1


def test_patch_requires_the_version(api, registry, pendamping_a):
    person = registry["a_child"]
    response = api(pendamping_a).patch(url(person), {"address": "Jl. X"}, format="json")
    assert response.status_code == 400
    assert "version" in error_of(response)["details"]
    person.refresh_from_db()
    assert person.address == ""


def test_patch_returns_a_new_mismatch_warning(api, registry, pendamping_a):
    person = registry["a_child"]
    response = api(pendamping_a).patch(url(person), {"version": 1, "sex": "P"}, format="json")
    assert response.status_code == 200
    assert [w["code"] for w in response.json()["nik_warnings"]] == ["sex_mismatch"]


def test_patch_with_a_bad_nik_is_400_and_changes_nothing(api, registry, pendamping_a):
    person = registry["a_child"]
    old_nik = person.nik
    response = api(pendamping_a).patch(
        url(person), {"version": 1, "nik": "1234567890123456"}, format="json"
    )
    assert response.status_code == 400
    assert "nik" in error_of(response)["details"]
    person.refresh_from_db()
    assert (person.nik, person.version) == (old_nik, 1)


def test_a_reader_in_scope_cannot_patch(api, registry, analyst_anak):
    response = api(analyst_anak).patch(
        url(registry["a_child"]), {"version": 1, "full_name": "X"}, format="json"
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_the_administrator_erases_a_person_with_a_reason(api, registry, admin_user):
    person = registry["a_child"]
    response = api(admin_user).delete(
        url(person), {"reason": "Permintaan penghapusan (UU PDP)"}, format="json"
    )
    assert response.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()
    row = AuditLog.objects.get(
        action="delete", object_type="registry.person", object_id=str(person.pk)
    )
    assert row.actor == admin_user
    assert row.changes["reason"] == [None, "Permintaan penghapusan (UU PDP)"]
    assert api(admin_user).get(url(person)).status_code == 404


def test_erasure_needs_a_reason(api, registry, admin_user):
    person = registry["a_child"]
    for body in ({}, {"reason": ""}):
        response = api(admin_user).delete(url(person), body, format="json")
        assert response.status_code == 400
        assert "reason" in error_of(response)["details"]
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("who", ["head_a", "supervisor_a", "pendamping_a", "auditor"])
def test_only_the_administrator_erases(api, registry, request, who):
    person = registry["a_child"]
    user = request.getfixturevalue(who)
    response = api(user).delete(url(person), {"reason": "Duplikat"}, format="json")
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
    assert not AuditLog.objects.filter(action="delete").exists()
