"""Registry pages: thin front doors over the registry selectors and services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from atensi.accounts.access import (
    can_erase_person,
    can_read_duplicates,
    can_read_person_history,
    can_read_registry,
    can_write_registry,
    sees_many_units,
)
from atensi.common.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.common.pages import is_htmx, page_gate
from atensi.lib.nik import check_nik
from atensi.organisation.models import Region, Unit

from .forms import (
    ConsentForm,
    FamilyMemberForm,
    NikCheckForm,
    PersonFilterForm,
    PersonForm,
    ReasonForm,
    apply_error,
)
from .models import Consent, FamilyMember, Person
from .selectors import (
    person_get,
    person_merge_in_force,
    person_search,
    persons_listed,
    persons_merged_into,
    persons_visible_to,
)
from .services import (
    consent_record,
    consent_withdraw,
    family_member_add,
    family_member_remove,
    person_check_not_merged,
    person_create,
    person_delete,
    person_open,
    person_update,
)
from .validation import NIK_MESSAGES, validate_person

PAGE_SIZE = 25
SEARCH_LIMIT = 50
HISTORY_ROWS = 20


registry_page = page_gate(
    can_read_registry,
    gettext_lazy("Peran Anda tidak mempunyai akses ke registri penerima manfaat."),
    shown=(NotFound, PermissionDenied, Conflict),
)


def _require_writer(user) -> None:
    if not can_write_registry(user):
        raise PermissionDenied(_("Peran Anda hanya boleh membaca registri, tidak mengubahnya."))


def _regions_search_url() -> str:
    try:
        return reverse("regions:search")
    except NoReverseMatch:
        return ""


def region_chain(code: str | None) -> list[Region]:
    """Returns a region and its parents, province first, in one query."""
    if not code:
        return []
    parts = code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    found = Region.objects.in_bulk(codes)
    return [found[c] for c in codes if c in found]


# ---------------------------------------------------------------------------------------------
# List and search


def _filtered(persons, data: dict):
    if data.get("target_group"):
        persons = persons.filter(target_group=data["target_group"])
    if data.get("sex"):
        persons = persons.filter(sex=data["sex"])
    if data.get("unit"):
        persons = persons.filter(unit_id=data["unit"])
    if data.get("nik_warnings"):
        persons = persons.exclude(nik_warnings=[])
    if data.get("no_nik"):
        persons = persons.filter(nik__isnull=True)
    return persons


@registry_page
def person_list(request):
    """The persons the user may see, searchable and filterable; htmx gets the results only."""
    user = request.user
    unit_choices = (
        list(Unit.objects.filter(is_active=True).order_by("name").values_list("pk", "name"))
        if sees_many_units(user)
        else None
    )
    form = PersonFilterForm(request.GET, unit_choices=unit_choices)
    form.is_valid()  # a bad value drops only its own filter: cleaned_data keeps the others
    data = form.cleaned_data
    persons = _filtered(persons_visible_to(user), data)
    include_merged = bool(data.get("include_merged"))
    query = (data.get("q") or "").strip()
    context = {"form": form, "query": query, "page_obj": None, "persons": []}
    if query:
        context["persons"] = person_search(
            persons, query, limit=SEARCH_LIMIT, include_merged=include_merged
        )
        context["search_limit"] = SEARCH_LIMIT
    else:
        # Newest first: the (unit, -created_at) index serves a sentra's list.
        ordered = (
            persons_listed(persons, include_merged=include_merged)
            .select_related("unit")
            .order_by("-created_at", "-id")
        )
        page_obj = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page_obj=page_obj, persons=page_obj.object_list)
    context["show_unit"] = unit_choices is not None
    template = "registry/partials/results.html" if is_htmx(request) else "registry/list.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Create and edit


def _form_context(form, **extra) -> dict:
    village = form["village"].value() or ""
    return {
        "form": form,
        "regions_search_url": _regions_search_url(),
        "village_regions": region_chain(village.strip()) if village else [],
        **extra,
    }


def _report_warnings(request, person: Person) -> None:
    for code in person.nik_warnings:
        messages.warning(request, str(NIK_MESSAGES.get(code, code)))


@registry_page
@require_http_methods(["GET", "POST"])
def person_create_view(request):
    """Registers a person through services.person_create."""
    user = request.user
    _require_writer(user)
    units = Unit.objects.filter(is_active=True).order_by("name") if user.is_national else None
    form = PersonForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(actor=user, **form.person_values())
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s terdaftar dengan nomor %(id)s.")
                % {"name": person.full_name, "id": person.registry_id},
            )
            _report_warnings(request, person)
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/form.html", _form_context(form, person=None))


def _shown(field, value) -> str:
    if value in (None, "", []):
        return "–"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, (list, tuple)):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(choices.get(value, value))


def _changed_elsewhere(form: PersonForm, current: Person) -> list[dict]:
    """Lists the fields where the saved record differs from what the user typed."""
    saved = PersonForm.initial_for(current)
    typed = form.cleaned_data
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in typed:
            continue
        mine, theirs = typed[name], saved.get(name)
        if (mine or None) != (theirs or None):
            rows.append(
                {"label": field.label, "saved": _shown(field, theirs), "mine": _shown(field, mine)}
            )
    return rows


@registry_page
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    """Changes a person through services.person_update, refusing stale saves without losing input."""
    user = request.user
    if request.method == "GET":
        person = person_get(user, pk)
        _require_writer(user)
        person_check_not_merged(person.pk)
        # Opening the form shows the whole record: audit it like the detail page.
        person = person_open(actor=user, pk=pk)
        form = PersonForm(initial=PersonForm.initial_for(person), with_version=True)
        return render(request, "registry/form.html", _form_context(form, person=person))

    person = person_get(user, pk)
    _require_writer(user)
    person_check_not_merged(person.pk)
    form = PersonForm(request.POST, with_version=True)
    conflict_rows = None
    if form.is_valid():
        values = form.person_values()
        try:
            updated = person_update(
                actor=user,
                person=person,
                expected_version=form.cleaned_data["version"],
                **values,
            )
        except Conflict as exc:
            current = person_get(user, pk)
            # Keep everything the user typed; carry the current version so that saving again,
            # after comparing, is a deliberate overwrite rather than an endless refusal.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = PersonForm(data, with_version=True)
            form.is_valid()
            form.add_error(None, str(exc.message))
            conflict_rows = _changed_elsewhere(form, current)
            person = current
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            if updated.version == person.version:
                messages.info(request, _("Tidak ada perubahan."))
            else:
                messages.success(request, _("Perubahan tersimpan."))
                _report_warnings(request, updated)
            return redirect("registry:detail", pk=updated.pk)
    return render(
        request,
        "registry/form.html",
        _form_context(form, person=person, conflict_rows=conflict_rows),
        status=409 if conflict_rows is not None else 200,
    )


@registry_page
@require_POST
def nik_check(request):
    """Checks the NIK typed so far with the registry's rules: errors block, warnings inform."""
    form = NikCheckForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    nik = (data.get("nik") or "").strip()
    context = {"nik": nik}
    if nik:
        check = validate_person(
            {
                "nik": nik,
                "birth_date": data.get("birth_date"),
                "sex": data.get("sex") or None,
                "no_nik_reason": data.get("no_nik_reason") or "",
            }
        )
        # Decoded again only to show what the NIK says (region, birth date, sex).
        decoded = check_nik(nik, birth_date=data.get("birth_date"))
        context.update(
            errors=check.errors.get("nik", []) + check.errors.get("no_nik_reason", []),
            warnings=check.warning_messages(),
            decoded=decoded if not check.errors.get("nik") else None,
            regions=region_chain(decoded.district_code) if decoded.district_code else [],
        )
    return render(request, "registry/partials/nik_check.html", context)


