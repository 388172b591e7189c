"""Shared fixtures: the region codes and units, and the story users.

Story users, in two sentra (A = Sentra Handayani, B = Sentra Antasena):
  admin (national administrator), auditor, analyst_anak (Direktorat Anak),
  head_a, supervisor_a, pendamping_a, pendamping_a2, finance_a  — in sentra A,
  head_b, pendamping_b — in sentra B, the outsiders to A.
"""

import pytest

from atensi.accounts.models import Role
from atensi.accounts.services import user_create
from atensi.organisation.models import Unit
from atensi.organisation.selectors import region_codes_changed
from tests.api_helpers import client_for

PASSWORD = "Rahasia-2026x"
SENTRA_A = "630108"  # Sentra Handayani, Jakarta Timur
SENTRA_B = "630117"  # Sentra Antasena, Magelang
DITJEN = "630001"
DIREKTORAT_ANAK = "630003"


def pytest_configure(config):
    """Hashes test passwords cheaply: the real hasher costs ~0.6 s per story user."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_master_data(*, include_villages: bool = True) -> None:
    """Loads what every test database holds: region codes, units, case and budget rules."""
    from atensi.budget.rules import rule_sets_load
    from atensi.cases.rules import rules_load
    from atensi.organisation.loaders import regions_load, units_load

    regions_load(include_villages=include_villages)
    units_load()
    rules_load()
    rule_sets_load()
    region_codes_changed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Loads the master data once per test database (tests roll back their own rows)."""
    with django_db_blocker.unblock():
        load_master_data()


@pytest.fixture
def api():
    """Returns client_for: `api(user).get(...)` calls the API as that story user."""
    return client_for


@pytest.fixture
def sentra_a(db):
    return Unit.objects.get(code=SENTRA_A)


@pytest.fixture
def sentra_b(db):
    return Unit.objects.get(code=SENTRA_B)


def make_user(username: str, role: str, unit_code: str, first_name: str = ""):
    return user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        unit=Unit.objects.get(code=unit_code),
        first_name=first_name or username.replace("_", " ").title(),
    )


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN, DITJEN)


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR, DITJEN)


@pytest.fixture
def analyst_anak(db):
    return make_user("analyst_anak", Role.ANALYST, DIREKTORAT_ANAK)


@pytest.fixture
def head_a(db):
    return make_user("head_a", Role.HEAD, SENTRA_A)


@pytest.fixture
def supervisor_a(db):
    return make_user("supervisor_a", Role.SUPERVISOR, SENTRA_A)


@pytest.fixture
def pendamping_a(db):
    return make_user("pendamping_a", Role.PENDAMPING, SENTRA_A, "Sri Wahyuni")


@pytest.fixture
def pendamping_a2(db):
    return make_user("pendamping_a2", Role.PENDAMPING, SENTRA_A, "Agus Salim")


@pytest.fixture
def finance_a(db):
    return make_user("finance_a", Role.FINANCE, SENTRA_A)


@pytest.fixture
def head_b(db):
    return make_user("head_b", Role.HEAD, SENTRA_B)


@pytest.fixture
def pendamping_b(db):
    return make_user("pendamping_b", Role.PENDAMPING, SENTRA_B)
