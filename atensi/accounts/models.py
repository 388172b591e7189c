from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator nasional")
    ANALYST = "analyst", _("Analis direktorat")
    HEAD = "head", _("Kepala sentra")
    SUPERVISOR = "supervisor", _("Supervisor")
    PENDAMPING = "pendamping", _("Pendamping")
    FINANCE = "finance", _("Petugas keuangan")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person who signs in; belongs to one unit and has one role that scopes what they see."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit kerja"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("gagal masuk berturut-turut"), default=0)
    locked_until = models.DateTimeField(_("dikunci sampai"), null=True, blank=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_national(self) -> bool:
        return self.role in (Role.ADMIN, Role.AUDITOR)
