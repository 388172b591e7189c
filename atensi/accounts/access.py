"""Who may do what: the role rules in one place (selectors and services ask here)."""

from .models import Role

# Roles that work with personal data of beneficiaries at all. Finance officers work with budget
# figures only (data minimisation, UU 27/2022 Pasal 16).
REGISTRY_READERS = {
    Role.ADMIN,
    Role.ANALYST,
    Role.HEAD,
    Role.SUPERVISOR,
    Role.PENDAMPING,
    Role.AUDITOR,
}
REGISTRY_WRITERS = {Role.ADMIN, Role.HEAD, Role.SUPERVISOR, Role.PENDAMPING}
AUDIT_READERS = {Role.ADMIN, Role.AUDITOR}
CASE_READERS = REGISTRY_READERS
CASE_WRITERS = REGISTRY_WRITERS


def can_read_registry(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in REGISTRY_READERS


def can_write_registry(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in REGISTRY_WRITERS


def can_read_audit(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in AUDIT_READERS


# Sentra heads supervise their own sentra's records, so they see who touched a person's record
# (the persons they can see), without access to the whole audit log.
PERSON_HISTORY_READERS = AUDIT_READERS | {Role.HEAD}
# Roles whose registry scope spans many units (lists offer a unit filter).
MULTI_UNIT_READERS = {Role.ADMIN, Role.AUDITOR, Role.ANALYST}


def can_read_person_history(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in PERSON_HISTORY_READERS


def can_erase_person(user) -> bool:
    # Erasure (UU PDP Pasal 43) is irreversible: national administrators only.
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def sees_many_units(user) -> bool:
    return can_read_registry(user) and user.role in MULTI_UNIT_READERS


def can_read_cases(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in CASE_READERS


def can_write_cases(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in CASE_WRITERS
