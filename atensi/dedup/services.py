"""Writes of duplicate review: runs, decisions, merges and their undoing. Each is audited.

A merge re-points every row that refers to the merged person (cases with their services and
documents, family members, consents, and whatever other app holds a foreign key to
registry.Person, found through Django's model metadata) to the surviving person. The merged
person's own record is kept as it was; the Merge row marks it and lists every re-pointed row,
with a copy of each row as it was, so that person_unmerge puts every link back exactly.
"""

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable

from django.apps import apps
from django.conf import settings as django_settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import can_merge_persons, can_review_duplicates
from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from atensi.dedup.engine import Settings, deduplicate
from atensi.organisation.models import Unit
from atensi.registry.models import Person, PersonNameToken

from .matching import dataset_of, explanations, person_rows
from .models import CandidatePair, Decision, MatchRun, Merge, PairStatus, RunStatus, Verdict
from .selectors import persons_in_scope, persons_visible_to

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# By default a run keeps every pair the model's own cut-off (its expected-F1 maximum) counts as
# a match, and never fewer than the pairs from this probability up: a cut-off above it would hide
# the uncertain pairs, which are the ones a person most needs to look at.
REVIEW_FLOOR = 0.5
STALE_AFTER = dt.timedelta(hours=3)
BATCH = 2000


