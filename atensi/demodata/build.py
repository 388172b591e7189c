"""Writing the demo data set: master data, one user per role, and the persons.

Users go through `user_create` (password policy, audit). Persons are inserted in bulk with the
registry's own helpers (normalize_values, validate_person, normalize_name, new_registry_id, and
the name keys person_name_tokens_rows stores), like an import: one summary audit row per build,
not one per person. The summary row also records how far the data set of a seed was built,
which makes a second run add nothing.
"""

import random
import re
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from atensi.accounts.models import Role, User
from atensi.accounts.services import user_create
from atensi.common.audit import audit_record
from atensi.common.bulk import model_rows_insert
from atensi.common.models import AuditAction, AuditLog
from atensi.lib.names import name_keys, normalize_name
from atensi.organisation.loaders import regions_load, units_load
from atensi.organisation.models import Region, RegionLevel, Unit, UnitType
from atensi.organisation.selectors import region_codes_changed
from atensi.registry.models import Consent, FamilyMember, Person, PersonNameToken
from atensi.registry.services import new_registry_id, normalize_values
from atensi.registry.validation import validate_person

from . import names
from .generator import CAPITAL_PROVINCE, World, person_spec, world_load

DEFAULT_SEED = 20260701
DEFAULT_PERSONS = 3000
# Every demo user signs in with this password; it is printed and listed in the README.
DEMO_PASSWORD = "Rehsos-Demo-2026"
# The sentra with a full team (head, supervisor, pendamping, finance); the others get one
# pendamping each, so every person has a registering pendamping in its own unit.
STAFFED_SENTRA = {"630108": 3, "630117": 2, "630128": 3}  # code → number of pendamping
AUDIT_OBJECT_TYPE = "demodata"
BATCH_SIZE = 5000


@dataclass
class Login:
    username: str
    role: str
    unit: Unit
    password: str
    created: bool


@dataclass
class DemoResult:
    logins: list[Login] = field(default_factory=list)
    persons_before: int = 0
    persons_added: int = 0
    regions_loaded: bool = False
    units_created: int = 0


def demo_build(
    *,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoResult:
    """Builds the demo data set (regions, units, users, `persons` persons); safe to run again."""
    result = DemoResult()
    # persons live in villages: a region table loaded without them is completed first
    if not Region.objects.filter(level=RegionLevel.VILLAGE).exists():
        regions_load()
        result.regions_loaded = True
    result.units_created = units_load()["created"]
    region_codes_changed()
    result.logins = demo_users_ensure(seed=seed)
    result.persons_before, result.persons_added = demo_persons_build(
        count=persons, seed=seed, progress=progress, batch_size=batch_size
    )
    return result


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [
        w for w in re.split(r"[^a-z]+", plain) if w and w not in {"sentra", "terpadu", "prof", "dr"}
    ]
    return "".join(words)


def _user_plan() -> list[tuple[str, str, Unit]]:
    """Returns (username, role, unit) of every demo user, in the order they are printed."""
    units = {u.code: u for u in Unit.objects.all()}
    ditjen = next((u for u in units.values() if u.type == UnitType.DITJEN), None)
    plan: list[tuple[str, str, Unit]] = []
    if ditjen:
        plan += [("admin", Role.ADMIN, ditjen), ("auditor", Role.AUDITOR, ditjen)]
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.type == UnitType.DIRECTORATE and unit.target_groups:
            plan.append((f"analis.{unit.target_groups[0].replace('_', '')}", Role.ANALYST, unit))
    for code, pendamping in STAFFED_SENTRA.items():
        unit = units.get(code)
        if unit is None:
            continue
        slug = _slug(unit.name)
        plan += [(f"kepala.{slug}", Role.HEAD, unit), (f"supervisor.{slug}", Role.SUPERVISOR, unit)]
        plan += [(f"pendamping.{slug}{n}", Role.PENDAMPING, unit) for n in range(1, pendamping + 1)]
        plan.append((f"keuangan.{slug}", Role.FINANCE, unit))
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.type == UnitType.SENTRA and unit.is_active and unit.code not in STAFFED_SENTRA:
            plan.append((f"pendamping.{_slug(unit.name)}", Role.PENDAMPING, unit))
    return plan


def demo_users_ensure(*, seed: int = DEFAULT_SEED) -> list[Login]:
    """Creates the demo users that do not exist yet (one per role and sentra); returns the logins.

    Existing users are left alone, so a password an administrator changed stays changed.
    """
    existing = {u.username.lower() for u in User.objects.all()}
    logins = []
    for username, role, unit in _user_plan():
        created = username.lower() not in existing
        if created:
            rng = random.Random(f"{seed}:{username}")
            sex = rng.choice("LP")
            given = rng.choice(names.FAKER_MALE if sex == "L" else names.FAKER_FEMALE)
            family = rng.choice(names.FAKER_LAST_MALE if sex == "L" else names.FAKER_LAST_FEMALE)
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit=unit,
                first_name=given,
                last_name=family,
                email=f"{username}@demo.atensi.invalid",
            )
        logins.append(Login(username, role, unit, DEMO_PASSWORD, created))
    return logins


