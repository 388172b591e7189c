"""Django admin for the organisation's master data: units (editable) and region codes.

Changes made here are audited like any other: the admin is a front door, not a back door.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from atensi.common.audit import audit_record, diff, snapshot

from .models import Region, RegionLevel, TargetGroup, Unit
from .selectors import region_codes_changed

UNIT_AUDITED_FIELDS = [
    "code",
    "name",
    "type",
    "parent",
    "target_groups",
    "city",
    "province",
    "regency",
    "residential_capacity",
    "former_focus",
    "note",
    "is_active",
]
_PICKER_LEVELS = {
    ("unit", "province"): RegionLevel.PROVINCE,
    ("unit", "regency"): RegionLevel.REGENCY,
}
REGION_AUDITED_FIELDS = ["code", "level", "name", "parent", "valid_until", "successor", "source"]


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row for every add, change and delete, in the admin's own transaction."""

    audited_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        old = {}
        if change:
            old = snapshot(type(obj).objects.get(pk=obj.pk), self.audited_fields)
        super().save_model(request, obj, form, change)
        changes = diff(old, snapshot(obj, self.audited_fields))
        if changes or not change:
            audit_record(
                actor=request.user,
                action="update" if change else "create",
                obj=obj,
                changes=changes,
            )

    def delete_model(self, request, obj):
        old = snapshot(obj, self.audited_fields)
        audit_record(
            actor=request.user,
            action="delete",
            obj=obj,
            changes={k: [v, None] for k, v in old.items()},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class UnitAdminForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("klaster"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untuk direktorat: klaster yang menjadi tanggung jawabnya secara nasional."),
    )

    class Meta:
        model = Unit
        fields = UNIT_AUDITED_FIELDS

    def clean(self):
        cleaned = super().clean()
        province, regency = cleaned.get("province"), cleaned.get("regency")
        if province and province.level != RegionLevel.PROVINCE:
            self.add_error("province", _("Pilih kode provinsi (2 digit), bukan wilayah lain."))
        if regency and regency.level != RegionLevel.REGENCY:
            self.add_error("regency", _("Pilih kode kabupaten/kota (misalnya 31.75)."))
        elif regency and province and regency.parent_id != province.code:
            self.add_error(
                "regency",
                _("%(regency)s tidak berada di %(province)s.")
                % {"regency": regency.name, "province": province.name},
            )
        return cleaned


class ResidentialFilter(admin.SimpleListFilter):
    title = _("layanan residensial")
    parameter_name = "residential"

    def lookups(self, request, model_admin):
        return [("yes", _("ada tempat tidur")), ("no", _("tanpa tempat tidur"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(residential_capacity__gt=0)
        if self.value() == "no":
            return queryset.filter(residential_capacity=0)
        return queryset


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    form = UnitAdminForm
    audited_fields = UNIT_AUDITED_FIELDS
    list_display = [
        "code",
        "name",
        "type",
        "city",
        "province",
        "residential_capacity",
        "is_active",
    ]
    list_filter = [
        "type",
        "is_active",
        ResidentialFilter,
        ("province", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["province"]
    search_fields = ["code", "name", "city"]
    autocomplete_fields = ["parent", "province", "regency"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "type", "parent", "is_active"]}),
        (_("Tempat"), {"fields": ["city", "province", "regency"]}),
        (
            _("Layanan"),
            {"fields": ["target_groups", "residential_capacity", "former_focus", "note"]},
        ),
        (_("Riwayat"), {"fields": ["created_at", "updated_at"]}),
    ]


class CurrentFilter(admin.SimpleListFilter):
    title = _("status kode")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("berlaku")), ("retired", _("tidak berlaku lagi"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(valid_until__isnull=True)
        if self.value() == "retired":
            return queryset.filter(valid_until__isnull=False)
        return queryset


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    """Read-mostly: codes come from `atensi regions load`; a missing retired code may be added.

    Deleting is not offered: NIKs and addresses keep pointing at codes long after they change.
    """

    audited_fields = REGION_AUDITED_FIELDS
    list_display = ["code", "name", "level", "parent", "valid_until", "successor"]
    list_filter = ["level", CurrentFilter]
    list_select_related = ["parent", "successor"]
    search_fields = ["^code", "name"]
    autocomplete_fields = ["parent", "successor"]
    list_per_page = 50
    # Counting 92k rows on every page is wasted work for a list that is always searched.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The unit form's province and regency pickers offer only regions of that level.
        wanted = _PICKER_LEVELS.get((request.GET.get("model_name"), request.GET.get("field_name")))
        if wanted:
            queryset = queryset.filter(level=wanted, valid_until__isnull=True)
        return queryset, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["code", "level", "parent", "source"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # NIK checks keep the province/regency/district codes in memory.
        region_codes_changed()
