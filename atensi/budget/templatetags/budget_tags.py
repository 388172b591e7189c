"""Small display helpers for the budget pages (and the menu)."""

from django import template

from atensi.accounts.access import budget_sees_all_units, can_import_budget, can_read_budget

from ..display import jenis_label, month_name

register = template.Library()


@register.filter
def reads_budget(user) -> bool:
    """True when the user's role may open the budget pages (for menus)."""
    return can_read_budget(user)


@register.filter
def imports_budget(user) -> bool:
    """True when the user may import and correct budget data (for buttons)."""
    return can_import_budget(user)


@register.filter
def sees_all_budget(user) -> bool:
    """True when the user sees every satker (directorate tables, rankings, the annual report)."""
    return budget_sees_all_units(user)


@register.filter
def jenis(code: str) -> str:
    return jenis_label(code)


@register.filter
def bulan(month) -> str:
    return month_name(int(month)) if month else ""


@register.filter
def skor(value) -> str:
    """A score with a decimal comma and two decimals, without the % sign: 98.3 → "98,30"."""
    if value is None:
        return "–"
    return f"{float(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@register.filter
def angka(value) -> str:
    """A whole number with dot thousands: 23457 → "23.457"."""
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")
