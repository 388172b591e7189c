"""Recording a service delivery is the busiest write: its query count is held at a constant.

The write path (bench/events measures it under load): the token with its user, then in one
transaction the case row under a lock, read within the user's scope (404 when out of it), with
whether the person's processing has stopped in the same query, and the three inserts: the
service, its timeline event, its audit row. Raising the count fails here. Only invalid input asks
for the case's scope first, so that an outsider gets 404 rather than a list of input errors.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import CaseEvent
from atensi.common.errors import ApplicationError
from atensi.common.models import AuditLog
from tests.api_helpers import error_of
from tests.cases.api.conftest import case_at

# token+user, SAVEPOINT (tests run inside a transaction; BEGIN in production),
# case row under lock, service, timeline event, audit row, RELEASE (COMMIT in production).
QUERIES_PER_SERVICE_WRITE = 7


def _body(**extra):
    return {
        "delivered_on": timezone.localdate().isoformat(),
        "component": "family_support",
        "description": "Konseling keluarga",
        **extra,
    }


def test_recording_a_service_takes_a_constant_number_of_queries(api, pendamping_a, supervisor_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    client = api(pendamping_a)
    url = f"/api/v1/cases/{case.pk}/services/"
    assert client.post(url, _body(), format="json").status_code == 201  # warms the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, _body(description="Kunjungan rumah"), format="json")
    assert response.status_code == 201, response.json()
    assert len(captured) == QUERIES_PER_SERVICE_WRITE, [q["sql"][:90] for q in captured]
    service_id = response.json()["id"]
    assert AuditLog.objects.filter(
        object_type="cases.servicedelivery", object_id=str(service_id), action="create"
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind="service", data__service_id=service_id).exists()


def test_an_outsider_gets_404_before_any_input_check(api, pendamping_b, pendamping_a, supervisor_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_b).post(
        f"/api/v1/cases/{case.pk}/services/", {"component": "nonsense"}, format="json"
    )
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_outsider_with_valid_input_gets_404_and_nothing_is_written(
    api, pendamping_b, pendamping_a, supervisor_a
):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    response = api(pendamping_b).post(f"/api/v1/cases/{case.pk}/services/", _body(), format="json")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert case.services.count() == 0
    assert not AuditLog.objects.filter(object_type="cases.servicedelivery").exists()


def test_a_reader_who_may_not_write_gets_403(api, auditor, pendamping_a, supervisor_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    response = api(auditor).post(f"/api/v1/cases/{case.pk}/services/", _body(), format="json")
    assert response.status_code == 403
    assert case.services.count() == 0


def test_a_negative_unit_cost_is_refused_by_the_service(pendamping_a, supervisor_a, head_a):
    case = case_at(Stage.INTERVENTION, pendamping=pendamping_a, lead=supervisor_a)
    case = services.case_penetapan(
        actor=head_a, case=case, sk_number="9/RS/2026", sk_date=timezone.localdate()
    )
    with pytest.raises(ApplicationError) as refused:
        services.service_record(
            actor=pendamping_a,
            case=case,
            delivered_on=timezone.localdate(),
            component="assistance",
            description="Koreksi",
            unit_cost=-1,
        )
    assert "unit_cost" in refused.value.details
    assert case.services.count() == 0
