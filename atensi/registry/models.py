import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atensi.common.models import TimeStampedModel
from atensi.organisation.models import TargetGroup


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class NoNikReason(models.TextChoices):
    NONE = "", _("(punya NIK)")
    STREET_CHILD = "street_child", _("Anak jalanan / terlantar tanpa dokumen")
    HOMELESS = "homeless", _("Gelandangan / tanpa tempat tinggal")
    NOT_REGISTERED = "not_registered", _("Belum terdaftar di Dukcapil")
    DOCUMENTS_LOST = "documents_lost", _("Dokumen hilang (bencana, dll.)")
    UNKNOWN_IDENTITY = "unknown_identity", _("Identitas belum diketahui")
    FOREIGN = "foreign", _("Warga negara asing / tanpa kewarganegaraan")
    OTHER = "other", _("Lainnya")


class DisabilityType(models.TextChoices):
    """Ragam disabilitas, UU 8/2016 Pasal 4."""

    PHYSICAL = "fisik", _("Fisik")
    INTELLECTUAL = "intelektual", _("Intelektual")
    MENTAL = "mental", _("Mental")
    VISUAL = "netra", _("Sensorik netra")
    HEARING = "rungu", _("Sensorik rungu")
    SPEECH = "wicara", _("Sensorik wicara")


