"""Every case endpoint is in the OpenAPI schema with its input, output and error shapes."""

import json

import pytest

CASE = "/api/v1/cases/{id}/"
PLAN = CASE + "plans/{plan_id}/"
EXPECTED = {
    ("/api/v1/cases/", "get"): "PaginatedCaseListOutputList",
    ("/api/v1/cases/", "post"): "CaseOutput",
    (CASE, "get"): "CaseOutput",
    (CASE + "transition/", "post"): "CaseOutput",
    (CASE + "assign/", "post"): "CaseOutput",
    (CASE + "contact/", "post"): "CaseOutput",
    (CASE + "penetapan/", "post"): "CaseOutput",
    (CASE + "terminate/", "post"): "CaseOutput",
    (CASE + "reopen/", "post"): "CaseOutput",
    (CASE + "assessments/", "get"): None,
    (CASE + "assessments/", "post"): "AssessmentOutput",
    (CASE + "plans/", "get"): None,
    (CASE + "plans/", "post"): "PlanOutput",
    (PLAN + "submit/", "post"): "PlanOutput",
    (PLAN + "decide/", "post"): "PlanOutput",
    (CASE + "services/", "get"): "PaginatedServiceDeliveryOutputList",
    (CASE + "services/", "post"): "ServiceDeliveryOutput",
    (CASE + "notes/", "get"): "PaginatedNoteOutputList",
    (CASE + "notes/", "post"): "NoteOutput",
    (CASE + "timeline/", "get"): "PaginatedEventOutputList",
    ("/api/v1/case-forms/", "get"): None,
}
# Steps that change the case itself carry the version read, and may meet a newer one.
VERSIONED = ["transition/", "assign/", "contact/", "penetapan/", "terminate/", "reopen/"]


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _ref(content) -> str:
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_case_operation_is_documented_with_its_output(schema):
    for (path, method), output in EXPECTED.items():
        operation = schema["paths"][path][method]
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success]["content"]
        if output:
            assert _ref(content) == output, (path, method)
        else:
            assert content["application/json"]["schema"]["type"] == "array", (path, method)
        assert "cases" in operation["tags"]


def test_errors_are_documented_in_the_one_shape(schema):
    for path, method in EXPECTED:
        responses = schema["paths"][path][method]["responses"]
        errors = {code for code in responses if code.startswith("4")}
        assert {"401", "403"} <= errors, (path, method)
        if "{id}" in path:
            assert "404" in errors, (path, method)
        for code in errors:
            assert _ref(responses[code]["content"]) == "ErrorOutput", (path, method, code)


@pytest.mark.parametrize("step", VERSIONED)
def test_case_changes_require_the_version_and_document_the_conflict(schema, step):
    operation = schema["paths"][CASE + step]["post"]
    body = schema["components"]["schemas"][_ref(operation["requestBody"]["content"])]
    assert "version" in body["required"]
    assert "409" in operation["responses"]


def test_the_case_list_documents_its_filters(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert params >= {"stage", "target_group", "urgency", "unit", "pendamping", "q", "page"}


def test_a_unit_cost_is_documented_as_an_integer(schema):
    service = schema["components"]["schemas"]["ServiceDeliveryInput"]
    assert service["properties"]["unit_cost"]["type"] == "integer"
    assert (
        schema["components"]["schemas"]["CaseCreateInput"]["properties"]["person"]["type"]
        == "integer"
    )
