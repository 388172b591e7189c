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


def can_read_registry(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in REGISTRY_READERS


def can_write_registry(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in REGISTRY_WRITERS


def can_read_audit(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in AUDIT_READERS
