"""Reads of the registry that depend on who asks. Access rules for persons live here only."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from atensi.accounts.access import can_read_registry
from atensi.accounts.models import Role
from atensi.common.errors import NotFound
from atensi.lib.names import name_tokens, normalize_name, token_key
from atensi.lib.nik import clean_nik

from .models import Person, PersonNameToken


def persons_visible_to(user) -> QuerySet[Person]:
    """Returns the persons `user` may see.

    Administrators and auditors see everyone; directorate analysts the persons of their target
    groups nationwide; heads and supervisors their unit; a pendamping the persons they registered
    or whose cases are assigned to them.
    """
    persons = Person.objects.all()
    if not can_read_registry(user):
        return persons.none()
    if user.role in (Role.ADMIN, Role.AUDITOR):
        return persons
    if user.role == Role.ANALYST:
        groups = user.unit.target_groups or []
        return persons.filter(
            Q(target_group__in=groups) | Q(pk__in=_case_persons(target_group__in=groups))
        )
    # Persons reach a sentra by registration or by a case (a case transferred in brings its person).
    if user.role in (Role.HEAD, Role.SUPERVISOR):
        return persons.filter(
            Q(unit_id=user.unit_id) | Q(pk__in=_case_persons(unit_id=user.unit_id))
        )
    if user.role == Role.PENDAMPING:
        return persons.filter(
            Q(unit_id=user.unit_id, registered_by=user) | Q(pk__in=_case_persons(pendamping=user))
        )
    return persons.none()


def _case_persons(**case_filter):
    from atensi.cases.models import Case  # cases build on the registry, not the other way round

    return Case.objects.filter(**case_filter).values("person_id")


def person_get(user, pk) -> Person:
    """Returns one person visible to `user`, or raises NotFound (also for persons out of scope)."""
    try:
        return (
            persons_visible_to(user).select_related("unit", "village", "registered_by").get(pk=pk)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Orang tidak ditemukan.")) from None


# Enough candidates to rank well, few enough to fetch in one query at national scale.
_CANDIDATE_LIMIT = 2000


def person_search(persons: QuerySet[Person], query: str, *, limit: int = 50) -> list[Person]:
    """Finds persons by exact NIK, No. KK or registry number, or by a spelling-tolerant name.

    Name search keeps persons whose names hold a key of every word typed; when that finds too
    few (a typo that changes a consonant), persons matching any word are ranked instead.
    """
    query = (query or "").strip()
    if not query:
        return []
    digits = clean_nik(query)
    if digits.isdigit() and len(digits) == 16:
        return list(persons.filter(nik=digits)[:limit]) or list(
            persons.filter(no_kk=digits)[:limit]
        )
    if query.upper().startswith("ATN-"):
        return list(persons.filter(registry_id=query.upper())[:limit])

    keys = list(dict.fromkeys(token_key(t) for t in name_tokens(query)))
    keys = [k for k in keys if k]
    if not keys:
        return []
    everyone = persons
    for key in keys:
        persons = persons.filter(id__in=PersonNameToken.objects.filter(key=key).values("person_id"))
    candidates = list(
        persons.only("id", "full_name", "name_normalized", "aliases")[:_CANDIDATE_LIMIT]
    )
    if len(candidates) < limit and len(keys) > 1:
        seen = {p.id for p in candidates}
        extra = everyone.filter(
            id__in=PersonNameToken.objects.filter(key__in=keys).values("person_id")
        ).only("id", "full_name", "name_normalized", "aliases")[:_CANDIDATE_LIMIT]
        candidates += [p for p in extra if p.id not in seen]

    wanted = normalize_name(query)

    def score(person: Person) -> float:
        names = [person.name_normalized, *(normalize_name(a) for a in person.aliases or [])]
        return max(fuzz.token_set_ratio(wanted, n) + fuzz.ratio(wanted, n) / 10 for n in names)

    ranked = sorted(candidates, key=lambda p: (-score(p), p.full_name, p.id))[:limit]
    by_id = persons.model.objects.select_related("unit", "village").in_bulk([p.id for p in ranked])
    return [by_id[p.id] for p in ranked]
