"""The vocabulary of an ATENSI case (Permensos 7/2021 as amended; DOMAIN.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralSource(models.TextChoices):
    DINSOS = "dinsos", _("Dinas sosial")
    POLICE = "police", _("Kepolisian")
    HOSPITAL = "hospital", _("Rumah sakit / puskesmas")
    SCHOOL = "school", _("Sekolah")
    COMMUNITY = "community", _("Masyarakat / tokoh masyarakat")
    FAMILY = "family", _("Keluarga")
    SELF = "self", _("Datang sendiri")
    HOTLINE = "hotline", _("Respon kasus (layanan pengaduan)")
    OTHER_SENTRA = "other_sentra", _("Sentra lain")
    OUTREACH = "outreach", _("Penjangkauan oleh sentra")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Darurat")
    URGENT = "urgent", _("Mendesak")
    NORMAL = "normal", _("Biasa")


class Approach(models.TextChoices):
    RESIDENTIAL = "residential", _("Residensial (di sentra)")
    COMMUNITY = "community", _("Berbasis komunitas")
    FAMILY = "family", _("Berbasis keluarga")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Pendekatan awal")
    ASSESSMENT = "assessment", _("Asesmen")
    PLANNING = "planning", _("Rencana intervensi")
    INTERVENTION = "intervention", _("Pelaksanaan intervensi")
    MONITORING = "monitoring", _("Monitoring dan evaluasi")
    TERMINATION = "termination", _("Terminasi / rujukan")
    AFTERCARE = "aftercare", _("Bimbingan lanjut")
    CLOSED = "closed", _("Ditutup")


class ServiceComponent(models.TextChoices):
    """The seven ATENSI service components."""

    BASIC_NEEDS = "basic_needs", _("Dukungan pemenuhan kebutuhan hidup layak")
    CARE = "care", _("Perawatan sosial dan/atau pengasuhan anak")
    FAMILY_SUPPORT = "family_support", _("Dukungan keluarga")
    THERAPY = "therapy", _("Terapi fisik, psikososial, mental spiritual")
    VOCATIONAL = "vocational", _("Pelatihan vokasional dan/atau pembinaan kewirausahaan")
    ASSISTANCE = "assistance", _("Bantuan sosial dan asistensi sosial")
    ACCESSIBILITY = "accessibility", _("Dukungan aksesibilitas")


class TerminationReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Tujuan tercapai")
    REFERRED = "referred", _("Dirujuk ke lembaga lain")
    MOVED = "moved", _("Pindah domisili")
    DIED = "died", _("Meninggal dunia")
    WITHDREW = "withdrew", _("Mengundurkan diri / menolak layanan")
    NOT_ELIGIBLE = "not_eligible", _("Tidak memenuhi kriteria")
    LOST_CONTACT = "lost_contact", _("Tidak dapat dihubungi")
    OTHER = "other", _("Lainnya")


class OutcomeRating(models.TextChoices):
    IMPROVED = "improved", _("Membaik")
    STABLE = "stable", _("Tetap")
    WORSENED = "worsened", _("Memburuk")
    UNKNOWN = "unknown", _("Tidak dapat dinilai")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui")
    RETURNED = "returned", _("Dikembalikan untuk diperbaiki")


class Milestone(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("Kontak pertama")
    ASSESSMENT = "assessment", _("Asesmen selesai")
    PLAN_APPROVED = "plan_approved", _("Rencana disetujui")


class MeasurementPhase(models.TextChoices):
    ASSESSMENT = "assessment", _("Saat asesmen")
    TERMINATION = "termination", _("Saat terminasi")
    AFTERCARE = "aftercare", _("Saat bimbingan lanjut")


class NoteKind(models.TextChoices):
    NOTE = "note", _("Catatan kasus")
    CONTACT = "contact", _("Kontak / kunjungan")
    MONITORING = "monitoring", _("Catatan monitoring")
    CONFERENCE = "conference", _("Konferensi kasus")


class AttachmentKind(models.TextChoices):
    RECEIPT = "receipt", _("Kuitansi / bukti terima")
    PHOTO = "photo", _("Foto")
    SIGNED_FORM = "signed_form", _("Formulir bertanda tangan")
    DECREE = "decree", _("SK penetapan")
    ASSESSMENT = "assessment", _("Hasil asesmen")
    OTHER = "other", _("Lainnya")
