import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.registry.factories import make_person, nik_for

pytestmark = pytest.mark.django_db


def list_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("registry:list"), params)


def names(response) -> set[str]:
    return {p.full_name for p in response.context["persons"]}


def test_the_administrator_sees_everyone(client, admin_user, registry):
    response = list_page(client, admin_user)
    assert response.status_code == 200
    assert names(response) == {p.full_name for p in registry}


def test_the_auditor_sees_everyone(client, auditor, registry):
    assert names(list_page(client, auditor)) == {p.full_name for p in registry}


def test_the_analyst_sees_their_target_group_nationwide(client, analyst_anak, registry):
    assert names(list_page(client, analyst_anak)) == {"Suparno Wijaya", "Rina Anggraini"}


@pytest.mark.parametrize("role", ["head_a", "supervisor_a"])
def test_sentra_staff_see_their_own_sentra_only(client, request, role, registry):
    user = request.getfixturevalue(role)
    assert names(list_page(client, user)) == {"Suparno Wijaya", "Dewi Lestari"}


def test_a_pendamping_sees_the_persons_they_registered(client, pendamping_a, registry):
    assert names(list_page(client, pendamping_a)) == {"Suparno Wijaya"}


def test_it_refuses_the_finance_officer(client, finance_a, registry):
    response = list_page(client, finance_a)
    assert response.status_code == 403
    assert "Suparno" not in response.content.decode()
    assert "registri" in response.content.decode()


def test_it_sends_strangers_to_the_login_page(client, registry):
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_finds_a_person_by_exact_nik(client, head_a, suparno, dewi):
    response = list_page(client, head_a, q=suparno.nik)
    assert names(response) == {"Suparno Wijaya"}


def test_it_finds_a_nik_typed_with_spaces(client, head_a, suparno, dewi):
    spaced = " ".join(suparno.nik[i : i + 4] for i in range(0, 16, 4))
    assert names(list_page(client, head_a, q=spaced)) == {"Suparno Wijaya"}


def test_it_finds_an_old_spelling_of_a_name(client, head_a, suparno, dewi):
    response = list_page(client, head_a, q="Soeparno")
    assert names(response) == {"Suparno Wijaya"}
    assert "Suparno Wijaya" in response.content.decode()


def test_it_finds_a_registry_number(client, head_a, suparno, dewi):
    assert names(list_page(client, head_a, q=suparno.registry_id.lower())) == {"Suparno Wijaya"}


def test_search_stays_inside_the_users_scope(client, head_b, suparno, rina):
    assert names(list_page(client, head_b, q=suparno.nik)) == set()
    assert names(list_page(client, head_b, q="Suparno")) == set()


def test_htmx_gets_only_the_results(client, head_a, suparno):
    client.force_login(head_a)
    response = client.get(
        reverse("registry:list"), {"q": "suparno"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Suparno Wijaya" in body
    assert "<html" not in body
    assert 'class="responsive"' in body
    assert 'data-label="NIK"' in body


def test_a_history_restore_gets_the_whole_page(client, head_a, suparno):
    client.force_login(head_a)
    response = client.get(
        reverse("registry:list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_it_filters_by_target_group_and_sex(client, admin_user, registry):
    assert names(list_page(client, admin_user, target_group="lansia")) == {
        "Dewi Lestari",
        "Bambang Sutrisno",
    }
    assert names(list_page(client, admin_user, sex="P")) == {"Dewi Lestari", "Rina Anggraini"}


def test_it_filters_persons_without_nik(client, admin_user, registry):
    assert names(list_page(client, admin_user, no_nik="on")) == {"Bambang Sutrisno"}


def test_it_filters_persons_whose_nik_disagrees_with_the_record(client, head_a, suparno):
    born = dt.date(2011, 1, 5)
    make_person(head_a, full_name="Joko Purnomo", birth_date=born, nik=nik_for(born, "P"))
    assert names(list_page(client, head_a, nik_warnings="on")) == {"Joko Purnomo"}


def test_national_roles_filter_by_unit(client, admin_user, sentra_b, registry):
    response = list_page(client, admin_user, unit=sentra_b.pk)
    assert names(response) == {"Rina Anggraini", "Bambang Sutrisno"}
    assert "unit" in response.context["form"].fields


def test_sentra_staff_get_no_unit_filter(client, head_a, registry):
    assert "unit" not in list_page(client, head_a).context["form"].fields


def test_filters_also_narrow_a_search(client, admin_user, registry):
    assert names(list_page(client, admin_user, q="Rina", target_group="lansia")) == set()


def test_it_pages_through_a_long_list(client, head_a):
    for i in range(30):
        make_person(head_a, full_name=f"Anak Nomor {i:02d}")
    first = list_page(client, head_a)
    second = list_page(client, head_a, page=2)
    assert len(first.context["persons"]) == 25
    assert len(second.context["persons"]) == 5
    assert not names(first) & names(second)
    assert "page=2" in first.content.decode()


def _count_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:list"))
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_page(client, admin_user, sentra_a):
    for i in range(2):
        make_person(admin_user, full_name=f"Orang Awal {i}", unit=sentra_a)
    few = _count_queries(client, admin_user)
    for i in range(23):
        make_person(admin_user, full_name=f"Orang Tambahan {i}", unit=sentra_a)
    many = _count_queries(client, admin_user)
    assert many == few


def test_the_list_needs_few_queries(client, head_a, django_assert_max_num_queries):
    for i in range(25):
        make_person(head_a, full_name=f"Orang {i}")
    client.force_login(head_a)
    # session, user, count, one page of persons with their units
    with django_assert_max_num_queries(5):
        client.get(reverse("registry:list"))


def test_a_search_needs_few_queries(client, head_a, django_assert_max_num_queries):
    for i in range(20):
        make_person(head_a, full_name=f"Suparno Ke{i}")
    client.force_login(head_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:list"), {"q": "soeparno"})
    assert len(response.context["persons"]) == 20


def test_a_bad_filter_value_drops_only_that_filter(client, admin_user, registry):
    response = list_page(client, admin_user, unit="x", target_group="lansia")
    assert names(response) == {"Dewi Lestari", "Bambang Sutrisno"}
