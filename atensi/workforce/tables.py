"""The tables of the workforce pages, built once for the page and for its Excel export."""

import functools
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import LoadFlag
from .exports import Cell, Table
from .fairness import Fairness
from .kpis import KPI_BY_CODE, KPIS, Figure, KpiRow, Period
from .rules import RuleBook
from .selectors import Caseload


def period_query(period: Period) -> dict:
    return {"dari": period.start.isoformat(), "sampai": period.end.isoformat()}


def drill_url(code: str, period: Period, key: dict) -> str:
    params = {}
    for name in ("worker", "unit", "target_group", "approach"):
        if name in key:
            if name == "worker" and key[name] is None:
                params["unassigned"] = "1"
            elif key[name] is not None:
                params[name] = key[name]
    query = _period_query_string(period)
    if params:
        query += "&" + urlencode(params)
    return _drill_path(code, get_script_prefix()) + "?" + query


# A page links every figure to its drill-down (hundreds on a team board): the path of each KPI
# and the period's part of the query are the same for all of them.
@functools.lru_cache(maxsize=64)
def _drill_path(code: str, prefix: str) -> str:
    """The drill-down path of a KPI under the script prefix `prefix` (part of the cache key:
    reverse() puts the current prefix in front)."""
    return reverse("workforce:drill", args=[code])


@functools.lru_cache(maxsize=64)
def _period_query_string(period: Period) -> str:
    return urlencode(period_query(period))


def figure_cell(figure: Figure, period: Period, key: dict) -> Cell:
    value = figure.value
    counts = figure.numerator, figure.denominator
    title = "" if figure.kpi.unit == "count" else f"{counts[0]} / {counts[1]}"
    if figure.excused:
        excused = figure.excused
        title += " · " + ngettext("%d dimaafkan (cuti)", "%d dimaafkan (cuti)", excused) % excused
    return Cell(
        value=value,
        text=figure.display(),
        href=drill_url(figure.kpi.code, period, key),
        title=title,
    )


def kpi_notes(rules: RuleBook | None = None) -> list[str]:
    notes = [f"{k.label}: {k.definition}" for k in KPIS]
    if rules is not None and rules.provisional:
        notes.append(
            _("Norma dan bobot beban kasus bersifat sementara: %s") % "; ".join(rules.sources)
        )
    return notes


def kpi_table_view(
    name: str, title: str, rows: list[KpiRow], by: tuple[str, ...], period: Period
) -> Table:
    """KPI rows grouped by `by` (worker, unit, target_group, approach) as a page table."""
    headers = {
        "worker": _("Pendamping"),
        "unit": _("Sentra"),
        "target_group": _("Klaster"),
        "approach": _("Pendekatan"),
    }
    codes = list(rows[0].figures) if rows else [k.code for k in KPIS]
    table = Table(
        name=name,
        title=title,
        columns=[headers[d] for d in by] + [str(KPI_BY_CODE[c].label) for c in codes],
        notes=kpi_notes(),
    )
    for row in rows:
        line = []
        for dim in by:
            label = row.labels.get(dim, "")
            href = ""
            if dim == "worker" and row.labels.get("worker_obj") is not None:
                href = reverse("workforce:worker", args=[row.key["worker"]])
            line.append(Cell(value=str(label), href=href))
        line += [figure_cell(row.figures[c], period, row.key) for c in codes]
        table.rows.append(line)
    return table


