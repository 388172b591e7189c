"""GET /api/v1/cases/queues/: my cases, overdue steps, approvals waiting, aftercare due."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person

URL = "/api/v1/cases/queues/"


def _case(actor, name, **values):
    return make_case(actor, person=make_person(actor, full_name=name), **values)


@pytest.fixture
def work(pendamping_a, pendamping_a2, supervisor_a):
    late = _case(
        pendamping_a,
        "Ani Lestari",
        urgency="emergency",
        supervisor=supervisor_a,
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    fresh = _case(pendamping_a, "Budi Santoso", received_at=timezone.now() - dt.timedelta(hours=2))
    planned = walk(
        _case(pendamping_a2, "Citra Dewi", supervisor=supervisor_a),
        Stage.PLANNING,
        worker=pendamping_a2,
        lead=supervisor_a,
    )
    plan = services.plan_save(
        actor=pendamping_a2,
        case=planned,
        goals=[{"text": "Aman"}],
        services=[
            {
                "component": "care",
                "description": "Pengasuhan",
                "frequency": "harian",
                "responsible": pendamping_a2,
                "target_date": timezone.localdate(),
            }
        ],
    )
    services.plan_submit(actor=pendamping_a2, plan=plan)
    return {"late": late, "fresh": fresh, "planned": planned, "plan": plan}


def test_a_pendamping_sees_their_cases_and_what_is_overdue(api, work, pendamping_a):
    queues = api(pendamping_a).get(URL).json()
    assert {row["id"] for row in queues["my_cases"]["results"]} == {
        work["late"].pk,
        work["fresh"].pk,
    }
    overdue = queues["overdue"]["results"]
    assert [row["id"] for row in overdue] == [work["late"].pk]
    assert overdue[0]["overdue_milestone"] == "first_contact"
    assert overdue[0]["overdue"] == ["first_contact", "assessment"]
    assert queues["waiting_approval"] is None


def test_a_supervisor_sees_the_plans_waiting_for_approval(api, work, supervisor_a):
    queues = api(supervisor_a).get(URL).json()
    waiting = queues["waiting_approval"]
    assert waiting["count"] == 1
    assert waiting["results"][0]["id"] == work["plan"].pk
    assert waiting["results"][0]["case_number"] == work["planned"].number
    assert {row["id"] for row in queues["my_cases"]["results"]} == {
        work["late"].pk,
        work["planned"].pk,
    }


def test_the_overdue_filter_on_the_list_matches_the_queue(api, work, head_a):
    client = api(head_a)
    overdue = client.get("/api/v1/cases/?overdue=true").json()["results"]
    assert [row["id"] for row in overdue] == [work["late"].pk]
    on_time = {row["id"] for row in client.get("/api/v1/cases/?overdue=false").json()["results"]}
    assert on_time == {work["fresh"].pk, work["planned"].pk}


def test_a_limit_caps_each_queue_and_count_tells_the_rest(api, work, supervisor_a):
    queues = api(supervisor_a).get(f"{URL}?limit=1").json()
    assert len(queues["my_cases"]["results"]) == 1 and queues["my_cases"]["count"] == 2


def test_the_query_count_does_not_grow_with_the_limit(api, work, pendamping_a, supervisor_a):
    for index in range(6):
        _case(
            pendamping_a,
            f"Orang {index}",
            urgency="emergency",
            supervisor=supervisor_a,
            received_at=timezone.now() - dt.timedelta(days=5 + index),
        )
    client = api(supervisor_a)
    counts = []
    for limit in (2, 50):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{URL}?limit={limit}").status_code == 200
        counts.append(len(captured))
    # A full queue asks for its total count; a queue shorter than its limit needs no count.
    assert counts[0] >= counts[1]
    assert counts[1] <= 12


def test_a_finance_officer_has_no_queues(api, finance_a):
    assert api(finance_a).get(URL).status_code == 403
