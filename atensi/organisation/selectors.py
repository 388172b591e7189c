import re
from functools import lru_cache

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from .models import LEVEL_BY_DOTS, Region, RegionLevel, Unit


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    # ~8k province/regency/district codes incl. retired ones: small enough to keep in memory,
    # and NIK checks during an import of 100k rows must not query per row.
    return frozenset(
        Region.objects.exclude(level=RegionLevel.VILLAGE).values_list("code", flat=True)
    )


def region_code_exists(code: str) -> bool:
    """Says whether a province/regency/district code exists now or existed before."""
    return code in _region_codes()


def region_codes_changed() -> None:
    """Forgets the cached codes; call after loading or editing regions."""
    _region_codes.cache_clear()


# How far up the tree a region's label reaches: village → district → regency → province.
_ANCESTORS = "parent__parent__parent"
_DEPTH = {level: dots for dots, level in LEVEL_BY_DOTS.items()}
_NOTHING = Q(pk__in=[])
# A whole code ("31.75.01") typed into the search box, or the start of one ("31.7").
_FULL_CODE = re.compile(r"\d{2}(\.\d{2}){0,2}|\d{2}\.\d{2}\.\d{2}\.\d{4}")
_PARTIAL_CODE = re.compile(r"\d[\d.]*")


def regions_search(
    *,
    query: str = "",
    level: str = "",
    parent: str = "",
    include_retired: bool = False,
) -> QuerySet[Region]:
    """Returns regions whose name (or, for a dotted number, code) matches, best matches first.

    Every word must appear in the region's own name or in one of its ancestors' names, and the
    first word in its own name, so "menteng jakarta" finds Menteng in Jakarta. `parent` keeps
    the regions below that code. Only current codes unless `include_retired`. The regions come
    with their ancestors loaded, ready for `region_label`.
    """
    regions = Region.objects.select_related(_ANCESTORS)
    if not include_retired:
        regions = regions.filter(valid_until__isnull=True)
    query = _dotted(" ".join((query or "").split()))
    if _FULL_CODE.fullmatch(query):
        return regions.filter(_code_and_below(query, level, parent)).order_by("code")
    if _PARTIAL_CODE.fullmatch(query):
        regions = regions.filter(code__startswith=query)
        query = ""
    if parent:
        regions = regions.filter(_below(parent, level))
    elif level:
        regions = regions.filter(level=level)
    words = query.split()
    if not words:
        return regions.order_by("code")
    regions = regions.filter(name__icontains=words[0])
    for word in words[1:]:
        regions = regions.filter(
            Q(name__icontains=word)
            | Q(parent__name__icontains=word)
            | Q(parent__parent__name__icontains=word)
            | Q(parent__parent__parent__name__icontains=word)
        )
    rank = Case(
        When(name__iexact=query, then=Value(0)),
        When(name__istartswith=words[0], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return regions.annotate(rank=rank).order_by("rank", "name", "code")


def _dotted(query: str) -> str:
    """Writes undotted digits the Kemendagri way ("317501" → "31.75.01"), as in a NIK."""
    if not query.isdigit() or len(query) > 10:
        return query
    parts = [query[0:2], query[2:4], query[4:6], query[6:10]]
    return ".".join(p for p in parts if p)


def _code_and_below(code: str, level: str, parent: str) -> Q:
    if parent and not code.startswith(f"{parent}."):
        return _NOTHING
    if not level:
        return Q(code=code) | _below(code)
    if _DEPTH[level] == code.count("."):
        return Q(code=code)
    return _below(code, level)


def _below(code: str, level: str = "") -> Q:
    """Returns the condition for regions under `code` (at `level` only, when given).

    Walks down by parent so the parent index serves the lookup; a code prefix (LIKE) or a level
    filter would make SQLite scan every village.
    """
    depth = code.count(".")
    targets = [_DEPTH[level]] if level else range(depth + 1, len(LEVEL_BY_DOTS))
    condition = _NOTHING
    for target in targets:
        if target <= depth:
            continue
        if target == depth + 1:
            condition |= Q(parent_id=code)
            continue
        # the codes one level above the target, as nested subqueries: children, grandchildren
        parents = Region.objects.filter(parent_id=code).values("code")
        for _step in range(target - depth - 2):
            parents = Region.objects.filter(parent_id__in=parents).values("code")
        condition |= Q(parent_id__in=parents)
    return condition


def region_label(region: Region) -> str:
    """Returns how people name a region: "Desa X, Kec. Y, Kab. Z, Prov. W".

    Reads the ancestors through `parent`, so load them with select_related (regions_search does).
    """
    parts = []
    node: Region | None = region
    while node is not None:
        parts.append(_region_name(node))
        node = node.parent if node.parent_id else None
    return ", ".join(parts)


_REGENCY_PREFIXES = [("Kabupaten ", "Kab. "), ("Kota Administrasi ", "Kota Adm. ")]


def _region_name(region: Region) -> str:
    if region.level == RegionLevel.PROVINCE:
        prefix = _("Prov.")
        return f"{prefix} {region.name}"
    if region.level == RegionLevel.REGENCY:
        for long, short in _REGENCY_PREFIXES:
            if region.name.startswith(long):
                return short + region.name[len(long) :]
        return region.name
    if region.level == RegionLevel.DISTRICT:
        prefix = _("Kec.")
        return f"{prefix} {region.name}"
    # Village codes: 1xxx kelurahan, 2xxx desa (Kepmendagri numbering).
    kind = _("Kel.") if region.code.rsplit(".", 1)[-1].startswith("1") else _("Desa")
    return f"{kind} {region.name}"


def units_list(*, type: str = "", query: str = "") -> QuerySet[Unit]:
    """Returns the units, optionally of one type and matching a name or code, with their regions."""
    units = Unit.objects.select_related("province", "regency")
    if type:
        units = units.filter(type=type)
    query = query.strip()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return units.order_by("type", "name")
