from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from atensi.common.models import TimeStampedModel


class TargetGroup(models.TextChoices):
    """Klaster of ATENSI (Permensos 7/2021 as amended; ODHA added 2025)."""

    ANAK = "anak", _("Anak")
    DISABILITAS = "disabilitas", _("Penyandang disabilitas")
    LANSIA = "lansia", _("Lanjut usia")
    NAPZA = "napza", _("Korban penyalahgunaan NAPZA")
    TUNA_SOSIAL = "tuna_sosial", _("Tuna sosial dan korban perdagangan orang")
    ODHA = "odha", _("Orang dengan HIV (ODHA)")
    BENCANA = "bencana", _("Korban bencana dan kedaruratan")
    PPKS_LAIN = "ppks_lain", _("PPKS lainnya")


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa/kelurahan")


LEVEL_BY_DOTS = {
    0: RegionLevel.PROVINCE,
    1: RegionLevel.REGENCY,
    2: RegionLevel.DISTRICT,
    3: RegionLevel.VILLAGE,
}


class Region(models.Model):
    """A Kemendagri region code, current or retired (a NIK keeps the code of its registration)."""

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    name = models.CharField(_("nama"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_until = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Kosong untuk kode yang masih berlaku."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("kode pengganti"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            # region search box: name prefix/containment within a level
            models.Index(fields=["level", "name"], name="region_level_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class UnitType(models.TextChoices):
    DITJEN = "ditjen", _("Direktorat Jenderal")
    SECRETARIAT = "secretariat", _("Sekretariat")
    DIRECTORATE = "directorate", _("Direktorat")
    SENTRA = "sentra", _("Sentra")


class Unit(TimeStampedModel):
    """A working unit (satker or part of the centre) that people belong to and data is scoped by."""

    code = models.CharField(
        _("kode satker"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("Kode satker harus 6 digit angka."))],
    )
    name = models.CharField(_("nama"), max_length=150, unique=True)
    type = models.CharField(_("jenis"), max_length=20, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    target_groups = models.JSONField(
        _("klaster"),
        default=list,
        blank=True,
        help_text=_("Untuk direktorat: klaster yang menjadi tanggung jawabnya secara nasional."),
    )
    city = models.CharField(_("kota"), max_length=100, blank=True)
    province = models.ForeignKey(
        Region,
        verbose_name=_("provinsi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regency = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residential_capacity = models.PositiveIntegerField(
        _("kapasitas residensial (tempat tidur)"), default=0
    )
    former_focus = models.CharField(_("fokus layanan sebelumnya"), max_length=200, blank=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["type", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = set(self.target_groups or []) - set(TargetGroup.values)
        if unknown:
            raise ValidationError(
                {"target_groups": _("Klaster tidak dikenal: %s") % ", ".join(sorted(unknown))}
            )