def _require_reviewer(actor) -> None:
    if not can_review_duplicates(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh meninjau duplikat."))


def _required_text(value: str, message: str, code: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ApplicationError(message, code=code)
    return text


def active_case_counts() -> dict[int, int]:
    """Returns the number of open cases per person (persons without one are absent)."""
    from atensi.cases.models import Case  # cases build on the registry; dedup reads them

    rows = (
        Case.objects.filter(closed_at__isnull=True)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    return dict(rows)


def dedup_run(
    *,
    actor,
    unit: Unit | None = None,
    purpose: str,
    progress: Progress | None = None,
    threshold: float | None = None,
    settings: Settings | None = None,
) -> MatchRun:
    """Compares the persons `actor` may see (in `unit`, if given) and stores the pairs to review.

    Pairs people have already decided (different, same, merged) are left as they are: a
    "different" decision is never asked again. Open and unsure pairs get the new score.
    """
    run = dedup_run_start(
        actor=actor, unit=unit, purpose=purpose, threshold=threshold, settings=settings
    )
    return dedup_run_execute(run=run, progress=progress)


def dedup_run_start(
    *,
    actor,
    unit: Unit | None = None,
    purpose: str,
    threshold: float | None = None,
    settings: Settings | None = None,
) -> MatchRun:
    """Records a run (who, why, over what) before it starts; dedup_run_execute does the work."""
    _require_reviewer(actor)
    purpose = _required_text(
        purpose,
        _("Tuliskan tujuan pencarian duplikat (dicatat sesuai UU PDP)."),
        "purpose_required",
    )
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ApplicationError(_("Ambang peluang harus antara 0 dan 1."), code="invalid_threshold")
    settings = settings or Settings()
    # Two runs writing the same pairs at once would collide; a run still "running" after
    # STALE_AFTER was cut short (its server restarted) and no longer counts.
    since = timezone.now() - STALE_AFTER
    if MatchRun.objects.filter(status=RunStatus.RUNNING, started_at__gte=since).exists():
        raise Conflict(
            _("Pencarian duplikat lain sedang berjalan; tunggu sampai selesai."),
            code="run_in_progress",
        )
    with transaction.atomic():
        run = MatchRun.objects.create(
            started_by=actor,
            unit=unit,
            purpose=purpose,
            parameters={
                "threshold": threshold,
                "review_floor": REVIEW_FLOOR,
                "seed": settings.seed,
                "u_pairs": settings.u_pairs,
                "pairs_per_record": settings.pairs_per_record,
                "max_block": settings.max_block,
            },
        )
        # The processing record of UU PDP Pasal 31: who matched which records, and why.
        audit_record(
            actor=actor,
            action="create",
            obj=run,
            changes={
                "purpose": [None, purpose],
                "unit": [None, unit.code if unit else None],
            },
        )
    return run


def dedup_run_execute(*, run: MatchRun, progress: Progress | None = None) -> MatchRun:
    """Does the matching of a recorded run; a failure is kept on the run and raised again."""
    parameters = run.parameters
    settings = Settings(
        seed=parameters["seed"],
        u_pairs=parameters["u_pairs"],
        pairs_per_record=parameters["pairs_per_record"],
        max_block=parameters["max_block"],
    )
    try:
        _run_matching(
            run, actor=run.started_by, unit=run.unit, progress=progress, settings=settings
        )
    except Exception as exc:
        logger.exception("dedup run %s failed", run.pk)
        run.status = RunStatus.FAILED
        run.message = str(exc)[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise
    return run


def dedup_run_in_background(run: MatchRun) -> None:
    """Executes a started run in a thread, saving its stage for the runs page to show.

    A page must answer within seconds; a sentra of 10^5 persons takes a minute or two.
    ATENSI_DEDUP_SYNC (tests) runs it in this thread instead.
    """
    if getattr(django_settings, "ATENSI_DEDUP_SYNC", False):
        dedup_run_execute(run=run, progress=_StageSaver(run.pk))
        return
    transaction.on_commit(
        lambda: threading.Thread(
            target=_execute_in_thread, args=(run.pk,), name=f"atensi-dedup-{run.pk}", daemon=True
        ).start()
    )


def _execute_in_thread(run_id: int) -> None:
    try:
        run = MatchRun.objects.select_related("started_by", "unit").get(pk=run_id)
        dedup_run_execute(run=run, progress=_StageSaver(run_id))
    except Exception:  # kept on the run by dedup_run_execute; nobody else to tell
        pass
    finally:
        connections.close_all()


class _StageSaver:
    """Saves the stage a run has reached on the run, so the runs page can show it."""

    def __init__(self, run_id: int):
        self.run_id = run_id

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not connection.in_atomic_block:
            MatchRun.objects.filter(pk=self.run_id).update(stage=stage[:30])


def _run_matching(run: MatchRun, *, actor, unit, progress, settings) -> None:
    rows = person_rows(persons_in_scope(actor, unit))
    if progress:
        progress("reading", 0, 1)
    run.records = len(rows)
    pairs: list[tuple[int, int, float, float, dict]] = []
    if len(rows) >= 2:
        result = deduplicate(dataset_of(rows), settings, progress)
        cut = run.parameters["threshold"]
        if cut is None:
            cut = min(result.threshold, REVIEW_FLOOR)
        run.threshold = cut
        run.candidate_pairs = len(result.pairs.i)
        run.model = result.model.as_dict()
        run.timings = result.timings
        chosen = result.above(cut)
        for row, detail in zip(chosen, explanations(result, chosen), strict=True):
            a, b = int(detail["id_a"]), int(detail["id_b"])
            a, b = min(a, b), max(a, b)
            pairs.append(
                (a, b, float(result.probability[row]), float(result.match_weight[row]), detail)
            )
    with transaction.atomic():
        found, decided = _store_pairs(run, pairs)
        run.pairs_found, run.pairs_decided = found, decided
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action="update",
            obj=run,
            changes={
                "status": [RunStatus.RUNNING, RunStatus.DONE],
                "records": [None, run.records],
                "pairs_found": [None, found],
            },
        )


def _store_pairs(run: MatchRun, pairs: list[tuple]) -> tuple[int, int]:
    """Adds new pairs and refreshes undecided ones; returns (pairs kept for review, decided)."""
    existing = {
        (a, b): (pk, status)
        for pk, a, b, status in CandidatePair.objects.values_list(
            "id", "person_a_id", "person_b_id", "status"
        )
    }
    cases = active_case_counts()
    new, refreshed, decided = [], [], 0
    for a, b, p, weight, detail in pairs:
        impact = cases.get(a, 0) + cases.get(b, 0)
        known = existing.get((a, b))
        if known is None:
            new.append(
                CandidatePair(
                    run=run,
                    person_a_id=a,
                    person_b_id=b,
                    probability=p,
                    match_weight=weight,
                    explanation=detail,
                    impact=impact,
                )
            )
        elif known[1] in (PairStatus.OPEN, PairStatus.UNSURE):
            refreshed.append(
                CandidatePair(
                    pk=known[0],
                    run=run,
                    probability=p,
                    match_weight=weight,
                    explanation=detail,
                    impact=impact,
                    updated_at=timezone.now(),
                )
            )
        else:
            decided += 1
    CandidatePair.objects.bulk_create(new, batch_size=BATCH)
    _refresh_pairs(refreshed)
    return len(new) + len(refreshed), decided


REFRESHED = ["run", "probability", "match_weight", "explanation", "impact", "updated_at"]


def _refresh_pairs(pairs: list[CandidatePair]) -> None:
    """Writes the new scores of existing pairs with one prepared UPDATE per row.

    bulk_update builds one CASE per column over each batch, which SQLite takes minutes over
    at 10^4 pairs; a repeated UPDATE by primary key is linear.
    """
    if not pairs:
        return
    fields = [CandidatePair._meta.get_field(name) for name in REFRESHED]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(CandidatePair._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    rows = [
        [f.get_db_prep_save(getattr(pair, f.attname), connection) for f in fields] + [pair.pk]
        for pair in pairs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


@transaction.atomic
def pair_decide(*, actor, pair: CandidatePair, verdict: str, reason: str) -> Decision:
    """Records that the pair is the same person, two persons, or not yet known, and why."""
    _require_reviewer(actor)
    _check_both_visible(actor, pair.person_a_id, pair.person_b_id)
    if verdict not in Verdict.values:
        raise ApplicationError(
            _("Pilih keputusan: orang yang sama, orang berbeda, atau belum yakin."),
            code="invalid_verdict",
        )
    reason = _required_text(reason, _("Tuliskan alasan keputusan."), "reason_required")
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status == PairStatus.MERGED:
        raise Conflict(
            _("Kedua data ini sudah digabung; batalkan penggabungannya dulu bila keliru."),
            code="already_merged",
        )
    decision = Decision.objects.create(
        pair=pair,
        verdict=verdict,
        reason=reason,
        decided_by=actor,
        probability=pair.probability,
    )
    old = pair.status
    pair.status = verdict
    pair.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=pair,
        changes={"status": [old, verdict], "reason": [None, reason]},
    )
    return decision


def _check_both_visible(actor, *person_ids: int) -> None:
    visible = persons_visible_to(actor).filter(pk__in=person_ids).count()
    if visible != len(set(person_ids)):
        raise NotFound(_("Orang tidak ditemukan."))


# ---------------------------------------------------------------------------------------------
# Merge and unmerge

# Rows that belong to a person's record itself rather than link to it: the merged person keeps
# them (its name keys stay searchable, marked merged), and our own review tables.
_NOT_REPOINTED = {PersonNameToken._meta.label_lower}


def person_links() -> list[tuple[type, object]]:
    """Returns (model, field) for every foreign key or one-to-one field to registry.Person.

    Includes the through tables of many-to-many fields, outside this app's own tables.
    """
    links = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label == "dedup" or model._meta.label_lower in _NOT_REPOINTED:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                links.append((model, field))
    return links


def _rows_of(model, field, person_id: int) -> list[dict]:
    rows = model._base_manager.filter(**{field.attname: person_id}).order_by("pk").values()
    # Through JSON and back, as the snapshot is stored: dates and decimals become strings.
    return json.loads(json.dumps(list(rows), cls=DjangoJSONEncoder))


@transaction.atomic
def person_merge(
    *,
    actor,
    survivor: Person,
    merged: Person,
    reason: str,
    pair: CandidatePair | None = None,
) -> Merge:
    """Joins `merged` into `survivor`: every link to `merged` now points to `survivor`.

    The merged record is kept unchanged and marked by the Merge; nothing is deleted.
    """
    if not can_merge_persons(actor):
        raise PermissionDenied(_("Hanya kepala sentra atau administrator yang boleh menggabung."))
    _check_both_visible(actor, survivor.pk, merged.pk)
    reason = _required_text(reason, _("Tuliskan alasan penggabungan."), "reason_required")
    if survivor.pk == merged.pk:
        raise ApplicationError(_("Pilih dua orang yang berbeda."), code="same_person")
    # Lock both persons so two merges of one record cannot cross.
    list(Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]))
    active = Merge.objects.filter(undone_at__isnull=True)
    if active.filter(merged_id__in=[survivor.pk, merged.pk]).exists():
        raise Conflict(
            _("Salah satu data sudah digabung ke orang lain; pakai data hasil penggabungannya."),
            code="already_merged",
        )
    a, b = sorted([survivor.pk, merged.pk])
    if pair is None:
        pair = CandidatePair.objects.filter(person_a_id=a, person_b_id=b).first()
    elif (pair.person_a_id, pair.person_b_id) != (a, b):
        raise ApplicationError(_("Pasangan itu bukan kedua orang ini."), code="pair_mismatch")
    if pair is not None:
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status == PairStatus.DIFFERENT:
            raise Conflict(
                _("Pasangan ini sudah diputuskan sebagai orang berbeda; ubah keputusannya dulu."),
                code="decided_different",
            )

    links, before = [], {}
    for model, field in person_links():
        rows = _rows_of(model, field, merged.pk)
        if not rows:
            continue
        label = model._meta.label_lower
        pks = [row[model._meta.pk.attname] for row in rows]
        if field.one_to_one and model._base_manager.filter(**{field.attname: survivor.pk}).exists():
            raise Conflict(
                _("Kedua orang punya data %(what)s sendiri-sendiri; satukan dulu secara manual.")
                % {"what": model._meta.verbose_name},
                code="one_to_one_conflict",
            )
        links.append({"model": label, "field": field.name, "pks": pks})
        before.setdefault(label, []).extend(rows)
        try:
            with transaction.atomic():
                # update() leaves auto_now timestamps alone: the rows change only their link.
                model._base_manager.filter(pk__in=pks).update(**{field.attname: survivor.pk})
        except IntegrityError:
            raise Conflict(
                _("Data %(what)s kedua orang bertabrakan; satukan dulu secara manual.")
                % {"what": model._meta.verbose_name},
                code="merge_conflict",
            ) from None

    merge = Merge.objects.create(
        survivor=survivor,
        merged=merged,
        pair=pair,
        reason=reason,
        merged_by=actor,
        snapshot={"links": links, "before": before},
    )
    if pair is not None:
        old = pair.status
        pair.status = PairStatus.MERGED
        pair.save(update_fields=["status", "updated_at"])
        if old != PairStatus.SAME:
            Decision.objects.create(
                pair=pair,
                verdict=Verdict.SAME,
                reason=reason,
                decided_by=actor,
                probability=pair.probability,
            )
    audit_record(
        actor=actor,
        action="update",
        obj=merge,
        object_repr=f"{merged.registry_id} → {survivor.registry_id}",
        changes={
            "merged_into": [None, survivor.registry_id],
            "merged": [None, merged.registry_id],
            "reason": [None, reason],
            "rows": [None, {link["model"]: len(link["pks"]) for link in links}],
        },
    )
    # The merged person's own history shows where its record went.
    audit_record(
        actor=actor,
        action="update",
        obj=merged,
        changes={"merged_into": [None, survivor.registry_id]},
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor, merge: Merge, reason: str) -> Merge:
    """Undoes a merge: every row it re-pointed points to the merged person again."""
    if not can_merge_persons(actor):
        raise PermissionDenied(
            _("Hanya kepala sentra atau administrator yang boleh membatalkan penggabungan.")
        )
    _check_both_visible(actor, merge.survivor_id, merge.merged_id)
    reason = _required_text(reason, _("Tuliskan alasan pembatalan."), "reason_required")
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise Conflict(_("Penggabungan ini sudah dibatalkan."), code="already_undone")
    if Merge.objects.filter(merged_id=merge.survivor_id, undone_at__isnull=True).exists():
        raise Conflict(
            _(
                "Orang yang dipertahankan sudah digabung lagi ke orang lain; batalkan "
                "penggabungan itu dulu."
            ),
            code="survivor_merged",
        )
    restored, missing = {}, {}
    for link in merge.snapshot.get("links", []):
        model = apps.get_model(link["model"])
        field = model._meta.get_field(link["field"])
        rows = model._base_manager.filter(pk__in=link["pks"])
        count = rows.filter(**{field.attname: merge.survivor_id}).update(
            **{field.attname: merge.merged_id}
        )
        restored[link["model"]] = restored.get(link["model"], 0) + count
        gone = len(link["pks"]) - count
        if gone:
            missing[link["model"]] = missing.get(link["model"], 0) + gone
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.undo_reason = reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    if merge.pair_id:
        # The pair goes back to the queue: the merge was a mistake, so it needs a new decision.
        CandidatePair.objects.filter(pk=merge.pair_id).update(
            status=PairStatus.OPEN, updated_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="update",
        obj=merge,
        object_repr=f"{merge.merged.registry_id} ↛ {merge.survivor.registry_id}",
        changes={
            "undone_at": [None, merge.undone_at],
            "reason": [None, reason],
            "rows": [None, restored],
            "rows_not_restored": [None, missing],
        },
    )
    audit_record(
        actor=actor,
        action="update",
        obj=merge.merged,
        changes={"merged_into": [merge.survivor.registry_id, None]},
    )
    return merge
