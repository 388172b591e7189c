"""Budget data per fiscal year (TA) and satker: DIPA, plan, blokir, realisation, outputs, rule sets.

Amounts are whole Rupiah in BigIntegerFields — never floats. Dated versions (valid_from/valid_to)
answer "what was the pagu/RPD/blokir on date D" after revisions.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atensi.organisation.models import TargetGroup


class RuleKind(models.TextChoices):
    IKPA = "ikpa", _("IKPA")
    NKA = "nka", _("NKA")


class RuleSet(models.Model):
    """A versioned scoring rule (weights, targets, bands) with its legal source, chosen by TA."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=8, choices=RuleKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    ta_from = models.PositiveSmallIntegerField(_("TA mulai"))
    ta_to = models.PositiveSmallIntegerField(_("TA sampai"), null=True, blank=True)
    source = models.CharField(_("dasar hukum"), max_length=300)
    definition = models.JSONField(_("definisi"))

    class Meta:
        verbose_name = _("aturan penilaian")
        verbose_name_plural = _("aturan penilaian")
        ordering = ["kind", "-ta_from"]

    def __str__(self) -> str:
        return self.code

    def applies_to(self, ta: int) -> bool:
        return self.ta_from <= ta and (self.ta_to is None or ta <= self.ta_to)


class JenisBelanja(models.TextChoices):
    PEGAWAI = "51", _("51 Belanja pegawai")
    BARANG = "52", _("52 Belanja barang")
    MODAL = "53", _("53 Belanja modal")
    BANSOS = "57", _("57 Belanja bantuan sosial")


class SumberDana(models.TextChoices):
    RM = "RM", _("Rupiah Murni")
    PNBP = "PNBP", _("PNBP")
    BLU = "BLU", _("BLU")
    PLN = "PLN", _("Pinjaman luar negeri")
    HLN = "HLN", _("Hibah luar negeri")
    HDN = "HDN", _("Hibah dalam negeri")
    SBSN = "SBSN", _("SBSN")
    PDN = "PDN", _("Pinjaman dalam negeri")


