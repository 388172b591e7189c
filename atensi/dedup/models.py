"""Duplicate review: the runs that look for duplicates, the pairs they find, people's decisions
and the merges those decisions lead to.

Matching personal data is processing under UU 27/2022 (Pasal 31, 34): every run keeps who ran it,
why (its purpose) and over which records (its unit scope). A merge never deletes a person: the
merged record stays, marked by its Merge row, and the Merge keeps the list of every row it
re-pointed, so that it can be undone exactly.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class RunStatus(models.TextChoices):
    RUNNING = "running", _("berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class MatchRun(models.Model):
    """One search for duplicates over the persons a user may see, in a unit or nationwide."""

    started_by = models.ForeignKey(
        USER, verbose_name=_("dijalankan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    purpose = models.CharField(_("tujuan"), max_length=250)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("cakupan unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kosong: semua orang yang boleh dilihat oleh yang menjalankan."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    # The engine's stage while running (blocking, comparing, ...), for the runs page.
    stage = models.CharField(_("tahap"), max_length=30, blank=True)
    parameters = models.JSONField(_("parameter"), default=dict, blank=True)
    # Counts: records compared, candidate pairs scored, pairs kept for review (new or updated),
    # pairs left alone because people had already decided them.
    records = models.PositiveIntegerField(_("jumlah rekaman"), default=0)
    candidate_pairs = models.PositiveIntegerField(_("pasangan dibandingkan"), default=0)
    pairs_found = models.PositiveIntegerField(_("pasangan untuk ditinjau"), default=0)
    pairs_decided = models.PositiveIntegerField(_("pasangan sudah diputuskan"), default=0)
    threshold = models.FloatField(_("ambang peluang"), null=True, blank=True)
    # The trained model (m, u, λ per comparison level), used again by the live check on the
    # registration form; no personal data.
    model = models.JSONField(default=dict, blank=True, editable=False)
    timings = models.JSONField(default=dict, blank=True, editable=False)
    message = models.TextField(_("pesan"), blank=True)

    class Meta:
        verbose_name = _("pencarian duplikat")
        verbose_name_plural = _("pencarian duplikat")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        scope = self.unit.code if self.unit_id else _("nasional")
        return f"#{self.pk} {scope} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_stale(self) -> bool:
        """Says whether a run still marked running was cut short (its server restarted)."""
        from atensi.dedup.services import STALE_AFTER

        return self.status == RunStatus.RUNNING and timezone.now() - self.started_at > STALE_AFTER


class PairStatus(models.TextChoices):
    OPEN = "open", _("menunggu tinjauan")
    SAME = "same", _("orang yang sama")
    DIFFERENT = "different", _("orang berbeda")
    UNSURE = "unsure", _("belum yakin")
    MERGED = "merged", _("sudah digabung")


class CandidatePair(models.Model):
    """Two records that may be one person; one row per pair of persons, refreshed by later runs."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("pencarian"), on_delete=models.PROTECT, related_name="pairs"
    )
    # Erasure of a person (UU PDP Pasal 43) takes their pairs with it.
    person_a = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang A")
    )
    person_b = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("orang B")
    )
    probability = models.FloatField(_("peluang sama"))
    match_weight = models.FloatField(_("bobot kecocokan"))
    # {"prior_weight", "fields": [{"field", "level", "m", "u", "weight", "tf_weight"}], ...}
    explanation = models.JSONField(_("penjelasan skor"), default=dict)
    impact = models.PositiveIntegerField(
        _("dampak"), default=0, help_text=_("Jumlah kasus aktif kedua orang.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("pasangan calon duplikat")
        verbose_name_plural = _("pasangan calon duplikat")
        ordering = ["-probability", "-impact", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dedup_pair_unique"),
            # One order per pair, so that (A, B) and (B, A) cannot both exist.
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="dedup_pair_ordered"
            ),
        ]
        indexes = [
            # the review queue: open pairs, likeliest and most consequential first
            models.Index(fields=["status", "-probability", "-impact"], name="dedup_pair_queue_idx"),
            # the same queue, most active cases first
            models.Index(
                fields=["status", "-impact", "-probability"], name="dedup_pair_impact_idx"
            ),
            # pairs of one person (merge closes them; the person's page may list them)
            models.Index(fields=["person_b", "status"], name="dedup_pair_person_b_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}–{self.person_b_id} ({self.probability:.2f})"


class Verdict(models.TextChoices):
    SAME = "same", _("Orang yang sama")
    DIFFERENT = "different", _("Orang berbeda")
    UNSURE = "unsure", _("Belum yakin")


class Decision(models.Model):
    """What a reviewer decided about a pair and why; the pair's status follows the latest one."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.CASCADE, related_name="decisions")
    verdict = models.CharField(_("keputusan"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("alasan"))
    decided_by = models.ForeignKey(
        USER, verbose_name=_("diputuskan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    probability = models.FloatField(_("peluang saat diputuskan"))

    class Meta:
        verbose_name = _("keputusan duplikat")
        verbose_name_plural = _("keputusan duplikat")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.verdict}"


class Merge(models.Model):
    """One person's record joined into another's; undone by restoring every row it re-pointed."""

    survivor = models.ForeignKey(
        "registry.Person",
        verbose_name=_("orang yang dipertahankan"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    merged = models.ForeignKey(
        "registry.Person",
        verbose_name=_("orang yang digabungkan"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    reason = models.TextField(_("alasan"))
    merged_by = models.ForeignKey(
        USER, verbose_name=_("digabung oleh"), on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("waktu penggabungan"), auto_now_add=True)
    # {"rows": [{"model": "cases.case", "field": "person", "pk": 12}, ...],
    #  "before": {"cases.case": [{...full row...}], ...}} — what was re-pointed, and how each
    # row looked before, to restore and to check the restore.
    snapshot = models.JSONField(default=dict, editable=False)
    undone_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    undone_by = models.ForeignKey(
        USER,
        verbose_name=_("dibatalkan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undo_reason = models.TextField(_("alasan pembatalan"), blank=True)

    class Meta:
        verbose_name = _("penggabungan orang")
        verbose_name_plural = _("penggabungan orang")
        ordering = ["-merged_at", "-id"]
        constraints = [
            # A record is merged into at most one person at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="dedup_merge_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")), name="dedup_merge_not_itself"
            ),
        ]
        indexes = [
            # "merged into whom?" for a person's page and the exclusion from later runs
            models.Index(fields=["merged", "undone_at"], name="dedup_merge_merged_idx"),
            models.Index(fields=["survivor", "undone_at"], name="dedup_merge_survivor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
