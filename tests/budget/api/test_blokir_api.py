"""/api/v1/budget/blokir/: list, record and lift blokir, for each role, and the outsider's 404."""

import pytest

from atensi.budget.models import Blokir
from tests.budget.factories import blokir, do_import

pytestmark = pytest.mark.django_db

M = 1_000_000


def body(**kw) -> dict:
    data = {
        "unit": "630108",
        "ta": 2023,
        "ro": "6371.QDB.001",
        "jenis_belanja": "52",
        "amount": 150 * M,
        "reason": "Menunggu TOR",
        "reference": "S-12/PA.3/2023",
        "blocked_on": "2023-03-01",
    }
    data.update(kw)
    return data


def test_a_finance_officer_records_and_partly_lifts_a_blokir(api, finance_a, two_satker):
    client = api(finance_a)
    created = client.post("/api/v1/budget/blokir/", body(), format="json")
    assert created.status_code == 201
    item = created.json()
    assert (item["ro"], item["amount"], item["reference"], item["released_on"]) == (
        "6371.QDB.001",
        150 * M,
        "S-12/PA.3/2023",
        None,
    )
    figures = client.get("/api/v1/budget/satker/630108/?ta=2023&month=4").json()["figures"]
    assert figures["blokir"] == 150 * M
    lifted = client.post(
        f"/api/v1/budget/blokir/{item['id']}/lift/",
        {"amount": 100 * M, "lifted_on": "2023-05-10", "reference": "S-40"},
        format="json",
    )
    assert lifted.status_code == 200
    result = lifted.json()
    assert (result["lifted"]["released_amount"], result["lifted"]["released_reference"]) == (
        100 * M,
        "S-40",
    )
    assert (result["remainder"]["amount"], result["remainder"]["previous"]) == (50 * M, item["id"])
    figures = client.get("/api/v1/budget/satker/630108/?ta=2023&month=5").json()["figures"]
    assert figures["blokir"] == 50 * M
    listed = client.get("/api/v1/budget/blokir/?ta=2023").json()
    assert [(b["amount"], b["released_on"]) for b in listed] == [
        (150 * M, "2023-05-10"),
        (50 * M, None),
    ]


def test_refusals_come_in_the_error_shape_in_indonesian(api, finance_a, two_satker):
    client = api(finance_a)
    too_much = client.post("/api/v1/budget/blokir/", body(amount=1000 * M + 1), format="json")
    assert too_much.status_code == 400
    error = too_much.json()["error"]
    assert error["code"] == "exceeds_pagu" and "belum diblokir" in error["message"]
    assert error["details"]["unblocked"] == [str(1000 * M)]
    unknown_ro = client.post("/api/v1/budget/blokir/", body(ro="9999.X.1"), format="json")
    assert (
        unknown_ro.status_code == 400
        and "tidak ada di DIPA" in unknown_ro.json()["error"]["message"]
    )
    item = client.post("/api/v1/budget/blokir/", body(), format="json").json()
    over = client.post(
        f"/api/v1/budget/blokir/{item['id']}/lift/",
        {"amount": 150 * M + 1, "lifted_on": "2023-05-10", "reference": "S-40"},
        format="json",
    )
    assert over.status_code == 400 and over.json()["error"]["code"] == "exceeds_blokir"
    assert Blokir.objects.count() == 1


def test_a_head_reads_blokir_but_cannot_write(api, head_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(amount=100 * M)])
    item = Blokir.objects.get()
    client = api(head_a)
    listed = client.get("/api/v1/budget/blokir/?ta=2023&unit=630108")
    assert listed.status_code == 200 and [b["amount"] for b in listed.json()] == [100 * M]
    assert client.post("/api/v1/budget/blokir/", body(), format="json").status_code == 403
    lift = client.post(
        f"/api/v1/budget/blokir/{item.pk}/lift/",
        {"amount": 1, "lifted_on": "2023-05-10", "reference": "S"},
        format="json",
    )
    assert lift.status_code == 403
    item.refresh_from_db()
    assert item.released_on is None


def test_another_sentra_gets_404(api, head_b, finance_a, admin_user, two_satker):
    do_import(admin_user, "blokir", [blokir(unit="630117", amount=100 * M)])
    theirs = Blokir.objects.get()
    client = api(finance_a)
    assert client.get("/api/v1/budget/blokir/?ta=2023").json() == []
    assert client.get("/api/v1/budget/blokir/?ta=2023&unit=630117").status_code == 404
    assert (
        client.post("/api/v1/budget/blokir/", body(unit="630117"), format="json").status_code == 404
    )
    lift = client.post(
        f"/api/v1/budget/blokir/{theirs.pk}/lift/",
        {"amount": 1, "lifted_on": "2023-05-10", "reference": "S"},
        format="json",
    )
    assert lift.status_code == 404
    assert [b["id"] for b in api(head_b).get("/api/v1/budget/blokir/?ta=2023").json()] == [
        theirs.pk
    ]
