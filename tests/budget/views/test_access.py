"""Who sees which budget page: finance and heads their own satker, the centre all, others none."""

import pytest

pytestmark = pytest.mark.django_db

A, B = "630108", "630117"


def test_a_finance_officer_sees_only_their_own_satker(client_for, finance_a, two_satker):
    client = client_for(finance_a)
    assert client.get("/anggaran/").url == f"/anggaran/satker/{A}/"
    page = client.get(f"/anggaran/satker/{A}/?ta=2023")
    assert page.status_code == 200
    assert "Sentra Handayani" in page.content.decode()
    listing = client.get("/anggaran/satker/?ta=2023").content.decode()
    assert "Sentra Handayani" in listing and "Sentra Antasena" not in listing


def test_a_finance_officer_gets_404_for_another_satker(client_for, finance_a, two_satker):
    response = client_for(finance_a).get(f"/anggaran/satker/{B}/?ta=2023")
    assert response.status_code == 404
    assert "Sentra Antasena" not in response.content.decode()


def test_a_head_sees_their_own_satker_and_not_the_other(client_for, head_a, head_b, two_satker):
    assert client_for(head_a).get(f"/anggaran/satker/{A}/?ta=2023").status_code == 200
    assert client_for(head_b).get(f"/anggaran/satker/{A}/?ta=2023").status_code == 404
    assert client_for(head_b).get(f"/anggaran/satker/{B}/?ta=2023").status_code == 200


@pytest.mark.parametrize("who", ["analyst_anak", "auditor", "admin_user"])
def test_the_directorate_sees_every_satker(request, client_for, who, two_satker):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/anggaran/").url == "/anggaran/satker/"
    listing = client.get("/anggaran/satker/?ta=2023").content.decode()
    assert "Sentra Handayani" in listing and "Sentra Antasena" in listing
    assert client.get(f"/anggaran/satker/{B}/?ta=2023").status_code == 200
    assert client.get("/anggaran/laporan/?ta=2023").status_code == 200


@pytest.mark.parametrize("who", ["pendamping_a", "supervisor_a"])
@pytest.mark.parametrize(
    "path",
    [
        "/anggaran/",
        "/anggaran/satker/",
        f"/anggaran/satker/{A}/",
        "/anggaran/peringkat/",
        "/anggaran/impor/",
        "/anggaran/blokir/",
        "/anggaran/revisi/",
        "/anggaran/koreksi/",
        "/anggaran/laporan/",
        "/anggaran/laporan/2023.pdf",
    ],
)
def test_roles_without_budget_work_are_refused(request, client_for, who, path):
    response = client_for(request.getfixturevalue(who)).get(path)
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client_for):
    response = client_for().get("/anggaran/satker/")
    assert response.status_code == 302 and "/akun/masuk/" in response.url


@pytest.mark.parametrize("who", ["finance_a", "head_a"])
def test_the_annual_report_is_for_those_who_see_every_satker(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/anggaran/laporan/?ta=2023").status_code == 404
    assert client.get("/anggaran/laporan/2023.pdf").status_code == 404
    assert client.get("/anggaran/laporan/2023.xlsx").status_code == 404


def test_heads_and_auditors_cannot_import(client_for, head_a, auditor):
    assert client_for(head_a).get("/anggaran/impor/").status_code == 403
    assert client_for(auditor).get("/anggaran/impor/").status_code == 403
    assert client_for(head_a).get("/anggaran/impor/templat/realisation.csv").status_code == 403


def test_the_menu_shows_anggaran_to_budget_roles_only(client_for, finance_a, pendamping_a):
    assert 'href="/anggaran/"' in client_for(finance_a).get("/", follow=True).content.decode()
    assert (
        'href="/anggaran/"' not in client_for(pendamping_a).get("/", follow=True).content.decode()
    )
