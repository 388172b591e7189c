"""GET /api/v1/budget/...: figures for the caller's scope only; others' satker are 404."""

import pytest

pytestmark = pytest.mark.django_db
Q = {"ta": 2023, "month": 12, "as_of": "2023-12-31"}


def codes(response):
    return [row["code"] for row in response.json()["satker"]]


def test_a_finance_officer_sees_only_their_satker(api, finance_a, two_satker):
    response = api(finance_a).get("/api/v1/budget/satker/", Q)
    assert response.status_code == 200
    assert codes(response) == ["630108"]
    assert response.json()["eselon1"] is None


@pytest.mark.parametrize("who", ["analyst_anak", "auditor", "admin_user"])
def test_directorate_auditor_and_admin_see_every_satker_and_the_eselon1(
    api, request, who, two_satker
):
    response = api(request.getfixturevalue(who)).get("/api/v1/budget/satker/", Q)
    body = response.json()
    assert codes(response) == ["630108", "630117"]
    assert body["eselon1"]["realisasi"] == 550_000_000
    assert body["eselon1"]["penyerapan"] == 36.67  # 550 / 1,500, pooled
    assert body["rule_sets"] == {"ikpa": "IKPA-PER5-2022", "nka": "NKA-PMK22-2021"}


def test_another_satker_is_not_found(api, head_b, two_satker):
    assert api(head_b).get("/api/v1/budget/satker/630108/", Q).status_code == 404
    own = api(head_b).get("/api/v1/budget/satker/630117/", Q)
    assert own.status_code == 200
    body = own.json()
    assert body["figures"]["penyerapan"] == 50.0
    assert body["breakdown"]["total"]["realisasi"] == 250_000_000
    assert len(body["s_curve"]) == 12


@pytest.mark.parametrize("who", ["pendamping_a", "supervisor_a"])
def test_roles_without_a_budget_task_are_refused(api, request, who, two_satker):
    response = api(request.getfixturevalue(who)).get("/api/v1/budget/satker/", Q)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_callers_are_refused(api, two_satker):
    assert api().get("/api/v1/budget/satker/", Q).status_code == 401


def test_the_ta_is_required(api, finance_a):
    response = api(finance_a).get("/api/v1/budget/satker/")
    assert response.status_code == 400 and "ta" in response.json()["error"]["details"]


def test_the_satker_list_reads_a_fixed_number_of_queries(
    api, analyst_anak, two_satker, django_assert_max_num_queries
):
    client = api(analyst_anak)
    with django_assert_max_num_queries(25):
        assert client.get("/api/v1/budget/satker/", Q).status_code == 200


def test_eselon1_is_for_those_who_see_all(api, finance_a, analyst_anak, two_satker):
    assert api(finance_a).get("/api/v1/budget/eselon1/", Q).status_code == 404
    body = api(analyst_anak).get("/api/v1/budget/eselon1/", Q).json()
    assert body["figures"]["pagu"] == 1_500_000_000
    assert body["figures"]["upt"]["satker"] == 2


def test_rankings_show_a_scoped_user_their_own_rank_among_all(
    api, finance_a, analyst_anak, two_satker
):
    everyone = api(analyst_anak).get("/api/v1/budget/rankings/", {**Q, "by": "realisasi"}).json()
    assert [(r["rank"], r["code"]) for r in everyone["ranking"]] == [(1, "630117"), (2, "630108")]
    assert everyone["awards"]["by"] == "realisasi"
    assert [r["code"] for r in everyone["awards"]["top"]] == ["630117", "630108"]
    own = api(finance_a).get("/api/v1/budget/rankings/", {**Q, "by": "realisasi"}).json()
    assert [(r["rank"], r["code"]) for r in own["ranking"]] == [(2, "630108")]
    assert own["count"] == 2 and own["awards"] is None
    bad = api(analyst_anak).get("/api/v1/budget/rankings/", {**Q, "by": "umur"})
    assert bad.status_code == 400


def test_s_curve_forecast_and_reconciliation_follow_the_scope(api, finance_a, two_satker):
    client = api(finance_a)
    curve = client.get("/api/v1/budget/s-curve/", Q).json()
    assert curve["months"][1]["realisation_cumulative"] == 300_000_000
    assert client.get("/api/v1/budget/s-curve/", {**Q, "unit": "630117"}).status_code == 404
    forecast = client.get("/api/v1/budget/forecast/", Q).json()
    assert [r["code"] for r in forecast] == ["630108"]
    assert (
        client.get("/api/v1/budget/reconciliation/", {"ta": 2023}).json()[0]["ro"] == "6371.QDB.001"
    )
