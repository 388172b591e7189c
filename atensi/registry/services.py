"""Writes to the registry. Every change is validated, audited and done in one transaction."""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import can_erase_person, can_write_registry
from atensi.accounts.models import Role
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.lib.names import name_tokens, normalize_name, token_key
from atensi.lib.nik import check_nik, clean_nik
from atensi.organisation.models import Region, Unit
from atensi.organisation.selectors import region_code_exists

from .models import Consent, ConsentBasis, ConsentGiver, FamilyMember, Person, PersonNameToken
from .selectors import person_get, person_merge_in_force, persons_visible_to
from .validation import NIK_MESSAGES, validate_person

EDITABLE_FIELDS = [
    "nik",
    "no_nik_reason",
    "no_kk",
    "full_name",
    "aliases",
    "sex",
    "birth_place",
    "birth_date",
    "birth_date_estimated",
    "address",
    "village",
    "phone",
    "target_group",
    "disability_types",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "unit", "nik_warnings"]


_REGISTRY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_registry_id() -> str:
    """Returns a fresh registry number, e.g. ATN-7KQ2-M9XD (no 0/O, 1/I confusion)."""
    # 32 symbols, so the low five bits of each random byte pick one uniformly; one urandom call.
    raw = "".join(_REGISTRY_ALPHABET[b & 31] for b in secrets.token_bytes(8))
    return f"ATN-{raw[:4]}-{raw[4:]}"


def _unused_registry_id() -> str:
    # 32^8 numbers: a clash is rare (about one in a million at national scale) but not impossible.
    while True:
        candidate = new_registry_id()
        if not Person.objects.filter(registry_id=candidate).exists():
            return candidate


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
            _("Data orang belum benar; perbaiki kolom yang ditandai."),
            code="invalid",
            details=check.errors,
        )


def _resolve_village(value):
    if value is None or isinstance(value, Region):
        return value
    return Region.objects.get(code=value)


# Name words repeat (a few thousand distinct words name a million persons): a bulk import or a
# reindex would otherwise work out the same word's key hundreds of times.
_token_key = lru_cache(maxsize=50_000)(token_key)


