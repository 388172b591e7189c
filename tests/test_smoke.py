import pytest

from atensi.common.errors import NotFound
from atensi.common.models import AuditLog
from atensi.registry.selectors import person_get, persons_visible_to
from tests.registry.factories import make_person


def test_a_person_created_by_a_pendamping_is_audited(pendamping_a):
    person = make_person(pendamping_a, full_name="Siti Aminah", sex="P")
    row = AuditLog.objects.get(object_type="registry.person", object_id=str(person.pk))
    assert row.action == "create"
    assert row.actor == pendamping_a
    assert row.changes["full_name"] == [None, "Siti Aminah"]


def test_an_outsider_from_another_sentra_does_not_find_the_person(pendamping_a, head_b):
    person = make_person(pendamping_a)
    assert not persons_visible_to(head_b).filter(pk=person.pk).exists()
    with pytest.raises(NotFound):
        person_get(head_b, person.pk)
