"""API clients for the story users, and budget data for sentra A and B (TA 2023)."""

import pytest
from rest_framework.test import APIClient

from atensi.accounts.services import user_token
from tests.budget.factories import dipa_line, do_import, plan_rows, sp2d

M = 1_000_000


def client_for(user=None) -> APIClient:
    """Returns an API client using `user`'s token (anonymous without a user)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(actor=user, user=user)}")
    return client


@pytest.fixture
def api():
    return client_for


@pytest.fixture
def two_satker(admin_user):
    """A: pagu 1,000, realised 300 (30 %); B: pagu 500, realised 250 (50 %)."""
    for unit, pagu, spent in (("630108", 1000, 300), ("630117", 500, 250)):
        do_import(admin_user, "dipa", [dipa_line(unit=unit, pagu=pagu * M)])
        do_import(admin_user, "plan", plan_rows(unit=unit, amounts={"52": pagu * M // 12}))
        do_import(
            admin_user,
            "realisation",
            [sp2d(unit=unit, amount=spent * M, number=f"{unit}-1", date="2023-02-10")],
        )