def demo_persons_built(seed: int) -> int:
    """Returns how many persons of the data set drawn with `seed` are already in the database."""
    rows = AuditLog.objects.filter(
        object_type=AUDIT_OBJECT_TYPE, object_id=f"seed-{seed}", action=AuditAction.IMPORT
    ).values_list("changes", flat=True)
    return max((int(c["up_to"][1]) for c in rows if "up_to" in c), default=0)


def demo_persons_build(
    *,
    count: int,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> tuple[int, int]:
    """Adds persons until the data set of `seed` holds `count`; returns (before, added).

    All in one transaction with the summary audit row, so an interrupted build leaves nothing
    half-done and the next run starts from the recorded count.
    """
    before = demo_persons_built(seed)
    if count <= before:
        return before, 0
    world = world_load(set(STAFFED_SENTRA))
    if CAPITAL_PROVINCE not in world.regencies or not world.sentra:
        raise RuntimeError("demo data needs region codes down to villages and an active sentra")
    units = {u.code: u.pk for u in Unit.objects.filter(type=UnitType.SENTRA)}
    pendamping: dict[int, list[int]] = {}
    for user_id, unit_id in (
        User.objects.filter(role=Role.PENDAMPING).order_by("username").values_list("id", "unit_id")
    ):
        pendamping.setdefault(unit_id, []).append(user_id)
    villages = set(Region.objects.filter(level=RegionLevel.VILLAGE).values_list("code", flat=True))
    issued: set[str] = set()
    if progress:
        progress(0, count - before)
    with transaction.atomic(), _bulk_session():
        for start in range(before, count, batch_size):
            stop = min(start + batch_size, count)
            _insert_batch(world, seed, range(start, stop), units, pendamping, villages, issued)
            if progress:
                progress(stop - before, count - before)
        audit_record(
            actor=None,
            action=AuditAction.IMPORT,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=f"seed-{seed}",
            object_repr=f"Data demo: {count - before} orang (seed {seed})",
            changes={"seed": [None, seed], "from": [None, before], "up_to": [None, count]},
        )
    _analyze()
    return before, count - before


@contextmanager
def _bulk_session():
    """Gives SQLite a larger page cache for the build, so the indexes of a million rows stay in
    memory while they grow; the connection's own setting comes back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _analyze() -> None:
    """Refreshes the planner's statistics after a bulk load, as after any large import.

    On PostgreSQL also VACUUM (when not inside a caller's transaction, where it cannot run):
    until the visibility map is set, an index-only scan of the name keys still reads every
    table row (autovacuum would get there, later).
    """
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    tables = [Person._meta.db_table, PersonNameToken._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


def _registry_ids(n: int, issued: set[str]) -> list[str]:
    """Returns `n` registry numbers not used before (8 random characters do collide at 10^6)."""
    ids: list[str] = []
    while len(ids) < n:
        fresh = {new_registry_id() for _ in range(n - len(ids))} - issued
        fresh -= set(
            Person.objects.filter(registry_id__in=fresh).values_list("registry_id", flat=True)
        )
        issued |= fresh
        ids += sorted(fresh)
    return ids


def _insert_batch(
    world: World,
    seed: int,
    indexes: range,
    units: dict[str, int],
    pendamping: dict[int, list[int]],
    villages: set[str],
    issued: set[str],
) -> None:
    specs = [person_spec(world, seed, i) for i in indexes]
    registry_ids = _registry_ids(len(specs), issued)
    persons = []
    for spec, registry_id in zip(specs, registry_ids, strict=True):
        values = normalize_values(spec.values)
        check = validate_person(values, villages=villages)
        if not check.ok:  # the generator must only make records the registry accepts
            raise RuntimeError(f"demo person {spec.index} is invalid: {check.errors} {values}")
        staff = pendamping.get(units[spec.unit_code]) or [None]
        values.update(
            village_id=values.pop("village"),
            unit_id=units[spec.unit_code],
            registered_by_id=staff[spec.pendamping_slot % len(staff)],
            registry_id=registry_id,
            name_normalized=normalize_name(values["full_name"]),
            nik_warnings=check.warnings,
            created_at=spec.created_at,
            updated_at=spec.created_at,
        )
        persons.append(values)
    model_rows_insert(Person, persons)
    ids = dict(Person.objects.filter(registry_id__in=registry_ids).values_list("registry_id", "id"))
    # The keys person_name_tokens_rows would store (tests/demodata check they agree); model
    # instances per token would cost more than the rest of the row.
    model_rows_insert(
        PersonNameToken,
        [
            {"person_id": ids[p["registry_id"]], "key": key}
            for p in persons
            for key in sorted(name_keys(p["full_name"], *p["aliases"]))
        ],
    )
    model_rows_insert(
        FamilyMember,
        [
            {"person_id": ids[p["registry_id"]], **member}
            for p, spec in zip(persons, specs, strict=True)
            for member in spec.family
        ],
    )
    model_rows_insert(
        Consent,
        [
            {
                "person_id": ids[p["registry_id"]],
                "recorded_by_id": p["registered_by_id"],
                **spec.consent,
            }
            for p, spec in zip(persons, specs, strict=True)
            if spec.consent
        ],
    )
