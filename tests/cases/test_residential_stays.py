"""Residential admission and discharge: occupancy never exceeds capacity without a head's override."""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.selectors import occupancy, occupancy_all
from atensi.common.errors import ApplicationError, PermissionDenied
from atensi.common.models import AuditLog
from atensi.organisation.models import Unit
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person


def _capacity(unit, beds):
    # Bed capacity is unit master data, edited by an administrator.
    Unit.objects.filter(pk=unit.pk).update(residential_capacity=beds)
    unit.refresh_from_db()


def _resident_case(actor, name="Budi Santoso"):
    return make_case(actor, person=make_person(actor, full_name=name), approach="residential")


def _admit(actor, case, **extra):
    return services.stay_admit(
        actor=actor, case=case, admitted_at=timezone.now() - dt.timedelta(hours=1), **extra
    )


def test_occupancy_never_exceeds_capacity_without_a_heads_override(
    pendamping_a, supervisor_a, head_a, sentra_a
):
    _capacity(sentra_a, 2)
    first, second, third = (_resident_case(pendamping_a, n) for n in ("Ani", "Budi", "Citra"))
    _admit(pendamping_a, first)
    _admit(pendamping_a, second)
    assert occupancy(sentra_a).occupied == 2 and occupancy(sentra_a).free == 0

    with pytest.raises(ApplicationError) as refused:
        _admit(pendamping_a, third)
    assert refused.value.code == "over_capacity"
    assert "2 dari 2" in str(refused.value.message)
    assert refused.value.details == {"occupied": 2, "capacity": 2}

    with pytest.raises(PermissionDenied) as refused:
        _admit(supervisor_a, third, over_capacity_reason="Anak korban kekerasan, tidak ada tempat")
    assert refused.value.code == "over_capacity"
    assert occupancy(sentra_a).occupied == 2

    stay = _admit(head_a, third, over_capacity_reason="Anak korban kekerasan, tidak ada tempat")
    assert stay.over_capacity_reason.startswith("Anak korban")
    now = occupancy(sentra_a)
    assert (now.occupied, now.capacity, now.over_capacity) == (3, 2, True)
    audit = AuditLog.objects.get(object_type="cases.residentialstay", object_id=str(stay.pk))
    assert audit.changes["over_capacity_reason"] == [None, stay.over_capacity_reason]


def test_a_discharge_frees_the_bed(pendamping_a, sentra_a):
    _capacity(sentra_a, 1)
    first, second = _resident_case(pendamping_a, "Ani"), _resident_case(pendamping_a, "Budi")
    stay = _admit(pendamping_a, first)
    with pytest.raises(ApplicationError):
        _admit(pendamping_a, second)
    services.stay_discharge(actor=pendamping_a, stay=stay, discharged_at=timezone.now())
    _admit(pendamping_a, second)
    assert occupancy(sentra_a).occupied == 1
    assert first.events.filter(kind="stay_discharged").exists()


def test_within_capacity_an_override_reason_is_not_kept(head_a, sentra_a):
    _capacity(sentra_a, 5)
    stay = _admit(head_a, _resident_case(head_a), over_capacity_reason="tidak perlu")
    assert stay.over_capacity_reason == ""


def test_occupancy_for_all_sentra_in_one_query(pendamping_a, sentra_a, django_assert_num_queries):
    _capacity(sentra_a, 3)
    _admit(pendamping_a, _resident_case(pendamping_a))
    with django_assert_num_queries(1):
        figures = {o.unit.code: o for o in occupancy_all()}
    assert len(figures) == 31
    assert (figures[sentra_a.code].occupied, figures[sentra_a.code].capacity) == (1, 3)


def test_only_residential_cases_in_an_active_stage_are_admitted(pendamping_a, supervisor_a, head_a):
    with pytest.raises(ApplicationError) as refused:
        _admit(pendamping_a, make_case(pendamping_a, approach="family"))
    assert refused.value.code == "not_residential"

    case = _resident_case(pendamping_a)
    services.case_terminate(actor=pendamping_a, case=case, reason="moved", outcome_rating="unknown")
    with pytest.raises(ApplicationError) as refused:
        _admit(head_a, case)
    assert refused.value.code == "wrong_stage"


def test_a_resident_cannot_be_admitted_twice(pendamping_a):
    case = _resident_case(pendamping_a)
    _admit(pendamping_a, case)
    with pytest.raises(ApplicationError) as refused:
        _admit(pendamping_a, case)
    assert refused.value.code == "already_admitted"


def test_a_stay_cannot_be_discharged_twice_or_before_admission(pendamping_a):
    stay = _admit(pendamping_a, _resident_case(pendamping_a))
    with pytest.raises(ApplicationError):
        services.stay_discharge(
            actor=pendamping_a, stay=stay, discharged_at=stay.admitted_at - dt.timedelta(hours=1)
        )
    services.stay_discharge(actor=pendamping_a, stay=stay, discharged_at=timezone.now())
    with pytest.raises(ApplicationError) as refused:
        services.stay_discharge(actor=pendamping_a, stay=stay, discharged_at=timezone.now())
    assert refused.value.code == "already_discharged"


def test_an_open_stay_blocks_aftercare_until_discharge(pendamping_a, supervisor_a):
    case = _resident_case(pendamping_a)
    stay = _admit(pendamping_a, case)
    case = walk(case, Stage.TERMINATION, worker=pendamping_a, lead=supervisor_a)
    with pytest.raises(ApplicationError) as refused:
        services.case_transition(actor=pendamping_a, case=case, target=Stage.AFTERCARE)
    assert refused.value.code == "transition_blocked"
    services.stay_discharge(actor=pendamping_a, stay=stay, discharged_at=timezone.now())
    services.case_transition(actor=pendamping_a, case=case, target=Stage.AFTERCARE)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_admission_holds_the_sentra_row_lock_until_commit(pendamping_a, sentra_a):
    """A second admission at the same time waits for the first: it cannot count the same free bed."""
    _admit(pendamping_a, _resident_case(pendamping_a))  # inside this test's open transaction
    outcome = {}

    def other_session():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM organisation_unit WHERE id = %s FOR UPDATE NOWAIT",
                    [sentra_a.pk],
                )
            outcome["locked"] = False
        except DatabaseError:
            outcome["locked"] = True
        finally:
            connections["default"].close()

    thread = threading.Thread(target=other_session)
    thread.start()
    thread.join()
    assert outcome == {"locked": True}
