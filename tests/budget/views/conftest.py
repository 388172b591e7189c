"""Page clients for the story users, and small budget data sets set through the import service."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.budget.factories import blokir, dipa_line, do_import, output_report, plan_rows, sp2d

M = 1_000_000


@pytest.fixture
def client_for():
    """Returns a test client signed in as `user` (anonymous without one)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def sync_imports(settings):
    """Runs page imports in the request (no background thread) so tests see the outcome."""
    settings.ATENSI_IMPORT_SYNC = True


@pytest.fixture
def two_satker(admin_user):
    """TA 2023. A (630108): pagu 1.000 jt, realised 300 jt; B (630117): pagu 500 jt, realised 250 jt."""
    for unit, pagu, spent in (("630108", 1000, 300), ("630117", 500, 250)):
        do_import(admin_user, "dipa", [dipa_line(unit=unit, pagu=pagu * M)])
        do_import(admin_user, "plan", plan_rows(unit=unit, amounts={"52": pagu * M // 12}))
        do_import(
            admin_user,
            "realisation",
            [sp2d(unit=unit, amount=spent * M, number=f"{unit}-1", date="2023-02-10")],
        )
        do_import(admin_user, "output", [output_report(unit=unit, month=1, rvro=10)])
    return {"ta": 2023}


def this_year_sentra_a(admin_user, *, spent_per_month: int = 10 * M):
    """Sentra A in the current TA: pagu 1.200 jt (52), plan 100 jt a month, little realised.

    Realisation of 10 jt in every closed month keeps the satker far below the IKPA targets, so
    the quarter in progress carries a warning.
    """
    today = timezone.localdate()
    ta = today.year
    do_import(admin_user, "dipa", [dipa_line(unit="630108", ta=ta, pagu=1200 * M)])
    do_import(admin_user, "plan", plan_rows(unit="630108", ta=ta, amounts={"52": 100 * M}))
    do_import(admin_user, "blokir", [blokir(unit="630108", ta=ta, amount=100 * M, jenis="52")])
    lines = []
    for month in range(1, today.month):
        lines.append(
            sp2d(
                unit="630108",
                ta=ta,
                amount=spent_per_month,
                number=f"NOW-{month}",
                date=dt.date(ta, month, 10).isoformat(),
            )
        )
    if lines:
        do_import(admin_user, "realisation", lines)
    return ta
