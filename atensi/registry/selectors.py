"""Reads of the registry that depend on who asks. Access rules for persons live here only."""

from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
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


def _merges_in_force():
    from atensi.dedup.models import Merge  # the dedup app builds on the registry

    return Merge.objects.filter(undone_at__isnull=True)


def with_merge_state(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Adds `merged_into_id`: the person a record was merged into (a merge in force), or None.

    One subquery in the same query, whatever the number of rows.
    """
    survivor = _merges_in_force().filter(merged_id=OuterRef("pk")).values("survivor_id")[:1]
    return persons.annotate(merged_into_id=Subquery(survivor))


def persons_listed(persons: QuerySet[Person], *, include_merged: bool = False) -> QuerySet[Person]:
    """Returns `persons` for a list: with their merge state, without merged records unless asked.

    A merged record is kept unchanged for its history, but the person lives on in the record it
    was merged into; lists show that one only.
    """
    if include_merged:
        return with_merge_state(persons)
    # NOT EXISTS, which PostgreSQL runs as one anti-join (a count over a million persons
    # would otherwise look up each person's merge in turn); what is left was merged into nobody.
    merged = _merges_in_force().filter(merged_id=OuterRef("pk"))
    return persons.filter(~Exists(merged)).annotate(
        merged_into_id=Value(None, output_field=IntegerField())
    )


def merged_into_of(person: Person) -> int | None:
    """Returns the id of the person `person` is merged into, or None.

    Reads the annotation of with_merge_state when the person carries it, else asks.
    """
    if hasattr(person, "merged_into_id"):
        return person.merged_into_id
    return (
        _merges_in_force().filter(merged_id=person.pk).values_list("survivor_id", flat=True).first()
    )


def person_merge_in_force(person_id):
    """Returns the merge (in force) that joined this person into another one, or None."""
    return (
        _merges_in_force()
        .select_related("survivor", "merged_by")
        .filter(merged_id=person_id)
        .order_by("-merged_at", "-id")
        .first()
    )


def persons_merged_into(person_id):
    """Returns the merges in force whose survivor is this person, newest first."""
    return list(
        _merges_in_force()
        .select_related("merged", "merged_by")
        .filter(survivor_id=person_id)
        .order_by("-merged_at", "-id")
    )


def person_get(user, pk) -> Person:
    """Returns one person visible to `user`, or raises NotFound (also for persons out of scope).

    The person carries `merged_into_id` (see with_merge_state).
    """
    try:
        return with_merge_state(
            persons_visible_to(user).select_related("unit", "village", "registered_by")
        ).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Orang tidak ditemukan.")) from None


# Enough candidates to rank well, few enough to fetch and rank within the latency budget.
_CANDIDATE_LIMIT = 2000
# Name keys are counted up to this many persons to find the rarest one to start from; past it
# a key is common either way (Muhammad, Siti and Sri each hold tens of thousands at 10^6).
_KEY_COUNT_LIMIT = 20000
# Persons one search may match nationwide before the user's scope is applied. Only a lone
# very common word reaches it (Muhammad: 54,000 at 10^6); a user who sees one sentra may then
# get fewer of its Muhammads than there are, a word more narrows it down.
_MATCH_LIMIT = 50000
# A word misspelt in its first consonants is looked for only beside a word this rare: beside
# a common one (Siti) every name with the same first letter would have to be checked.
_FIRST_LETTER_LIMIT = 2000
# Similarity (0–100) of a found name to the name typed at which the search stops widening:
# one slip in a name of ten letters or more.
_CLOSE_ENOUGH = 90


def person_search(
    persons: QuerySet[Person], query: str, *, limit: int = 50, include_merged: bool = False
) -> list[Person]:
    """Finds persons by exact NIK, No. KK or registry number, or by a spelling-tolerant name.

    Name search looks for persons whose names hold the key of every word typed. When that finds
    too few, and nothing within a slip of the name typed, a word may be misspelt beyond its key
    (Suratman typed Suatman): then persons matching all the other words are taken, if only one
    other word, provided they also hold a word starting like the misspelt one. The candidates
    are ranked by fuzzy similarity.

    Merged records are searched too (their NIK or old name may be the one typed): each found is
    replaced by the person it was merged into or, with `include_merged`, followed by that person.
    Every person returned carries `merged_into_id` (see with_merge_state).
    """
    found = _search(with_merge_state(persons), query, limit=limit)
    return _with_survivors(persons, found, include_merged=include_merged)[:limit]


# A survivor may itself be merged later; chains longer than this are not followed.
_MERGE_CHAIN_LIMIT = 5


def _with_survivors(
    persons: QuerySet[Person], found: list[Person], *, include_merged: bool
) -> list[Person]:
    """Puts the person each merged record was merged into right after it, or in its place.

    One query per link of a merge chain, only when merged records were found; the survivors
    come from `persons`, so they obey the same scope and filters.
    """
    survivors: dict[int, Person] = {}
    wanted = {p.merged_into_id for p in found if p.merged_into_id}
    for _level in range(_MERGE_CHAIN_LIMIT):
        wanted -= survivors.keys()
        if not wanted:
            break
        fetched = with_merge_state(persons.select_related("unit", "village")).in_bulk(wanted)
        survivors.update(fetched)
        wanted = {p.merged_into_id for p in fetched.values() if p.merged_into_id}

    result: list[Person] = []
    seen: set[int] = set()
    for person in found:
        for _level in range(_MERGE_CHAIN_LIMIT + 1):
            if (person.merged_into_id is None or include_merged) and person.pk not in seen:
                seen.add(person.pk)
                result.append(person)
            person = survivors.get(person.merged_into_id)
            if person is None:
                break
    return result


def _search(persons: QuerySet[Person], query: str, *, limit: int) -> list[Person]:
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
    wanted = normalize_name(query)
    stages = _name_search_stages(keys)
    sizes = _key_sizes([search for stage in stages for search in stage])
    candidates: dict[int, tuple] = {}
    for stage in stages:
        searches = [s for s in stage if _affordable(s, sizes)]
        if searches:
            _add_candidates(candidates, persons, searches, sizes)
        # enough, or the name typed (give or take a slip): looser searches would add only noise
        if len(candidates) >= limit or any(
            fuzz.ratio(wanted, row[2]) >= _CLOSE_ENOUGH for row in candidates.values()
        ):
            break

    def score(row: tuple) -> float:
        # token_set_ratio forgives words left out of the query; token_sort_ratio keeps a
        # one-word name that merely shares a word from outranking the person with both words
        _pk, _full_name, name_normalized, aliases = row
        names = [name_normalized, *(normalize_name(a) for a in aliases or [])]
        return max(
            fuzz.token_set_ratio(wanted, n) + fuzz.token_sort_ratio(wanted, n) for n in names
        )

    ranked = sorted(candidates.values(), key=lambda r: (-score(r), r[1], r[0]))[:limit]
    by_id = with_merge_state(persons.model.objects.select_related("unit", "village")).in_bulk(
        [r[0] for r in ranked]
    )
    return [by_id[r[0]] for r in ranked]


def _name_search_stages(keys: list[str]) -> list[list[tuple[list[str], list[str]]]]:
    """Returns the searches to try in turn, each a list of (keys required, key prefixes required).

    1. every key; 2. every key but one, the left-out word narrowed by the first two letters of
    its key when only one other word remains (Sumarmi/Sumarni: smrm/smrn); 3. with two words,
    the left-out word narrowed by its first letter only (Suratman/Suatman: srtmn/stmn), when
    the other word is rare enough (_FIRST_LETTER_LIMIT).
    """
    all_but_one = []
    first_letter = []
    for left_out in keys:
        others = [k for k in keys if k != left_out]
        if len(others) >= 2:
            all_but_one.append((others, []))
        else:
            all_but_one.append((others, [left_out[:2]]))
            if others and len(left_out) > 1:
                first_letter.append((others, [left_out[:1]]))
    return [s for s in ([(keys, [])], all_but_one, first_letter) if s]


def _affordable(search: tuple[list[str], list[str]], sizes: dict[str, int]) -> bool:
    required, prefixes = search
    if any(len(p) == 1 for p in prefixes) and required:
        return min(_count_of(sizes, k) for k in required) <= _FIRST_LETTER_LIMIT
    return True


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _key_sizes(searches: list[tuple[list[str], list[str]]]) -> dict[str, int]:
    """Counts the persons holding each key or key prefix, up to _KEY_COUNT_LIMIT, in one query.

    Only searches with more than one condition need the counts (to pick where to start).
    One-letter prefixes are not counted: they always pass the limit.
    """
    keys, prefixes = set(), set()
    for required, wanted_prefixes in searches:
        if len(required) + len(wanted_prefixes) > 1:
            keys.update(required)
            prefixes.update(p for p in wanted_prefixes if len(p) > 1)
    if not keys and not prefixes:
        return {}
    table = connection.ops.quote_name(PersonNameToken._meta.db_table)
    column = connection.ops.quote_name("key")
    conditions = [(k, f"{column} = %s", [k]) for k in sorted(keys)]
    conditions += [
        (f"{p}*", f"{column} >= %s AND {column} < %s", list(_prefix_range(p)))
        for p in sorted(prefixes)
    ]
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} "
        f"LIMIT {_KEY_COUNT_LIMIT}) AS k{i}"
        for i, (_label, where, _params) in enumerate(conditions)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _l, _w, params in conditions for value in params])
        counts = dict(cursor.fetchall())
    return {label: counts[i] for i, (label, _w, _p) in enumerate(conditions)}


def _count_of(sizes: dict[str, int], label: str) -> int:
    return sizes.get(label, _KEY_COUNT_LIMIT)


def _holding(
    persons: QuerySet[Person], keys: list[str], prefixes: list[str], sizes: dict[str, int]
) -> QuerySet[Person]:
    """Returns the persons whose name holds every key and a key starting with every prefix.

    The keys are matched in the name-key table alone, before any person row is read: starting
    from the smallest list of persons, the others are checked per person through the
    (key, person) index. Starting from a common key (Muhammad) instead of a rare one, or reading
    each person's row to test the next key, costs tens of times more at national scale.
    """
    lists = [(_count_of(sizes, k), k, False) for k in keys]
    lists += [(_count_of(sizes, f"{p}*"), p, True) for p in prefixes]
    if not lists:
        return persons.none()
    lists.sort()
    _size, first, is_prefix = lists[0]
    if is_prefix:
        low, high = _prefix_range(first)
        matched = PersonNameToken.objects.filter(key__gte=low, key__lt=high)
    else:
        matched = PersonNameToken.objects.filter(key=first)
    same_person = PersonNameToken.objects.filter(person_id=OuterRef("person_id"))
    for _size, value, is_prefix in lists[1:]:
        if not is_prefix:
            condition = Q(key=value)
        elif connection.vendor == "postgresql":
            # a range PostgreSQL reads once from the key index and hashes; LIKE it could not
            # take from the index (not a "C" collation) and would read the whole table
            low, high = _prefix_range(value)
            condition = Q(key__gte=low, key__lt=high)
        else:
            # SQLite would walk the whole range of keys for every person; LIKE, which it
            # cannot take from the key index, makes it read each person's two or three keys
            condition = Q(key__startswith=value)
        matched = matched.filter(Exists(same_person.filter(condition)))
    # The limit keeps the list a list: without it PostgreSQL merges it into the outer query
    # and, to reach that query's limit, walks the whole person table in id order.
    return persons.filter(id__in=matched.values("person_id")[:_MATCH_LIMIT])


def _add_candidates(
    candidates: dict[int, tuple],
    persons: QuerySet[Person],
    searches: list[tuple[list[str], list[str]]],
    sizes: dict[str, int],
) -> None:
    """Adds the persons the searches find, in one query; the narrowest search goes first."""

    def narrowness(search):
        required, prefixes = search
        return min(
            [_count_of(sizes, k) for k in required] + [_count_of(sizes, f"{p}*") for p in prefixes]
        )

    fields = ("id", "full_name", "name_normalized", "aliases")
    parts = [
        _holding(persons, required, prefixes, sizes).order_by().values_list(*fields)
        for required, prefixes in sorted(searches, key=narrowness)
    ]
    # UNION ALL with one limit: the database stops as soon as enough persons are found
    found = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in found[:_CANDIDATE_LIMIT]:
        candidates.setdefault(row[0], row)