# ---------------------------------------------------------------------------------------------
# Detail, family, consents


def _consent_state(consents: list[Consent]) -> dict:
    active = [c for c in consents if c.is_active]
    withdrawn = [c for c in consents if not c.is_active]
    return {"consents": consents, "consent_stopped": bool(withdrawn) and not active}


def _family_context(person, form=None) -> dict:
    return {
        "person": person,
        "family": list(person.family.all()),
        "family_form": form or FamilyMemberForm(),
    }


def _consent_context(person, form=None, withdraw_errors=None) -> dict:
    return {
        "person": person,
        **_consent_state(list(person.consents.select_related("recorded_by"))),
        "consent_form": form
        or ConsentForm(initial={"given_at": timezone.localtime().replace(second=0, microsecond=0)}),
        "withdraw_errors": withdraw_errors or {},
    }


def _may(user, person) -> dict:
    # The person is already known to be in the user's scope (it came from a selector).
    # A merged record is kept as it was: changes go to the record it was merged into.
    merged = getattr(person, "merged_into_id", None) is not None
    return {
        "may_write": can_write_registry(user) and not merged,
        "may_erase": can_erase_person(user),
    }


def _merge_context(user, person) -> dict:
    """The merge that joined this record into another one, and the records joined into it."""
    merge = person_merge_in_force(person.pk) if person.merged_into_id else None
    return {
        "merge": merge,
        "survivor_visible": merge is not None
        and persons_visible_to(user).filter(pk=merge.survivor_id).exists(),
        "merged_here": persons_merged_into(person.pk),
        "may_read_merges": can_read_duplicates(user),
    }


