"""/api/v1/persons/<id>/family/: listing, adding and removing family members and guardians."""

import datetime as dt

import pytest

from atensi.common.models import AuditLog
from atensi.registry.models import FamilyMember
from atensi.registry.services import family_member_add
from tests.api_helpers import error_of
from tests.registry.factories import nik_for


def url(person, member=None) -> str:
    base = f"/api/v1/persons/{person.pk}/family/"
    return f"{base}{member.pk}/" if member else base


@pytest.fixture
def mother(registry, pendamping_a):
    return family_member_add(
        actor=pendamping_a,
        person=registry["a_child"],
        name="Sumiati",
        relationship="ibu",
        is_guardian=True,
    )


def test_it_lists_the_family_and_audits_the_reading(api, registry, mother, head_a):
    person = registry["a_child"]
    response = api(head_a).get(url(person))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": mother.pk,
            "name": "Sumiati",
            "relationship": "ibu",
            "relationship_label": "Ibu",
            "nik": "",
            "phone": "",
            "is_guardian": True,
            "created_at": response.json()[0]["created_at"],
        }
    ]
    assert AuditLog.objects.filter(
        action="view", object_type="registry.person", object_id=str(person.pk), actor=head_a
    ).exists()


def test_a_pendamping_adds_a_guardian(api, registry, pendamping_a):
    person = registry["a_child"]
    father_nik = nik_for(dt.date(1980, 1, 2), "L")
    response = api(pendamping_a).post(
        url(person),
        {
            "name": " Slamet  Riyadi ",
            "relationship": "ayah",
            "nik": father_nik,
            "is_guardian": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    member = FamilyMember.objects.get(pk=response.json()["id"])
    assert (member.person, member.name, member.nik) == (person, "Slamet Riyadi", father_nik)
    assert AuditLog.objects.filter(
        action="create", object_type="registry.familymember", object_id=str(member.pk)
    ).exists()


def test_a_bad_family_nik_is_400_on_the_nik_field(api, registry, pendamping_a):
    response = api(pendamping_a).post(
        url(registry["a_child"]),
        {"name": "Slamet", "relationship": "ayah", "nik": "3175000101800001"},
        format="json",
    )
    assert response.status_code == 400
    assert "nik" in error_of(response)["details"]
    assert not FamilyMember.objects.exists()


def test_a_relationship_must_be_known(api, registry, pendamping_a):
    response = api(pendamping_a).post(
        url(registry["a_child"]), {"name": "Slamet", "relationship": "tetangga"}, format="json"
    )
    assert response.status_code == 400
    assert "relationship" in error_of(response)["details"]


def test_a_member_is_removed_and_the_removal_audited(api, registry, mother, supervisor_a):
    response = api(supervisor_a).delete(url(registry["a_child"], mother))
    assert response.status_code == 204
    assert not FamilyMember.objects.exists()
    row = AuditLog.objects.get(action="delete", object_type="registry.familymember")
    assert row.changes["name"] == ["Sumiati", None]


def test_a_member_of_another_person_is_404(api, registry, mother, head_a):
    response = api(head_a).delete(url(registry["a_elder"], mother))
    assert response.status_code == 404
    assert FamilyMember.objects.filter(pk=mother.pk).exists()


@pytest.mark.parametrize("who", ["head_b", "pendamping_b", "pendamping_a2"])
def test_an_outsider_gets_404(api, registry, mother, request, who):
    client = api(request.getfixturevalue(who))
    person = registry["a_child"]
    responses = [
        client.get(url(person)),
        client.post(url(person), {"name": "X", "relationship": "ayah"}, format="json"),
        client.delete(url(person, mother)),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert list(FamilyMember.objects.all()) == [mother]


def test_a_reader_in_scope_cannot_change_the_family(api, registry, mother, analyst_anak):
    client = api(analyst_anak)
    person = registry["a_child"]
    assert client.get(url(person)).status_code == 200
    added = client.post(url(person), {"name": "X", "relationship": "ayah"}, format="json")
    assert added.status_code == 403
    assert client.delete(url(person, mother)).status_code == 403
    assert list(FamilyMember.objects.all()) == [mother]
