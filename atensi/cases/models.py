from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atensi.common.models import TimeStampedModel
from atensi.organisation.models import TargetGroup

from .choices import (
    Approach,
    AttachmentKind,
    MeasurementPhase,
    Milestone,
    NoteKind,
    OutcomeRating,
    PlanStatus,
    ReferralSource,
    ServiceComponent,
    Stage,
    TerminationReason,
    Urgency,
)

USER = settings.AUTH_USER_MODEL


class Case(TimeStampedModel):
    """One ATENSI case of one person, from referral to aftercare, owned by one sentra."""

    number = models.CharField(_("nomor kasus"), max_length=24, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("orang"), on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("sentra"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source = models.CharField(_("sumber rujukan"), max_length=20, choices=ReferralSource.choices)
    referrer_name = models.CharField(_("nama pelapor/perujuk"), max_length=150, blank=True)
    referrer_institution = models.CharField(_("lembaga perujuk"), max_length=150, blank=True)
    referrer_contact = models.CharField(_("kontak pelapor"), max_length=100, blank=True)
    referral_note = models.TextField(_("uraian rujukan"), blank=True)
    received_at = models.DateTimeField(_("diterima pada"))
    urgency = models.CharField(_("urgensi"), max_length=10, choices=Urgency.choices)
    target_group = models.CharField(_("klaster"), max_length=20, choices=TargetGroup.choices)
    approach = models.CharField(_("pendekatan"), max_length=12, choices=Approach.choices)
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices, default=Stage.INTAKE)
    pendamping = models.ForeignKey(
        USER,
        verbose_name=_("pendamping"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_assigned",
    )
    supervisor = models.ForeignKey(
        USER,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_supervised",
    )
    # Penetapan PM: the decree that makes the person a beneficiary; needed before services that spend budget.
    sk_number = models.CharField(_("nomor SK penetapan"), max_length=80, blank=True)
    sk_date = models.DateField(_("tanggal SK penetapan"), null=True, blank=True)
    # Milestones, kept on the case so response times and queues need no scan of the timeline.
    first_contact_at = models.DateTimeField(_("kontak pertama"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("asesmen selesai"), null=True, blank=True)
    plan_approved_at = models.DateTimeField(_("rencana disetujui"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminasi"), null=True, blank=True)
    termination_reason = models.CharField(
        _("alasan terminasi"), max_length=20, choices=TerminationReason.choices, blank=True
    )
    outcome_rating = models.CharField(
        _("hasil"), max_length=10, choices=OutcomeRating.choices, blank=True
    )
    termination_note = models.TextField(_("catatan terminasi"), blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("dibuka kembali"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-received_at", "-id"]
        indexes = [
            # a sentra's case list, newest referral first, optionally by stage
            models.Index(fields=["unit", "-received_at"], name="case_unit_received_idx"),
            models.Index(fields=["unit", "stage", "-received_at"], name="case_unit_stage_idx"),
            # a pendamping's work queue
            # (covering the caseload weights, so a team's loads are read from the index alone)
            models.Index(
                fields=["pendamping", "stage"],
                include=["urgency", "approach"],
                name="case_pendamping_load_idx",
            ),
            models.Index(fields=["supervisor", "stage"], name="case_supervisor_stage_idx"),
            # directorate views by target group nationwide
            models.Index(fields=["target_group", "-received_at"], name="case_group_received_idx"),
            # workforce KPIs (PostgreSQL covering indexes): a holding's case by id with what
            # "cases handled" and "closed with goals met" read, and a period's referrals with
            # their milestones, so neither reads the case rows themselves
            models.Index(
                fields=["id"],
                include=["received_at", "closed_at", "termination_reason"],
                name="case_kpi_closing_idx",
            ),
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "urgency",
                    "stage",
                    "terminated_at",
                    "first_contact_at",
                    "assessed_at",
                    "plan_approved_at",
                ],
                name="case_kpi_milestone_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sk_number="") | models.Q(sk_date__isnull=False),
                name="case_sk_number_has_date",
                violation_error_message=_("Nomor SK penetapan harus disertai tanggalnya."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_beneficiary(self) -> bool:
        """True once the decree (SK penetapan) is recorded."""
        return bool(self.sk_number and self.sk_date)


class CaseEvent(models.Model):
    """One line of a case's timeline: a stage change, note, service, decision — never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("waktu"), db_index=True)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("jenis"), max_length=30)
    stage_from = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    stage_to = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"


class ResponseTarget(models.Model):
    """How fast each milestone must be reached for an urgency, as versioned, sourced data."""

    rule_set = models.CharField(_("versi aturan"), max_length=40)
    valid_from = models.DateField(_("berlaku mulai"))
    urgency = models.CharField(_("urgensi"), max_length=10, choices=Urgency.choices)
    milestone = models.CharField(_("tonggak"), max_length=20, choices=Milestone.choices)
    hours = models.PositiveIntegerField(_("batas waktu (jam sejak rujukan diterima)"))
    source = models.CharField(_("sumber"), max_length=250)
    provisional = models.BooleanField(_("sementara (belum dikonfirmasi)"), default=True)

    class Meta:
        verbose_name = _("target waktu respons")
        verbose_name_plural = _("target waktu respons")
        ordering = ["-valid_from", "urgency", "milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "urgency", "milestone"], name="response_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} {self.urgency} {self.milestone} {self.hours}h"


class FormDefinition(models.Model):
    """A versioned assessment form or outcome scale, kept as data so new versions don't break old cases.

    `definition` = {"sections": [{"code", "title", "questions": [{"code", "label", "type":
    "text|choice|number|scale", "options": [{"value", "label", "score"}], "required", "min", "max"}]}],
    "scoring": {"method": "sum", "higher_is_better": true, "bands": [...]}}.
    """

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Formulir asesmen")
        OUTCOME = "outcome", _("Skala hasil")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("kode"), max_length=40)
    version = models.PositiveSmallIntegerField(_("versi"))
    title = models.CharField(_("judul"), max_length=200)
    target_groups = models.JSONField(
        _("klaster"), default=list, blank=True, help_text=_("Kosong: semua klaster.")
    )
    definition = models.JSONField(_("definisi"))
    source = models.CharField(_("sumber"), max_length=250)
    is_active = models.BooleanField(_("dipakai untuk kasus baru"), default=True)

    class Meta:
        verbose_name = _("definisi formulir")
        verbose_name_plural = _("definisi formulir")
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="form_definition_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Assessment(TimeStampedModel):
    """A biopsychosocial-spiritual assessment filled on a pinned form version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("jawaban"), default=dict)
    scores = models.JSONField(_("skor"), default=dict, blank=True)
    summary = models.TextField(_("kesimpulan dan kebutuhan"), blank=True)
    assessor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["case", "-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.form}"


class Plan(TimeStampedModel):
    """An intervention plan; only an approved plan opens the intervention stage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("revisi ke"), default=1)
    goals = models.JSONField(
        _("tujuan"), default=list, help_text=_('Daftar tujuan: [{"code", "text", "met"}].')
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("catatan persetujuan"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_case_number_unique")
        ]
        indexes = [
            # national approval queue: WHERE status = 'submitted' ORDER BY submitted_at
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="submitted"),
                name="plan_waiting_idx",
            ),
            # a sentra's approval queue: its cases in planning JOIN plans WHERE status = 'submitted'
            models.Index(
                fields=["case"],
                condition=models.Q(status="submitted"),
                name="plan_waiting_case_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} rencana {self.number}"


class PlannedService(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="services")
    component = models.CharField(
        _("komponen ATENSI"), max_length=20, choices=ServiceComponent.choices
    )
    description = models.CharField(_("uraian"), max_length=250)
    frequency = models.CharField(_("frekuensi"), max_length=80)
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("penanggung jawab"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_date = models.DateField(_("target tanggal"))

    class Meta:
        ordering = ["plan", "target_date", "id"]

    def __str__(self) -> str:
        return self.description


class ServiceDelivery(models.Model):
    """A service actually given; the evidence behind budget output (RO) achievement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    delivered_on = models.DateField(_("tanggal layanan"))
    component = models.CharField(
        _("komponen ATENSI"), max_length=20, choices=ServiceComponent.choices
    )
    description = models.CharField(_("uraian"), max_length=250)
    provider = models.ForeignKey(
        USER,
        verbose_name=_("pemberi layanan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_name = models.CharField(_("pemberi layanan (pihak luar)"), max_length=150, blank=True)
    quantity = models.PositiveIntegerField(_("jumlah"), default=1)
    unit_cost = models.BigIntegerField(_("harga satuan (Rp)"), default=0)
    ro_code = models.CharField(_("kode RO anggaran"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["case", "-delivered_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-delivered_on"], name="service_case_date_idx"),
            # output achievement: distinct beneficiaries per RO per period
            models.Index(fields=["ro_code", "delivered_on"], name="service_ro_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="service_unit_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivered_on} {self.get_component_display()}"

    @property
    def total_cost(self) -> int:
        return self.quantity * self.unit_cost


class Attachment(models.Model):
    """Audit evidence (receipts, photos, signed forms), served only through an access-checked view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    service = models.ForeignKey(
        ServiceDelivery, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=AttachmentKind.choices)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    file = models.FileField(_("berkas"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class OutcomeMeasurement(models.Model):
    """A standard outcome scale taken at assessment, termination or aftercare."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measurements")
    scale = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(_("fase"), max_length=12, choices=MeasurementPhase.choices)
    taken_on = models.DateField(_("tanggal"))
    answers = models.JSONField(default=dict)
    score = models.IntegerField(_("skor"))
    taken_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "taken_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.scale} {self.phase} {self.score}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("jenis"), max_length=12, choices=NoteKind.choices)
    text = models.TextField(_("isi"))
    happened_at = models.DateTimeField(_("waktu kejadian"))
    goal_progress = models.JSONField(_("kemajuan tujuan"), default=dict, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-happened_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ReferralOut(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals_out")
    institution = models.CharField(_("lembaga penerima"), max_length=200)
    contact = models.CharField(_("kontak"), max_length=150, blank=True)
    reason = models.TextField(_("alasan rujukan"))
    referred_at = models.DateTimeField(_("waktu rujukan"))
    referred_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    # Referring out shares the person's data with another institution: it rests on their consent,
    # or on a head's recorded reason to go ahead without it (as for a transfer).
    consent = models.ForeignKey(
        "registry.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(_("alasan tanpa persetujuan"), blank=True)

    class Meta:
        ordering = ["case", "-referred_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False) | ~models.Q(override_reason=""),
                name="referral_out_consent_or_override",
            ),
        ]

    def __str__(self) -> str:
        return self.institution


class Transfer(models.Model):
    """A hand-over of a case to another sentra; both heads see it, the history stays with the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.TextField(_("alasan"))
    consent = models.ForeignKey(
        "registry.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(_("alasan tanpa persetujuan"), blank=True)
    transferred_at = models.DateTimeField(_("waktu"))
    transferred_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "-transferred_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False) | ~models.Q(override_reason=""),
                name="transfer_consent_or_override",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_unit_id}→{self.to_unit_id}"


class ResidentialStay(models.Model):
    """Admission to a sentra's residential care; occupancy may exceed capacity only by explicit override."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="stays")
    admitted_at = models.DateTimeField(_("masuk"))
    discharged_at = models.DateTimeField(_("keluar"), null=True, blank=True)
    over_capacity_reason = models.TextField(_("alasan melebihi kapasitas"), blank=True)
    admitted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "-admitted_at"]
        indexes = [
            # occupancy now: WHERE unit = %s AND discharged_at IS NULL
            models.Index(fields=["unit", "discharged_at"], name="stay_unit_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.unit_id} {self.admitted_at:%Y-%m-%d}"


class AftercareVisit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aftercare_visits")
    scheduled_for = models.DateField(_("jadwal"))
    done_at = models.DateTimeField(_("dilaksanakan"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    visited_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "scheduled_for"]
        indexes = [
            # (covering the workforce KPI "aftercare visits on time", read from the index alone)
            models.Index(
                fields=["scheduled_for", "done_at"],
                include=["id", "case"],
                name="aftercare_due_case_idx",
            ),
            # national aftercare-due queue: WHERE done_at IS NULL AND scheduled_for <= today + 7
            models.Index(
                fields=["scheduled_for"],
                condition=models.Q(done_at__isnull=True),
                name="aftercare_open_idx",
            ),
            # a sentra's or pendamping's aftercare-due queue: their cases JOIN open visits
            models.Index(
                fields=["case", "scheduled_for"],
                condition=models.Q(done_at__isnull=True),
                name="aftercare_open_case_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.scheduled_for}"
