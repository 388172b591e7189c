"""Residential stays, aftercare visits and outcome measures over the API."""

import datetime as dt

from django.utils import timezone

from atensi.cases.choices import Stage
from atensi.organisation.models import Unit
from tests.api_helpers import error_of
from tests.cases.factories import make_case, walk
from tests.registry.factories import make_person

CHILD_LOW = dict.fromkeys(
    ["pengasuhan", "pendidikan", "kesehatan", "identitas", "keamanan", "partisipasi"], "0"
) | {"pengasuhan": "1", "kesehatan": "1"}
CHILD_HIGH = dict.fromkeys(CHILD_LOW, "2") | {"partisipasi": "1"}


def _resident(actor, name):
    return make_case(actor, person=make_person(actor, full_name=name), approach="residential")


def _admit(client, case, **extra):
    return client.post(
        f"/api/v1/cases/{case.pk}/stays/",
        {"admitted_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()} | extra,
        format="json",
    )


def test_occupancy_holds_at_capacity_unless_a_head_overrides(api, pendamping_a, head_a, sentra_a):
    Unit.objects.filter(pk=sentra_a.pk).update(residential_capacity=1)
    first, second = _resident(pendamping_a, "Ani"), _resident(pendamping_a, "Budi")
    pendamping = api(pendamping_a)
    assert _admit(pendamping, first).status_code == 201
    refused = _admit(pendamping, second)
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "over_capacity"
    assert error_of(refused)["details"] == {"occupied": 1, "capacity": 1}
    response = _admit(api(head_a), second, over_capacity_reason="Korban kekerasan, darurat")
    assert response.status_code == 201, response.json()
    occupancy = api(head_a).get("/api/v1/cases/occupancy/").json()
    mine = next(row for row in occupancy if row["unit"] == "630108")
    assert (mine["capacity"], mine["occupied"], mine["over_capacity"]) == (1, 2, True)


def test_a_resident_is_discharged(api, pendamping_a, sentra_a):
    Unit.objects.filter(pk=sentra_a.pk).update(residential_capacity=5)
    case = _resident(pendamping_a, "Ani")
    client = api(pendamping_a)
    stay = _admit(client, case).json()
    response = client.post(
        f"/api/v1/cases/{case.pk}/stays/{stay['id']}/discharge/",
        {"discharged_at": timezone.now().isoformat(), "note": "Kembali ke keluarga"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["discharged_at"] is not None
    again = client.post(
        f"/api/v1/cases/{case.pk}/stays/{stay['id']}/discharge/",
        {"discharged_at": timezone.now().isoformat()},
        format="json",
    )
    assert again.status_code == 400 and error_of(again)["code"] == "already_discharged"


def test_a_community_case_is_not_admitted(api, pendamping_a):
    response = _admit(api(pendamping_a), make_case(pendamping_a))
    assert response.status_code == 400 and error_of(response)["code"] == "not_residential"


def test_aftercare_visits_are_scheduled_recorded_and_queued(api, pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.TERMINATION, worker=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    visit = client.post(
        f"/api/v1/cases/{case.pk}/aftercare/",
        {"scheduled_for": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert visit.status_code == 201, visit.json()
    queued = client.get("/api/v1/cases/queues/").json()["aftercare_due"]
    assert [row["id"] for row in queued["results"]] == [visit.json()["id"]]
    response = client.post(
        f"/api/v1/cases/{case.pk}/aftercare/{visit.json()['id']}/record/",
        {"done_at": timezone.now().isoformat(), "notes": "Anak rajin sekolah"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["visited_by"] == "pendamping_a"
    assert client.get("/api/v1/cases/queues/").json()["aftercare_due"]["count"] == 0
    listed = client.get(f"/api/v1/cases/{case.pk}/aftercare/").json()
    assert listed[0]["notes"] == "Anak rajin sekolah"


def test_outcome_measures_show_the_change_per_scale(api, pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    url = f"/api/v1/cases/{case.pk}/outcomes/"
    body = {"scale_code": "kesejahteraan-anak", "scale_version": 1}
    today = timezone.localdate().isoformat()
    first = client.post(
        url, body | {"phase": "assessment", "taken_on": today, "answers": CHILD_LOW}, format="json"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["score"] == 2
    case = walk(case, Stage.TERMINATION, worker=pendamping_a, lead=supervisor_a)
    second = client.post(
        url,
        body | {"phase": "termination", "taken_on": today, "answers": CHILD_HIGH},
        format="json",
    )
    assert second.status_code == 201, second.json()
    outcomes = client.get(url).json()
    assert [m["phase"] for m in outcomes["measurements"]] == ["assessment", "termination"]
    assert outcomes["changes"] == [
        {
            "scale_code": "kesejahteraan-anak",
            "scale_version": 1,
            "scale_title": outcomes["changes"][0]["scale_title"],
            "baseline_score": 2,
            "latest_score": 11,
            "change": 9,
            "direction": "improved",
        }
    ]


def test_an_outcome_scale_of_another_target_group_is_refused(api, pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    response = api(pendamping_a).post(
        f"/api/v1/cases/{case.pk}/outcomes/",
        {
            "scale_code": "napza-penggunaan",
            "scale_version": 1,
            "phase": "assessment",
            "taken_on": timezone.localdate().isoformat(),
            "answers": {},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "scale" in error_of(response)["details"]
