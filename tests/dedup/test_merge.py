"""Merging two records of one person, and undoing it exactly."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from atensi.cases import services as case_services
from atensi.cases.models import Case
from atensi.common.errors import Conflict, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.dedup.models import CandidatePair, Merge, PairStatus
from atensi.dedup.selectors import active_merge_of, persons_in_scope
from atensi.dedup.services import pair_decide, person_links, person_merge, person_unmerge
from atensi.registry.models import Consent, FamilyMember, Person
from atensi.registry.services import family_member_add
from tests.cases.factories import give_consent, make_case
from tests.dedup.factories import make_pair
from tests.registry.factories import make_person

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def every_row() -> dict[str, list[dict]]:
    """Returns every row of the registry and cases apps (the apps a merge touches), by model."""
    out = {}
    for label in ("registry", "cases"):
        for model in apps.get_app_config(label).get_models():
            out[model._meta.label_lower] = list(model._base_manager.order_by("pk").values())
    return out


@pytest.fixture
def two_records(pendamping_a, head_a):
    """One girl registered twice in sentra A, each record with its own case, family, consent."""
    born = dt.date(2011, 4, 9)
    first = make_person(pendamping_a, full_name="Siti Nurhaliza", sex="P", birth_date=born)
    second = make_person(pendamping_a, full_name="Sitti Noer Haliza", sex="P", birth_date=born)
    for person, mother in ((first, "Aminah"), (second, "Aminah binti Umar")):
        family_member_add(actor=pendamping_a, person=person, name=mother, relationship="ibu")
        give_consent(pendamping_a, person)
    case = make_case(pendamping_a, person=second, pendamping=pendamping_a)
    case_services.attachment_add(
        actor=pendamping_a,
        case=case,
        file=SimpleUploadedFile("kk.pdf", PDF, "application/pdf"),
        kind="signed_form",
        description="Kartu keluarga",
    )
    make_case(pendamping_a, person=first, pendamping=pendamping_a)
    return first, second


def test_every_foreign_key_to_a_person_is_found_outside_the_review_tables():
    found = {(model._meta.label_lower, field.name) for model, field in person_links()}
    assert {("cases.case", "person"), ("registry.familymember", "person")} <= found
    assert ("registry.consent", "person") in found
    assert not any(label.startswith("dedup.") for label, _field in found)
    assert ("registry.personnametoken", "person") not in found


def test_merge_repoints_cases_family_and_consents_and_keeps_the_merged_record(two_records, head_a):
    survivor, merged = two_records
    merged_before = Person.objects.filter(pk=merged.pk).values().get()
    pair = make_pair(survivor, merged)
    pair_decide(actor=head_a, pair=pair, verdict="same", reason="NIK ibu dan KK sama")

    merge = person_merge(
        actor=head_a, survivor=survivor, merged=merged, reason="Satu anak", pair=pair
    )

    assert Case.objects.filter(person=survivor).count() == 2
    assert not Case.objects.filter(person=merged).exists()
    assert FamilyMember.objects.filter(person=survivor).count() == 2
    assert Consent.objects.filter(person=survivor).count() == 2
    # The merged record is still there, unchanged, and marked by the merge.
    assert Person.objects.filter(pk=merged.pk).values().get() == merged_before
    assert active_merge_of(merged) == merge
    assert merged not in persons_in_scope(head_a)
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    # Documents follow their case: the attachment is now reachable through the survivor.
    assert survivor.cases.filter(attachments__isnull=False).exists()


def test_merge_then_unmerge_restores_every_record_and_link_exactly(two_records, head_a):
    survivor, merged = two_records
    before = every_row()

    merge = person_merge(actor=head_a, survivor=survivor, merged=merged, reason="Satu anak")
    during = every_row()
    assert during != before
    person_unmerge(actor=head_a, merge=merge, reason="Ternyata saudara kembar")

    assert every_row() == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == head_a
    assert active_merge_of(merged) is None


def test_merge_and_unmerge_are_audited(two_records, head_a):
    survivor, merged = two_records
    merge = person_merge(actor=head_a, survivor=survivor, merged=merged, reason="Satu anak")
    row = AuditLog.objects.get(object_type="dedup.merge", object_id=str(merge.pk))
    assert row.actor == head_a
    assert row.changes["merged_into"] == [None, survivor.registry_id]
    assert row.changes["rows"][1]["cases.case"] == 1
    assert row.changes["reason"] == [None, "Satu anak"]
    assert AuditLog.objects.filter(
        object_type="registry.person", object_id=str(merged.pk), changes__has_key="merged_into"
    ).exists()

    person_unmerge(actor=head_a, merge=merge, reason="Keliru")
    undo = AuditLog.objects.filter(object_type="dedup.merge", object_id=str(merge.pk)).order_by(
        "-id"
    )[0]
    assert undo.changes["reason"] == [None, "Keliru"]
    assert undo.changes["rows"][1]["cases.case"] == 1


def test_a_merged_record_cannot_be_merged_again_or_unmerged_twice(two_records, head_a):
    survivor, merged = two_records
    merge = person_merge(actor=head_a, survivor=survivor, merged=merged, reason="Satu anak")
    with pytest.raises(Conflict):
        person_merge(actor=head_a, survivor=merged, merged=survivor, reason="Balik")
    person_unmerge(actor=head_a, merge=merge, reason="Keliru")
    with pytest.raises(Conflict):
        person_unmerge(actor=head_a, merge=merge, reason="Lagi")


def test_unmerge_waits_until_the_survivor_is_no_longer_merged_elsewhere(
    two_records, head_a, pendamping_a
):
    survivor, merged = two_records
    third = make_person(pendamping_a, full_name="Siti Nur Haliza", sex="P")
    first = person_merge(actor=head_a, survivor=survivor, merged=merged, reason="Satu")
    second = person_merge(actor=head_a, survivor=third, merged=survivor, reason="Dua")
    assert Case.objects.filter(person=third).count() == 2
    with pytest.raises(Conflict):
        person_unmerge(actor=head_a, merge=first, reason="Keliru")
    person_unmerge(actor=head_a, merge=second, reason="Keliru")
    person_unmerge(actor=head_a, merge=first, reason="Keliru")
    assert Case.objects.filter(person=merged).count() == 1
    assert Case.objects.filter(person=survivor).count() == 1


def test_a_pair_decided_different_cannot_be_merged(two_records, head_a):
    survivor, merged = two_records
    pair = make_pair(survivor, merged)
    pair_decide(actor=head_a, pair=pair, verdict="different", reason="Kembar")
    with pytest.raises(Conflict):
        person_merge(actor=head_a, survivor=survivor, merged=merged, reason="x", pair=pair)


def test_only_heads_and_administrators_merge(two_records, supervisor_a, pendamping_a):
    survivor, merged = two_records
    for user in (supervisor_a, pendamping_a):
        with pytest.raises(PermissionDenied):
            person_merge(actor=user, survivor=survivor, merged=merged, reason="x")
    assert not Merge.objects.exists()


def test_a_head_of_another_sentra_cannot_merge_or_unmerge(two_records, head_a, head_b):
    survivor, merged = two_records
    with pytest.raises(NotFound):
        person_merge(actor=head_b, survivor=survivor, merged=merged, reason="x")
    merge = person_merge(actor=head_a, survivor=survivor, merged=merged, reason="Satu")
    with pytest.raises(NotFound):
        person_unmerge(actor=head_b, merge=merge, reason="x")
    assert CandidatePair.objects.count() == 0
