"""Timelines for the workforce tests: the real services, run at chosen moments.

`at(moment)` runs the code inside it as if the clock showed `moment` (Asia/Jakarta), so a case
can be received, contacted, assessed, assigned and closed on the days a test needs, each step
through its service with its timeline entry and audit row, as in production.
"""

import datetime as dt
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from atensi.workforce.services import worker_profile_save

JAKARTA = ZoneInfo("Asia/Jakarta")


def jkt(year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


@contextmanager
def at(moment: dt.datetime):
    """Runs the block with django.utils.timezone.now() answering `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def profile(head, worker, **overrides):
    """Gives `worker` a profile through the service (as the head of their sentra)."""
    values = {
        "kind": "pendamping_atensi",
        "employment": "pns",
        "specialisations": ["anak"],
    }
    values.update(overrides)
    return worker_profile_save(actor=head, worker=worker, **values)


@pytest.fixture
def team_a(head_a, supervisor_a, pendamping_a, pendamping_a2):
    """Sentra A's team with profiles: Sri (anak) and Agus (lansia), both since 2025."""
    profile(head_a, pendamping_a, specialisations=["anak"], contract_start=None)
    profile(head_a, pendamping_a2, specialisations=["lansia"])
    return [pendamping_a, pendamping_a2]
