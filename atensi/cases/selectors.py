"""Reads of cases that depend on who asks. Case access rules live here only."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from atensi.accounts.access import can_read_cases
from atensi.accounts.models import Role
from atensi.common.errors import NotFound

from .models import Case


def cases_visible_to(user) -> QuerySet[Case]:
    """Returns the cases `user` may see.

    Administrators and auditors: all; directorate analysts: their target groups nationwide;
    heads and supervisors: their sentra; a pendamping: the cases assigned to them.
    """
    cases = Case.objects.all()
    if not can_read_cases(user):
        return cases.none()
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return cases
    if user.role == Role.ANALYST:
        return cases.filter(target_group__in=user.unit.target_groups or [])
    if user.role in (Role.HEAD, Role.SUPERVISOR):
        return cases.filter(unit_id=user.unit_id)
    if user.role == Role.PENDAMPING:
        return cases.filter(pendamping=user)
    return cases.none()


def case_get(user, pk, *, for_update: bool = False) -> Case:
    """Returns one case visible to `user`, or raises NotFound (also for cases out of scope)."""
    cases = cases_visible_to(user).select_related("person", "unit", "pendamping", "supervisor")
    if for_update:
        cases = cases.select_for_update(of=("self",))
    try:
        return cases.get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Kasus tidak ditemukan.")) from None
