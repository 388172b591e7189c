"""The timeline: everything that happened to a case, in order, with who did it, in one query."""

import datetime as dt

from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.selectors import case_timeline
from tests.cases.factories import make_case, walk


def test_the_timeline_lists_every_event_in_order_with_actors(
    pendamping_a, supervisor_a, django_assert_num_queries
):
    case = make_case(pendamping_a, received_at=timezone.now() - dt.timedelta(days=3))
    # Recorded later but happened earlier: the contact sorts by when it happened.
    services.note_add(actor=supervisor_a, case=case, kind="note", text="Catatan supervisor")
    services.case_contact_record(
        actor=pendamping_a,
        case=case,
        happened_at=timezone.now() - dt.timedelta(days=2),
        text="Kunjungan rumah",
    )
    case = walk(case, Stage.PLANNING, worker=pendamping_a, lead=supervisor_a)

    with django_assert_num_queries(1):
        rows = [(e.kind, e.actor.get_full_name(), e.summary) for e in case_timeline(case)]
    assert [kind for kind, _who, _summary in rows] == [
        "opened",
        "contact",
        "note",
        "stage",
        "assessment",
        "stage",
    ]
    assert rows[0][1] == "Sri Wahyuni"
    assert rows[2][1] == "Supervisor A"
    assert "Pendekatan awal → Asesmen" in rows[3][2]
    times = [e.at for e in case_timeline(case)]
    assert times == sorted(times)
