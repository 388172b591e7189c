"""`atensi dedup run`: the registry searched from the command line, logged like any run."""

import io

import pytest
from django.core.management import CommandError, call_command

from atensi.dedup.models import MatchRun, RunStatus
from tests.registry.factories import make_person


def test_the_run_subcommand_logs_a_run_with_purpose_scope_and_user(pendamping_a, head_a, sentra_a):
    make_person(pendamping_a, full_name="Budi Santoso")
    make_person(pendamping_a, full_name="Budi Santosa")
    err = io.StringIO()
    call_command(
        "dedup",
        "run",
        "--unit",
        sentra_a.code,
        "--purpose",
        "Persiapan bansos",
        "--as",
        "head_a",
        "--progress",
        stderr=err,
    )
    run = MatchRun.objects.get()
    assert (run.started_by, run.unit, run.purpose, run.status) == (
        head_a,
        sentra_a,
        "Persiapan bansos",
        RunStatus.DONE,
    )
    assert f"Pencarian #{run.pk}: 2 orang" in err.getvalue()
    assert "scoring" in err.getvalue()  # the progress bar went through the engine's stages


def test_the_run_subcommand_defaults_to_the_first_administrator(admin_user, pendamping_a):
    make_person(pendamping_a)
    call_command("dedup", "run", stderr=io.StringIO())
    run = MatchRun.objects.get()
    assert run.started_by == admin_user and run.unit is None and run.purpose


def test_the_run_subcommand_names_an_unknown_unit_or_user(admin_user):
    with pytest.raises(CommandError, match="9999"):
        call_command("dedup", "run", "--unit", "9999", stderr=io.StringIO())
    with pytest.raises(CommandError, match="nobody"):
        call_command("dedup", "run", "--as", "nobody", stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("dedup", "run", "--as", "admin", "--purpose", " ", stderr=io.StringIO())
    assert not MatchRun.objects.exists()