class Output(models.Model):
    """A rincian output (RO) of a satker's DIPA: programme → kegiatan → KRO → RO, with its target."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("satker"),
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    program_code = models.CharField(_("program"), max_length=20)
    kegiatan_code = models.CharField(_("kegiatan"), max_length=10)
    kro_code = models.CharField(_("KRO"), max_length=10)
    ro_code = models.CharField(_("RO"), max_length=10)
    name = models.CharField(_("nama RO"), max_length=250)
    indicator = models.CharField(_("indikator"), max_length=250, blank=True)
    target_volume = models.PositiveIntegerField(_("target volume"))
    volume_unit = models.CharField(_("satuan"), max_length=40)
    target_group = models.CharField(
        _("klaster layanan"),
        max_length=20,
        choices=TargetGroup.choices,
        blank=True,
        help_text=_("Untuk RO layanan kepada klaster: capaian dihitung juga dari kasus."),
    )

    class Meta:
        verbose_name = _("rincian output (RO)")
        verbose_name_plural = _("rincian output (RO)")
        ordering = ["ta", "unit", "program_code", "kegiatan_code", "kro_code", "ro_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ta", "unit", "program_code", "kegiatan_code", "kro_code", "ro_code"],
                name="output_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_code} {self.name}"

    @property
    def full_code(self) -> str:
        """The code cases use to charge services to this RO, e.g. 6371.QDB.001."""
        return f"{self.kegiatan_code}.{self.kro_code}.{self.ro_code}"


class Allocation(models.Model):
    """A DIPA detail line (komponen → akun) with its pagu, valid from a revision until replaced."""

    output = models.ForeignKey(Output, on_delete=models.PROTECT, related_name="allocations")
    komponen_code = models.CharField(_("komponen"), max_length=10)
    akun = models.CharField(_("akun"), max_length=6)
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    sumber_dana = models.CharField(_("sumber dana"), max_length=5, choices=SumberDana.choices)
    description = models.CharField(_("uraian"), max_length=250, blank=True)
    volume = models.PositiveIntegerField(_("volume"), default=1)
    price = models.BigIntegerField(_("harga satuan (Rp)"), default=0)
    pagu = models.BigIntegerField(_("pagu (Rp)"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai (tidak termasuk)"), null=True, blank=True)
    revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )

    class Meta:
        ordering = ["output", "komponen_code", "akun", "valid_from"]
        indexes = [models.Index(fields=["output", "valid_from"], name="allocation_output_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pagu__gte=0), name="allocation_pagu_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.output_id} {self.akun} {self.pagu}"


class Revision(models.Model):
    """A DIPA revision: a dated change of pagu, RPD (Hal III) or blokir (Hal IV)."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="dipa_revisions"
    )
    number = models.PositiveSmallIntegerField(_("revisi ke"))
    date = models.DateField(_("tanggal"))
    kind_code = models.CharField(_("kode jenis revisi"), max_length=3, blank=True)
    note = models.CharField(_("keterangan"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["ta", "unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ta", "unit", "number"], name="revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} TA {self.ta} revisi {self.number}"


class MonthlyPlan(models.Model):
    """Hal III DIPA: planned disbursement (RPD) per month and jenis belanja, versioned by date."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="monthly_plans"
    )
    month = models.PositiveSmallIntegerField(_("bulan"))
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    amount = models.BigIntegerField(_("rencana (Rp)"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(null=True, blank=True)
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )

    class Meta:
        ordering = ["ta", "unit", "month", "jenis_belanja", "valid_from"]
        indexes = [models.Index(fields=["ta", "unit", "valid_from"], name="monthly_plan_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="monthly_plan_month_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="monthly_plan_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta}-{self.month:02d} {self.jenis_belanja}"


class Blokir(models.Model):
    """Hal IV DIPA: an allocation blocked until documents arrive, with its release date.

    A blokir is in force from `blocked_on` until `released_on`. Lifting part of it ends this row
    on the lift date (`released_amount` says how much was opened) and starts a new row for the
    remainder on that date (`previous` points back), so the amount blocked on any date stays a
    plain sum of the rows in force and earlier reported figures keep their values.
    """

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="blokir")
    output = models.ForeignKey(
        Output, null=True, blank=True, on_delete=models.PROTECT, related_name="blokir"
    )
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    reason = models.CharField(_("alasan"), max_length=250)
    blocked_on = models.DateField(_("tanggal blokir"))
    released_on = models.DateField(_("tanggal dibuka"), null=True, blank=True)
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="blokir"
    )
    reference = models.CharField(_("nomor surat blokir"), max_length=100, blank=True)
    # None with a release date: the whole amount was opened (as imports record it).
    released_amount = models.BigIntegerField(_("jumlah dibuka (Rp)"), null=True, blank=True)
    released_reference = models.CharField(_("nomor surat pembukaan"), max_length=100, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continued_by",
        verbose_name=_("sisa dari blokir"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("blokir")
        verbose_name_plural = _("blokir")
        ordering = ["ta", "unit", "blocked_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="blokir_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(released_amount__isnull=True)
                | models.Q(released_amount__gt=0, released_amount__lte=models.F("amount")),
                name="blokir_released_amount_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta} blokir {self.amount}"

    @property
    def opened_amount(self) -> int:
        """The amount opened on `released_on` (0 while in force)."""
        if self.released_on is None:
            return 0
        return self.amount if self.released_amount is None else self.released_amount


class SpmType(models.TextChoices):
    UP = "UP", _("Uang persediaan")
    GUP = "GUP", _("Ganti uang persediaan")
    TUP = "TUP", _("Tambahan uang persediaan")
    LS = "LS", _("Pembayaran langsung")
    PTUP = "PTUP", _("Pertanggungjawaban TUP")


class Realisation(models.Model):
    """One SP2D line (OM-SPAN/SAKTI). Negative amounts are corrections (e.g. returns)."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="realisations"
    )
    kppn = models.CharField(_("KPPN"), max_length=3)
    program_code = models.CharField(_("program"), max_length=20)
    kegiatan_code = models.CharField(_("kegiatan"), max_length=10)
    kro_code = models.CharField(_("KRO"), max_length=10)
    ro_code = models.CharField(_("RO"), max_length=10)
    akun = models.CharField(_("akun"), max_length=6)
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    sumber_dana = models.CharField(_("sumber dana"), max_length=5, choices=SumberDana.choices)
    sp2d_number = models.CharField(_("nomor SP2D"), max_length=30)
    sp2d_date = models.DateField(_("tanggal SP2D"))
    spm_type = models.CharField(_("jenis SPM"), max_length=4, choices=SpmType.choices)
    amount = models.BigIntegerField(_("nilai (Rp)"))
    line_key = models.CharField(max_length=64, help_text=_("Sidik baris untuk impor idempoten."))
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("realisasi (SP2D)")
        verbose_name_plural = _("realisasi (SP2D)")
        ordering = ["ta", "unit", "sp2d_date", "id"]
        indexes = [
            # all figures for a TA: GROUP BY unit, jenis_belanja, month
            models.Index(fields=["ta", "unit", "sp2d_date"], name="realisation_ta_unit_date_idx"),
            models.Index(
                fields=["ta", "unit", "kegiatan_code", "kro_code", "ro_code"],
                name="realisation_ro_idx",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["line_key"], name="realisation_line_unique")]

    def __str__(self) -> str:
        return f"{self.sp2d_number} {self.amount}"


class OutputReport(models.Model):
    """Monthly output report per RO: target (TVRO), realised volume (RVRO) and progress (PCRO)."""

    output = models.ForeignKey(Output, on_delete=models.PROTECT, related_name="reports")
    month = models.PositiveSmallIntegerField(_("bulan"))
    tvro = models.PositiveIntegerField(_("target volume (TVRO)"))
    rvro = models.PositiveIntegerField(_("realisasi volume (RVRO)"))
    pcro = models.DecimalField(_("progres capaian (PCRO, %)"), max_digits=6, decimal_places=2)
    reported_on = models.DateField(_("tanggal lapor"))

    class Meta:
        ordering = ["output", "month"]
        constraints = [
            models.UniqueConstraint(fields=["output", "month"], name="output_report_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="output_report_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.output_id} {self.month}"


class ImportBatch(models.Model):
    """One imported file (DIPA, RPD, blokir, SP2D, output reports): who, what, counts, fingerprint."""

    class Kind(models.TextChoices):
        DIPA = "dipa", _("DIPA (RO dan pagu)")
        PLAN = "plan", _("Rencana penarikan (Hal III)")
        BLOKIR = "blokir", _("Blokir (Hal IV)")
        REALISATION = "realisation", _("Realisasi SP2D")
        OUTPUT = "output", _("Laporan capaian output")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    file_name = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text=_("Baris yang sudah ada (impor ulang).")
    )
    updated = models.PositiveIntegerField(
        default=0, help_text=_("Data yang berubah atau digantikan versi baru.")
    )
    restatement_reason = models.TextField(
        _("alasan penyajian kembali"),
        blank=True,
        help_text=_("Wajib bila impor mengubah angka bulan yang sudah ditandatangani."),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class PeriodLock(models.Model):
    """A reported month signed off by the head: its figures change only through a restatement."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="period_locks"
    )
    month = models.PositiveSmallIntegerField(_("bulan"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("ditandatangani"))
    snapshot = models.JSONField(_("angka yang dilaporkan"), default=dict)

    class Meta:
        ordering = ["ta", "unit", "month"]
        constraints = [
            models.UniqueConstraint(fields=["ta", "unit", "month"], name="period_lock_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta}-{self.month:02d}"


class Restatement(models.Model):
    """A correction to a locked period, with its reason, visible in both the old and the new period."""

    lock = models.ForeignKey(PeriodLock, on_delete=models.PROTECT, related_name="restatements")
    reason = models.TextField(_("alasan"))
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The period in which the correction was made, so it shows there as well as in the locked one.
    reported_ta = models.PositiveSmallIntegerField(_("TA saat koreksi"), null=True, blank=True)
    reported_month = models.PositiveSmallIntegerField(
        _("bulan saat koreksi"), null=True, blank=True
    )

    class Meta:
        ordering = ["lock", "made_at"]
        indexes = [
            # restatements shown in the period they were made: WHERE reported_ta = %s AND month = %s
            models.Index(fields=["reported_ta", "reported_month"], name="restatement_reported_idx")
        ]

    def __str__(self) -> str:
        return f"{self.lock} {self.made_at:%Y-%m-%d}"


class ManualScore(models.Model):
    """An IKPA component value taken from OM-SPAN where atensi holds no source data (e.g. UP/TUP)."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="manual_scores"
    )
    component = models.CharField(_("komponen"), max_length=30)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=2)
    source = models.CharField(_("sumber"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ta", "unit", "component"]
        constraints = [
            models.UniqueConstraint(fields=["ta", "unit", "component"], name="manual_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta} {self.component}"


class RealisationMonth(models.Model):
    """SP2D realisation summed per satker, RO, jenis belanja and month, kept by the import.

    All figures read these few thousand rows instead of grouping a million SP2D lines per request;
    `services.realisation_summary_rebuild` recomputes them from the lines.
    """

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    program_code = models.CharField(_("program"), max_length=20)
    kegiatan_code = models.CharField(_("kegiatan"), max_length=10)
    kro_code = models.CharField(_("KRO"), max_length=10)
    ro_code = models.CharField(_("RO"), max_length=10)
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    month = models.PositiveSmallIntegerField(_("bulan"))
    amount = models.BigIntegerField(_("realisasi (Rp)"))
    lines = models.IntegerField(_("baris SP2D"))

    class Meta:
        verbose_name = _("ringkasan realisasi bulanan")
        verbose_name_plural = _("ringkasan realisasi bulanan")
        ordering = ["ta", "unit", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "ta",
                    "unit",
                    "program_code",
                    "kegiatan_code",
                    "kro_code",
                    "ro_code",
                    "jenis_belanja",
                    "month",
                ],
                name="realisation_month_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="realisation_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta}-{self.month:02d} {self.ro_code} {self.amount}"


class CommitmentKind(models.TextChoices):
    CONTRACT = "contract", _("Kontrak")
    OTHER = "other", _("Komitmen lain")


class Commitment(models.Model):
    """Spending already committed but not yet paid (e.g. a contract's remaining term), for forecasts."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="budget_commitments"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=CommitmentKind.choices)
    reference = models.CharField(_("nomor kontrak/dokumen"), max_length=80, blank=True)
    description = models.CharField(_("uraian"), max_length=250)
    jenis_belanja = models.CharField(_("jenis belanja"), max_length=2, choices=JenisBelanja.choices)
    amount = models.BigIntegerField(_("sisa yang akan dibayar (Rp)"))
    expected_on = models.DateField(_("perkiraan tanggal bayar"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("komitmen belanja")
        verbose_name_plural = _("komitmen belanja")
        ordering = ["ta", "unit", "expected_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="commitment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta} {self.description}"


class ResidentialDailyCost(models.Model):
    """The daily cost of one resident at a sentra in a TA: census × this is committed spending."""

    ta = models.PositiveSmallIntegerField(_("TA"))
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("biaya per orang per hari (Rp)"))
    jenis_belanja = models.CharField(
        _("jenis belanja"),
        max_length=2,
        choices=JenisBelanja.choices,
        default=JenisBelanja.BARANG,
    )
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("biaya harian residensial")
        verbose_name_plural = _("biaya harian residensial")
        ordering = ["ta", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["ta", "unit"], name="residential_cost_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="residential_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.ta} {self.amount}"
