from functools import lru_cache

from .models import Region, RegionLevel


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