def person_name_index(full_name: str, aliases: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Returns what search needs of a person's names: the normalised full name (stored as
    name_normalized) and the sorted keys of the full name and aliases (stored as PersonNameToken).

    The same as normalize_name() and name_keys() give, with the full name split into words once
    for both (a bulk import would otherwise pay that twice per row).
    """
    tokens = name_tokens(full_name)
    keys = {_token_key(t) for t in tokens if t}
    for alias in aliases:
        keys.update(_token_key(t) for t in name_tokens(alias) if t)
    return " ".join(tokens), sorted(keys)


def person_name_tokens_rows(person: Person) -> list[PersonNameToken]:
    _normalized, keys = person_name_index(person.full_name, person.aliases)
    return [PersonNameToken(person=person, key=k) for k in keys]


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
        raise ApplicationError(
            _("Kolom tidak dikenal: %s") % ", ".join(sorted(unknown)), code="unknown_field"
        )
    values = normalize_values(values)
    check = validate_person(values)
    _raise_if_invalid(check)
    values["village"] = _resolve_village(values.get("village"))
    person = Person(
        **values,
        unit=unit,
        registered_by=actor,
        registry_id=_unused_registry_id(),
        name_normalized=normalize_name(values["full_name"]),
        nik_warnings=check.warnings,
    )
    person.full_clean()
    person.save()
    _reindex_name(person)
    audit_record(
        actor=actor,
        action="create",
        obj=person,
        changes={
            k: [None, v]
            for k, v in snapshot(person, AUDITED_FIELDS).items()
            if v not in (None, "", [], False)
        },
    )
    return person


@transaction.atomic
def person_update(
    *, actor, person: Person, expected_version: int | None = None, **changes: Any
) -> Person:
    """Changes a person's fields; refuses a stale edit (someone saved in between) with a Conflict."""
    _writable_person(actor, person)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Kolom tidak dikenal: %s") % ", ".join(sorted(unknown)), code="unknown_field"
        )
    current = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and current.version != expected_version:
        last = current.updated_at
        raise Conflict(
            _(
                "Data ini sudah diubah orang lain (versi %(v)s, %(t)s). Muat ulang lalu ulangi perubahan Anda."
            )
            % {"v": current.version, "t": timezone.localtime(last).strftime("%d-%m-%Y %H:%M")},
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
    if not can_erase_person(actor):
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


@transaction.atomic
def person_open(*, actor, pk) -> Person:
    """Returns a person's record for reading and records that `actor` viewed it (UU PDP Pasal 31)."""
    person = person_get(actor, pk)
    audit_record(actor=actor, action="view", obj=person)
    return person


def _writable_person(actor, person: Person) -> None:
    if not can_write_registry(actor) or not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Anda tidak boleh mengubah data orang ini."))
    person_check_not_merged(person.pk)


def person_check_not_merged(person_id) -> None:
    """Refuses a write to a record merged into another person (a Conflict naming that person).

    The merged record is kept as it was for its history; the person's data, cases and services
    now belong to the record it was merged into, so changes and new cases go there.
    """
    merge = person_merge_in_force(person_id)
    if merge is not None:
        raise Conflict(
            _(
                "Data ini telah digabung ke %(survivor)s (%(registry_id)s); ubah data atau buka "
                "kasus pada data tersebut."
            )
            % {"survivor": merge.survivor.full_name, "registry_id": merge.survivor.registry_id},
            code="person_merged",
            details={"merged_into": merge.survivor_id},
        )


FAMILY_FIELDS = ["name", "relationship", "nik", "phone", "is_guardian"]
CONSENT_FIELDS = [
    "basis",
    "scope",
    "given_by",
    "given_by_name",
    "method",
    "given_at",
    "withdrawn_at",
    "withdrawn_reason",
]


def _full_clean(instance) -> None:
    try:
        instance.full_clean(exclude=["person"])
    except ValidationError as exc:
        raise ApplicationError(
            _("Data belum benar; perbaiki kolom yang ditandai."),
            code="invalid",
            details=exc.message_dict,
        ) from None


@transaction.atomic
def family_member_add(
    *,
    actor,
    person: Person,
    name: str,
    relationship: str,
    nik: str = "",
    phone: str = "",
    is_guardian: bool = False,
) -> FamilyMember:
    """Adds a family member or guardian to a person's record."""
    _writable_person(actor, person)
    nik = clean_nik(nik)
    if nik:
        result = check_nik(nik, region_exists=region_code_exists)
        if not result.valid:
            raise ApplicationError(
                _("NIK anggota keluarga tidak valid."),
                code="invalid",
                details={"nik": [str(NIK_MESSAGES[c]) for c in result.errors]},
            )
    member = FamilyMember(
        person=person,
        name=" ".join(name.split()),
        relationship=relationship,
        nik=nik,
        phone=phone.strip(),
        is_guardian=is_guardian,
    )
    _full_clean(member)
    member.save()
    audit_record(
        actor=actor,
        action="create",
        obj=member,
        changes={k: [None, v] for k, v in snapshot(member, ["person", *FAMILY_FIELDS]).items()},
    )
    return member


@transaction.atomic
def family_member_remove(*, actor, member: FamilyMember) -> None:
    """Removes a family member from a person's record."""
    _writable_person(actor, member.person)
    audit_record(
        actor=actor,
        action="delete",
        obj=member,
        changes={k: [v, None] for k, v in snapshot(member, ["person", *FAMILY_FIELDS]).items()},
    )
    member.delete()


@transaction.atomic
def consent_record(
    *,
    actor,
    person: Person,
    basis: str,
    scope: str,
    given_by: str,
    given_by_name: str,
    method: str,
    given_at,
) -> Consent:
    """Records a consent or other legal basis for processing a person's data.

    A child's consent is given by a parent or guardian (UU 27/2022 Pasal 25).
    """
    _writable_person(actor, person)
    if given_at > timezone.now():
        raise ApplicationError(
            _("Waktu persetujuan tidak boleh di masa depan."),
            code="invalid",
            details={"given_at": [_("Waktu persetujuan tidak boleh di masa depan.")]},
        )
    is_child = person.birth_date is not None and _age(person.birth_date, timezone.localdate()) < 18
    if basis == ConsentBasis.CONSENT and is_child and given_by == ConsentGiver.SELF:
        raise ApplicationError(
            _(
                "Persetujuan untuk anak (di bawah 18 tahun) diberikan oleh orang tua atau wali (UU PDP Pasal 25)."
            ),
            code="child_consent",
            details={"given_by": [_("Pilih orang tua atau wali.")]},
        )
    consent = Consent(
        person=person,
        basis=basis,
        scope=scope.strip(),
        given_by=given_by,
        given_by_name=given_by_name.strip(),
        method=method,
        given_at=given_at,
        recorded_by=actor,
    )
    _full_clean(consent)
    consent.save()
    audit_record(
        actor=actor,
        action="create",
        obj=consent,
        changes={
            k: [None, v]
            for k, v in snapshot(consent, ["person", *CONSENT_FIELDS]).items()
            if v is not None
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, reason: str) -> Consent:
    """Marks a consent as withdrawn; processing that rested on it must stop."""
    _writable_person(actor, consent.person)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ApplicationError(_("Persetujuan ini sudah ditarik."), code="already_withdrawn")
    if not reason.strip():
        raise ApplicationError(
            _("Tuliskan alasan penarikan."),
            code="invalid",
            details={"withdrawn_reason": [_("Wajib diisi.")]},
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()
    consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=consent,
        changes={
            "withdrawn_at": [None, consent.withdrawn_at.isoformat()],
            "withdrawn_reason": [None, consent.withdrawn_reason],
        },
    )
    return consent


def _age(born, today) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class NameReindex:
    persons: int = 0  # persons looked at
    changed: int = 0  # persons whose normalised name or search keys were rebuilt
    batches: int = 0


def persons_reindex_names(
    *, actor=None, batch_size: int = 2000, progress: Callable[[int, int], None] | None = None
) -> NameReindex:
    """Rebuilds every person's normalised name and name search keys from their names.

    Run after a change to the name rules (atensi.lib.names). Persons are taken in batches by id,
    each batch in its own transaction with its rows locked, so users keep working and an
    interrupted run keeps what it finished. Only persons whose stored name data differs from
    what the rules give now are written, so a second run changes nothing. One audit row records
    the run. `progress(done, total)` is called after every batch.
    """
    outcome = NameReindex()
    total = Person.objects.count()
    if progress:
        progress(0, total)
    last_id = 0
    while True:
        with transaction.atomic():
            persons = list(
                Person.objects.select_for_update()
                .filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", "full_name", "aliases", "name_normalized")[:batch_size]
            )
            if not persons:
                break
            last_id = persons[-1][0]
            outcome.changed += _reindex_batch(persons)
        outcome.persons += len(persons)
        outcome.batches += 1
        if progress:
            progress(outcome.persons, max(total, outcome.persons))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="update",
            object_type=Person._meta.label_lower,
            object_repr=_("Indeks nama dibangun ulang: %(n)s orang") % {"n": outcome.persons},
            changes={
                "name_index_rebuilt": {
                    "persons": outcome.persons,
                    "changed": outcome.changed,
                    "batches": outcome.batches,
                }
            },
        )
    return outcome


def _reindex_batch(persons: list[tuple]) -> int:
    """Rewrites the name data of the persons in a batch that no longer match; returns how many."""
    first, last = persons[0][0], persons[-1][0]
    stored: dict[int, list[str]] = {}
    for person_id, key in PersonNameToken.objects.filter(
        person_id__gte=first, person_id__lte=last
    ).values_list("person_id", "key"):
        stored.setdefault(person_id, []).append(key)
    renamed, rekeyed = [], {}
    for person_id, full_name, aliases, name_normalized in persons:
        normalized, keys = person_name_index(full_name, aliases or [])
        if normalized != name_normalized:
            renamed.append(Person(id=person_id, name_normalized=normalized))
        if sorted(stored.get(person_id, [])) != keys:
            rekeyed[person_id] = keys
    if renamed:
        Person.objects.bulk_update(renamed, ["name_normalized"], batch_size=500)
    if rekeyed:
        ids = sorted(rekeyed)
        for start in range(0, len(ids), 500):
            PersonNameToken.objects.filter(person_id__in=ids[start : start + 500]).delete()
        PersonNameToken.objects.bulk_create(
            [PersonNameToken(person_id=pk, key=k) for pk, keys in rekeyed.items() for k in keys],
            batch_size=1000,
        )
    return len({p.id for p in renamed} | set(rekeyed))
