"""Template filters of the duplicate review pages (access.py decides who sees what)."""

from django import template

from atensi.accounts.access import can_read_duplicates

register = template.Library()


@register.filter
def reads_duplicates(user) -> bool:
    return can_read_duplicates(user)


@register.filter
def percent(probability) -> str:
    """Returns a probability as a percentage with one decimal (comma, as written in Indonesia)."""
    if probability is None:
        return "–"
    value = float(probability) * 100
    shown = f"{value:.1f}" if value < 99.95 else "> 99,9"
    return f"{shown.replace('.', ',')} %"


@register.filter
def signed(weight) -> str:
    """Returns a match weight with its sign (+3,2 or −1,5)."""
    if weight is None:
        return "–"
    value = float(weight)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f}".replace(".", ",")
