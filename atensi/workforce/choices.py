"""The vocabulary of the workforce (DOMAIN.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerKind(models.TextChoices):
    SOCIAL_WORKER = "pekerja_sosial", _("Pekerja sosial")
    PENDAMPING = "pendamping_atensi", _("Pendamping ATENSI")
    TKS = "tks", _("Tenaga kesejahteraan sosial")
    VOLUNTEER = "relawan", _("Relawan")


class Employment(models.TextChoices):
    PNS = "pns", _("PNS")
    PPPK = "pppk", _("PPPK")
    CONTRACT = "contract", _("Kontrak")
    VOLUNTEER = "volunteer", _("Sukarela")


class CertificateLevel(models.TextChoices):
    """Competence certificate of a pekerja sosial (UU 14/2019)."""

    ASSISTANT = "asisten", _("Asisten")
    GENERALIST = "generalis", _("Generalis")
    SPECIALIST = "spesialis", _("Spesialis")


class AbsenceKind(models.TextChoices):
    ANNUAL = "annual", _("Cuti tahunan")
    SICK = "sick", _("Cuti sakit")
    MATERNITY = "maternity", _("Cuti melahirkan")
    IMPORTANT = "important", _("Cuti karena alasan penting")
    LONG = "long", _("Cuti besar")
    DUTY = "duty", _("Dinas luar")
    TRAINING = "training", _("Diklat / bimtek")
    OTHER = "other", _("Lainnya")


class TrainingResult(models.TextChoices):
    ONGOING = "ongoing", _("Sedang berjalan")
    PASSED = "passed", _("Lulus")
    ATTENDED = "attended", _("Mengikuti (tanpa ujian)")
    FAILED = "failed", _("Tidak lulus")


# Results that give the course's competences to the worker.
COMPLETED_RESULTS = (TrainingResult.PASSED, TrainingResult.ATTENDED)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    APPROVED = "approved", _("Disetujui")


class ReportAction(models.TextChoices):
    GENERATED = "generated", _("Dibuat dari catatan kerja")
    REFRESHED = "refreshed", _("Angka diperbarui")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan dengan catatan")
    APPROVED = "approved", _("Disetujui")


class LoadFlag(models.TextChoices):
    OVERLOADED = "overloaded", _("Melebihi norma")
    NORMAL = "normal", _("Wajar")
    IDLE = "idle", _("Beban rendah")


class DecisionKind(models.TextChoices):
    ASSIGN = "assign", _("Penetapan pendamping")
    REASSIGN = "reassign", _("Pengalihan kasus")
