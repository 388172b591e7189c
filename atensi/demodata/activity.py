"""Two years of work in the staffed demo sentra: cases in every stage and the workforce behind them.

Everything is written by the real services (cases.services, workforce.services) replayed at the
moments it happened (history.py), so the timelines, audit trail, response times, caseloads,
KPIs and monthly report figures agree with each other as they would in real use. One summary
audit row marks the work of a seed as done: running the demo again adds nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from atensi.accounts.models import Role, User
from atensi.cases.models import Case
from atensi.cases.rules import rules_load as case_rules_load
from atensi.common.audit import audit_record
from atensi.common.models import AuditAction, AuditLog
from atensi.organisation.models import Unit, UnitType
from atensi.workforce.holdings import holdings_sync
from atensi.workforce.rules import rules_load as workforce_rules_load
from atensi.workforce.tally import tally_sync

from .cases import HISTORY_DAYS, case_stories
from .history import history_clock, local_moment, replay
from .staff import national_team_ensure, profiles_story, staff_stories

AUDIT_OBJECT_TYPE = "demodata"
# Cases per staffed sentra: about a hundred, a full but readable work queue per pendamping.
DEFAULT_CASES = 100


@dataclass
class ActivityResult:
    built: bool
    cases: int = 0
    steps: int = 0


def _marker(seed: int) -> str:
    return f"activity-seed-{seed}"


def demo_activity_built(seed: int) -> bool:
    """Says whether the cases and workforce of `seed` are already in the database."""
    return AuditLog.objects.filter(
        object_type=AUDIT_OBJECT_TYPE, object_id=_marker(seed), action=AuditAction.IMPORT
    ).exists()


def demo_activity_build(
    *,
    seed: int,
    unit_codes: list[str],
    per_sentra: int = DEFAULT_CASES,
    workers_per_sentra: int = 0,
) -> ActivityResult:
    """Replays two years of cases and workforce records in the staffed sentra; safe to run again.

    With `workers_per_sentra`, every active sentra also gets a full team (national_team_ensure)
    with its profiles, training, leave and monthly reports. One transaction: an interrupted
    build leaves nothing, and the next run starts over.
    """
    if demo_activity_built(seed):
        return ActivityResult(built=False)
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("demo activity needs the demo administrator (atensi demo builds it)")
    case_rules_load()
    workforce_rules_load()
    now = timezone.now()
    today = timezone.localdate()
    before = Case.objects.count()
    with transaction.atomic():
        team_codes = list(unit_codes)
        if workers_per_sentra:
            national_team_ensure(seed=seed, per_sentra=workers_per_sentra)
            team_codes = list(
                Unit.objects.filter(type=UnitType.SENTRA, is_active=True)
                .order_by("code")
                .values_list("code", flat=True)
            )
            # the staffed sentra first: their stories set who is away today
            team_codes = [*unit_codes, *(c for c in team_codes if c not in unit_codes)]
        with history_clock(now) as clock:
            first = local_moment(
                today - dt.timedelta(days=HISTORY_DAYS + 10), dt.timedelta(hours=9)
            )
            stories = [
                profiles_story(seed=seed, admin=admin, at=first),
                *case_stories(seed=seed, unit_codes=unit_codes, per_sentra=per_sentra, now=now),
                *staff_stories(seed=seed, unit_codes=team_codes, now=now),
            ]
            steps = replay(stories, clock=clock, until=now)
        added = Case.objects.count() - before
        audit_record(
            actor=None,
            action=AuditAction.IMPORT,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=_marker(seed),
            object_repr=f"Data demo: {added} kasus dan kegiatan tenaga (seed {seed})",
            changes={"seed": [None, seed], "cases": [None, added], "steps": [None, steps]},
        )
    # what the workforce figures read, brought up to date now rather than on the first page view
    holdings_sync()
    tally_sync()
    return ActivityResult(built=True, cases=added, steps=steps)
