"""Template filters of the workforce pages: what the menu offers whom (access.py decides)."""

from django import template

from atensi.accounts.access import (
    can_file_monthly_report,
    can_read_workforce,
    workforce_leads_team,
    workforce_sees_all_units,
)

register = template.Library()


@register.filter
def reads_workforce(user) -> bool:
    return can_read_workforce(user)


@register.filter
def has_own_page(user) -> bool:
    return can_file_monthly_report(user)


@register.filter
def sees_team(user) -> bool:
    return workforce_leads_team(user) or workforce_sees_all_units(user)


@register.filter
def sees_nation(user) -> bool:
    return workforce_sees_all_units(user)


@register.filter
def get_item(mapping, key):
    """Returns mapping[key], or None (a KPI figure by its code)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def get_count(counts, kind) -> int:
    return (counts or {}).get(kind, 0)
