"""Duplicate review pages: thin doors over dedup.selectors and dedup.services."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from atensi.accounts.access import (
    can_merge_persons,
    can_read_duplicates,
    can_review_duplicates,
    can_write_registry,
    sees_many_units,
)
from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError
from atensi.common.pages import is_htmx, page_gate
from atensi.organisation.models import Unit

from .forms import (
    DecisionForm,
    LiveCheckForm,
    MergeForm,
    QueueFilterForm,
    RunForm,
    UnmergeForm,
)
from .labels import explained_fields
from .live import likely_existing
from .matching import parent_names
from .models import PairStatus, RunStatus
from .selectors import (
    active_merge_of,
    merge_get,
    merges_visible_to,
    pair_get,
    review_queue,
    runs_visible_to,
)
from .services import (
    active_case_counts,
    dedup_run_in_background,
    dedup_run_start,
    pair_decide,
    person_merge,
    person_unmerge,
)

PAGE_SIZE = 25


dedup_page = page_gate(
    can_read_duplicates, gettext_lazy("Peran Anda tidak mempunyai akses ke tinjauan duplikat.")
)


def _unit_choices(user):
    if not sees_many_units(user):
        return None
    return list(Unit.objects.filter(is_active=True).order_by("name").values_list("code", "name"))


@dedup_page
def queue(request):
    """Candidate pairs to review, likeliest (or most active cases) first; htmx gets the list."""
    user = request.user
    form = QueueFilterForm(request.GET)
    form.is_valid()
    status = form.cleaned_data.get("status") or PairStatus.OPEN
    order = form.cleaned_data.get("order") or "score"
    pairs = review_queue(user, status=status, order=order)
    page_obj = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "pairs": page_obj.object_list,
        "run_form": RunForm(unit_choices=_unit_choices(user)),
        "may_run": can_review_duplicates(user),
        "last_run": runs_visible_to(user).first(),
    }
    template = "dedup/partials/pairs.html" if is_htmx(request) else "dedup/queue.html"
    return render(request, template, context)


@dedup_page
@require_POST
def run_start(request):
    """Runs the matching over the user's scope (or one unit) with the purpose given."""
    user = request.user
    form = RunForm(request.POST, unit_choices=_unit_choices(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dedup:queue")
    code = form.cleaned_data.get("unit") or None
    unit = Unit.objects.get(code=code) if code else None
    try:
        run = dedup_run_start(actor=user, unit=unit, purpose=form.cleaned_data["purpose"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("dedup:queue")
    dedup_run_in_background(run)
    messages.success(
        request,
        _("Pencarian duplikat dimulai; pasangan yang ditemukan masuk antrean tinjauan."),
    )
    return redirect("dedup:runs")


@dedup_page
def runs(request):
    """Every run in the user's scope: who, when, why, over what, and what it found."""
    page_obj = Paginator(runs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "runs": page_obj.object_list,
        "running": any(
            run.status == RunStatus.RUNNING and not run.is_stale for run in page_obj.object_list
        ),
    }
    template = "dedup/partials/runs_table.html" if is_htmx(request) else "dedup/runs.html"
    return render(request, template, context)


ROWS = [
    ("registry_id", _("Nomor registri")),
    ("nik", _("NIK")),
    ("no_kk", _("No. KK")),
    ("full_name", _("Nama lengkap")),
    ("sex", _("Jenis kelamin")),
    ("birth", _("Tempat, tanggal lahir")),
    ("address", _("Alamat")),
    ("village", _("Desa/kelurahan")),
    ("phone", _("Telepon")),
    ("parent", _("Nama ibu/ayah")),
    ("unit", _("Unit pendaftar")),
    ("cases", _("Kasus aktif")),
    ("registered", _("Didaftarkan")),
]


def _side_by_side(pair) -> list[dict]:
    a, b = pair.person_a, pair.person_b
    parents = parent_names([a.pk, b.pk])
    cases = active_case_counts()

    def value(person, key) -> str:
        if key == "sex":
            return person.get_sex_display()
        if key == "birth":
            date = person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "–"
            return f"{person.birth_place}, {date}" if person.birth_place else date
        if key == "village":
            return person.village.name if person.village_id else ""
        if key == "parent":
            return parents.get(person.pk, "")
        if key == "unit":
            return person.unit.name
        if key == "cases":
            return str(cases.get(person.pk, 0))
        if key == "registered":
            return person.created_at.strftime("%d-%m-%Y")
        return str(getattr(person, key) or "")

    rows = []
    for key, label in ROWS:
        left, right = value(a, key) or "–", value(b, key) or "–"
        rows.append({"label": label, "a": left, "b": right, "same": left == right != "–"})
    return rows


def _pair_context(request, pair, **extra) -> dict:
    user = request.user
    may_decide = can_review_duplicates(user) and pair.status != PairStatus.MERGED
    may_merge = can_merge_persons(user) and pair.status == PairStatus.SAME
    explanation = pair.explanation or {}
    return {
        "pair": pair,
        "rows": _side_by_side(pair),
        "fields": explained_fields(explanation),
        "prior_weight": explanation.get("prior_weight"),
        "match_weight": explanation.get("match_weight"),
        "decisions": pair.decisions.select_related("decided_by").all(),
        "may_decide": may_decide,
        "may_merge": may_merge,
        "decision_form": DecisionForm() if may_decide else None,
        "merge_form": MergeForm(pair=pair) if may_merge else None,
        "merge": next(iter(pair.merges.filter(undone_at__isnull=True)), None),
        **extra,
    }


@dedup_page
def pair_detail(request, pk):
    """One pair side by side, with the score explained field by field; reading it is audited."""
    pair = pair_get(request.user, pk)
    audit_record(actor=request.user, action="view", obj=pair)
    return render(request, "dedup/pair.html", _pair_context(request, pair))


@dedup_page
@require_POST
def pair_decide_view(request, pk):
    """Records a decision; htmx gets the refreshed decision and merge sections."""
    pair = pair_get(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            pair_decide(actor=request.user, pair=pair, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            pair = pair_get(request.user, pk)
            if not is_htmx(request):
                messages.success(request, _("Keputusan tersimpan."))
                return redirect("dedup:pair", pk=pair.pk)
            return render(request, "dedup/partials/decide.html", _pair_context(request, pair))
    context = _pair_context(request, pair, decision_form=form)
    template = "dedup/partials/decide.html" if is_htmx(request) else "dedup/pair.html"
    return render(request, template, context, status=400)


@dedup_page
@require_POST
def pair_merge_view(request, pk):
    """Merges the pair into the record chosen, after the confirmation box is ticked."""
    pair = pair_get(request.user, pk)
    form = MergeForm(request.POST, pair=pair)
    if form.is_valid():
        survivor_pk = form.cleaned_data["survivor"]
        survivor, merged = (
            (pair.person_a, pair.person_b)
            if survivor_pk == pair.person_a_id
            else (pair.person_b, pair.person_a)
        )
        try:
            merge = person_merge(
                actor=request.user,
                survivor=survivor,
                merged=merged,
                reason=form.cleaned_data["reason"],
                pair=pair,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("%(merged)s digabung ke %(survivor)s.")
                % {"merged": merged.registry_id, "survivor": survivor.registry_id},
            )
            return redirect("dedup:merge", pk=merge.pk)
    return render(
        request, "dedup/pair.html", _pair_context(request, pair, merge_form=form), status=400
    )


@dedup_page
def merges(request):
    """Merges in the user's scope, newest first, with the way to undo each."""
    page_obj = Paginator(merges_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dedup/merges.html",
        {
            "page_obj": page_obj,
            "merges": page_obj.object_list,
            "may_unmerge": can_merge_persons(request.user),
        },
    )


def _merge_context(request, merge, form=None) -> dict:
    links = merge.snapshot.get("links", [])
    counts: dict[str, int] = {}
    for link in links:
        name = str(apps.get_model(link["model"])._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + len(link["pks"])
    may_unmerge = can_merge_persons(request.user) and merge.undone_at is None
    return {
        "merge": merge,
        "counts": sorted(counts.items()),
        "may_unmerge": may_unmerge,
        "form": form or (UnmergeForm() if may_unmerge else None),
        "still_merged": active_merge_of(merge.survivor),
    }


@dedup_page
def merge_detail(request, pk):
    merge = merge_get(request.user, pk)
    return render(request, "dedup/merge.html", _merge_context(request, merge))


@dedup_page
@require_POST
def merge_undo(request, pk):
    """Undoes a merge after the confirmation box is ticked."""
    merge = merge_get(request.user, pk)
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            person_unmerge(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("Penggabungan dibatalkan; semua data kembali seperti semula.")
            )
            return redirect("dedup:merge", pk=merge.pk)
    return render(request, "dedup/merge.html", _merge_context(request, merge, form), status=400)


# ---------------------------------------------------------------------------------------------
# The live check on the registration form


@login_required
@require_http_methods(["POST"])
def live_check(request):
    """Warns, while a new person is typed, of persons already registered that may be them."""
    if not can_write_registry(request.user):
        return render(request, "dedup/partials/live_warning.html", {"found": []})
    typed = LiveCheckForm(request.POST)
    typed.is_valid()  # a half-typed date is left out; the rest still counts
    found = likely_existing(request.user, typed.cleaned_data)
    return render(request, "dedup/partials/live_warning.html", {"found": found})
