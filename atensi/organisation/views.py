"""Pages about regions and units: the region search that every address field uses."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .models import Region, RegionLevel
from .selectors import region_label, regions_search

# Enough to pick from on a phone; a longer list means the query should be longer.
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2


class RegionSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    level = forms.ChoiceField(required=False, choices=[("", "")] + RegionLevel.choices)
    parent = forms.RegexField(required=False, regex=r"^\d{2}(\.\d{2}){0,2}$", max_length=8)
    selected = forms.CharField(required=False, max_length=13)
    include_retired = forms.BooleanField(required=False)
    format = forms.ChoiceField(
        required=False, choices=[("", ""), ("options", "options"), ("list", "list")]
    )


@login_required
@require_GET
def region_search(request):
    """Answers the address boxes: the regions matching `q`, as <option>s (or a list)."""
    form = RegionSearchForm(request.GET)
    template = (
        "organisation/partials/region_list.html"
        if request.GET.get("format") == "list"
        else "organisation/partials/region_options.html"
    )
    if not form.is_valid():
        return render(
            request,
            template,
            {"error": _("Permintaan pencarian wilayah tidak valid."), "errors": form.errors},
            status=400,
        )
    data = form.cleaned_data
    query = " ".join(data["q"].split())
    selected = None
    if data["selected"]:
        selected = (
            Region.objects.select_related("parent__parent__parent")
            .filter(code=data["selected"])
            .first()
        )
    regions, too_short = [], len(query) < SEARCH_MIN_LENGTH and not data["parent"]
    if not too_short:
        regions = list(
            regions_search(
                query=query,
                level=data["level"],
                parent=data["parent"],
                include_retired=data["include_retired"],
            )[: SEARCH_LIMIT + 1]
        )
    more = len(regions) > SEARCH_LIMIT
    choices = [(r.code, region_label(r)) for r in regions[:SEARCH_LIMIT] if r != selected]
    return render(
        request,
        template,
        {
            "query": query,
            "choices": choices,
            "selected": (selected.code, region_label(selected)) if selected else None,
            "too_short": too_short,
            "min_length": SEARCH_MIN_LENGTH,
            "more": more,
            "limit": SEARCH_LIMIT,
        },
    )