def team_table(
    loads: dict[int, Caseload], kpi_rows: list[KpiRow], period: Period, rules: RuleBook
) -> Table:
    """The team board: each worker's load against the norm, leave today, and their KPIs."""
    by_worker = {row.key["worker"]: row for row in kpi_rows}
    codes = [k.code for k in KPIS]
    table = Table(
        name="tim",
        title=_("Papan tim"),
        columns=[
            _("Pendamping"),
            _("Jenis"),
            _("Kasus aktif"),
            _("Beban tertimbang"),
            _("% norma"),
            _("Keterangan"),
            *[str(KPI_BY_CODE[c].label) for c in codes],
        ],
        notes=kpi_notes(rules),
    )
    for load in loads.values():
        worker = load.worker
        profile = getattr(worker, "worker_profile", None)
        status = Cell(
            value=load.flag_label, badge="warn" if load.flag == LoadFlag.OVERLOADED else ""
        )
        if load.absent:
            until = load.absence.ends_on.strftime("%d-%m-%Y")
            status = Cell(
                value=_("%(kind)s s.d. %(until)s")
                % {"kind": load.absence.get_kind_display(), "until": until},
                badge="warn",
            )
        row = by_worker.get(worker.pk)
        table.rows.append(
            [
                Cell(value=str(worker), href=reverse("workforce:worker", args=[worker.pk])),
                Cell(value=profile.get_kind_display() if profile else "–"),
                Cell(value=load.cases),
                Cell(value=float(load.weighted), text=f"{load.weighted:.2f}".replace(".", ",")),
                Cell(
                    value=load.ratio_pct,
                    text=f"{load.ratio_pct:.0f} %",
                    badge="warn" if load.flag == LoadFlag.OVERLOADED else "",
                ),
                status,
                *[
                    figure_cell(row.figures[c], period, row.key) if row else Cell(value=None)
                    for c in codes
                ],
            ]
        )
    return table


def _pct(value) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def fairness_table(fairness: Fairness) -> Table:
    table = Table(
        name="keadilan",
        title=_("Sebaran antarsentra (sebanding: klaster dan pendekatan yang sama)"),
        columns=[
            _("Indikator"),
            _("Klaster"),
            _("Pendekatan"),
            _("Sentra dinilai"),
            _("Median"),
            _("Kuartil bawah (p25)"),
            _("Kuartil atas (p75)"),
            _("Sentra di bawah p25"),
        ],
        notes=[
            ngettext(
                "Hanya sentra dengan paling sedikit %d kejadian pada sel itu yang dinilai; "
                "sebaran dinilai bila ada paling sedikit 3 sentra.",
                "Hanya sentra dengan paling sedikit %d kejadian pada sel itu yang dinilai; "
                "sebaran dinilai bila ada paling sedikit 3 sentra.",
                fairness.min_facts,
            )
            % fairness.min_facts,
            *kpi_notes(),
        ],
    )
    for spread in fairness.spreads:
        short = [v.unit_name for v in spread.values if v.short]
        table.rows.append(
            [
                Cell(value=str(spread.kpi.label)),
                Cell(value=str(spread.target_group_label or _("semua"))),
                Cell(value=str(spread.approach_label or _("semua"))),
                Cell(value=len(spread.values)),
                Cell(value=spread.median, text=_pct(spread.median)),
                Cell(value=spread.p25, text=_pct(spread.p25)),
                Cell(value=spread.p75, text=_pct(spread.p75)),
                Cell(value=", ".join(short), badge="warn" if short else ""),
            ]
        )
    return table


def needs_table(fairness: Fairness) -> Table:
    table = Table(
        name="kebutuhan-pelatihan",
        title=_("Kebutuhan pelatihan"),
        columns=[
            _("Sentra"),
            _("Indikator"),
            _("Klaster"),
            _("Pendekatan"),
            _("Nilai"),
            _("p25 nasional"),
            _("Kompetensi"),
            _("Pelatihan yang disarankan"),
            _("Pendamping belum mengikuti"),
        ],
    )
    for need in fairness.needs:
        spread = need.spread
        table.rows.append(
            [
                Cell(value=need.unit.name),
                Cell(value=str(spread.kpi.label)),
                Cell(value=str(spread.target_group_label or _("semua"))),
                Cell(value=str(spread.approach_label or _("semua"))),
                Cell(value=need.value, text=_pct(need.value), badge="warn"),
                Cell(value=spread.p25, text=_pct(spread.p25)),
                Cell(value=", ".join(c.title for c in need.competences)),
                Cell(value=", ".join(f"{c.code} ({c.hours} JP)" for c in need.courses)),
                Cell(value=", ".join(str(w) for w in need.workers) or "–"),
            ]
        )
    return table
