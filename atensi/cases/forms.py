"""Forms of the case pages. They only turn posted text into Python values (dates, whole Rupiah,
choices, answer dicts); every rule about a case lives in the services, whose errors
`apply_error` puts back onto the fields.

Every form that changes a case carries the case's `version`, so that a save made on a stale page
is refused by the service instead of overwriting someone else's change.
"""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atensi.accounts.models import Role, User
from atensi.common.errors import ApplicationError
from atensi.organisation.models import TargetGroup
from atensi.registry.forms import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, apply_error

from .choices import (
    Approach,
    AttachmentKind,
    MeasurementPhase,
    NoteKind,
    OutcomeRating,
    ReferralSource,
    ServiceComponent,
    Stage,
    TerminationReason,
    Urgency,
)

__all__ = ["apply_error", "apply_errors"]

_BLANK = [("", "—")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_INPUT_FORMATS, widget=DATE_WIDGET, **kwargs
    )


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=_datetime_widget(),
        **kwargs,
    )


def _text(label, rows: int = 3, max_length: int | None = None, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def apply_errors(forms_: list[forms.Form], exc: ApplicationError) -> None:
    """Shows a service's refusal across the forms of one page: the message on top of the first,
    each field message on the form that has that field (else on top of the first)."""
    first = forms_[0]
    first.add_error(None, str(exc.message))
    details = exc.details if isinstance(exc.details, dict) else {}
    for name, messages in details.items():
        if not isinstance(messages, (list, tuple)):
            messages = [messages]
        owner = next((f for f in forms_ if name in f.fields), None)
        for message in messages:
            if owner is None:
                first.add_error(None, str(message))
            else:
                owner.add_error(name, str(message))


class StaffChoiceField(forms.ModelChoiceField):
    """A sentra's staff member, shown with their role so namesakes can be told apart."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.get_role_display()})"


def sentra_staff(unit, roles) -> Any:
    """The active users of `unit` with one of `roles`, for the pendamping/supervisor pickers."""
    return (
        User.objects.filter(unit=unit, role__in=list(roles), is_active=True)
        .select_related("unit")
        .order_by("first_name", "last_name", "username")
    )


PENDAMPING_ROLES = (Role.PENDAMPING, Role.SUPERVISOR)
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.HEAD)
RESPONSIBLE_ROLES = (Role.PENDAMPING, Role.SUPERVISOR, Role.HEAD)


def _add_staff_fields(form: forms.Form, unit, *, empty_label: str) -> None:
    """Adds the optional pendamping and supervisor pickers over `unit`'s eligible staff."""
    form.fields["pendamping"] = StaffChoiceField(
        label=_("Pendamping"),
        queryset=sentra_staff(unit, PENDAMPING_ROLES),
        required=False,
        empty_label=empty_label,
    )
    form.fields["supervisor"] = StaffChoiceField(
        label=_("Supervisor"),
        queryset=sentra_staff(unit, SUPERVISOR_ROLES),
        required=False,
        empty_label=empty_label,
    )


class RupiahField(forms.CharField):
    """Whole Rupiah as typed in Indonesia: "150000", "150.000" or "Rp 150.000" → 150000."""

    default_error_messages = {
        "invalid": _("Tulis harga dalam Rupiah bulat tanpa sen, misalnya 150.000."),
    }
    _PATTERN = re.compile(r"\d{1,3}(\.\d{3})+|\d+")

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        text = (super().to_python(value) or "").strip()
        text = re.sub(r"^rp\.?\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
        if not text:
            return None
        if not self._PATTERN.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text.replace(".", ""))

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


class VersionedForm(forms.Form):
    """A form that changes the case: it carries the version the user saw.

    The case page holds many of these at once, so each form class gets its own element ids
    (labels must point at their own field, not a namesake in another form).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}-%s")
        super().__init__(*args, **kwargs)

    def refresh_version(self, version: int) -> None:
        """After a conflict: keep what was typed, but carry the current version, so saving again
        (after reading what changed) is a deliberate decision rather than an endless refusal."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


# ---------------------------------------------------------------------------------------------
# List


class CaseFilterForm(forms.Form):
    """The search box and filters of the case list."""

    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("Tahap"), required=False, choices=[("", _("Semua tahap"))] + Stage.choices
    )
    target_group = forms.ChoiceField(
        label=_("Klaster"), required=False, choices=[("", _("Semua klaster"))] + TargetGroup.choices
    )
    urgency = forms.ChoiceField(
        label=_("Urgensi"), required=False, choices=[("", _("Semua urgensi"))] + Urgency.choices
    )
    overdue = forms.BooleanField(label=_("Lewat batas waktu"), required=False)

    def __init__(self, *args, unit_choices=None, pendamping_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_choices is not None:
            self.fields["unit"] = forms.TypedChoiceField(
                label=_("Sentra"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Semua sentra"))] + list(unit_choices),
            )
        if pendamping_choices is not None:
            self.fields["pendamping"] = forms.TypedChoiceField(
                label=_("Pendamping"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Semua pendamping"))] + list(pendamping_choices),
            )


# ---------------------------------------------------------------------------------------------
# Opening a case


class CaseOpenForm(forms.Form):
    """The referral that opens a case, as services.case_open takes it."""

    source = forms.ChoiceField(
        label=_("Sumber rujukan"), required=False, choices=_BLANK + ReferralSource.choices
    )
    referrer_name = forms.CharField(label=_("Nama pelapor/perujuk"), required=False, max_length=150)
    referrer_institution = forms.CharField(
        label=_("Lembaga perujuk"), required=False, max_length=150
    )
    referrer_contact = forms.CharField(
        label=_("Kontak pelapor"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    referral_note = _text(_("Uraian rujukan"), rows=3)
    received_at = _datetime_field(_("Rujukan diterima pada"))
    urgency = forms.ChoiceField(
        label=_("Urgensi"),
        required=False,
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Darurat: kekerasan, penelantaran, bencana — kontak pertama dalam hitungan jam."
        ),
    )
    target_group = forms.ChoiceField(
        label=_("Klaster"), required=False, choices=_BLANK + TargetGroup.choices
    )
    approach = forms.ChoiceField(
        label=_("Pendekatan"), required=False, choices=Approach.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, staff_unit=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("Sentra yang menangani"), queryset=units, required=False
            )
        _add_staff_fields(self, staff_unit, empty_label=_("(belum ditetapkan)"))

    def case_values(self) -> dict[str, Any]:
        """Returns the parsed values as keyword arguments for services.case_open."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "source",
                "referrer_name",
                "referrer_institution",
                "referrer_contact",
                "referral_note",
                "received_at",
                "urgency",
                "target_group",
                "approach",
                "pendamping",
                "supervisor",
            )
        }
        for name in ("referrer_name", "referrer_institution", "referrer_contact", "referral_note"):
            values[name] = values[name] or ""
        if data.get("unit") is not None:
            values["unit"] = data["unit"]
        return values


# ---------------------------------------------------------------------------------------------
# Stage and case record


class TransitionForm(VersionedForm):
    target = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(required=False, max_length=250)


class AssignForm(VersionedForm):
    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        _add_staff_fields(self, unit, empty_label=_("(tidak diubah)"))


class ContactForm(VersionedForm):
    happened_at = _datetime_field(_("Waktu kontak / kunjungan"))
    text = _text(_("Hasil kontak"), rows=3)


class PenetapanForm(VersionedForm):
    sk_number = forms.CharField(label=_("Nomor SK penetapan"), required=False, max_length=80)
    sk_date = _date_field(_("Tanggal SK"))


class TerminateForm(VersionedForm):
    reason = forms.ChoiceField(
        label=_("Alasan terminasi"), required=False, choices=_BLANK + TerminationReason.choices
    )
    outcome_rating = forms.ChoiceField(
        label=_("Hasil"),
        required=False,
        choices=OutcomeRating.choices,
        widget=forms.RadioSelect,
    )
    note = _text(_("Catatan terminasi"), rows=3)


class ReopenForm(VersionedForm):
    reason = _text(_("Alasan membuka kembali"), rows=2, max_length=250)


# ---------------------------------------------------------------------------------------------
# Assessment forms and outcome scales, rendered from FormDefinition.definition


class AnswersForm(forms.Form):
    """One field per question of a versioned form definition (assessment or outcome scale).

    All fields are optional here: which answers are required depends on whether the user
    completes the form or keeps a draft, and the service decides that (forms_engine).
    """

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        for section in definition.get("sections", []):
            names = []
            for question in section.get("questions", []):
                name = question["code"]
                self.fields[name] = self._field(question)
                names.append(name)
            self.sections.append({"title": section.get("title", ""), "names": names})

    @staticmethod
    def _field(question: dict) -> forms.Field:
        label = question.get("label", question["code"])
        if question.get("required", True):
            label = f"{label} *"
        kind = question.get("type", "text")
        if kind in ("choice", "scale"):
            choices = [(str(o["value"]), o.get("label", o["value"])) for o in question["options"]]
            return forms.ChoiceField(
                label=label, required=False, choices=choices, widget=forms.RadioSelect
            )
        if kind == "number":
            attrs = {"inputmode": "numeric"}
            for bound in ("min", "max"):
                if question.get(bound) is not None:
                    attrs[bound] = question[bound]
            return forms.IntegerField(
                label=label, required=False, widget=forms.NumberInput(attrs=attrs)
            )
        return forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def grouped(self) -> list[dict]:
        """The bound fields by section, for the template."""
        return [
            {"title": s["title"], "fields": [self[name] for name in s["names"]]}
            for s in self.sections
        ]

    def answers(self) -> dict[str, Any]:
        """Returns the answered questions only, as the services take them."""
        return {
            name: value for name, value in self.cleaned_data.items() if value not in (None, "", [])
        }


class AssessmentMetaForm(VersionedForm):
    summary = _text(_("Kesimpulan dan kebutuhan"), rows=4)


class OutcomeMetaForm(forms.Form):
    phase = forms.ChoiceField(label=_("Fase pengukuran"), required=False, choices=_BLANK)
    taken_on = _date_field(_("Tanggal pengukuran"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = _BLANK + [(p, MeasurementPhase(p).label) for p in phases]


# ---------------------------------------------------------------------------------------------
# Intervention plan


class GoalsField(forms.CharField):
    """One goal per line: a list of {"text": ...} for the non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value) -> list[dict]:
        text = super().to_python(value) or ""
        return [{"text": line.strip()} for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(g["text"] if isinstance(g, dict) else str(g) for g in value)
        return value


class PlanForm(VersionedForm):
    goals = GoalsField(
        label=_("Tujuan intervensi"),
        required=False,
        help_text=_("Satu tujuan per baris, terukur dan dengan batas waktu."),
    )


class PlannedServiceForm(forms.Form):
    component = forms.ChoiceField(
        label=_("Komponen ATENSI"), required=False, choices=_BLANK + ServiceComponent.choices
    )
    description = forms.CharField(label=_("Uraian layanan"), required=False, max_length=250)
    frequency = forms.CharField(
        label=_("Frekuensi"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("mis. 2× seminggu")}),
    )
    target_date = _date_field(_("Target tanggal"), required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = StaffChoiceField(
            label=_("Penanggung jawab"),
            queryset=staff if staff is not None else User.objects.none(),
            required=False,
        )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in self.fields)


class BasePlannedServiceFormSet(forms.BaseFormSet):
    def __init__(self, *args, staff=None, **kwargs):
        self.staff = staff
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "staff": self.staff}

    @property
    def empty_form(self):
        return self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            staff=self.staff,
            renderer=self.renderer,
        )

    def planned(self) -> tuple[list[dict], list[forms.Form]]:
        """Returns the filled rows as services.plan_save takes them, and the row forms they came from."""
        rows, sources = [], []
        for form in self.forms:
            if form.is_blank():
                continue
            data = form.cleaned_data
            rows.append({name: data.get(name) for name in form.fields})
            sources.append(form)
        for row in rows:
            row["description"] = row["description"] or ""
            row["frequency"] = row["frequency"] or ""
            row["component"] = row["component"] or ""
        return rows, sources


PlannedServiceFormSet = forms.formset_factory(
    PlannedServiceForm, formset=BasePlannedServiceFormSet, extra=0
)


def apply_plan_error(form: PlanForm, rows: list[forms.Form], exc: ApplicationError) -> None:
    """Puts plan_save's refusal on the plan form and on the planned-service rows it names."""
    form.add_error(None, str(exc.message))
    details = exc.details if isinstance(exc.details, dict) else {}
    for key, messages in details.items():
        if not isinstance(messages, (list, tuple)):
            messages = [messages]
        parts = key.split(".")
        if parts[0] == "services" and len(parts) == 3 and parts[1].isdigit():
            index, name = int(parts[1]), parts[2]
            if index < len(rows):
                row = rows[index]
                for message in messages:
                    row.add_error(name if name in row.fields else None, str(message))
                continue
        for message in messages:
            form.add_error(key if key in form.fields else None, str(message))


class PlanDecideForm(VersionedForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Setujui")), ("return", _("Kembalikan"))],
        error_messages={"required": _("Pilih setujui atau kembalikan.")},
    )
    comment = _text(_("Catatan (wajib bila dikembalikan)"), rows=2)


# ---------------------------------------------------------------------------------------------
# Services, notes, and the rest of the case's records


class ServiceForm(VersionedForm):
    delivered_on = _date_field(_("Tanggal layanan"))
    component = forms.ChoiceField(
        label=_("Komponen ATENSI"), required=False, choices=_BLANK + ServiceComponent.choices
    )
    description = forms.CharField(label=_("Uraian"), required=False, max_length=250)
    quantity = forms.IntegerField(
        label=_("Jumlah"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    unit_cost = RupiahField(
        label=_("Harga satuan (Rp)"),
        required=False,
        help_text=_("Rupiah bulat; kosongkan bila tanpa biaya."),
    )
    ro_code = forms.CharField(
        label=_("Kode RO anggaran"),
        required=False,
        max_length=40,
        help_text=_("Rincian output yang dibebani, mis. 027.06.WA.6411.QDB.001."),
    )
    provider_name = forms.CharField(
        label=_("Pemberi layanan (pihak luar)"), required=False, max_length=150
    )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "delivered_on": data.get("delivered_on"),
            "component": data.get("component") or "",
            "description": data.get("description") or "",
            "quantity": data.get("quantity") or 1,
            "unit_cost": data.get("unit_cost") or 0,
            "ro_code": data.get("ro_code") or "",
            "provider_name": data.get("provider_name") or "",
        }


NOTE_KINDS = [(k, label) for k, label in NoteKind.choices if k != NoteKind.CONTACT]


class NoteForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Jenis"), required=False, choices=NOTE_KINDS)
    happened_at = _datetime_field(_("Waktu kejadian"), required=False)
    text = _text(_("Isi catatan"), rows=4)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_names = []
        for goal in goals:
            name = f"progress_{goal['code']}"
            self.fields[name] = forms.CharField(
                label=_("Kemajuan %(code)s: %(text)s") % goal,
                required=False,
                max_length=250,
            )
            self.goal_names.append((name, goal["code"]))

    def note_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        progress = {
            code: data[name].strip() for name, code in self.goal_names if data.get(name, "").strip()
        }
        return {
            "kind": data.get("kind") or "",
            "text": data.get("text") or "",
            "happened_at": data.get("happened_at"),
            "goal_progress": progress,
        }


class HandoverForm(VersionedForm):
    """What sharing the case elsewhere rests on: the person's consent, or a head's reason."""

    def __init__(self, *args, consents=None, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"] = forms.ModelChoiceField(
            label=_("Persetujuan orang / orang tua / wali"),
            queryset=consents,
            required=False,
            empty_label=_("(tanpa persetujuan)"),
        )
        if may_override:
            self.fields["override_reason"] = _text(
                _("Alasan kepala sentra melanjutkan tanpa persetujuan"),
                rows=2,
                help_text=_("Hanya bila tidak ada persetujuan yang tercatat."),
            )

    def handover_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "consent": data.get("consent"),
            "override_reason": data.get("override_reason") or "",
        }


class TransferForm(HandoverForm):
    to_unit = forms.ModelChoiceField(label=_("Sentra tujuan"), queryset=None, required=False)
    reason = _text(_("Alasan pemindahan"), rows=2)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.order_fields(["to_unit", "reason", "consent", "override_reason"])


class ReferralOutForm(HandoverForm):
    institution = forms.CharField(label=_("Lembaga penerima"), required=False, max_length=200)
    contact = forms.CharField(label=_("Kontak lembaga"), required=False, max_length=150)
    referred_at = _datetime_field(_("Waktu rujukan"))
    reason = _text(_("Alasan rujukan"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            ["institution", "contact", "referred_at", "reason", "consent", "override_reason"]
        )


class StayAdmitForm(VersionedForm):
    admitted_at = _datetime_field(_("Waktu masuk"))

    def __init__(self, *args, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if may_override:
            self.fields["over_capacity_reason"] = _text(
                _("Alasan menerima melebihi kapasitas"),
                rows=2,
                help_text=_("Hanya bila semua tempat tidur terisi."),
            )


class StayDischargeForm(VersionedForm):
    discharged_at = _datetime_field(_("Waktu keluar"))
    note = forms.CharField(label=_("Catatan"), required=False, max_length=150)


class AftercareScheduleForm(VersionedForm):
    scheduled_for = _date_field(_("Jadwal kunjungan"))


class AftercareRecordForm(VersionedForm):
    done_at = _datetime_field(_("Waktu kunjungan"))
    notes = _text(_("Hasil kunjungan"), rows=3)


class AttachmentForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Jenis lampiran"), required=False, choices=_BLANK + AttachmentKind.choices
    )
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=200)
    file = forms.FileField(
        label=_("Berkas"),
        required=False,
        help_text=_("PDF atau foto (JPG, PNG, WEBP, HEIC), paling besar 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp,image/heic"}
        ),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"] = forms.ModelChoiceField(
            label=_("Untuk layanan"),
            queryset=services,
            required=False,
            empty_label=_("(bukan untuk layanan tertentu)"),
        )


class CaseFileForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "casefile-%s")
        super().__init__(*args, **kwargs)

    purpose = forms.CharField(
        label=_("Keperluan"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"placeholder": _("mis. konferensi kasus, permintaan pengadilan")}
        ),
    )
