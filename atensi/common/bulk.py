"""Writing many rows at once: by COPY on PostgreSQL, by executemany on SQLite.

Django's bulk_create spends most of its time preparing each value of each object. Where the
values are already clean (an import checked them, a derived table computed them), these write
them straight: PostgreSQL takes them by COPY, several times faster than one INSERT per row.
"""

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone


def rows_write(cursor, table: str, columns: list[str], rows: Iterable) -> None:
    """Writes rows (sequences in the order of `columns`, adapted for the database) into a table
    through `cursor`, a cursor of the default connection."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({placeholders})", rows)


def model_rows_insert(model, rows: list[dict]) -> None:
    """Inserts rows (dicts by attribute name) of `model`; missing fields get their defaults.

    Only dates, times and JSON are adapted for the backend: the values must be clean.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    adapters = []
    for f in fields:
        if isinstance(f, models.JSONField):
            adapters.append(lambda v, f=f: ops.adapt_json_value(v, f.encoder))
        elif isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    missing = object()
    columns = []
    for f, adapt in zip(fields, adapters, strict=True):
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if stamped else f.get_default()
        if adapt is not None and default is not None:
            default = adapt(default)
        columns.append((f.attname, adapt, default))
    params = []
    for row in rows:
        values = []
        for name, adapt, default in columns:
            value = row.get(name, missing)
            if value is missing:
                value = default
            elif adapt is not None and value is not None:
                value = adapt(value)
            values.append(value)
        params.append(values)
    with connection.cursor() as cursor:
        rows_write(cursor, model._meta.db_table, [f.column for f in fields], params)
