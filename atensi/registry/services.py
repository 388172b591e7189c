"""Writes to the registry. Every change is validated, audited and done in one transaction."""

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from atensi.accounts.access import can_write_registry
from atensi.accounts.models import Role
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.lib.names import name_keys, normalize_name
from atensi.lib.nik import clean_nik
from atensi.organisation.models import Region, Unit

from .models import Person, PersonNameToken
from .selectors import persons_visible_to
from .validation import validate_person

EDITABLE_FIELDS = [
    "nik", "no_nik_reason", "no_kk", "full_name", "aliases", "sex", "birth_place", "birth_date",
    "birth_date_estimated", "address", "village", "phone", "target_group", "disability_types",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "unit", "nik_warnings"]


def new_registry_id() -> str:
    """Returns a fresh registry number, e.g. ATN-7KQ2-M9XD (no 0/O, 1/I confusion)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"ATN-{raw[:4]}-{raw[4:]}"


def normalize_values(values: dict[str, Any]) -> dict[str, Any]:
    """Trims text and brings NIK/No. KK to bare digits, so equal inputs store equally."""
    out = dict(values)
    for name in ("full_name", "birth_place", "address", "phone", "no_kk"):
        if name in out and out[name] is not None:
            out[name] = " ".join(str(out[name]).split())
    if "nik" in out:
        out["nik"] = clean_nik(out["nik"]) or None
    if "no_kk" in out and out["no_kk"]:
        out["no_kk"] = clean_nik(out["no_kk"])
    if "aliases" in out:
        out["aliases"] = [a.strip() for a in (out["aliases"] or []) if a and a.strip()]
    if "disability_types" in out:
        out["disability_types"] = sorted(set(out["disability_types"] or []))
    if "village" in out and isinstance(out["village"], str):
        out["village"] = out["village"].strip() or None
    return out


def _raise_if_invalid(check) -> None:
    if not check.ok:
        raise ApplicationError(
            _("Data orang belum benar; perbaiki kolom yang ditandai."), code="invalid", details=check.errors
        )


def _resolve_village(value):
    if value is None or isinstance(value, Region):
        return value
    return Region.objects.get(code=value)


def person_name_tokens_rows(person: Person) -> list[PersonNameToken]:
    return [PersonNameToken(person=person, key=k) for k in sorted(name_keys(person.full_name, *person.aliases))]


def _reindex_name(person: Person) -> None:
    PersonNameToken.objects.filter(person=person).delete()
    PersonNameToken.objects.bulk_create(person_name_tokens_rows(person))


@transaction.atomic
def person_create(*, actor, unit: Unit | None = None, **values: Any) -> Person:
    """Registers a person in `unit` (default: the actor's unit) and records the audit row."""
    if not can_write_registry(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mendaftarkan orang."))
    unit = unit or actor.unit
    if unit.pk != actor.unit_id and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Anda hanya boleh mendaftarkan orang di unit Anda sendiri."))
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Kolom tidak dikenal: %s") % ", ".join(sorted(unknown)), code="unknown_field")
    values = normalize_values(values)
    check = validate_person(values)
    _raise_if_invalid(check)
    values["village"] = _resolve_village(values.get("village"))
    person = Person(
        **values,
        unit=unit,
        registered_by=actor,
        registry_id=new_registry_id(),
        name_normalized=normalize_name(values["full_name"]),
        nik_warnings=check.warnings,
    )
    person.full_clean()
    person.save()
    _reindex_name(person)
    audit_record(actor=actor, action="create", obj=person, changes={
        k: [None, v] for k, v in snapshot(person, AUDITED_FIELDS).items() if v not in (None, "", [], False)
    })
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int | None = None, **changes: Any) -> Person:
    """Changes a person's fields; refuses a stale edit (someone saved in between) with a Conflict."""
    if not can_write_registry(actor) or not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Anda tidak boleh mengubah data orang ini."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Kolom tidak dikenal: %s") % ", ".join(sorted(unknown)), code="unknown_field")
    current = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and current.version != expected_version:
        last = current.updated_at
        raise Conflict(
            _("Data ini sudah diubah orang lain (versi %(v)s, %(t)s). Muat ulang lalu ulangi perubahan Anda.")
            % {"v": current.version, "t": last.astimezone().strftime("%d-%m-%Y %H:%M")},
            code="stale_version",
            details={"current_version": current.version},
        )
    before = snapshot(current, AUDITED_FIELDS)
    values = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    values.update(normalize_values(changes))
    check = validate_person(values)
    _raise_if_invalid(check)
    values["village"] = _resolve_village(values.get("village"))
    for name, value in values.items():
        setattr(current, name, value)
    current.name_normalized = normalize_name(current.full_name)
    current.nik_warnings = check.warnings
    after = snapshot(current, AUDITED_FIELDS)
    changed = diff(before, after)
    if not changed:
        return current
    current.version += 1
    current.full_clean()
    current.save()
    if "full_name" in changed or "aliases" in changed:
        _reindex_name(current)
    audit_record(actor=actor, action="update", obj=current, changes=changed)
    return current


@transaction.atomic
def person_delete(*, actor, person: Person, reason: str) -> None:
    """Erases a person's record (UU PDP erasure); the audit row keeps who, which record and why."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Hanya administrator nasional yang boleh menghapus data orang."))
    if not reason.strip():
        raise ApplicationError(_("Tuliskan alasan penghapusan."), code="reason_required")
    # The erased values are not copied into the audit trail: erasure must erase. The row proves
    # who erased which record, when and why.
    audit_record(
        actor=actor,
        action="delete",
        obj=person,
        changes={"registry_id": [person.registry_id, None], "reason": [None, reason.strip()]},
    )
    person.delete()
