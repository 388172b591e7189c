"""Who may open which case page: readers by scope, writers only, outsiders get 404."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CASE_PAGES_GET = ["cases:detail", "cases:assessment", "cases:plan", "cases:outcome"]
CASE_PAGES_POST = [
    "cases:transition",
    "cases:assign",
    "cases:contact",
    "cases:penetapan",
    "cases:terminate",
    "cases:reopen",
    "cases:service_add",
    "cases:note_add",
    "cases:transfer",
    "cases:referral",
    "cases:stay_admit",
    "cases:aftercare_schedule",
    "cases:attachment_add",
    "cases:case_file",
    "cases:assessment",
    "cases:plan",
    "cases:outcome",
]


def numbers(response) -> set[str]:
    return {c.number for c in response.context["cases"]}


def test_a_pendamping_sees_only_the_cases_assigned_to_them(client, pendamping_a, cases):
    client.force_login(pendamping_a)
    assert numbers(client.get(reverse("cases:list"))) == {cases[0].number}


@pytest.mark.parametrize("role", ["head_a", "supervisor_a"])
def test_sentra_leads_see_their_sentra(client, request, role, cases):
    client.force_login(request.getfixturevalue(role))
    assert numbers(client.get(reverse("cases:list"))) == {cases[0].number, cases[1].number}


def test_the_analyst_sees_their_target_group_nationwide(client, analyst_anak, cases):
    client.force_login(analyst_anak)
    assert numbers(client.get(reverse("cases:list"))) == {cases[0].number, cases[2].number}


@pytest.mark.parametrize("role", ["admin_user", "auditor"])
def test_national_roles_see_every_case(client, request, role, cases):
    client.force_login(request.getfixturevalue(role))
    assert numbers(client.get(reverse("cases:list"))) == {c.number for c in cases}


@pytest.mark.parametrize("name", ["cases:list", "cases:queues"])
def test_the_finance_officer_is_refused(client, finance_a, cases, name):
    client.force_login(finance_a)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert cases[0].number not in response.content.decode()


@pytest.mark.parametrize("name", CASE_PAGES_GET)
def test_the_finance_officer_is_refused_every_case_page(client, finance_a, case_a, name):
    client.force_login(finance_a)
    assert client.get(reverse(name, args=[case_a.pk])).status_code == 403


@pytest.mark.parametrize("name", CASE_PAGES_GET)
def test_a_head_of_another_sentra_gets_404_on_every_page(client, head_b, case_a, name):
    client.force_login(head_b)
    response = client.get(reverse(name, args=[case_a.pk]))
    assert response.status_code == 404
    assert case_a.number not in response.content.decode()


@pytest.mark.parametrize("name", CASE_PAGES_POST)
def test_a_head_of_another_sentra_gets_404_on_every_change(client, head_b, case_a, name):
    client.force_login(head_b)
    response = client.post(reverse(name, args=[case_a.pk]), {"version": case_a.version})
    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.version == 1


def test_another_pendamping_of_the_same_sentra_gets_404(client, pendamping_a2, case_a):
    client.force_login(pendamping_a2)
    assert client.get(reverse("cases:detail", args=[case_a.pk])).status_code == 404


def test_a_head_of_another_sentra_cannot_open_a_case_for_a_person_of_sentra_a(
    client, head_b, suparno
):
    client.force_login(head_b)
    assert client.get(reverse("cases:create", args=[suparno.pk])).status_code == 404


@pytest.mark.parametrize("role", ["analyst_anak", "auditor"])
def test_read_only_roles_may_look_but_not_change(client, request, role, case_a):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cases:detail", args=[case_a.pk])).status_code == 200
    response = client.post(
        reverse("cases:contact", args=[case_a.pk]),
        {"version": 1, "happened_at": "2020-01-01T10:00", "text": "x"},
    )
    assert response.status_code == 403
    assert client.get(reverse("cases:assessment", args=[case_a.pk])).status_code == 403


def test_it_sends_strangers_to_the_login_page(client, case_a):
    response = client.get(reverse("cases:detail", args=[case_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
