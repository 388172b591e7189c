"""Forms of the budget pages: they read and check what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from atensi.accounts.access import can_import_budget_for
from atensi.organisation.models import Unit

from .display import month_choices
from .importing import CellError, parse_rupiah
from .models import ImportBatch, JenisBelanja
from .selectors import budget_units_visible_to, output_by_code

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def importable_units(user):
    """The satker whose budget data `user` may import or correct."""
    visible = budget_units_visible_to(user).order_by("code")
    return Unit.objects.filter(
        pk__in=[u.pk for u in visible if can_import_budget_for(user, u)]
    ).order_by("code")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


class PeriodForm(forms.Form):
    """TA and month of the figures (GET): realisation through the end of the month."""

    ta = forms.TypedChoiceField(label=_("Tahun anggaran"), coerce=int, choices=())
    month = forms.TypedChoiceField(
        label=_("Realisasi s.d. bulan"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, data=None, *, years: list[int], default_ta: int):
        super().__init__(data)
        choices = sorted(set(years) | {default_ta}, reverse=True)
        self.fields["ta"].choices = [(y, str(y)) for y in choices]
        self.fields["ta"].initial = default_ta
        self.fields["month"].choices = [("", _("s.d. hari ini / akhir tahun"))] + month_choices()
        self.default_ta = default_ta

    def period_args(self) -> tuple[int, int | None]:
        """Returns (TA, month or None): a bad value falls back to the default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("ta") or self.default_ta, data.get("month")


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Alasan penyajian kembali (koreksi)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Wajib bila perubahan mengenai angka bulan yang sudah ditandatangani kepala; "
            "koreksi itu tampil di bulan asal dan di bulan koreksi dibuat."
        ),
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("Berkas (.xlsx atau .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    valid_only = forms.BooleanField(
        label=_("Impor hanya baris yang valid"),
        required=False,
        help_text=_(
            "Tanpa pilihan ini, tidak ada data yang diimpor bila ada satu baris pun yang salah."
        ),
    )
    restatement_reason = reason_field()


def _rupiah(value: str) -> int:
    try:
        return parse_rupiah(value)
    except CellError as exc:
        raise forms.ValidationError(str(exc), code="invalid") from None


class BlokirForm(forms.Form):
    unit = UnitChoiceField(label=_("Satker"), queryset=Unit.objects.none())
    ta = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    ro = forms.CharField(
        label=_("RO yang diblokir (boleh kosong)"),
        required=False,
        max_length=40,
        help_text=_("Kode lengkap RO, mis. 6371.QDB.001; kosong bila blokir tidak per RO."),
    )
    jenis_belanja = forms.ChoiceField(label=_("Jenis belanja"), choices=JenisBelanja.choices)
    amount = forms.CharField(
        label=_("Jumlah diblokir (Rp)"),
        max_length=30,
        help_text=_("Rupiah bulat, mis. 1.300.000.000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("Alasan blokir"), max_length=250)
    reference = forms.CharField(
        label=_("Nomor surat blokir"),
        max_length=100,
        help_text=_("Surat atau dokumen yang menjadi dasar blokir, mis. S-123/PA.3/2024."),
    )
    blocked_on = forms.DateField(
        label=_("Tanggal blokir"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    restatement_reason = reason_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = importable_units(user)

    def clean_amount(self) -> int:
        return _rupiah(self.cleaned_data["amount"])

    def clean(self):
        data = super().clean()
        code = (data.get("ro") or "").strip()
        data["output"] = None
        if code and data.get("unit") and data.get("ta"):
            output = output_by_code(data["unit"], data["ta"], code)
            if output is None:
                self.add_error("ro", _("RO %s tidak ada di DIPA satker ini pada TA itu.") % code)
            data["output"] = output
        return data


class BlokirLiftForm(forms.Form):
    """Opens a blokir in full or in part; the amount defaults to what is still blocked."""

    amount = forms.CharField(
        label=_("Jumlah dibuka (Rp)"),
        max_length=30,
        help_text=_("Seluruhnya atau sebagian; sisanya tetap diblokir."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    lifted_on = forms.DateField(
        label=_("Tanggal dibuka"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    reference = forms.CharField(label=_("Nomor surat pembukaan"), max_length=100)
    restatement_reason = reason_field()

    def __init__(self, *args, blokir=None, **kwargs):
        if blokir is not None:
            kwargs.setdefault("prefix", f"buka-{blokir.pk}")
            kwargs.setdefault("initial", {}).setdefault(
                "amount", f"{blokir.amount:,}".replace(",", ".")
            )
        super().__init__(*args, **kwargs)

    def clean_amount(self) -> int:
        return _rupiah(self.cleaned_data["amount"])


class RevisionForm(forms.Form):
    unit = UnitChoiceField(label=_("Satker"), queryset=Unit.objects.none())
    ta = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Revisi ke"), min_value=1, max_value=99)
    date = forms.DateField(
        label=_("Tanggal pengesahan"), input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )
    kind_code = forms.CharField(
        label=_("Kode jenis revisi"),
        required=False,
        max_length=3,
        help_text=_("3 digit; menentukan apakah revisi dihitung pada IKPA (revisi pagu tetap)."),
    )
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=250)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = importable_units(user)


class SignOffForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Bulan"), coerce=int, choices=())

    def __init__(self, *args, months: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(month_choices())
        self.fields["month"].choices = [(m, labels[m]) for m in months]
