"""Reads of budget figures that depend on who asks: every figure passes through the user's scope.

Finance officers and heads see their own satker; the centre, directorate analysts, auditors and
administrators see all satker and the eselon I (rules in accounts/access.py). A satker outside
the caller's scope is "not found", never "forbidden", so its existence is not revealed.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from atensi.accounts.access import budget_sees_all_units, can_read_budget
from atensi.common.errors import NotFound, PermissionDenied
from atensi.organisation.models import Unit

from . import figures as fig
from .forecast import forecasts
from .models import ImportBatch, Output, PeriodLock, Restatement


def _require_reader(user) -> None:
    if not can_read_budget(user):
        raise PermissionDenied(_("Peran Anda tidak boleh melihat data anggaran."))


def budget_units_visible_to(user) -> QuerySet[Unit]:
    """Returns the units whose budget figures `user` may see."""
    if not can_read_budget(user):
        return Unit.objects.none()
    if budget_sees_all_units(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk=user.unit_id)


def budget_unit_get(user, code: str) -> Unit:
    """Returns the unit with this satker code if `user` may see its figures, else NotFound."""
    _require_reader(user)
    unit = budget_units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise NotFound(_("Satker %s tidak ditemukan.") % code)
    return unit


def _scope(user) -> list[int] | None:
    """Returns the unit ids `user` may see, or None for all."""
    _require_reader(user)
    return None if budget_sees_all_units(user) else [user.unit_id]


def satker_scores_for(user, ta: int, period: fig.Period) -> dict:
    """Every visible satker's figures for `ta` (and the eselon I's for those who see all)."""
    scope = _scope(user)
    return fig.score_table(ta, period, scope, eselon1=scope is None)


def satker_detail_for(user, code: str, ta: int, period: fig.Period) -> dict:
    """One satker's figures with their components, breakdown and S-curve."""
    unit = budget_unit_get(user, code)
    data = fig.budget_data(ta, [unit.pk])
    rules = fig.rules_for(ta)
    data.units.setdefault(unit.pk, unit)
    figures = fig.satker_figures(data, period, rules, [unit.pk])[0]
    return {
        "ta": ta,
        "period": period.as_dict(),
        "rule_sets": rules.as_dict(),
        "figures": fig.figures_json(figures),
        "breakdown": fig.realisation_breakdown(data, [unit.pk], period),
        "s_curve": fig.s_curve(data, [unit.pk], period),
    }


def eselon1_detail_for(user, ta: int, period: fig.Period) -> dict:
    """The eselon I's figures (all satker pooled), for those who see all satker."""
    if _scope(user) is not None:
        raise NotFound(_("Angka eselon I hanya untuk pengguna yang melihat semua satker."))
    data = fig.budget_data(ta)
    rules = fig.rules_for(ta)
    ids = data.unit_ids()
    return {
        "ta": ta,
        "period": period.as_dict(),
        "rule_sets": rules.as_dict(),
        "figures": fig.figures_json(fig.eselon1_figures(data, period, rules)),
        "breakdown": fig.realisation_breakdown(data, ids, period),
        "s_curve": fig.s_curve(data, ids, period),
    }


def s_curve_for(user, ta: int, period: fig.Period, code: str | None = None) -> dict:
    """Plan against realisation by month for a satker, or for all visible satker together."""
    ids = [budget_unit_get(user, code).pk] if code else _scope(user)
    data = fig.budget_data(ta, ids)
    unit_ids = ids if ids is not None else data.unit_ids()
    return {
        "ta": ta,
        "period": period.as_dict(),
        "unit": code or None,
        "months": fig.s_curve(data, unit_ids, period),
    }


def rankings_for(user, ta: int, period: fig.Period, by: str) -> dict:
    """Ranks all satker; those who see one satker get its own row (rank among all) only."""
    scope = _scope(user)
    data = fig.budget_data(ta)
    rules = fig.rules_for(ta)
    satker = fig.satker_figures(data, period, rules)
    ranked = fig.rankings(satker, by)
    if scope is not None:
        codes = set(Unit.objects.filter(pk__in=scope).values_list("code", flat=True))
        ranked = [r for r in ranked if r["code"] in codes]
    return {
        "ta": ta,
        "period": period.as_dict(),
        "by": by,
        "count": len(satker),
        "ranking": ranked,
        "awards": fig.awards(satker, ta) if scope is None else None,
    }


def forecasts_for(user, ta: int, period: fig.Period, code: str | None = None) -> list[dict]:
    """Year-end forecasts and quarter warnings of the visible satker (or of one)."""
    ids = [budget_unit_get(user, code).pk] if code else _scope(user)
    return forecasts(ta, period, ids)


def reconciliation_for(user, ta: int, month: int, code: str | None = None) -> list[dict]:
    """Service RO volumes reported by hand beside those found in cases, for visible satker."""
    ids = [budget_unit_get(user, code).pk] if code else _scope(user)
    return fig.output_reconciliation(ta, ids, month)


def periods_for(user, ta: int, code: str) -> dict:
    """A satker's signed-off months and the restatements made to them or during them."""
    unit = budget_unit_get(user, code)
    locks = list(PeriodLock.objects.filter(ta=ta, unit=unit).select_related("signed_off_by"))
    restatements = list(
        Restatement.objects.filter(
            Q(lock__ta=ta, lock__unit=unit) | Q(lock__unit=unit, reported_ta=ta)
        )
        .select_related("lock", "made_by")
        .order_by("made_at", "id")
    )
    return {"unit": unit, "locks": locks, "restatements": restatements}


def restatements_for_period(user, code: str, ta: int, month: int) -> list[Restatement]:
    """Restatements visible in a month: those correcting it and those made during it."""
    unit = budget_unit_get(user, code)
    return list(
        Restatement.objects.filter(
            Q(lock__ta=ta, lock__month=month, lock__unit=unit)
            | Q(lock__unit=unit, reported_ta=ta, reported_month=month)
        )
        .select_related("lock", "made_by")
        .order_by("made_at", "id")
    )


def import_batches_for(user, limit: int = 50) -> QuerySet[ImportBatch]:
    """The latest imports: one's own, or everyone's for those who see all satker."""
    _require_reader(user)
    batches = ImportBatch.objects.select_related("imported_by")
    if not budget_sees_all_units(user):
        batches = batches.filter(imported_by=user)
    return batches.order_by("-imported_at", "-id")[:limit]


def output_by_code(unit: Unit, ta: int, code: str) -> Output | None:
    """Returns the satker's RO in the TA's DIPA by its full code (kegiatan.KRO.RO), or None."""
    parts = code.strip().split(".")
    if len(parts) != 3:
        return None
    return Output.objects.filter(
        ta=ta, unit=unit, kegiatan_code=parts[0], kro_code=parts[1], ro_code=parts[2]
    ).first()
