"""Django admin for users: role, unit and lock state, built on Django's UserAdmin.

Groups and API tokens are not master data here: roles carry the permissions (access.py) and a
token is a credential, handed out by `atensi user token`.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy

from atensi.common.audit import audit_record, diff, snapshot

from .models import User
from .services import user_create

USER_AUDITED_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "unit",
    "is_active",
    "is_staff",
    "is_superuser",
    "failed_logins",
    "locked_until",
]


class UserAddForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "role", "unit", "first_name", "last_name", "email")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class LockedFilter(admin.SimpleListFilter):
    title = _("status kunci")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("terkunci")), ("no", _("tidak terkunci"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(locked_until__gt=now)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ["username", "full_name", "role", "unit", "is_active", "is_locked", "last_login"]
    list_filter = ["role", "is_active", LockedFilter, ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["failed_logins", "last_login", "date_joined"]
    actions = ["unlock"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Data pribadi"), {"fields": ["first_name", "last_name", "email", "phone"]}),
        (_("Peran dan unit"), {"fields": ["role", "unit"]}),
        (
            _("Status akun"),
            {"fields": ["is_active", "failed_logins", "locked_until", "last_login", "date_joined"]},
        ),
        (
            _("Hak akses admin Django"),
            {"classes": ["collapse"], "fields": ["is_staff", "is_superuser"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "role",
                    "unit",
                    "first_name",
                    "last_name",
                    "email",
                ],
            },
        ),
    ]
    filter_horizontal: list[str] = []

    @admin.display(description=_("nama"), ordering="first_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    @admin.display(description=_("terkunci"), boolean=True)
    def is_locked(self, user: User) -> bool:
        return bool(user.locked_until and user.locked_until > timezone.now())

    def save_model(self, request, obj, form, change):
        if not change:
            # The same service as `atensi user add`: role rules, password policy and the audit row.
            created = user_create(
                actor=request.user,
                username=obj.username,
                password=form.cleaned_data["password1"],
                role=obj.role,
                unit=obj.unit,
                first_name=obj.first_name,
                last_name=obj.last_name,
                email=obj.email,
            )
            obj.pk, obj.password = created.pk, created.password
            obj.is_staff, obj.is_superuser = created.is_staff, created.is_superuser
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        old = snapshot(User.objects.get(pk=obj.pk), USER_AUDITED_FIELDS)
        super().save_model(request, obj, form, change)
        changes = diff(old, snapshot(obj, USER_AUDITED_FIELDS))
        if changes:
            audit_record(actor=request.user, action="update", obj=obj, changes=changes)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_record(
                    actor=request.user,
                    action="update",
                    obj=user,
                    changes={"password": ["(rahasia)", "(diganti)"]},
                )
        return response

    def has_delete_permission(self, request, obj=None):
        # Users stay as the actors of their audit rows; deactivate them instead.
        return False

    @admin.action(description=_("Buka kunci akun terpilih"))
    def unlock(self, request, queryset):
        count = 0
        with transaction.atomic():
            locked = Q(locked_until__isnull=False) | Q(failed_logins__gt=0)
            for user in queryset.select_for_update().filter(locked):
                old = snapshot(user, ["failed_logins", "locked_until"])
                user.failed_logins = 0
                user.locked_until = None
                user.save(update_fields=["failed_logins", "locked_until"])
                audit_record(
                    actor=request.user,
                    action="update",
                    obj=user,
                    changes=diff(old, snapshot(user, ["failed_logins", "locked_until"])),
                )
                count += 1
        self.message_user(
            request,
            ngettext("%d akun dibuka kuncinya.", "%d akun dibuka kuncinya.", count) % count,
            messages.SUCCESS,
        )


# Master data only: permissions come from roles, and tokens are credentials, not records to edit.
for model in (Group, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
