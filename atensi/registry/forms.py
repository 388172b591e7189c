"""Forms of the registry pages. They only turn posted text into Python values (dates, lists,
choices); every rule about a person lives in validation.py and the services, whose errors
`apply_error` puts back onto the fields.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atensi.common.errors import ApplicationError
from atensi.organisation.models import TargetGroup

from .models import (
    ConsentBasis,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
    NoNikReason,
    Relationship,
    Sex,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]

_BLANK = [("", "—")]


def apply_error(form: forms.Form, exc: ApplicationError, *, renames: dict | None = None) -> None:
    """Shows a service's refusal on the form: field messages on their fields, the rest on top.

    `renames` maps a service's field name to the form's, where they differ.
    """
    form.add_error(None, str(exc.message))
    details = exc.details if isinstance(exc.details, dict) else {}
    for name, messages in details.items():
        name = (renames or {}).get(name, name)
        if not isinstance(messages, (list, tuple)):
            messages = [messages]
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))


class MultiLineField(forms.CharField):
    """One value per line (aliases): a list of the non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value


class PersonForm(forms.Form):
    """The fields of a person as the services take them (see services.EDITABLE_FIELDS)."""

    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=30,
        help_text=_("16 digit, seperti di KTP atau KK. Kosongkan bila orang ini tidak punya NIK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    no_nik_reason = forms.ChoiceField(
        label=_("Alasan tanpa NIK"),
        required=False,
        choices=NoNikReason.choices,
        help_text=_("Wajib dipilih bila NIK kosong."),
    )
    no_kk = forms.CharField(
        label=_("No. KK"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), required=False, max_length=150)
    aliases = MultiLineField(
        label=_("Nama lain / alias"),
        required=False,
        help_text=_("Satu nama per baris, misalnya nama panggilan atau ejaan lama."),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), required=False, choices=Sex.choices, widget=forms.RadioSelect
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), required=False, max_length=100)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    birth_date_estimated = forms.BooleanField(label=_("Tanggal lahir perkiraan"), required=False)
    address = forms.CharField(
        label=_("Alamat"),
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    village = forms.CharField(
        label=_("Kode desa/kelurahan"),
        required=False,
        max_length=13,
        help_text=_("Kode Kemendagri 10 digit bertitik, misalnya 31.75.01.1001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "decimal"}),
    )
    phone = forms.CharField(
        label=_("Telepon"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    target_group = forms.ChoiceField(
        label=_("Klaster"), required=False, choices=_BLANK + TargetGroup.choices
    )
    disability_types = forms.MultipleChoiceField(
        label=_("Ragam disabilitas"),
        required=False,
        choices=DisabilityType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units=None, with_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("Unit pendaftar"),
                queryset=units,
                required=False,
                empty_label=_("(unit saya)"),
            )
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(person) -> dict[str, Any]:
        """Returns the form's initial values for an existing person."""
        return {
            "nik": person.nik or "",
            "no_nik_reason": person.no_nik_reason,
            "no_kk": person.no_kk,
            "full_name": person.full_name,
            "aliases": list(person.aliases or []),
            "sex": person.sex,
            "birth_place": person.birth_place,
            "birth_date": person.birth_date,
            "birth_date_estimated": person.birth_date_estimated,
            "address": person.address,
            "village": person.village_id or "",
            "phone": person.phone,
            "target_group": person.target_group,
            "disability_types": list(person.disability_types or []),
            "version": person.version,
        }

    def person_values(self) -> dict[str, Any]:
        """Returns the parsed values as keyword arguments for person_create / person_update."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "nik",
                "no_nik_reason",
                "no_kk",
                "full_name",
                "aliases",
                "sex",
                "birth_place",
                "birth_date",
                "birth_date_estimated",
                "address",
                "village",
                "phone",
                "target_group",
                "disability_types",
            )
        }
        if data.get("unit") is not None:
            values["unit"] = data["unit"]
        return values


class PersonFilterForm(forms.Form):
    """The search box and filters of the registry list."""

    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    target_group = forms.ChoiceField(
        label=_("Klaster"), required=False, choices=[("", _("Semua klaster"))] + TargetGroup.choices
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), required=False, choices=[("", _("Semua"))] + Sex.choices
    )
    nik_warnings = forms.BooleanField(label=_("NIK bermasalah"), required=False)
    no_nik = forms.BooleanField(label=_("Tanpa NIK"), required=False)
    include_merged = forms.BooleanField(
        label=_("Tampilkan juga yang sudah digabung"), required=False
    )

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_choices is not None:
            self.fields["unit"] = forms.TypedChoiceField(
                label=_("Unit"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Semua unit"))] + list(unit_choices),
            )


class NikCheckForm(forms.Form):
    """What the live NIK check reads from the person form while the user types."""

    nik = forms.CharField(required=False, max_length=30)
    birth_date = forms.DateField(required=False, input_formats=DATE_INPUT_FORMATS)
    sex = forms.ChoiceField(required=False, choices=_BLANK + Sex.choices)
    no_nik_reason = forms.ChoiceField(required=False, choices=NoNikReason.choices)


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label=_("Nama"), required=False, max_length=150)
    relationship = forms.ChoiceField(
        label=_("Hubungan"), required=False, choices=_BLANK + Relationship.choices
    )
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Telepon"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    is_guardian = forms.BooleanField(label=_("Wali sah"), required=False)


class ConsentForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("Dasar pemrosesan"), required=False, choices=_BLANK + ConsentBasis.choices
    )
    scope = forms.CharField(
        label=_("Cakupan"),
        required=False,
        max_length=250,
        help_text=_("Untuk apa data dipakai, misalnya asesmen dan layanan ATENSI."),
    )
    given_by = forms.ChoiceField(
        label=_("Pemberi"), required=False, choices=_BLANK + ConsentGiver.choices
    )
    given_by_name = forms.CharField(label=_("Nama pemberi"), required=False, max_length=150)
    method = forms.ChoiceField(
        label=_("Cara"), required=False, choices=_BLANK + ConsentMethod.choices
    )
    given_at = forms.DateTimeField(
        label=_("Waktu diberikan"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ReasonForm(forms.Form):
    """A reason, for withdrawing a consent or erasing a record."""

    reason = forms.CharField(
        label=_("Alasan"), required=False, max_length=250, widget=forms.Textarea(attrs={"rows": 2})
    )
