"""Writing the audit trail. Call inside the transaction of the change being recorded."""

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from .context import current_request_info
from .models import AuditAction, AuditLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # file fields
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Returns the named fields of a model instance as JSON-friendly values."""
    out = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        out[name] = _jsonable(value)
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Returns {field: [old, new]} for the fields whose value changed."""
    return {k: [old.get(k), new.get(k)] for k in new if old.get(k) != new.get(k)}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
) -> AuditLog:
    """Writes one audit row for what `actor` did; `changes` holds old and new values."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    info = current_request_info()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if authenticated else None,
        actor_username=getattr(actor, "username", "") or "",
        unit_id=getattr(actor, "unit_id", None) if authenticated else None,
        action=AuditAction(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=_jsonable(changes or {}),
        ip=info.ip,
        user_agent=info.user_agent,
    )
