"""Forms of the workforce pages. They only turn posted text into Python values; the rules live
in the services, whose refusals `apply_error` puts back onto the fields."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atensi.accounts.models import Role, User
from atensi.cases.choices import Approach
from atensi.organisation.models import TargetGroup
from atensi.registry.forms import DATE_INPUT_FORMATS, apply_error

from .choices import AbsenceKind, CertificateLevel, Employment, TrainingResult, WorkerKind
from .kpis import KPIS, OUTCOME_LABELS, Period
from .models import Course
from .workdays import month_end, month_start

__all__ = ["apply_error"]

_BLANK = [("", "—")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A period longer than this is refused: it would only slow every figure down.
MAX_PERIOD_DAYS = 3 * 366


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_INPUT_FORMATS, widget=DATE_WIDGET, **kwargs
    )


def last_month() -> Period:
    return Period.month(month_start(timezone.localdate()) - dt.timedelta(days=1))


def period_presets(today: dt.date | None = None) -> list[tuple[str, Period]]:
    """The periods offered as one-click links beside the period form."""
    today = today or timezone.localdate()
    this_month = Period(month_start(today), today)
    return [
        (str(_("Bulan lalu")), last_month()),
        (str(_("Bulan ini")), this_month),
        (str(_("Tahun ini")), Period(dt.date(today.year, 1, 1), today)),
        (
            str(_("12 bulan terakhir")),
            Period(month_start(today.replace(year=today.year - 1)), today),
        ),
    ]


class PeriodForm(forms.Form):
    dari = _date(_("Dari"), required=False)
    sampai = _date(_("Sampai"), required=False)

    def period(self) -> Period:
        """Returns the chosen period; last month when nothing (or nothing valid) was chosen."""
        if not self.is_valid():
            return last_month()
        start, end = self.cleaned_data.get("dari"), self.cleaned_data.get("sampai")
        if not start and not end:
            return last_month()
        start = start or month_start(end)
        end = end or min(month_end(start), timezone.localdate())
        return Period(start, end)

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end:
            if end < start:
                self.add_error("sampai", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("sampai", _("Periode paling panjang tiga tahun."))
        return data


class DrillForm(PeriodForm):
    outcome = forms.ChoiceField(label=_("Hasil"), required=False, choices=[])
    worker = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    target_group = forms.ChoiceField(
        label=_("Klaster"), required=False, choices=_BLANK + TargetGroup.choices
    )
    approach = forms.ChoiceField(
        label=_("Pendekatan"), required=False, choices=_BLANK + Approach.choices
    )
    unassigned = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _BLANK + [(o, OUTCOME_LABELS.get(o, o)) for o in outcomes]


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (input type=month), as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m", "%m-%Y", "%Y-%m-%d"], **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ReportOpenForm(forms.Form):
    month = MonthField(label=_("Bulan laporan"))


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("Uraian kegiatan, hambatan dan rencana bulan depan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Setujui")), ("return", _("Kembalikan"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Catatan untuk pendamping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=AbsenceKind.choices)
    starts_on = _date(_("Dari"))
    ends_on = _date(_("Sampai"))
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=200)


class TrainingForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Pelatihan"), queryset=Course.objects.filter(is_active=True).order_by("code")
    )
    started_on = _date(_("Mulai"))
    finished_on = _date(_("Selesai"), required=False)
    result = forms.ChoiceField(label=_("Hasil"), choices=TrainingResult.choices)
    certificate_number = forms.CharField(label=_("Nomor sertifikat"), required=False, max_length=60)
    certificate_expires_on = _date(_("Sertifikat berlaku sampai"), required=False)
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=200)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


def _team(unit_id, exclude=None):
    workers = User.objects.filter(unit_id=unit_id, role=Role.PENDAMPING, is_active=True)
    if exclude is not None:
        workers = workers.exclude(pk=exclude.pk)
    return workers.order_by("first_name", "last_name", "username")


class AssignForm(forms.Form):
    worker = WorkerChoiceField(label=_("Pendamping"), queryset=User.objects.none())
    note = forms.CharField(label=_("Catatan keputusan"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _team(unit_id)


class ReassignForm(forms.Form):
    to_worker = WorkerChoiceField(
        label=_("Alihkan kepada"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Sesuai usulan sistem per kasus"),
    )
    note = forms.CharField(label=_("Alasan"), required=False, max_length=500)

    def __init__(self, *args, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_worker"].queryset = _team(worker.unit_id, exclude=worker)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class ProfileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis tenaga"), choices=WorkerKind.choices)
    employment = forms.ChoiceField(label=_("Status kepegawaian"), choices=Employment.choices)
    employee_number = forms.CharField(label=_("NIP / nomor PPPK"), required=False, max_length=30)
    contract_start = _date(_("Awal kontrak / perjanjian kerja"), required=False)
    contract_end = _date(_("Akhir kontrak / perjanjian kerja"), required=False)
    specialisations = forms.MultipleChoiceField(
        label=_("Spesialisasi (klaster)"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.CharField(
        label=_("Wilayah penugasan"),
        required=False,
        help_text=_("Kode wilayah dipisah koma, mis. 31.75, 31.71.03"),
    )
    languages = forms.CharField(
        label=_("Bahasa"), required=False, help_text=_("Dipisah koma, mis. Jawa, Sunda, BISINDO")
    )
    certificate_level = forms.ChoiceField(
        label=_("Jenjang sertifikat kompetensi"),
        choices=_BLANK + CertificateLevel.choices,
        required=False,
    )
    certificate_number = forms.CharField(label=_("Nomor sertifikat"), required=False, max_length=60)
    certificate_issued_on = _date(_("Sertifikat terbit"), required=False)
    certificate_expires_on = _date(_("Sertifikat berlaku sampai"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_from(cls, profile) -> dict:
        if profile is None:
            return {}
        return {
            "kind": profile.kind,
            "employment": profile.employment,
            "employee_number": profile.employee_number,
            "contract_start": profile.contract_start,
            "contract_end": profile.contract_end,
            "specialisations": profile.specialisations,
            "areas": ", ".join(profile.areas),
            "languages": ", ".join(profile.languages),
            "certificate_level": profile.certificate_level,
            "certificate_number": profile.certificate_number,
            "certificate_issued_on": profile.certificate_issued_on,
            "certificate_expires_on": profile.certificate_expires_on,
            "version": profile.version,
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["areas"] = _codes(data["areas"])
        data["languages"] = _codes(data["languages"])
        data["expected_version"] = data.pop("version")
        return data


KPI_CHOICES = [(k.code, k.label) for k in KPIS]
