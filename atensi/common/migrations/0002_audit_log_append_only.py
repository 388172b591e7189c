"""Makes the audit log append-only in the database itself, not only in the application."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS common_auditlog_no_update BEFORE UPDATE ON common_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log rows cannot be changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS common_auditlog_no_delete BEFORE DELETE ON common_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log rows cannot be deleted'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS common_auditlog_no_update",
    "DROP TRIGGER IF EXISTS common_auditlog_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION common_auditlog_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log rows cannot be changed or deleted'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER common_auditlog_append_only BEFORE UPDATE OR DELETE ON common_auditlog
       FOR EACH ROW EXECUTE FUNCTION common_auditlog_refuse()""",
    """CREATE TRIGGER common_auditlog_no_truncate BEFORE TRUNCATE ON common_auditlog
       FOR EACH STATEMENT EXECUTE FUNCTION common_auditlog_refuse()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS common_auditlog_no_truncate ON common_auditlog",
    "DROP TRIGGER IF EXISTS common_auditlog_append_only ON common_auditlog",
    "DROP FUNCTION IF EXISTS common_auditlog_refuse()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
