from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atensi.cases.choices import Approach, Stage, Urgency
from atensi.common.models import TimeStampedModel

from .choices import (
    AbsenceKind,
    CertificateLevel,
    DecisionKind,
    Employment,
    ReportAction,
    ReportStatus,
    TrainingResult,
    WorkerKind,
)

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------------------------------------
# The worker
# ---------------------------------------------------------------------------------------------


class WorkerProfile(TimeStampedModel):
    """What the directorate knows about one person who works with cases (one per user)."""

    user = models.OneToOneField(
        USER, verbose_name=_("pengguna"), on_delete=models.PROTECT, related_name="worker_profile"
    )
    kind = models.CharField(_("jenis tenaga"), max_length=20, choices=WorkerKind.choices)
    employment = models.CharField(
        _("status kepegawaian"), max_length=10, choices=Employment.choices
    )
    employee_number = models.CharField(_("NIP / nomor PPPK"), max_length=30, blank=True)
    contract_start = models.DateField(_("awal kontrak"), null=True, blank=True)
    contract_end = models.DateField(_("akhir kontrak"), null=True, blank=True)
    areas = models.JSONField(
        _("wilayah penugasan"),
        default=list,
        blank=True,
        help_text=_("Kode wilayah Kemendagri (provinsi, kabupaten/kota atau kecamatan)."),
    )
    languages = models.JSONField(_("bahasa"), default=list, blank=True)
    specialisations = models.JSONField(
        _("spesialisasi (klaster)"), default=list, blank=True, help_text=_("Kode klaster.")
    )
    certificate_level = models.CharField(
        _("jenjang sertifikat kompetensi"),
        max_length=10,
        choices=CertificateLevel.choices,
        blank=True,
    )
    certificate_number = models.CharField(_("nomor sertifikat"), max_length=60, blank=True)
    certificate_issued_on = models.DateField(_("sertifikat terbit"), null=True, blank=True)
    certificate_expires_on = models.DateField(_("sertifikat berlaku sampai"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("profil tenaga")
        verbose_name_plural = _("profil tenaga")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_end__isnull=True)
                | models.Q(contract_start__isnull=True)
                | models.Q(contract_end__gte=models.F("contract_start")),
                name="worker_contract_period_ordered",
                violation_error_message=_("Akhir kontrak tidak boleh sebelum awalnya."),
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_level="") | ~models.Q(certificate_number=""),
                name="worker_certificate_has_number",
                violation_error_message=_("Jenjang sertifikat harus disertai nomornya."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class AssignmentHistory(models.Model):
    """Which unit a worker belonged to, from when to when (inclusive dates)."""

    worker = models.ForeignKey(
        USER, verbose_name=_("tenaga"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("sampai"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("riwayat penugasan")
        verbose_name_plural = _("riwayat penugasan")
        ordering = ["worker", "starts_on"]
        indexes = [
            # a sentra's team over a period: WHERE unit = %s AND starts_on <= end
            models.Index(fields=["unit", "starts_on"], name="assignment_unit_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(ends_on__isnull=True),
                name="assignment_one_open_per_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.unit_id} {self.starts_on}"


class Absence(models.Model):
    """Leave or other absence (inclusive dates); cancelled rows stay for the record."""

    worker = models.ForeignKey(
        USER, verbose_name=_("tenaga"), on_delete=models.PROTECT, related_name="absences"
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("dari"))
    ends_on = models.DateField(_("sampai"))
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)

    class Meta:
        verbose_name = _("ketidakhadiran")
        verbose_name_plural = _("ketidakhadiran")
        ordering = ["worker", "-starts_on"]
        indexes = [
            # "is this worker away on day d": WHERE worker = %s AND starts_on <= d AND ends_on >= d
            models.Index(fields=["worker", "starts_on", "ends_on"], name="absence_worker_days_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_period_ordered",
                violation_error_message=_("Tanggal akhir tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.kind} {self.starts_on}–{self.ends_on}"


class AbsenceDay(models.Model):
    """One day of a recorded absence, so "was the holder away that day" is an equality join.

    Written and removed with its absence (services.absence_record, absence_cancel); absences of
    one worker never overlap, so a worker has at most one row per day.
    """

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="days")
    worker = models.ForeignKey(
        USER, on_delete=models.DO_NOTHING, db_constraint=False, related_name="absence_days"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="absence_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day}"


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


class Competence(models.Model):
    """A competence of case work, and the KPIs that show whether it is there (data)."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    title = models.CharField(_("nama"), max_length=200)
    kpis = models.JSONField(_("indikator terkait"), default=list, blank=True)
    source = models.CharField(_("sumber"), max_length=250)

    class Meta:
        verbose_name = _("kompetensi")
        verbose_name_plural = _("kompetensi")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """A course (diklat, bimtek) of the catalogue, with the competences it builds."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    title = models.CharField(_("judul"), max_length=250)
    competences = models.ManyToManyField(
        Competence, verbose_name=_("kompetensi"), related_name="courses", blank=True
    )
    hours = models.PositiveSmallIntegerField(_("jam pelajaran"))
    provider = models.CharField(_("penyelenggara"), max_length=200, blank=True)
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("masa berlaku sertifikat (bulan)"), null=True, blank=True
    )
    source = models.CharField(_("sumber"), max_length=250)
    is_active = models.BooleanField(_("masih diselenggarakan"), default=True)

    class Meta:
        verbose_name = _("pelatihan")
        verbose_name_plural = _("katalog pelatihan")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TrainingRecord(models.Model):
    """One worker's participation in one course, with its result and certificate."""

    worker = models.ForeignKey(
        USER, verbose_name=_("tenaga"), on_delete=models.PROTECT, related_name="training"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("pelatihan"), on_delete=models.PROTECT, related_name="records"
    )
    started_on = models.DateField(_("mulai"))
    finished_on = models.DateField(_("selesai"), null=True, blank=True)
    result = models.CharField(_("hasil"), max_length=10, choices=TrainingResult.choices)
    certificate_number = models.CharField(_("nomor sertifikat"), max_length=60, blank=True)
    certificate_expires_on = models.DateField(_("sertifikat berlaku sampai"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat pelatihan")
        verbose_name_plural = _("riwayat pelatihan")
        ordering = ["worker", "-started_on"]
        indexes = [
            # certificates expiring soon: WHERE certificate_expires_on BETWEEN today AND today + n
            models.Index(fields=["certificate_expires_on"], name="training_cert_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_on__isnull=True)
                | models.Q(finished_on__gte=models.F("started_on")),
                name="training_period_ordered",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.course_id} {self.result}"


# ---------------------------------------------------------------------------------------------
# Rules as versioned data (atensi/workforce/data/rules.json)
# ---------------------------------------------------------------------------------------------


class RuleRow(models.Model):
    rule_set = models.CharField(_("versi aturan"), max_length=40)
    valid_from = models.DateField(_("berlaku mulai"))
    source = models.CharField(_("sumber"), max_length=300)
    provisional = models.BooleanField(_("sementara (belum dikonfirmasi)"), default=True)

    class Meta:
        abstract = True


class CaseloadWeight(RuleRow):
    """How much one active case weighs in a caseload, by its stage and urgency."""

    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    urgency = models.CharField(_("urgensi"), max_length=10, choices=Urgency.choices)
    weight = models.DecimalField(_("bobot"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("bobot beban kasus")
        verbose_name_plural = _("bobot beban kasus")
        ordering = ["-valid_from", "stage", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "stage", "urgency"], name="caseload_weight_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} {self.stage}/{self.urgency} {self.weight}"


class CaseloadNorm(RuleRow):
    """The most weighted cases one worker should carry, per kind of worker and approach.

    An empty kind or approach applies to every kind or approach without a row of its own.
    """

    worker_kind = models.CharField(
        _("jenis tenaga"), max_length=20, choices=WorkerKind.choices, blank=True
    )
    approach = models.CharField(
        _("pendekatan"), max_length=12, choices=Approach.choices, blank=True
    )
    max_weighted = models.DecimalField(
        _("beban tertimbang maksimum"), max_digits=6, decimal_places=2
    )

    class Meta:
        verbose_name = _("norma beban kasus")
        verbose_name_plural = _("norma beban kasus")
        ordering = ["-valid_from", "worker_kind", "approach"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "worker_kind", "approach"], name="caseload_norm_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(max_weighted__gt=0), name="caseload_norm_positive"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.rule_set} {self.worker_kind or '*'}/{self.approach or '*'} {self.max_weighted}"
        )


class SettingKey(models.TextChoices):
    IDLE_RATIO = "idle_ratio", _("Batas beban rendah (bagian dari norma)")
    REPORT_DUE_WORKING_DAY = (
        "report_due_working_day",
        _("Laporan bulanan jatuh tempo pada hari kerja ke-n bulan berikutnya"),
    )
    AFTERCARE_GRACE_DAYS = (
        "aftercare_grace_days",
        _(
            "Kunjungan bimbingan lanjut tepat jadwal bila dilaksanakan paling lambat n hari setelah jadwal"
        ),
    )
    FAIRNESS_MIN_FACTS = (
        "fairness_min_facts",
        _("Kelompok dinilai bila memiliki paling sedikit n kejadian"),
    )
    CERTIFICATE_WARNING_DAYS = (
        "certificate_warning_days",
        _("Sertifikat diingatkan n hari sebelum habis masa berlaku"),
    )


class WorkforceSetting(RuleRow):
    """One figure of the workforce rules (thresholds, due days), versioned like the others."""

    key = models.CharField(_("aturan"), max_length=40, choices=SettingKey.choices)
    value = models.DecimalField(_("nilai"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("aturan tenaga pendamping")
        verbose_name_plural = _("aturan tenaga pendamping")
        ordering = ["-valid_from", "key"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "key"], name="workforce_setting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} {self.key}={self.value}"


class Holiday(models.Model):
    """A national holiday or collective leave day (cuti bersama): not a working day."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Libur nasional")
        COLLECTIVE = "collective", _("Cuti bersama")

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("sumber"), max_length=250)
    provisional = models.BooleanField(_("sementara (belum dikonfirmasi)"), default=True)

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


# ---------------------------------------------------------------------------------------------
# Assignment of cases
# ---------------------------------------------------------------------------------------------


class CaseAssignmentDecision(models.Model):
    """What the system suggested for a case and whom the head or supervisor chose."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=DecisionKind.choices)
    previous = models.ForeignKey(
        USER,
        verbose_name=_("pendamping sebelumnya"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested = models.ForeignKey(
        USER,
        verbose_name=_("usulan sistem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.JSONField(_("alasan usulan"), default=list, blank=True)
    candidates = models.JSONField(_("calon yang ditimbang"), default=list, blank=True)
    chosen = models.ForeignKey(
        USER, verbose_name=_("pendamping dipilih"), on_delete=models.PROTECT, related_name="+"
    )
    chosen_by = models.ForeignKey(
        USER, verbose_name=_("diputuskan oleh"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("waktu"))
    note = models.TextField(_("catatan"), blank=True)
    batch = models.CharField(_("kelompok pengalihan"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("keputusan penetapan pendamping")
        verbose_name_plural = _("keputusan penetapan pendamping")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["case", "-decided_at"], name="assign_decision_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.chosen_id}"

    @property
    def followed_suggestion(self) -> bool:
        return self.suggested_id is not None and self.suggested_id == self.chosen_id


HOLDING_COLUMNS = ["case", "worker", "unit", "until", "since_day", "until_day", "case_closed_at"]


def _cover(key: str) -> list[str]:
    return [name for name in HOLDING_COLUMNS if name != key]


class CaseHolding(models.Model):
    """Who held a case (its pendamping) and in which sentra, from when until when.

    Rebuilt from the audit trail, which records every change of a case's pendamping and unit
    (see holdings.py), so performance is attributed to whoever held the case at the time.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="holdings")
    worker = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    # The same bounds as Asia/Jakarta days, for facts dated by day (services, visits).
    since_day = models.DateField()
    until_day = models.DateField(null=True, blank=True)
    source_audit_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # The case's closing, copied from it (holdings.py): whether the case was still active in a
    # period is then read off the holding alone. (A holding starts at or after its case's
    # receipt, so `since` also tells that the case had been received.)
    case_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "since", "id"]
        indexes = [
            # (PostgreSQL covering indexes: the KPIs read holdings from the index alone)
            models.Index(
                fields=["case", "since"], include=_cover("case"), name="holding_case_cover_idx"
            ),
            # one worker's or one sentra's cases over a period
            models.Index(
                fields=["worker", "since"],
                include=_cover("worker"),
                name="holding_worker_cover_idx",
            ),
            models.Index(
                fields=["unit", "since"], include=_cover("unit"), name="holding_unit_cover_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.worker_id} {self.since:%Y-%m-%d}"


class SyncMark(models.Model):
    """How far a derived table has read its source (the audit trail, the cases, the services)."""

    name = models.CharField(max_length=40, unique=True)
    last_audit_id = models.BigIntegerField(default=0)
    last_case_id = models.BigIntegerField(default=0)
    last_service_id = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.last_audit_id}"


class TallyKey(models.Model):
    """Whose figures a tally row holds: a worker's (or no one's) in one sentra, target group and
    approach, the four dimensions a KPI is grouped and filtered by."""

    worker = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    target_group = models.CharField(max_length=20)
    approach = models.CharField(max_length=12)

    class Meta:
        abstract = True


class TallyCounts(TallyKey):
    """What a service tally row counts: the services of its key."""

    services = models.PositiveIntegerField()

    class Meta:
        abstract = True


class ServiceTally(TallyCounts):
    """Services delivered per day, counted for the holding they belong to (tally.py).

    The services-per-case KPI reads these few rows instead of the services themselves (ten
    million nationwide): services are never changed once recorded, and the holding a service
    counts for is settled when it is recorded.
    """

    day = models.DateField()

    class Meta:
        indexes = [
            # every worker's services over a period: WHERE day BETWEEN %s AND %s
            models.Index(fields=["day"], name="tally_day_idx"),
            models.Index(fields=["unit", "day"], name="tally_unit_day_idx"),
            models.Index(fields=["worker", "day"], name="tally_worker_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.worker_id} {self.services}"


class ServiceTallyMonth(TallyCounts):
    """The service tally summed per calendar month (kept with ServiceTally, in the same writes).

    A year's services-per-case figure reads twelve months of these rows and the daily tally
    only for a period's partial months at its ends: nationwide a daily tally row stands for
    about one service, a monthly row for a month of a worker's services in one target group
    and approach.
    """

    month = models.DateField()  # the first day of the month

    class Meta:
        indexes = [
            models.Index(fields=["month"], name="tally_month_idx"),
            models.Index(fields=["unit", "month"], name="tally_month_unit_idx"),
            models.Index(fields=["worker", "month"], name="tally_month_worker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.worker_id} {self.services}"


class KpiMonth(models.Model):
    """A settled calendar month whose KPI counts are kept in KpiMonthCount (kpi_months.py).

    A month is kept once nothing due in it can still change by the passing of time; a change to
    the data behind it (a case, an aftercare visit, leave) removes it, and the next reading
    counts it again. `rules` names the rule versions it was counted under.
    """

    month = models.DateField(unique=True)  # the first day of the month
    rules = models.CharField(max_length=40)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class KpiMonthCount(TallyKey):
    """How many facts of one KPI and outcome fell in a kept month for one key.

    Each month is kept in two groupings (kpi_months.GROUPINGS): per worker and sentra (target
    group and approach left blank), and per sentra, target group and approach (worker left
    empty). Cases handled counts distinct cases within the month, so it serves a period of
    exactly that month; every other KPI here adds up over months.
    """

    grouping = models.CharField(max_length=10)
    month = models.DateField()
    kpi = models.CharField(max_length=30)
    outcome = models.CharField(max_length=30)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["grouping", "month"], name="kpi_month_idx"),
            models.Index(fields=["unit", "month"], name="kpi_month_unit_idx"),
            models.Index(fields=["worker", "month"], name="kpi_month_worker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kpi} {self.outcome} {self.n}"


# ---------------------------------------------------------------------------------------------
# Monthly report (laporan bulanan)
# ---------------------------------------------------------------------------------------------


class MonthlyReport(TimeStampedModel):
    """A worker's monthly report: figures from the month's records, a narrative, a decision."""

    worker = models.ForeignKey(
        USER, verbose_name=_("tenaga"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("angka dari catatan kerja"), default=dict)
    figures_at = models.DateTimeField(_("angka dihitung pada"))
    narrative = models.TextField(_("uraian"), blank=True)
    due_on = models.DateField(_("batas pengumpulan"))
    first_submitted_at = models.DateTimeField(_("pertama diajukan"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_comment = models.TextField(_("catatan pemeriksa"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("laporan bulanan")
        verbose_name_plural = _("laporan bulanan")
        ordering = ["-month", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="report_worker_month_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_first_day"),
        ]
        indexes = [
            # a sentra's reports of a month, and those waiting for a decision
            models.Index(fields=["unit", "month"], name="report_unit_month_idx"),
            models.Index(fields=["unit", "status"], name="report_unit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.month:%m-%Y}"


class MonthlyReportEvent(models.Model):
    """One step of a report's workflow, never edited."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("waktu"))
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("langkah"), max_length=10, choices=ReportAction.choices)
    status_from = models.CharField(max_length=10, choices=ReportStatus.choices, blank=True)
    status_to = models.CharField(max_length=10, choices=ReportStatus.choices)
    comment = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%Y-%m-%d}"
