"""The audit page, /audit/: who may open it, what a row shows, the filters and pagination."""

import contextlib
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from atensi.common.audit import audit_record
from atensi.common.models import AuditLog
from atensi.common.views import PAGE_SIZE
from atensi.registry.services import person_update
from tests.conftest import PASSWORD, SENTRA_A, SENTRA_B
from tests.registry.factories import make_person

JAKARTA = ZoneInfo("Asia/Jakarta")
URL = "/audit/"


def signed_in(client, user):
    client.force_login(user)
    return client


def rows_shown(response) -> list[str]:
    """Returns the ids of the audit rows on the page, in order."""
    return re.findall(r'<tr id="audit-(\d+)"', response.content.decode())


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Freezes the clock the audit row's `at` is taken from (auto_now_add reads timezone.now)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def test_the_url_is_named_audit_list():
    assert reverse("audit:list") == URL


@pytest.mark.parametrize(
    "role_fixture", ["pendamping_a", "head_a", "supervisor_a", "finance_a", "analyst_anak"]
)
def test_it_refuses_everyone_but_auditors_and_administrators(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = signed_in(client, user).get(URL)
    assert response.status_code == 403
    assert "Hanya auditor dan administrator" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role_fixture", ["auditor", "admin_user"])
def test_auditors_and_administrators_may_search(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert signed_in(client, user).get(URL).status_code == 200


def test_a_row_shows_time_in_jakarta_actor_unit_action_object_ip_and_changes(
    client, auditor, pendamping_a
):
    utc_evening = dt.datetime(2026, 1, 31, 20, 30, tzinfo=dt.UTC)
    with at(utc_evening):
        person = make_person(pendamping_a, full_name="Siti Aminah", sex="P")
    row = AuditLog.objects.get(object_type="registry.person", action="create")
    response = signed_in(client, auditor).get(URL, {"object": person.registry_id})
    page = response.content.decode()
    assert rows_shown(response) == [str(row.pk)]
    assert "01-02-2026 03:30" in page  # 20:30 UTC is 03:30 the next morning in WIB
    assert "pendamping_a" in page
    assert SENTRA_A in page and "Sentra Handayani" in page
    assert "buat" in page  # the action's label, not its code
    assert f"Siti Aminah ({person.registry_id})" in page
    assert "nama lengkap" in page  # changed fields named by their labels


def test_a_row_shows_the_client_ip(client, auditor, pendamping_a):
    # The login through the page records the address the request came from.
    client.post(
        reverse("accounts:login"),
        {"username": "pendamping_a", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    client.logout()
    response = signed_in(client, auditor).get(URL, {"action": "login", "actor": "pendamping_a"})
    assert len(rows_shown(response)) == 1
    assert "203.0.113.7" in response.content.decode()


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def history(pendamping_a, head_b):
    """Rows by two users in two sentra: creations, an update, and a login failure."""
    siti = make_person(pendamping_a, full_name="Siti Aminah", sex="P")
    budi = make_person(head_b, full_name="Budi Santoso")
    person_update(actor=pendamping_a, person=siti, phone="081234567890")
    audit_record(actor=None, action="login_failed", object_type="accounts.user", object_repr="tamu")
    return {"siti": siti, "budi": budi}


def shown_rows(client, **params) -> list[AuditLog]:
    response = client.get(URL, params)
    assert response.status_code == 200
    ids = [int(pk) for pk in rows_shown(response)]
    by_id = AuditLog.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def test_it_filters_by_the_actors_username(client, auditor, history):
    rows = shown_rows(signed_in(client, auditor), actor="head_b")
    assert rows and {r.actor_username for r in rows} == {"head_b"}


def test_it_filters_by_action(client, auditor, history):
    rows = shown_rows(signed_in(client, auditor), action="update")
    assert [(r.action, r.object_id) for r in rows] == [("update", str(history["siti"].pk))]


def test_it_filters_by_object_type(client, auditor, history):
    rows = shown_rows(signed_in(client, auditor), object_type="registry.person")
    assert len(rows) == 3
    assert {r.object_type for r in rows} == {"registry.person"}


def test_it_filters_by_object_id(client, auditor, history):
    rows = shown_rows(
        signed_in(client, auditor), object_type="registry.person", object=history["budi"].pk
    )
    assert [(r.action, r.object_id) for r in rows] == [("create", str(history["budi"].pk))]


def test_it_finds_a_persons_rows_by_registry_number(client, auditor, history):
    siti = history["siti"]
    rows = shown_rows(signed_in(client, auditor), object=siti.registry_id.lower())
    assert [r.action for r in rows] == ["update", "create"]  # newest first
    assert {r.object_id for r in rows} == {str(siti.pk)}


def test_it_filters_by_the_actors_unit(client, auditor, history):
    rows = shown_rows(signed_in(client, auditor), unit=SENTRA_B)
    assert rows and {r.unit.code for r in rows} == {SENTRA_B}


def test_it_searches_the_objects_text(client, auditor, history):
    rows = shown_rows(signed_in(client, auditor), q="aminah")
    assert [r.action for r in rows] == ["update", "create"]
    assert shown_rows(client, q="tamu")[0].action == "login_failed"


def test_the_date_range_covers_whole_days_in_jakarta_time(client, auditor):
    # 31-01 16:59:59 UTC is 23:59:59 WIB on the 31st; 17:00 UTC is already 1 February in WIB.
    moments = {
        "jan31_late": dt.datetime(2026, 1, 31, 16, 59, 59, tzinfo=dt.UTC),
        "feb01_start": dt.datetime(2026, 1, 31, 17, 0, 0, tzinfo=dt.UTC),
        "feb01_end": dt.datetime(2026, 2, 1, 16, 59, 59, tzinfo=dt.UTC),
        "feb02_start": dt.datetime(2026, 2, 1, 17, 0, 0, tzinfo=dt.UTC),
    }
    for name, moment in moments.items():
        with at(moment):
            audit_record(actor=None, action="login_failed", object_repr=name)
    signed_in(client, auditor)
    feb1 = shown_rows(client, date_from="01-02-2026", date_to="01-02-2026", action="login_failed")
    assert [r.object_repr for r in feb1] == ["feb01_end", "feb01_start"]
    from_feb1 = shown_rows(client, date_from="01-02-2026", action="login_failed")
    assert {r.object_repr for r in from_feb1} == {"feb01_start", "feb01_end", "feb02_start"}
    until_jan31 = shown_rows(client, date_to="31-01-2026", action="login_failed")
    assert [r.object_repr for r in until_jan31] == ["jan31_late"]


def test_the_filter_form_shows_dates_as_dd_mm_yyyy(client, auditor):
    response = signed_in(client, auditor).get(URL, {"date_from": "2026-02-01"})
    assert 'value="01-02-2026"' in response.content.decode()


def test_an_end_date_before_the_start_date_is_refused(client, auditor, history):
    response = signed_in(client, auditor).get(
        URL, {"date_from": "02-02-2026", "date_to": "01-02-2026"}
    )
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()
    assert rows_shown(response) == []


def test_an_impossible_date_is_refused(client, auditor):
    response = signed_in(client, auditor).get(URL, {"date_from": "31-02-2026"})
    assert response.context["form"].errors["date_from"]


# --- pagination ------------------------------------------------------------------------------


def page_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows_on_the_page(client, auditor, pendamping_a):
    signed_in(client, auditor)
    make_person(pendamping_a)
    few = page_queries(client)
    for i in range(PAGE_SIZE + 5):
        audit_record(
            actor=pendamping_a, action="view", object_type="registry.person", object_id=str(i)
        )
    full = page_queries(client)
    assert len(rows_shown(client.get(URL))) == PAGE_SIZE
    assert full == few


def test_pages_keep_the_filters(client, auditor, pendamping_a):
    for i in range(PAGE_SIZE + 3):
        audit_record(
            actor=pendamping_a, action="view", object_type="registry.person", object_id=str(i)
        )
    signed_in(client, auditor)
    first = client.get(URL, {"action": "view"})
    assert "action=view&amp;page=2" in first.content.decode()
    second = client.get(URL, {"action": "view", "page": 2})
    assert len(rows_shown(second)) == 3
    assert set(rows_shown(first)).isdisjoint(rows_shown(second))


# --- one row's changes (the htmx expand) -----------------------------------------------------


def test_the_changes_of_a_row_read_old_to_new(client, auditor, pendamping_a):
    person = make_person(pendamping_a, phone="0811111111", birth_date=dt.date(2012, 5, 17))
    person_update(
        actor=pendamping_a,
        person=person,
        phone="0822222222",
        sex="P",
        nik=None,
        no_nik_reason="homeless",
    )
    row = AuditLog.objects.get(
        action="update", object_type="registry.person", object_id=str(person.pk)
    )
    response = signed_in(client, auditor).get(
        reverse("audit:changes", args=[row.pk]), HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert "<html" not in fragment  # a fragment for htmx, not a page
    assert re.search(r"telepon</strong>: <del>0811111111</del> → <ins>0822222222</ins>", fragment)
    # choices by label, and a missing value as a dash
    assert re.search(
        r"jenis kelamin</strong>: <del>Laki-laki</del> → <ins>Perempuan</ins>", fragment
    )
    assert re.search(r"NIK</strong>: <del>\d{16}</del> → <ins>–</ins>", fragment)


def test_dates_in_the_changes_are_shown_as_dd_mm_yyyy(client, auditor, pendamping_a):
    person = make_person(pendamping_a, birth_date=dt.date(2012, 5, 17))
    row = AuditLog.objects.get(
        action="create", object_type="registry.person", object_id=str(person.pk)
    )
    response = signed_in(client, auditor).get(
        reverse("audit:changes", args=[row.pk]), HTTP_HX_REQUEST="true"
    )
    assert "<ins>17-05-2012</ins>" in response.content.decode()


def test_without_htmx_the_changes_come_as_a_whole_page(client, auditor, pendamping_a):
    person = make_person(pendamping_a)
    row = AuditLog.objects.get(
        action="create", object_type="registry.person", object_id=str(person.pk)
    )
    response = signed_in(client, auditor).get(reverse("audit:changes", args=[row.pk]))
    page = response.content.decode()
    assert "<html" in page and "nama lengkap" in page


def test_the_changes_are_refused_to_other_roles(client, pendamping_a):
    person = make_person(pendamping_a)
    row = AuditLog.objects.get(
        action="create", object_type="registry.person", object_id=str(person.pk)
    )
    response = signed_in(client, pendamping_a).get(reverse("audit:changes", args=[row.pk]))
    assert response.status_code == 403


# --- nobody can edit -------------------------------------------------------------------------


def test_there_is_no_page_that_edits_or_deletes_a_row(client, admin_user, pendamping_a):
    person = make_person(pendamping_a)
    row = AuditLog.objects.get(
        action="create", object_type="registry.person", object_id=str(person.pk)
    )
    for name in ("edit", "update", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit:{name}", args=[row.pk])
    signed_in(client, admin_user)
    assert (
        client.post(reverse("audit:changes", args=[row.pk]), {"actor_username": "x"}).status_code
        == 405
    )
    assert client.post(URL, {"action": "delete"}).status_code == 405
    row.refresh_from_db()
    assert row.actor_username == "pendamping_a"
