"""POST /api/v1/budget/...: imports, templates, sign-off, manual scores, commitments, revisions."""

import pytest

from atensi.budget.models import Commitment, ManualScore, PeriodLock, Realisation
from tests.budget.factories import csv_bytes, dipa_line, do_import, sp2d, upload

pytestmark = pytest.mark.django_db


def post_file(client, kind, rows, **extra):
    return client.post(
        "/api/v1/budget/imports/",
        {"kind": kind, "file": upload(kind, rows), **extra},
        format="multipart",
    )


def test_a_finance_officer_imports_a_file_and_a_second_time_nothing_is_new(api, finance_a):
    client = api(finance_a)
    first = post_file(client, "realisation", [sp2d(number="A1"), sp2d(number="A2")])
    assert first.status_code == 201
    assert (first.json()["created"], first.json()["already_present"]) == (2, 0)
    again = post_file(client, "realisation", [sp2d(number="A1"), sp2d(number="A2")])
    assert again.status_code == 200 and again.json()["already_present"] == 2
    batches = client.get("/api/v1/budget/imports/").json()
    assert [b["created"] for b in batches] == [0, 2]


def test_a_file_with_a_bad_row_is_rejected_with_its_problems(api, finance_a):
    response = post_file(api(finance_a), "realisation", [sp2d(), sp2d(number="X", nilai="1.5e6")])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    assert error["details"]["issues"] == [
        {"row": 3, "column": "nilai", "message": error["details"]["issues"][0]["message"]}
    ]
    assert not Realisation.objects.exists()


def test_heads_do_not_import(api, head_a):
    assert post_file(api(head_a), "realisation", [sp2d()]).status_code == 403


def test_an_unknown_kind_is_refused(api, finance_a):
    response = api(finance_a).post(
        "/api/v1/budget/imports/",
        {"kind": "gaji", "file": upload("realisation", [sp2d()])},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["error"]["details"]["kind"]


def test_templates_download_as_csv_and_xlsx(api, finance_a):
    client = api(finance_a)
    csv_response = client.get("/api/v1/budget/imports/templates/realisation.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode("utf-8-sig").startswith("tahun,kode_satker,kppn")
    xlsx = client.get("/api/v1/budget/imports/templates/dipa.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/api/v1/budget/imports/templates/gaji.csv").status_code == 404


def test_the_head_signs_off_a_month_and_others_cannot(api, head_a, head_b, finance_a):
    do_import(finance_a, "dipa", [dipa_line()])
    body = {"unit": "630108", "ta": 2023, "month": 1}
    assert api(finance_a).post("/api/v1/budget/periods/", body, format="json").status_code == 403
    assert api(head_b).post("/api/v1/budget/periods/", body, format="json").status_code == 404
    signed = api(head_a).post("/api/v1/budget/periods/", body, format="json")
    assert signed.status_code == 201 and signed.json()["signed_off_by"] == "head_a"
    assert api(head_a).post("/api/v1/budget/periods/", body, format="json").status_code == 409
    listed = api(head_a).get("/api/v1/budget/periods/", {"ta": 2023, "unit": "630108"}).json()
    assert [lock["month"] for lock in listed["locks"]] == [1]
    assert PeriodLock.objects.count() == 1


def test_a_locked_month_answers_409_until_a_reason_is_given(api, head_a, finance_a):
    do_import(finance_a, "realisation", [sp2d(number="J1")])
    api(head_a).post(
        "/api/v1/budget/periods/", {"unit": "630108", "ta": 2023, "month": 1}, format="json"
    )
    client = api(finance_a)
    refused = post_file(client, "realisation", [sp2d(number="J2")])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "period_locked"
    restated = post_file(
        client, "realisation", [sp2d(number="J2")], restatement_reason="SP2D terlambat dicatat"
    )
    assert restated.status_code == 201 and len(restated.json()["restatements"]) == 1
    periods = api(head_a).get("/api/v1/budget/periods/", {"ta": 2023, "unit": "630108"}).json()
    assert periods["restatements"][0]["reason"] == "SP2D terlambat dicatat"


def test_manual_scores_are_entered_by_finance_not_by_heads(api, finance_a, head_a):
    body = {
        "unit": "630108",
        "ta": 2024,
        "component": "up_tup",
        "value": "95.5",
        "source": "OM-SPAN 5 Jan",
    }
    assert api(head_a).post("/api/v1/budget/manual-scores/", body, format="json").status_code == 403
    response = api(finance_a).post("/api/v1/budget/manual-scores/", body, format="json")
    assert response.status_code == 200 and response.json()["value"] == "95.50"
    bad = api(finance_a).post(
        "/api/v1/budget/manual-scores/", {**body, "component": "penyerapan"}, format="json"
    )
    assert bad.status_code == 400
    assert ManualScore.objects.get().value == 95.5


def test_commitments_are_listed_added_and_removed(api, finance_a, head_b):
    client = api(finance_a)
    body = {
        "unit": "630108",
        "ta": 2024,
        "kind": "contract",
        "reference": "SPK-1",
        "description": "Permakanan",
        "jenis_belanja": "52",
        "amount": 150_000_000,
        "expected_on": "2024-06-10",
    }
    created = client.post("/api/v1/budget/commitments/", body, format="json")
    assert created.status_code == 201
    listed = client.get("/api/v1/budget/commitments/", {"ta": 2024, "unit": "630108"}).json()
    assert [c["reference"] for c in listed] == ["SPK-1"]
    pk = created.json()["id"]
    assert api(head_b).delete(f"/api/v1/budget/commitments/{pk}/").status_code == 404
    assert client.delete(f"/api/v1/budget/commitments/{pk}/").status_code == 204
    assert not Commitment.objects.exists()
    assert (
        client.post(
            "/api/v1/budget/commitments/", {**body, "amount": 1.5}, format="json"
        ).status_code
        == 400
    )


def test_revisions_and_residential_costs_are_recorded(api, finance_a):
    client = api(finance_a)
    revision = client.post(
        "/api/v1/budget/revisions/",
        {"unit": "630108", "ta": 2024, "number": 1, "date": "2024-02-10", "kind_code": "201"},
        format="json",
    )
    assert revision.status_code == 201 and revision.json()["kind_code"] == "201"
    cost = client.post(
        "/api/v1/budget/residential-costs/",
        {"unit": "630108", "ta": 2024, "amount": 75_000},
        format="json",
    )
    assert cost.status_code == 200 and cost.json()["jenis_belanja"] == "52"


def test_unknown_fields_are_errors(api, finance_a):
    response = api(finance_a).post(
        "/api/v1/budget/revisions/",
        {"unit": "630108", "ta": 2024, "number": 1, "date": "2024-02-10", "tanggal": "x"},
        format="json",
    )
    assert response.status_code == 400 and "tanggal" in response.json()["error"]["details"]


def test_csv_bytes_helper_writes_the_template_header():
    assert csv_bytes("plan", []).decode().startswith("tahun,kode_satker,bulan,jenis_belanja")
