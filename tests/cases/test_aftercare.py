"""Aftercare visits: scheduled after termination, recorded once, shown when due."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.common.errors import ApplicationError, NotFound
from tests.cases.factories import make_case, walk


@pytest.fixture
def terminated(pendamping_a, supervisor_a):
    return walk(make_case(pendamping_a), Stage.TERMINATION, worker=pendamping_a, lead=supervisor_a)


def test_a_visit_is_scheduled_and_recorded(terminated, pendamping_a):
    visit = services.aftercare_schedule(
        actor=pendamping_a, case=terminated, scheduled_for=timezone.localdate()
    )
    visit = services.aftercare_record(
        actor=pendamping_a,
        visit=visit,
        done_at=timezone.now(),
        notes="Anak bersekolah kembali, keluarga stabil",
    )
    assert visit.done_at is not None and visit.visited_by == pendamping_a
    kinds = list(terminated.events.values_list("kind", flat=True))
    assert "aftercare_scheduled" in kinds and "aftercare_visit" in kinds


def test_a_visit_is_recorded_only_once_and_with_notes(terminated, pendamping_a):
    visit = services.aftercare_schedule(
        actor=pendamping_a, case=terminated, scheduled_for=timezone.localdate()
    )
    with pytest.raises(ApplicationError) as refused:
        services.aftercare_record(
            actor=pendamping_a, visit=visit, done_at=timezone.now(), notes=" "
        )
    assert refused.value.code == "invalid"
    services.aftercare_record(actor=pendamping_a, visit=visit, done_at=timezone.now(), notes="Baik")
    with pytest.raises(ApplicationError) as refused:
        services.aftercare_record(
            actor=pendamping_a, visit=visit, done_at=timezone.now(), notes="Lagi"
        )
    assert refused.value.code == "already_done"


def test_aftercare_is_scheduled_only_after_termination(pendamping_a):
    case = make_case(pendamping_a)
    with pytest.raises(ApplicationError) as refused:
        services.aftercare_schedule(
            actor=pendamping_a, case=case, scheduled_for=timezone.localdate()
        )
    assert refused.value.code == "wrong_stage"


def test_a_visit_cannot_be_scheduled_before_termination_day(terminated, pendamping_a):
    with pytest.raises(ApplicationError) as refused:
        services.aftercare_schedule(
            actor=pendamping_a,
            case=terminated,
            scheduled_for=timezone.localdate() - dt.timedelta(days=1),
        )
    assert refused.value.code == "invalid"


def test_an_outsider_cannot_schedule(terminated, pendamping_b):
    with pytest.raises(NotFound):
        services.aftercare_schedule(
            actor=pendamping_b, case=terminated, scheduled_for=timezone.localdate()
        )
