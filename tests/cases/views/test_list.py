"""The case list: filters, search, paging, query counts, Excel export."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from atensi.cases import services
from atensi.common.models import AuditLog
from tests.cases.factories import make_case
from tests.registry.factories import make_person

pytestmark = pytest.mark.django_db


def list_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("cases:list"), params)


def numbers(response) -> set[str]:
    return {c.number for c in response.context["cases"]}


def test_it_filters_by_stage_klaster_and_urgency(client, admin_user, cases):
    case_a, case_a2, case_b = cases
    assert numbers(list_page(client, admin_user, target_group="lansia")) == {case_a2.number}
    assert numbers(list_page(client, admin_user, urgency="emergency")) == {case_a2.number}
    assert numbers(list_page(client, admin_user, stage="intake")) == {c.number for c in cases}
    assert numbers(list_page(client, admin_user, stage="assessment")) == set()


def test_national_roles_filter_by_sentra(client, admin_user, sentra_b, cases):
    response = list_page(client, admin_user, unit=sentra_b.pk)
    assert numbers(response) == {cases[2].number}
    assert "unit" in response.context["form"].fields


def test_sentra_leads_filter_by_pendamping(client, head_a, pendamping_a2, cases):
    response = list_page(client, head_a, pendamping=pendamping_a2.pk)
    assert numbers(response) == {cases[1].number}
    assert "unit" not in response.context["form"].fields


def test_a_pendamping_gets_no_pendamping_or_sentra_filter(client, pendamping_a, cases):
    fields = list_page(client, pendamping_a).context["form"].fields
    assert "pendamping" not in fields and "unit" not in fields


def test_it_filters_overdue_cases(client, head_a, pendamping_a, cases):
    case_a, case_a2, _ = cases
    # case_a2 is an emergency received 10 days ago without contact: its 24 h target has passed.
    services.case_contact_record(
        actor=pendamping_a,
        case=case_a,
        happened_at=case_a.received_at + dt.timedelta(hours=2),
        text="Kunjungan",
    )
    response = list_page(client, head_a, overdue="on")
    assert case_a2.number in numbers(response)
    body = response.content.decode()
    assert "Kontak pertama lewat batas" in body


def test_it_finds_a_case_by_number(client, head_a, cases):
    assert numbers(list_page(client, head_a, q=cases[0].number.lower())) == {cases[0].number}


def test_it_finds_a_case_by_number_typed_without_prefix(client, head_a, cases):
    typed = cases[0].number.removeprefix("KS-")
    assert numbers(list_page(client, head_a, q=typed)) == {cases[0].number}


def test_it_finds_a_case_by_an_old_spelling_of_the_name(client, head_a, cases):
    assert numbers(list_page(client, head_a, q="Soeparno")) == {cases[0].number}


def test_search_stays_inside_the_users_scope(client, head_b, cases):
    assert numbers(list_page(client, head_b, q="Suparno")) == set()
    assert numbers(list_page(client, head_b, q=cases[0].number)) == set()


def test_htmx_gets_only_the_results(client, head_a, cases):
    client.force_login(head_a)
    response = client.get(reverse("cases:list"), {"q": "suparno"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert cases[0].number in body
    assert "<html" not in body
    assert 'data-label="Nomor kasus"' in body


def test_it_pages_through_a_long_list(client, head_a):
    person = make_person(head_a, full_name="Anak Panjang")
    for _ in range(30):
        make_case(head_a, person=person)
    first = list_page(client, head_a)
    second = list_page(client, head_a, page=2)
    assert len(first.context["cases"]) == 25
    assert len(second.context["cases"]) == 5
    assert "Halaman 1 dari 2" in first.content.decode()


def _queries_for(client, user, **params) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["head_a", "admin_user", "analyst_anak", "pendamping_a"])
def test_the_query_count_does_not_grow_with_the_page(client, request, role, pendamping_a):
    user = request.getfixturevalue(role)
    person = make_person(pendamping_a, full_name="Anak Banyak", target_group="anak")
    make_case(pendamping_a, person=person)
    few = _queries_for(client, user)
    for _ in range(24):
        make_case(pendamping_a, person=person, urgency="emergency")
    many = _queries_for(client, user)
    assert few == many
    assert many <= 10


def test_the_excel_export_follows_the_filters_and_is_audited(client, head_a, cases):
    client.force_login(head_a)
    response = client.post(reverse("cases:export"), {"target_group": "lansia"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [cases[1].number]
    row = AuditLog.objects.get(action="export", object_type="cases.case")
    assert row.actor == head_a
    assert row.changes["count"] == 1
    assert (
        "Klaster: Lanjut usia" in row.changes["description"]
        or "Klaster" in row.changes["description"]
    )


def test_the_excel_export_stays_in_scope(client, head_b, cases):
    client.force_login(head_b)
    response = client.post(reverse("cases:export"), {})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [r[0] for r in list(sheet.iter_rows(values_only=True))[1:]] == [cases[2].number]


def test_the_export_button_carries_the_filters(client, head_a, cases):
    body = list_page(client, head_a, urgency="emergency").content.decode()
    start = body.index(reverse("cases:export"))
    form = body[start : body.index("</form>", start)]
    assert 'name="urgency" value="emergency"' in form


def test_a_received_date_is_shown_in_jakarta_time(client, head_a, pendamping_a):
    received = timezone.make_aware(dt.datetime(2026, 1, 5, 23, 30), dt.UTC)
    make_case(pendamping_a, received_at=received)
    assert "06-01-2026 06:30" in list_page(client, head_a).content.decode()
