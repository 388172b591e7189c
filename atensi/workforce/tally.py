"""Services per day and holder, kept up to date from the services table (ServiceTally), and
the same per month (ServiceTallyMonth).

A service is never changed once recorded, and the holding it counts for is settled when it is
recorded (kpis.service_holder), so each service is added to the tally exactly once. The sync
reads the services after a mark, in id order, up to the first one recorded less than REREAD
ago: a transaction can commit a lower id after a higher one, so the freshest ids wait a
little. Services after the mark are counted live by the KPIs (kpis._services_counts), so a
figure never misses them.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from atensi.cases.models import ServiceDelivery

from .holdings import PART_PATHS, REREAD, holdings_sync, services_held
from .models import ServiceTally, ServiceTallyMonth, SyncMark

SYNC_NAME = "service_tally"
BATCH = 50_000
KEY = ("delivered_on", "g_worker", "g_unit", "g_target_group", "g_approach")


def tally_mark() -> int:
    """Returns the id of the last service in the tally (later ones are counted live)."""
    return (
        SyncMark.objects.filter(name=SYNC_NAME).values_list("last_service_id", flat=True).first()
        or 0
    )


def tally_sync() -> int:
    """Adds the settled services recorded since the last sync to the tally; returns how many."""
    return _sync()[0]


def tally_sync_mark() -> int:
    """Syncs the tally (see tally_sync); returns its mark (see tally_mark) without asking again."""
    return _sync()[1]


@transaction.atomic
def _sync() -> tuple[int, int]:
    # A service is counted for a holding: the holdings must know every case older than the
    # services read here (they are at least REREAD old, so their cases' rows are committed).
    holdings_sync()
    mark, created = SyncMark.objects.select_for_update().get_or_create(name=SYNC_NAME)
    read_before = mark.last_service_id
    settled_before = timezone.now() - REREAD
    added = 0
    while True:
        ids = list(
            ServiceDelivery.objects.filter(pk__gt=mark.last_service_id)
            .order_by("pk")
            .values_list("pk", "recorded_at")[:BATCH]
        )
        upto = None
        for pk, recorded_at in ids:
            if recorded_at >= settled_before:
                break
            upto = pk
        if upto is None:
            break
        rows = (
            services_held()
            .filter(pk__gt=mark.last_service_id, pk__lte=upto)
            .annotate(
                **{
                    f"g_{d}": F(PART_PATHS[d])
                    for d in ("worker", "unit", "target_group", "approach")
                }
            )
            .order_by()
            .values(*KEY)
            .annotate(n=Count("pk"))
        )
        counts: dict[tuple, int] = defaultdict(int)
        for row in rows:
            counts[tuple(row[k] for k in KEY)] += row["n"]
        _merge(counts)
        added += sum(counts.values())
        mark.last_service_id = upto
        if len(ids) < BATCH or upto != ids[-1][0]:
            break
    if created or mark.last_service_id != read_before:  # else nothing to write
        mark.synced_at = timezone.now()
        mark.save()
    return added, mark.last_service_id


def _merge(counts: dict[tuple, int]) -> None:
    """Adds counts to the daily and the monthly tally rows of their keys, creating missing ones."""
    if not counts:
        return
    months: dict[tuple, int] = defaultdict(int)
    for (day, *rest), n in counts.items():
        months[(day.replace(day=1), *rest)] += n
    _add(ServiceTally, "day", counts)
    _add(ServiceTallyMonth, "month", months)


def _add(model, period_field: str, counts: dict[tuple, int]) -> None:
    periods = {key[0] for key in counts}
    existing = {
        (getattr(t, period_field), t.worker_id, t.unit_id, t.target_group, t.approach): t
        for t in model.objects.filter(**{f"{period_field}__in": periods})
    }
    changed, new = [], []
    for key, n in counts.items():
        row = existing.get(key)
        if row is None:
            period, worker_id, unit_id, group, approach = key
            new.append(
                model(
                    **{period_field: period},
                    worker_id=worker_id,
                    unit_id=unit_id,
                    target_group=group,
                    approach=approach,
                    services=n,
                )
            )
        else:
            row.services += n
            changed.append(row)
    model.objects.bulk_update(changed, ["services"], batch_size=2000)
    model.objects.bulk_create(new, batch_size=2000)
