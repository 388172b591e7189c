"""Nobody can edit the audit trail: the database refuses it (migration 0002), the admin has no page."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import NoReverseMatch, reverse

from atensi.common.audit import audit_record
from atensi.common.models import AuditLog


@pytest.fixture
def row(db):
    return audit_record(actor=None, action="login_failed", object_repr="someone")


def refused(sql: str, params=()) -> str:
    """Runs raw SQL that must fail; returns the database's message."""
    # A savepoint, so PostgreSQL's aborted statement does not poison the test's transaction.
    with (
        pytest.raises(DatabaseError) as failure,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(failure.value)


def test_a_raw_update_is_refused_by_the_database(row):
    message = refused(
        "UPDATE common_auditlog SET actor_username = %s WHERE id = %s", ["mallory", row.pk]
    )
    assert "audit log rows cannot be changed" in message
    row.refresh_from_db()
    assert row.actor_username == ""


def test_a_raw_delete_is_refused_by_the_database(row):
    message = refused("DELETE FROM common_auditlog WHERE id = %s", [row.pk])
    assert "audit log rows cannot be" in message
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_the_orm_cannot_change_or_delete_rows_either(row):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(object_repr="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.object_repr == "someone"


def test_new_rows_can_still_be_added(row):
    audit_record(actor=None, action="login_failed", object_repr="another")
    assert AuditLog.objects.count() == 2


def test_postgresql_also_refuses_truncate(row):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL (SQLite has no such statement)")
    assert "cannot be changed or deleted" in refused("TRUNCATE common_auditlog")
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_the_triggers_come_from_the_migration(db):
    if connection.vendor == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'common_auditlog'"
        )
        expected = {"common_auditlog_no_update", "common_auditlog_no_delete"}
    else:
        sql = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'common_auditlog'::regclass "
            "AND NOT tgisinternal"
        )
        expected = {"common_auditlog_append_only", "common_auditlog_no_truncate"}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert {name for (name,) in cursor.fetchall()} == expected


def test_the_django_admin_has_no_page_to_change_or_delete_a_row(client, admin_user, row):
    model_admin = admin.site._registry.get(AuditLog)
    if model_admin is not None:
        # Registered for reading only: even a superuser may not add, change or delete.
        request = type("Request", (), {"user": admin_user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, row)
        assert not model_admin.has_delete_permission(request, row)
    else:
        with pytest.raises(NoReverseMatch):
            reverse("admin:common_auditlog_change", args=[row.pk])

    client.force_login(admin_user)
    change = client.post(
        f"/admin/common/auditlog/{row.pk}/change/", {"object_repr": "changed", "_save": "1"}
    )
    delete = client.post(f"/admin/common/auditlog/{row.pk}/delete/", {"post": "yes"})
    assert change.status_code in (403, 404) or b'name="_save"' not in change.content
    assert delete.status_code in (403, 404)
    row.refresh_from_db()
    assert row.object_repr == "someone"
