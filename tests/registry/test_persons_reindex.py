"""`atensi persons reindex`: rebuilding the name search data after a change to the name rules."""

import io

import pytest
from django.core.management import CommandError, call_command

from atensi.common.models import AuditLog
from atensi.lib.names import name_keys, normalize_name
from atensi.registry.models import Person, PersonNameToken
from atensi.registry.selectors import person_search, persons_visible_to
from atensi.registry.services import person_name_index, persons_reindex_names
from tests.registry.factories import make_person

NAMES = [
    ("Moch. Soeparno", ["Parno"]),
    ("Siti Nurhaliza", []),
    ("Djoko Tjahjono", ["Pak Djoko", "Joko"]),
    ("Ni Made Sri Wahyuni", []),
    ("Yusuf bin Abdullah", []),
]


@pytest.fixture
def persons(pendamping_a):
    return [make_person(pendamping_a, full_name=n, aliases=a) for n, a in NAMES]


def stored(person: Person) -> tuple[str, list[str]]:
    person.refresh_from_db()
    return person.name_normalized, sorted(person.name_tokens.values_list("key", flat=True))


def reindex(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("persons", "reindex", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_name_index_is_what_normalize_name_and_name_keys_give():
    for full_name, aliases in [*NAMES, ("H. M. Tjipto, S.Pd.", ["Bu Hj. Oetari"]), ("", [])]:
        assert person_name_index(full_name, aliases) == (
            normalize_name(full_name),
            sorted(name_keys(full_name, *aliases)),
        )


def test_it_rebuilds_stale_name_data_and_leaves_the_rest(persons):
    stale, missing, fine = persons[0], persons[2], persons[1]
    expected = {p.pk: stored(p) for p in persons}
    # What the rules of an older version would have left behind.
    Person.objects.filter(pk=stale.pk).update(name_normalized="moch soeparno")
    PersonNameToken.objects.filter(person=stale).update(key="old")
    PersonNameToken.objects.filter(person=missing).delete()
    untouched = PersonNameToken.objects.filter(person=fine).values_list("id", flat=True)
    untouched_ids = sorted(untouched)

    out, _err = reindex()

    assert {p.pk: stored(p) for p in persons} == expected
    assert "5 orang diperiksa, indeks nama 2 orang dibangun ulang" in out
    assert sorted(PersonNameToken.objects.filter(person=fine).values_list("id", flat=True)) == (
        untouched_ids
    )
    assert [p.full_name for p in person_search(persons_visible_to(stale.registered_by), "djoko")]


def test_a_second_run_changes_nothing(persons):
    PersonNameToken.objects.all().delete()
    reindex()
    tokens = sorted(PersonNameToken.objects.values_list("id", "person_id", "key"))

    out, _err = reindex()

    assert "indeks nama 0 orang dibangun ulang" in out
    assert sorted(PersonNameToken.objects.values_list("id", "person_id", "key")) == tokens


def test_it_works_in_batches_and_reports_progress(persons):
    PersonNameToken.objects.all().delete()
    calls = []

    done = persons_reindex_names(batch_size=2, progress=lambda *a: calls.append(a))

    assert (done.persons, done.changed, done.batches) == (5, 5, 3)
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert PersonNameToken.objects.values("person").distinct().count() == 5


def test_the_command_shows_a_progress_bar_when_asked(persons):
    _out, err = reindex("--progress", "--batch-size", "2")

    assert "Indeks nama" in err
    assert "5/5" in err


def test_a_reindex_does_not_count_as_an_edit_of_the_person(persons):
    person = persons[0]
    Person.objects.filter(pk=person.pk).update(name_normalized="")
    before = Person.objects.values_list("version", "updated_at").get(pk=person.pk)

    reindex()

    assert Person.objects.values_list("version", "updated_at").get(pk=person.pk) == before


def test_one_audit_row_records_the_run(persons):
    before = AuditLog.objects.count()
    PersonNameToken.objects.filter(person=persons[3]).delete()

    reindex("--batch-size", "3")

    assert AuditLog.objects.count() == before + 1
    audit = AuditLog.objects.latest("id")
    assert audit.action == "update"
    assert audit.object_type == "registry.person"
    assert audit.changes == {"name_index_rebuilt": {"persons": 5, "changed": 1, "batches": 2}}


def test_an_empty_registry_is_fine(db):
    out, _err = reindex()

    assert "0 orang diperiksa" in out
    assert AuditLog.objects.filter(object_type="registry.person").count() == 1


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="batch-size"):
        reindex("--batch-size", "0")
