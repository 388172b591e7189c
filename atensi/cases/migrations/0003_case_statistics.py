"""Extended statistics on PostgreSQL: a supervisor's or pendamping's cases all lie in one sentra.

Without them the planner multiplies the selectivity of "this sentra" and "this supervisor" as if
independent, expects a handful of rows where a supervisor's queue has thousands, and joins the
persons of every row before taking the first page. SQLite has no such statistics: nothing to do.
"""

from django.db import migrations

STATISTICS = {
    "case_unit_supervisor_stats": "(dependencies) ON unit_id, supervisor_id",
    "case_unit_pendamping_stats": "(dependencies) ON unit_id, pendamping_id",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in STATISTICS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} {definition} FROM cases_case"
        )
    schema_editor.execute("ANALYZE cases_case")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_referral_consent_queue_indexes")]

    operations = [migrations.RunPython(create, drop)]
