from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("buat")
    UPDATE = "update", _("ubah")
    DELETE = "delete", _("hapus")
    VIEW = "view", _("lihat")
    EXPORT = "export", _("ekspor")
    IMPORT = "import", _("impor")
    LOGIN = "login", _("masuk")
    LOGIN_FAILED = "login_failed", _("gagal masuk")
    LOGOUT = "logout", _("keluar")
    LOCKED = "locked", _("akun dikunci")
    TOKEN = "token", _("token API dibuat")


class AuditLog(models.Model):
    """One row per state change, login, export and view of personal data; never edited.

    Rows outlive the users and units they name, so references are kept without database
    constraints and the username and unit code are copied in.
    """

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("aksi"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("jenis objek"), max_length=60, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=200, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-id"]
        indexes = [
            # "everything that happened to this person/case", on the detail pages and for auditors
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            # "what did this user do", the auditor's search
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"
