"""Every budget endpoint is in the OpenAPI schema with its input, output and error shapes."""

import json

import pytest

EXPECTED = {
    ("/api/v1/budget/satker/", "get"): "ScoresOutput",
    ("/api/v1/budget/satker/{code}/", "get"): "SatkerDetailOutput",
    ("/api/v1/budget/eselon1/", "get"): "SatkerDetailOutput",
    ("/api/v1/budget/s-curve/", "get"): "SCurveOutput",
    ("/api/v1/budget/rankings/", "get"): "RankingsOutput",
    ("/api/v1/budget/forecast/", "get"): None,
    ("/api/v1/budget/reconciliation/", "get"): None,
    ("/api/v1/budget/periods/", "get"): "PeriodsOutput",
    ("/api/v1/budget/periods/", "post"): "LockOutput",
    ("/api/v1/budget/imports/", "get"): None,
    ("/api/v1/budget/imports/", "post"): "ImportResultOutput",
    ("/api/v1/budget/manual-scores/", "post"): "ManualScoreOutput",
    ("/api/v1/budget/commitments/", "post"): "CommitmentOutput",
    ("/api/v1/budget/revisions/", "post"): "RevisionOutput",
}


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_budget_operation_is_documented_with_errors_in_the_one_shape(schema):
    for (path, method), output in EXPECTED.items():
        operation = schema["paths"][path][method]
        assert operation["tags"] == ["budget"]
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success]["content"]["application/json"]["schema"]
        if output:
            assert content["$ref"].endswith("/" + output), (path, method)
        for code in ("401", "403"):
            error = operation["responses"][code]["content"]["application/json"]["schema"]
            assert error["$ref"].endswith("/ErrorOutput")


def test_figure_queries_are_documented(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/budget/satker/"]["get"]["parameters"]}
    assert names >= {"ta", "month", "as_of"}
    imports = schema["paths"]["/api/v1/budget/imports/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in imports
