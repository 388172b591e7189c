"""How the registry shows a person merged into another one, and that undoing the merge undoes it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atensi.common.errors import Conflict
from atensi.dedup.services import person_merge, person_unmerge
from atensi.registry.selectors import person_search, persons_visible_to
from atensi.registry.services import (
    consent_record,
    family_member_add,
    person_check_not_merged,
    person_update,
)
from tests.api_helpers import client_for, error_of
from tests.registry.factories import make_person, nik_for

pytestmark = pytest.mark.django_db

BORN = dt.date(2011, 4, 9)
SURVIVOR_NIK = nik_for(BORN, "P", serial=9001)
MERGED_NIK = nik_for(BORN, "P", serial=9002)


@pytest.fixture
def merged_pair(pendamping_a, head_a):
    """One girl registered twice in sentra A; the second record merged into the first."""
    survivor = make_person(
        pendamping_a, full_name="Siti Nurhaliza", sex="P", birth_date=BORN, nik=SURVIVOR_NIK
    )
    merged = make_person(
        pendamping_a, full_name="Sitti Noer Haliza", sex="P", birth_date=BORN, nik=MERGED_NIK
    )
    merge = person_merge(
        actor=head_a, survivor=survivor, merged=merged, reason="NIK salah ketik saat pendaftaran"
    )
    return survivor, merged, merge


def detail(client, user, person):
    client.force_login(user)
    return client.get(reverse("registry:detail", args=[person.pk]))


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("registry:list"), params)
    assert response.status_code == 200
    return [p.full_name for p in response.context["persons"]]


def test_the_merged_record_shows_where_it_went_when_by_whom_and_why(client, head_a, merged_pair):
    survivor, merged, merge = merged_pair
    response = detail(client, head_a, merged)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="merged-banner"' in html
    assert "Data ini telah digabung ke" in html
    assert f'href="{reverse("registry:detail", args=[survivor.pk])}"' in html
    assert (
        merge.merged_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d-%m-%Y %H:%M")
        in html
    )
    assert str(head_a) in html
    assert "NIK salah ketik saat pendaftaran" in html
    assert reverse("dedup:merge", args=[merge.pk]) in html
    # No way to change the merged record from its page, nor to open a case for it.
    assert reverse("registry:edit", args=[merged.pk]) not in html
    assert reverse("registry:family_add", args=[merged.pk]) not in html


def test_the_survivor_lists_the_records_merged_into_it(client, head_a, merged_pair):
    survivor, merged, merge = merged_pair
    html = detail(client, head_a, survivor).content.decode()
    assert 'id="merged-banner"' not in html
    assert 'id="merged-here"' in html
    assert f'href="{reverse("registry:detail", args=[merged.pk])}"' in html
    assert reverse("dedup:merge", args=[merge.pk]) in html
    assert reverse("registry:edit", args=[survivor.pk]) in html


def test_a_pendamping_sees_the_banner_without_the_merge_history_link(
    client, pendamping_a, merged_pair
):
    _survivor, merged, merge = merged_pair
    html = detail(client, pendamping_a, merged).content.decode()
    assert "Data ini telah digabung ke" in html
    assert reverse("dedup:merge", args=[merge.pk]) not in html


def test_another_sentra_still_gets_404_for_both_records(client, head_b, merged_pair):
    survivor, merged, _merge = merged_pair
    assert detail(client, head_b, merged).status_code == 404
    assert detail(client, head_b, survivor).status_code == 404
    assert client_for(head_b).get(f"/api/v1/persons/{merged.pk}/").status_code == 404


def test_writes_to_a_merged_record_are_refused(pendamping_a, merged_pair):
    survivor, merged, _merge = merged_pair
    with pytest.raises(Conflict) as refused:
        person_update(actor=pendamping_a, person=merged, address="Jl. Baru 1")
    assert refused.value.code == "person_merged"
    assert survivor.registry_id in str(refused.value.message)
    with pytest.raises(Conflict):
        family_member_add(actor=pendamping_a, person=merged, name="Aminah", relationship="ibu")
    with pytest.raises(Conflict):
        consent_record(
            actor=pendamping_a,
            person=merged,
            basis="consent",
            scope="layanan",
            given_by_name="",
            given_by="self",
            method="written",
            given_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        )
    # The check the case service uses before opening a case.
    with pytest.raises(Conflict):
        person_check_not_merged(merged.pk)
    person_check_not_merged(survivor.pk)
    merged.refresh_from_db()
    assert merged.address == ""
    updated = person_update(actor=pendamping_a, person=survivor, address="Jl. Baru 1")
    assert updated.address == "Jl. Baru 1"


def test_the_edit_page_of_a_merged_record_refuses_with_the_reason(
    client, pendamping_a, merged_pair
):
    _survivor, merged, _merge = merged_pair
    client.force_login(pendamping_a)
    url = reverse("registry:edit", args=[merged.pk])
    response = client.get(url)
    assert response.status_code == 409
    assert "telah digabung" in response.content.decode()
    response = client.post(url, {"full_name": "Nama Baru", "version": merged.version})
    assert response.status_code == 409


def test_the_api_refuses_a_patch_of_a_merged_record(pendamping_a, merged_pair):
    _survivor, merged, _merge = merged_pair
    response = client_for(pendamping_a).patch(
        f"/api/v1/persons/{merged.pk}/",
        {"address": "Jl. Baru 1", "version": merged.version},
        format="json",
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "person_merged"


def test_the_list_leaves_merged_records_out_unless_asked(client, head_a, merged_pair):
    assert listed(client, head_a) == ["Siti Nurhaliza"]
    both = listed(client, head_a, include_merged="on")
    assert sorted(both) == ["Siti Nurhaliza", "Sitti Noer Haliza"]
    client.force_login(head_a)
    html = client.get(reverse("registry:list"), {"include_merged": "on"}).content.decode()
    assert "sudah digabung" in html
    assert "sudah digabung" not in client.get(reverse("registry:list")).content.decode().replace(
        "Tampilkan juga yang sudah digabung", ""
    )


def test_a_search_for_the_merged_nik_finds_the_survivor(client, head_a, merged_pair):
    assert listed(client, head_a, q=MERGED_NIK) == ["Siti Nurhaliza"]
    # Shown both, the merged record first and marked, the survivor right after it.
    assert listed(client, head_a, q=MERGED_NIK, include_merged="on") == [
        "Sitti Noer Haliza",
        "Siti Nurhaliza",
    ]


def test_a_name_search_for_the_old_name_finds_the_survivor(head_a, merged_pair):
    survivor, merged, _merge = merged_pair
    persons = persons_visible_to(head_a)
    assert [p.pk for p in person_search(persons, "Sitti Noer Haliza")] == [survivor.pk]
    found = person_search(persons, "Sitti Noer Haliza", include_merged=True)
    assert [(p.pk, p.merged_into_id) for p in found][:2] == [
        (merged.pk, survivor.pk),
        (survivor.pk, None),
    ]


def test_the_api_list_and_detail_say_merged_into(head_a, merged_pair):
    survivor, merged, _merge = merged_pair
    api = client_for(head_a)
    rows = api.get("/api/v1/persons/").json()["results"]
    assert [r["id"] for r in rows] == [survivor.pk]
    assert rows[0]["merged_into"] is None
    rows = api.get("/api/v1/persons/", {"include_merged": "true"}).json()["results"]
    assert {r["id"]: r["merged_into"] for r in rows} == {
        survivor.pk: None,
        merged.pk: survivor.pk,
    }
    rows = api.get("/api/v1/persons/", {"q": MERGED_NIK}).json()["results"]
    assert [r["id"] for r in rows] == [survivor.pk]
    assert api.get(f"/api/v1/persons/{merged.pk}/").json()["merged_into"] == survivor.pk
    assert api.get(f"/api/v1/persons/{survivor.pk}/").json()["merged_into"] is None


def test_the_list_query_count_does_not_grow_with_merged_records(client, head_a, pendamping_a):
    def count_queries(params) -> int:
        client.force_login(head_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("registry:list"), params).status_code == 200
        return len(queries)

    survivor = make_person(pendamping_a, full_name="Suparno")
    make_person(pendamping_a, full_name="Suparno Wijaya")
    before = count_queries({"include_merged": "on"})
    for i in range(4):
        extra = make_person(pendamping_a, full_name=f"Suparno {i}")
        person_merge(actor=head_a, survivor=survivor, merged=extra, reason="ganda")
    assert count_queries({"include_merged": "on"}) == before
    assert count_queries({}) == before


def test_after_unmerge_everything_is_back_to_normal(client, head_a, pendamping_a, merged_pair):
    survivor, merged, merge = merged_pair
    person_unmerge(actor=head_a, merge=merge, reason="Ternyata dua orang berbeda")
    html = detail(client, head_a, merged).content.decode()
    assert 'id="merged-banner"' not in html
    assert reverse("registry:edit", args=[merged.pk]) in html
    assert 'id="merged-here"' not in detail(client, head_a, survivor).content.decode()
    assert sorted(listed(client, head_a)) == ["Siti Nurhaliza", "Sitti Noer Haliza"]
    assert listed(client, head_a, q=MERGED_NIK) == ["Sitti Noer Haliza"]
    assert client_for(head_a).get(f"/api/v1/persons/{merged.pk}/").json()["merged_into"] is None
    person_check_not_merged(merged.pk)
    updated = person_update(actor=pendamping_a, person=merged, address="Jl. Baru 1")
    assert updated.address == "Jl. Baru 1"


@pytest.mark.parametrize(
    "role", ["admin_user", "auditor", "analyst_anak", "head_a", "supervisor_a", "pendamping_a"]
)
def test_every_role_that_sees_the_record_sees_the_banner_and_cannot_edit(
    client, request, role, merged_pair
):
    user = request.getfixturevalue(role)
    _survivor, merged, _merge = merged_pair
    response = detail(client, user, merged)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data ini telah digabung ke" in html
    assert reverse("registry:edit", args=[merged.pk]) not in html


def test_after_unmerge_another_sentra_still_gets_404(client, head_a, head_b, merged_pair):
    _survivor, merged, merge = merged_pair
    person_unmerge(actor=head_a, merge=merge, reason="Ternyata dua orang berbeda")
    assert detail(client, head_b, merged).status_code == 404
    assert client_for(head_b).get(f"/api/v1/persons/{merged.pk}/").status_code == 404


def test_no_case_opens_on_a_merged_record_and_after_unmerge_one_does(
    pendamping_a, head_a, merged_pair
):
    from tests.cases.factories import make_case

    survivor, merged, merge = merged_pair
    with pytest.raises(Conflict) as refused:
        make_case(pendamping_a, merged)
    assert refused.value.code == "person_merged"
    assert refused.value.details == {"merged_into": survivor.pk}
    assert not merged.cases.exists()

    person_unmerge(actor=head_a, merge=merge, reason="Ternyata dua orang berbeda")
    assert make_case(pendamping_a, merged).person_id == merged.pk
