"""Forms of the duplicate review pages; the services validate again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from atensi.registry.forms import DATE_INPUT_FORMATS

from .models import PairStatus, Verdict


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (PairStatus.OPEN, _("Menunggu tinjauan")),
            (PairStatus.UNSURE, _("Belum yakin")),
            (PairStatus.SAME, _("Orang yang sama (belum digabung)")),
            (PairStatus.DIFFERENT, _("Orang berbeda")),
            (PairStatus.MERGED, _("Sudah digabung")),
        ],
        required=False,
    )
    order = forms.ChoiceField(
        label=_("Urutan"),
        choices=[
            ("score", _("Peluang tertinggi dulu")),
            ("impact", _("Kasus aktif terbanyak dulu")),
        ],
        required=False,
    )


class RunForm(forms.Form):
    purpose = forms.CharField(
        label=_("Tujuan pencarian"),
        max_length=250,
        help_text=_("Dicatat sebagai catatan pemrosesan data pribadi (UU PDP Pasal 31)."),
    )
    unit = forms.ChoiceField(label=_("Cakupan"), required=False)

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit_choices is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [("", _("Semua yang boleh saya lihat")), *unit_choices]


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Keputusan"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya: NIK dan nama ibu sama; atau: saudara kembar, tanggal lahir sama."),
    )


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=_("Data yang dipertahankan"), coerce=int, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Alasan penggabungan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_(
            "Saya sudah memeriksa kedua data. Kasus, layanan, dokumen, keluarga dan persetujuan "
            "akan dipindah ke data yang dipertahankan (bisa dibatalkan)."
        )
    )

    def __init__(self, *args, pair=None, **kwargs):
        # Its own ids: the decision form on the same page has a `reason` field too.
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [
            (p.pk, f"{p.full_name} ({p.registry_id}, {p.unit.name})")
            for p in (pair.person_a, pair.person_b)
        ]


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("Kembalikan semua data dan tautan seperti sebelum digabung.")
    )


class LiveCheckForm(forms.Form):
    """The identity fields of the registration form, as far as they are typed."""

    nik = forms.CharField(required=False, max_length=40)
    no_kk = forms.CharField(required=False, max_length=40)
    full_name = forms.CharField(required=False, max_length=150)
    sex = forms.CharField(required=False, max_length=1)
    birth_date = forms.DateField(required=False, input_formats=DATE_INPUT_FORMATS)
    birth_place = forms.CharField(required=False, max_length=100)
    address = forms.CharField(required=False, max_length=250)
    village = forms.CharField(required=False, max_length=13)
    phone = forms.CharField(required=False, max_length=20)
