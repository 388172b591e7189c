"""The OpenAPI schema and its two readers (Swagger UI, Redoc), served without any CDN."""

import json
import re

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS


@pytest.fixture
def fresh_generator_stats():
    # Warnings are remembered per process; start clean so this test sees only its own run.
    GENERATOR_STATS.reset()
    yield
    GENERATOR_STATS.reset()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_schema_generates_and_validates_without_warnings(
    tmp_path, fresh_generator_stats, language
):
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--lang",
        language,
        "--file",
        str(target),
    )
    assert not GENERATOR_STATS
    assert json.loads(target.read_text())["openapi"].startswith("3.")


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _operation(schema, path, method) -> dict:
    return schema["paths"][path][method]


def _ref(content) -> str:
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


EXPECTED = {
    ("/api/v1/persons/", "get"),
    ("/api/v1/persons/", "post"),
    ("/api/v1/persons/{id}/", "get"),
    ("/api/v1/persons/{id}/", "patch"),
    ("/api/v1/persons/{id}/", "delete"),
    ("/api/v1/persons/{id}/family/", "get"),
    ("/api/v1/persons/{id}/family/", "post"),
    ("/api/v1/persons/{id}/family/{member_id}/", "delete"),
    ("/api/v1/persons/{id}/consents/", "get"),
    ("/api/v1/persons/{id}/consents/", "post"),
    ("/api/v1/persons/{id}/consents/{consent_id}/withdraw/", "post"),
    ("/api/v1/nik/check/", "post"),
    ("/api/v1/audit/", "get"),
}


def test_the_schema_lists_every_registry_and_audit_operation(schema):
    present = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert present >= EXPECTED
    assert set(schema["paths"]["/api/v1/audit/"]) == {"get"}


def test_request_bodies_and_responses_are_documented(schema):
    create = _operation(schema, "/api/v1/persons/", "post")
    assert _ref(create["requestBody"]["content"]) == "PersonCreateInput"
    assert _ref(create["responses"]["201"]["content"]) == "PersonOutput"
    patch = _operation(schema, "/api/v1/persons/{id}/", "patch")
    update = schema["components"]["schemas"][_ref(patch["requestBody"]["content"])]
    assert update["required"] == ["version"]
    assert "409" in patch["responses"]
    person = schema["components"]["schemas"]["PersonOutput"]
    warnings = person["properties"]["nik_warnings"]
    assert warnings["type"] == "array"
    assert warnings["items"]["$ref"].endswith("/NikWarningOutput")
    nik = _operation(schema, "/api/v1/nik/check/", "post")
    assert _ref(nik["responses"]["200"]["content"]) == "NikCheckOutput"


def test_errors_are_documented_in_the_one_shape(schema):
    for path, method in EXPECTED:
        responses = _operation(schema, path, method)["responses"]
        errors = {code for code in responses if code.startswith("4")}
        assert "401" in errors and "403" in errors, (path, method)
        for code in errors:
            assert _ref(responses[code]["content"]) == "ErrorOutput", (path, method, code)
    error = schema["components"]["schemas"]["ErrorOutput"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorBody")


def test_list_filters_are_documented_as_query_parameters(schema):
    def params(path):
        return {p["name"] for p in _operation(schema, path, "get")["parameters"]}

    assert params("/api/v1/persons/") >= {
        "q",
        "nik",
        "target_group",
        "sex",
        "unit",
        "has_nik_warnings",
        "no_nik",
        "ordering",
        "page",
        "page_size",
    }
    assert params("/api/v1/audit/") >= {
        "actor",
        "action",
        "object_type",
        "object_id",
        "date_from",
        "date_to",
        "unit",
        "page",
    }
    listed = _operation(schema, "/api/v1/persons/", "get")["responses"]["200"]["content"]
    assert _ref(listed) == "PaginatedPersonListOutputList"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_render_with_bundled_assets_only(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar" in page
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)
    assert external == []
    assert not re.search(r"cdn\.jsdelivr|unpkg\.com|cdnjs", page)
    assets = re.findall(r"""["'](/static/drf_spectacular_sidecar/[^"']+)["']""", page)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
