"""Who sees and changes budget figures (accounts/access.py)."""

import pytest

from atensi.accounts.access import (
    budget_sees_all_units,
    can_import_budget_for,
    can_read_budget,
    can_read_budget_of,
    can_sign_off_budget_period,
)
from atensi.accounts.models import Role
from atensi.budget.selectors import budget_units_visible_to
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_finance_and_heads_of_a_sentra_see_their_own_satker(finance_a, head_a, sentra_a, sentra_b):
    for user in (finance_a, head_a):
        assert can_read_budget(user) and not budget_sees_all_units(user)
        assert can_read_budget_of(user, sentra_a) and not can_read_budget_of(user, sentra_b)
        assert list(budget_units_visible_to(user)) == [sentra_a]


def test_the_centre_analysts_auditors_and_admins_see_all(analyst_anak, auditor, admin_user):
    centre_finance = make_user("finance_pusat", Role.FINANCE, "630002")
    for user in (analyst_anak, auditor, admin_user, centre_finance):
        assert budget_sees_all_units(user)


def test_finance_imports_for_its_satker_the_centre_for_all(finance_a, head_a, sentra_a, sentra_b):
    centre_finance = make_user("finance_pusat", Role.FINANCE, "630002")
    assert can_import_budget_for(finance_a, sentra_a)
    assert not can_import_budget_for(finance_a, sentra_b)
    assert can_import_budget_for(centre_finance, sentra_b)
    assert not can_import_budget_for(head_a, sentra_a)


def test_only_the_head_of_the_satker_signs_off(head_a, head_b, admin_user, finance_a, sentra_a):
    assert can_sign_off_budget_period(head_a, sentra_a)
    for user in (head_b, admin_user, finance_a):
        assert not can_sign_off_budget_period(user, sentra_a)


def test_case_workers_have_no_budget_role(pendamping_a, supervisor_a):
    for user in (pendamping_a, supervisor_a):
        assert not can_read_budget(user)
        assert not budget_units_visible_to(user).exists()
