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


# --- Budget figures (issue 4) ---------------------------------------------------------------
# Finance officers and heads work with their own satker's budget; at the centre (the Ditjen,
# its secretariat and the directorates) they coordinate all satker. Directorate analysts,
# auditors and administrators see every satker. Pendamping and supervisors have no budget role.
BUDGET_ALL_READERS = {Role.ADMIN, Role.AUDITOR, Role.ANALYST}
BUDGET_UNIT_READERS = {Role.HEAD, Role.FINANCE}
BUDGET_IMPORTERS = {Role.ADMIN, Role.FINANCE}
# Unit types of the centre (organisation.UnitType values); kept as strings so that this module
# does not import the organisation app.
CENTRE_UNIT_TYPES = {"ditjen", "secretariat", "directorate"}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_read_budget(user) -> bool:
    return _active(user) and user.role in BUDGET_ALL_READERS | BUDGET_UNIT_READERS


def budget_sees_all_units(user) -> bool:
    """Says whether `user` sees the budget figures of every satker (and of the eselon I)."""
    if not can_read_budget(user):
        return False
    if user.role in BUDGET_ALL_READERS:
        return True
    return user.unit.type in CENTRE_UNIT_TYPES


def can_read_budget_of(user, unit) -> bool:
    return budget_sees_all_units(user) or (can_read_budget(user) and user.unit_id == unit.pk)


def can_import_budget(user) -> bool:
    return _active(user) and user.role in BUDGET_IMPORTERS


def can_import_budget_for(user, unit) -> bool:
    """Says whether `user` may import or correct budget data of `unit`."""
    if not can_import_budget(user):
        return False
    if user.role == Role.ADMIN or user.unit.type in CENTRE_UNIT_TYPES:
        return True
    return user.unit_id == unit.pk


def can_sign_off_budget_period(user, unit) -> bool:
    # Signing off a month is the head's act for their own satker, nobody else's.
    return _active(user) and user.role == Role.HEAD and user.unit_id == unit.pk


# --- Workforce (issue 5) --------------------------------------------------------------------
# A pendamping sees their own load, reports and figures; supervisors and heads their sentra's
# team; directorate analysts, auditors and administrators every sentra. Finance officers have
# no workforce role. Case lists behind a figure still follow the case rules above.
WORKFORCE_NATIONAL = {Role.ADMIN, Role.AUDITOR, Role.ANALYST}
WORKFORCE_LEADS = {Role.HEAD, Role.SUPERVISOR}
WORKFORCE_READERS = WORKFORCE_NATIONAL | WORKFORCE_LEADS | {Role.PENDAMPING}


def can_read_workforce(user) -> bool:
    return _active(user) and user.role in WORKFORCE_READERS


def workforce_sees_all_units(user) -> bool:
    return _active(user) and user.role in WORKFORCE_NATIONAL


def workforce_leads_team(user) -> bool:
    return _active(user) and user.role in WORKFORCE_LEADS


def can_manage_team(user, unit) -> bool:
    """Says whether `user` records leave and training and (re)assigns cases in `unit`."""
    if not _active(user):
        return False
    return user.role == Role.ADMIN or (user.role in WORKFORCE_LEADS and user.unit_id == unit.pk)


def can_edit_worker_profile(user, unit) -> bool:
    if not _active(user):
        return False
    return user.role == Role.ADMIN or (user.role == Role.HEAD and user.unit_id == unit.pk)


def can_move_worker(user) -> bool:
    # A move between units changes the user's unit, which national administrators manage.
    return _active(user) and user.role == Role.ADMIN


def can_file_monthly_report(user) -> bool:
    return _active(user) and user.role == Role.PENDAMPING


def can_decide_monthly_report(user, unit) -> bool:
    # The supervisor or head of the worker's own sentra examines the report, nobody else.
    return _active(user) and user.role in WORKFORCE_LEADS and user.unit_id == unit.pk


# --- Duplicate review (issue 6) -------------------------------------------------------------
# Matching is processing of personal data (UU PDP Pasal 34): readers of the registry who
# oversee it review pairs, and only pairs whose BOTH records they may see (selectors check
# that). Pendamping register; they do not judge other sentra's records. Auditors read runs,
# pairs and merges without deciding. A merge re-points cases and documents, so it is for
# heads and national administrators; they also undo one.
DEDUP_READERS = {Role.ADMIN, Role.AUDITOR, Role.ANALYST, Role.HEAD, Role.SUPERVISOR}
DEDUP_REVIEWERS = {Role.ADMIN, Role.ANALYST, Role.HEAD, Role.SUPERVISOR}
DEDUP_MERGERS = {Role.ADMIN, Role.HEAD}


def can_read_duplicates(user) -> bool:
    return _active(user) and user.role in DEDUP_READERS


def can_review_duplicates(user) -> bool:
    """Says whether `user` may start a search for duplicates and decide pairs."""
    return _active(user) and user.role in DEDUP_REVIEWERS


def can_merge_persons(user) -> bool:
    return _active(user) and user.role in DEDUP_MERGERS