class Person(TimeStampedModel):
    """Someone the service knows about; becomes a Penerima Manfaat by decree (see cases)."""

    registry_id = models.CharField(_("nomor registri"), max_length=20, unique=True, editable=False)
    # NULL, not "", when missing: persons without a NIK must not look like duplicates of each other.
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001
    no_nik_reason = models.CharField(
        _("alasan tanpa NIK"), max_length=20, choices=NoNikReason.choices, blank=True, default=""
    )
    no_kk = models.CharField(_("No. KK"), max_length=16, blank=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    name_normalized = models.CharField(max_length=200, editable=False, default="")
    aliases = models.JSONField(_("nama lain / alias"), default=list, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("tanggal lahir perkiraan"), default=False)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    village = models.ForeignKey(
        "organisation.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    target_group = models.CharField(_("klaster"), max_length=20, choices=TargetGroup.choices)
    disability_types = models.JSONField(_("ragam disabilitas"), default=list, blank=True)
    photo = models.FileField(_("foto"), upload_to="persons/photos/", blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit pendaftar"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("didaftarkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nik_warnings = models.JSONField(_("peringatan NIK"), default=list, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nik__isnull=False) | ~models.Q(no_nik_reason=""),
                name="person_nik_or_reason",
                violation_error_message=_(
                    "Isi NIK, atau pilih alasan mengapa orang ini tidak punya NIK."
                ),
            ),
            models.CheckConstraint(condition=models.Q(sex__in=["L", "P"]), name="person_sex_valid"),
        ]
        indexes = [
            # exact NIK search (registry search box, API ?nik=, duplicate warning)
            models.Index(fields=["nik"], name="person_nik_idx"),
            # a sentra's registry list, newest first
            models.Index(fields=["unit", "-created_at"], name="person_unit_created_idx"),
            models.Index(fields=["no_kk"], name="person_kk_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.registry_id})"


class PersonNameToken(models.Model):
    """One searchable key per name word (full name and aliases), for typo-tolerant search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [
            # name search: WHERE key = %s / key LIKE 'prefix%' then join person
            models.Index(fields=["key", "person"], name="name_token_key_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class Relationship(models.TextChoices):
    FATHER = "ayah", _("Ayah")
    MOTHER = "ibu", _("Ibu")
    GUARDIAN = "wali", _("Wali")
    SPOUSE = "pasangan", _("Suami/istri")
    CHILD = "anak", _("Anak")
    SIBLING = "saudara", _("Saudara kandung")
    GRANDPARENT = "kakek_nenek", _("Kakek/nenek")
    OTHER = "lainnya", _("Lainnya")


class FamilyMember(TimeStampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("nama"), max_length=150)
    relationship = models.CharField(_("hubungan"), max_length=20, choices=Relationship.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    is_guardian = models.BooleanField(_("wali sah"), default=False)

    class Meta:
        verbose_name = _("anggota keluarga / wali")
        verbose_name_plural = _("anggota keluarga / wali")
        ordering = ["person", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class ConsentBasis(models.TextChoices):
    """Legal basis of processing, UU 27/2022 Pasal 20."""

    CONSENT = "consent", _("Persetujuan (Pasal 20(2)(a))")
    PUBLIC_TASK = "public_task", _("Tugas pelayanan publik / kewenangan (Pasal 20(2)(e))")
    LEGAL_OBLIGATION = "legal_obligation", _("Kewajiban hukum (Pasal 20(2)(c))")
    VITAL_INTEREST = "vital_interest", _("Kepentingan vital (Pasal 20(2)(d))")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("Yang bersangkutan")
    PARENT = "parent", _("Orang tua")
    GUARDIAN = "guardian", _("Wali")
    REPRESENTATIVE = "representative", _("Pendamping/kuasa")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Tertulis (ditandatangani)")
    ORAL = "oral", _("Lisan, disaksikan")
    ASSISTED = "assisted", _("Komunikasi yang disesuaikan (Pasal 26)")
    ELECTRONIC = "electronic", _("Elektronik")


class Consent(TimeStampedModel):
    """A recorded, provable consent or other legal basis for processing (UU PDP Pasal 22–26)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    basis = models.CharField(_("dasar pemrosesan"), max_length=20, choices=ConsentBasis.choices)
    scope = models.CharField(_("cakupan"), max_length=250)
    given_by = models.CharField(_("pemberi"), max_length=20, choices=ConsentGiver.choices)
    given_by_name = models.CharField(_("nama pemberi"), max_length=150)
    method = models.CharField(_("cara"), max_length=20, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("waktu diberikan"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("waktu ditarik"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("alasan penarikan"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        ordering = ["person", "-given_at"]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} — {self.given_by_name}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class ImportStage(models.TextChoices):
    READ = "read", _("membaca berkas")
    CHECK = "check", _("memeriksa baris")
    WRITE = "write", _("menyimpan")
    REPORT = "report", _("menyusun laporan")


class ImportJob(TimeStampedModel):
    """One bulk import of persons from an uploaded file, run in the background and polled."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit tujuan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("nama berkas"), max_length=255)
    # Paths relative to MEDIA_ROOT; the uploaded file is deleted once the job has run.
    source_path = models.CharField(max_length=255, blank=True)
    report_path = models.CharField(max_length=255, blank=True)
    valid_only = models.BooleanField(_("impor hanya baris yang valid"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    stage = models.CharField(_("tahap"), max_length=10, choices=ImportStage.choices, blank=True)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed = models.PositiveIntegerField(_("baris diproses"), default=0)
    created = models.PositiveIntegerField(_("orang diimpor"), default=0)
    error_rows = models.PositiveIntegerField(_("baris bermasalah"), default=0)
    warning_rows = models.PositiveIntegerField(_("baris dengan peringatan"), default=0)
    # The first problems, for the status page; the full list is in the report file.
    issues = models.JSONField(default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor data orang")
        verbose_name_plural = _("impor data orang")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "my recent imports" on the upload page
            models.Index(fields=["created_by", "-created_at"], name="import_job_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def rejected(self) -> bool:
        """Says whether the file had errors and therefore nothing was imported."""
        return self.status == ImportStatus.DONE and self.error_rows > 0 and self.created == 0

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_stale(self) -> bool:
        """Says whether an unfinished job has stopped reporting (its server was restarted)."""
        quiet_for = timezone.now() - self.updated_at
        # Generous: the write stage reports nothing until its one transaction commits.
        return not self.finished and quiet_for > dt.timedelta(minutes=30)