@registry_page
def person_detail(request, pk):
    """Shows one person and records the view in the audit trail (services.person_open)."""
    user = request.user
    person = person_open(actor=user, pk=pk)
    history = None
    if can_read_person_history(user):
        history = list(
            AuditLog.objects.filter(
                object_type=Person._meta.label_lower, object_id=str(person.pk)
            ).order_by("-at", "-id")[:HISTORY_ROWS]
        )
    context = {
        "person": person,
        "regions": region_chain(person.village_id),
        "nik_warning_messages": [str(NIK_MESSAGES.get(c, c)) for c in person.nik_warnings],
        "history": history,
        **_may(user, person),
        **_merge_context(user, person),
        **_family_context(person),
        **_consent_context(person),
    }
    return render(request, "registry/detail.html", context)


def _section(request, person, template: str, context: dict):
    if is_htmx(request):
        # oob: the consent banner at the top of the page is refreshed along with the section.
        return render(request, template, {**context, **_may(request.user, person), "oob": True})
    return redirect("registry:detail", pk=person.pk)


def _flash_errors(request, form) -> None:
    # Without htmx the section is not re-rendered in place: show the refusal on the next page.
    if not is_htmx(request):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)


@registry_page
@require_POST
def family_add(request, pk):
    """Adds a family member or guardian (services.family_member_add)."""
    person = person_get(request.user, pk)
    _require_writer(request.user)
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        try:
            family_member_add(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            form = None
    if form is not None:
        _flash_errors(request, form)
    return _section(request, person, "registry/partials/family.html", _family_context(person, form))


@registry_page
@require_POST
def family_remove(request, pk, member_pk):
    """Removes a family member (services.family_member_remove)."""
    person = person_get(request.user, pk)
    _require_writer(request.user)
    member = get_object_or_404(FamilyMember, pk=member_pk, person=person)
    try:
        family_member_remove(actor=request.user, member=member)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _section(request, person, "registry/partials/family.html", _family_context(person))


@registry_page
@require_POST
def consent_add(request, pk):
    """Records a consent or other legal basis (services.consent_record)."""
    person = person_get(request.user, pk)
    _require_writer(request.user)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_record(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            form = None
    if form is not None:
        _flash_errors(request, form)
    return _section(
        request, person, "registry/partials/consents.html", _consent_context(person, form)
    )


@registry_page
@require_POST
def consent_withdraw_view(request, pk, consent_pk):
    """Withdraws a consent with a reason (services.consent_withdraw)."""
    person = person_get(request.user, pk)
    _require_writer(request.user)
    consent = get_object_or_404(Consent, pk=consent_pk, person=person)
    form = ReasonForm(request.POST)
    form.is_valid()
    withdraw_errors = {}
    try:
        consent_withdraw(
            actor=request.user, consent=consent, reason=form.cleaned_data.get("reason", "")
        )
    except ApplicationError as exc:
        apply_error(form, exc, renames={"withdrawn_reason": "reason"})
        withdraw_errors[consent.pk] = [e for errors in form.errors.values() for e in errors]
        _flash_errors(request, form)
    return _section(
        request,
        person,
        "registry/partials/consents.html",
        _consent_context(person, withdraw_errors=withdraw_errors),
    )


# ---------------------------------------------------------------------------------------------
# Erasure


@registry_page
@require_http_methods(["GET", "POST"])
def person_delete_view(request, pk):
    """Erases a person's record with a reason (services.person_delete); administrators only."""
    user = request.user
    person = person_get(user, pk)
    if not can_erase_person(user):
        raise PermissionDenied(_("Hanya administrator nasional yang boleh menghapus data orang."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_delete(actor=user, person=person, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Data %(id)s telah dihapus; jejak audit mencatat penghapusan ini.")
                % {"id": person.registry_id},
            )
            return redirect("registry:list")
    return render(request, "registry/delete.html", {"person": person, "form": form})
