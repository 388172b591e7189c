"""The events benchmark's data and checks, run inside Django against one database.

    python -m bench.events.prepare build --clients N --cases-per-client K
    python -m bench.events.prepare verify --marker TEXT --ids-file PATH

`build` makes one pendamping per client (sentra 630108) with K cases each in the intervention
stage after penetapan PM, all through the real services, and prints {"clients": [{"username",
"token", "cases"}]} as JSON. It reuses what an earlier run built. `verify` counts, for the service
deliveries the API answered with, the rows, their audit rows and their timeline events.
"""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

SENTRA = "630108"
PASSWORD = "Rehsos-Uji-Beban-7319"
PREFIX = "bench_events_"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _user(username: str, role: str):
    from atensi.accounts.models import User
    from atensi.accounts.services import user_create
    from atensi.organisation.models import Unit

    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        unit=Unit.objects.get(code=SENTRA),
        first_name=username.replace("_", " ").title(),
    )


def _person(actor, serial: int):
    from atensi.registry.models import Person
    from tests.registry.factories import make_person, nik_for

    birth_date = dt.date(2010, 1, 1) + dt.timedelta(days=serial % 2000)
    nik = nik_for(birth_date, "L", district="31.75.02", serial=serial % 10000)
    existing = Person.objects.filter(nik=nik).first()
    if existing is not None:
        return existing
    return make_person(
        actor, full_name=f"Peserta Uji {serial}", birth_date=birth_date, sex="L", nik=nik
    )


def build(clients: int, cases_per_client: int) -> dict:
    """Returns the clients' tokens and case ids, building what is missing through the services."""
    from django.utils import timezone

    from atensi.accounts.models import Role
    from atensi.accounts.services import user_token
    from atensi.cases import services
    from atensi.cases.choices import Stage
    from atensi.cases.models import Case
    from tests.cases.factories import make_case, walk

    head = _user(f"{PREFIX}head", Role.HEAD)
    lead = _user(f"{PREFIX}supervisor", Role.SUPERVISOR)
    out = []
    for index in range(clients):
        worker = _user(f"{PREFIX}p{index + 1:02d}", Role.PENDAMPING)
        ready = list(
            Case.objects.filter(
                pendamping=worker, stage=Stage.INTERVENTION, sk_number__gt=""
            ).values_list("pk", flat=True)
        )
        for serial in range(len(ready), cases_per_client):
            person = _person(worker, 1 + index * 200 + serial)
            case = make_case(worker, person=person, target_group="anak")
            case = walk(case, Stage.INTERVENTION, worker=worker, lead=lead)
            case = services.case_penetapan(
                actor=head,
                case=case,
                sk_number=f"{index}/{serial}/BENCH",
                sk_date=timezone.localdate(),
            )
            ready.append(case.pk)
        out.append(
            {
                "username": worker.username,
                "token": user_token(actor=worker, user=worker),
                "cases": ready[:cases_per_client],
            }
        )
    return {"clients": out}


def verify(ids: list[int]) -> dict:
    """Counts the rows, audit rows and timeline events behind the ids the API answered with."""
    from atensi.cases.models import CaseEvent, ServiceDelivery
    from atensi.common.models import AuditLog

    rows = 0
    audited = 0
    events = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        rows += ServiceDelivery.objects.filter(pk__in=chunk).count()
        audited += AuditLog.objects.filter(
            object_type="cases.servicedelivery",
            action="create",
            object_id__in=[str(pk) for pk in chunk],
        ).count()
        events += CaseEvent.objects.filter(kind="service", data__service_id__in=chunk).count()
    return {"answered": len(ids), "rows": rows, "audit_rows": audited, "timeline_events": events}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    built = sub.add_parser("build")
    built.add_argument("--clients", type=int, required=True)
    built.add_argument("--cases-per-client", type=int, required=True)
    checked = sub.add_parser("verify")
    checked.add_argument("--ids-file", type=Path, required=True)
    opts = parser.parse_args(argv)
    _setup()
    if opts.command == "build":
        result = build(opts.clients, opts.cases_per_client)
    else:
        result = verify(json.loads(opts.ids_file.read_text()))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
