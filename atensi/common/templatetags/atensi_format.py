"""Indonesian display formats: Rupiah with dot thousands, dates as dd-mm-yyyy in Asia/Jakarta."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def format_rupiah(amount: int | None) -> str:
    """Formats whole Rupiah the Indonesian way: 1228603927 → "Rp 1.228.603.927"."""
    if amount is None:
        return "–"
    if isinstance(amount, float):
        raise TypeError("Rupiah amounts are integers, never floats")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


def format_percent(value, decimals: int = 2) -> str:
    """Formats a percentage with a decimal comma: 98.3 → "98,30 %"."""
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".") + " %"


@register.filter
def rupiah(amount):
    return format_rupiah(amount)


@register.filter
def persen(value, decimals=2):
    return format_percent(value, int(decimals))


@register.filter
def tanggal(value):
    """dd-mm-yyyy for dates; dd-mm-yyyy HH:MM (Asia/Jakarta) for aware datetimes."""
    if value in (None, ""):
        return "–"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return value
