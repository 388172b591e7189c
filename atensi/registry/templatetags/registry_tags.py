"""Small display helpers for the registry pages."""

import datetime as dt
import re

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from atensi.registry.models import DisabilityType, Person

register = template.Library()

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register.filter
def disability_labels(codes) -> str:
    """Turns stored disability codes into their labels, e.g. "Fisik, Sensorik netra"."""
    labels = dict(DisabilityType.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def person_field_label(name: str) -> str:
    """Names a person's field as the forms do ("full_name" → "nama lengkap")."""
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return {"reason": _("alasan")}.get(name, name)


@register.filter
def audit_value(value) -> str:
    """Shows one old or new value of an audit row."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return str(value)
