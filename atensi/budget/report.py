"""The annual evaluation (Rakornis) report of a TA: as a page, a PDF and an Excel workbook.

One reader (`annual_report_for`) gathers everything once — the eselon I's figures pooled from
all satker transactions, UPT and centre totals, each satker's IKPA/NKA, rankings and the top
five, the S-curve, the achievements per target group from the cases, and the next TA's
allocation and targets — and the three formats only lay it out. The figures are the ones the
API and the satker pages show (figures.py); nothing is computed twice.

Only users who see every satker (the centre, directorate analysts, auditors, administrators)
get the report; for anyone else it does not exist (404).
"""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import budget_sees_all_units, can_read_budget
from atensi.common.errors import NotFound, PermissionDenied
from atensi.common.templatetags.atensi_format import format_percent, format_rupiah
from atensi.organisation.models import TargetGroup, UnitType

from . import charts
from . import figures as fig
from .display import jenis_label, provisional_flags, provisional_notes, rule_infos
from .models import Output, OutputReport


def _award_label(by: str) -> str:
    labels = {
        "nka": _("nilai kinerja anggaran (NKA) tertinggi"),
        "realisasi": _("realisasi anggaran tertinggi"),
        "ikpa": _("nilai IKPA tertinggi"),
    }
    return labels.get(by, by)


@dataclass
class AnnualReport:
    ta: int
    period: fig.Period
    rules: fig.Rules
    eselon1: fig.Figures | None
    upt: dict
    pusat: dict
    satker: list[fig.Figures]
    rankings: dict[str, list[dict]]
    awards: dict
    s_curve: list[dict]
    jenis: list[dict]
    achievements: list[dict]
    services: list[dict]
    next_year: dict | None
    generated_at: dt.datetime
    provisional: list[dict] = field(default_factory=list)

    @property
    def rule_infos(self):
        return rule_infos(self.rules)

    @property
    def sisa(self) -> int:
        return self.eselon1.pagu - self.eselon1.realisasi if self.eselon1 else 0

    @property
    def sisa_outside_blokir(self) -> int:
        return self.sisa - self.eselon1.blokir if self.eselon1 else 0

    @property
    def award_label(self) -> str:
        return _award_label(self.awards["by"])

    def satker_rows(self) -> list[dict]:
        """Each satker with its rank by the award basis and whether its scores are provisional."""
        ranks = {r["code"]: r["rank"] for r in self.rankings[self.awards["by"]]}
        top = {r["code"] for r in self.awards["top"]}
        return [
            {
                "f": f,
                "rank": ranks.get(f.code),
                "top": f.code in top,
                "sentra": f.type == UnitType.SENTRA,
                "flags": provisional_flags(f.provisional),
            }
            for f in self.satker
        ]

    def s_curve_chart(self):
        return charts.s_curve_chart(
            self.s_curve,
            title=_("Kurva S TA %s: rencana dan realisasi kumulatif (%% pagu)") % self.ta,
        )

    def ranking_chart(self):
        by = self.awards["by"]
        # Ranked among the sentra, as the awards are.
        rows = [
            {**r, "rank": position}
            for position, r in enumerate(
                (r for r in self.rankings[by] if r["type"] == UnitType.SENTRA and r["rank"]),
                start=1,
            )
        ]
        title = {
            "nka": _("Peringkat sentra menurut NKA TA %s"),
            "realisasi": _("Peringkat sentra menurut realisasi TA %s (%%)"),
            "ikpa": _("Peringkat sentra menurut IKPA TA %s"),
        }[by] % self.ta
        return charts.ranking_chart(rows, title=title, highlight=fig.AWARD_COUNT)


def _require_all(user) -> None:
    if not can_read_budget(user):
        raise PermissionDenied(_("Peran Anda tidak boleh melihat data anggaran."))
    if not budget_sees_all_units(user):
        raise NotFound(
            _("Laporan evaluasi tahunan hanya untuk pengguna yang melihat semua satker.")
        )


def annual_report_for(user, ta: int, *, month: int | None = None) -> AnnualReport:
    """Returns the annual evaluation report of `ta` (through `month`, default: the whole year)."""
    _require_all(user)
    period = fig.period_for(ta, month=month)
    data = fig.budget_data(ta)
    rules = fig.rules_for(ta)
    satker = fig.satker_figures(data, period, rules)
    eselon1 = fig.eselon1_figures(data, period, rules) if data.units else None
    ranked = {by: fig.rankings(satker, by) for by in fig.RANK_BASES}
    ids = data.unit_ids()
    order = {UnitType.SENTRA: 1}
    satker.sort(key=lambda f: (order.get(f.type, 0), f.code))
    keys = [k for f in satker for k in f.provisional] + (eselon1.provisional if eselon1 else [])
    breakdown = fig.realisation_breakdown(data, ids, period) if ids else {"jenis_belanja": []}
    return AnnualReport(
        ta=ta,
        period=period,
        rules=rules,
        eselon1=eselon1,
        upt=eselon1.detail.get("upt", {}) if eselon1 else {},
        pusat=eselon1.detail.get("pusat", {}) if eselon1 else {},
        satker=satker,
        rankings=ranked,
        awards=fig.awards(satker, ta),
        s_curve=fig.s_curve(data, ids, period),
        jenis=[
            {**row, "label": jenis_label(row["jenis_belanja"])}
            for row in breakdown["jenis_belanja"]
        ],
        achievements=_achievements(ta, period),
        services=_services(ta),
        next_year=_next_year(ta + 1),
        generated_at=timezone.now(),
        provisional=provisional_notes(rules, sorted(set(keys))),
    )


# --- Achievements per target group, from the cases and the output reports ----------------------


def _year_bounds(ta: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(ta, 1, 1))
    return start, timezone.make_aware(dt.datetime(ta + 1, 1, 1))


def _achievements(ta: int, period: fig.Period) -> list[dict]:
    """Per target group: RO targets and reported volumes, people served, cases closed."""
    from atensi.cases.choices import TerminationReason
    from atensi.cases.models import Case, ServiceDelivery

    served = dict(
        ServiceDelivery.objects.filter(delivered_on__year=ta)
        .values_list("case__target_group")
        .annotate(n=Count("case__person", distinct=True))
        .order_by()
    )
    total_served = (
        ServiceDelivery.objects.filter(delivered_on__year=ta)
        .values("case__person")
        .distinct()
        .count()
    )
    start, end = _year_bounds(ta)
    ended = Case.objects.filter(terminated_at__gte=start, terminated_at__lt=end)
    terminated = dict(ended.values_list("target_group").annotate(n=Count("id")).order_by())
    goals_met = dict(
        ended.filter(termination_reason=TerminationReason.GOALS_MET)
        .values_list("target_group")
        .annotate(n=Count("id"))
        .order_by()
    )
    outputs = list(Output.objects.filter(ta=ta).exclude(target_group=""))
    latest: dict[int, OutputReport] = {}
    for report in OutputReport.objects.filter(output__in=outputs, month__lte=period.month).order_by(
        "output_id", "month"
    ):
        latest[report.output_id] = report
    targets: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for output in outputs:
        row = targets[output.target_group]
        row[0] += 1
        row[1] += output.target_volume
        report = latest.get(output.pk)
        row[2] += report.rvro if report else 0
    rows = []
    for value, label in TargetGroup.choices:
        ro, target, realised = targets.get(value, (0, 0, 0))
        row = {
            "target_group": value,
            "label": str(label),
            "ro": ro,
            "target_volume": target,
            "realised_volume": realised,
            "achievement": fig.pct(realised, target),
            "people_served": served.get(value, 0),
            "cases_terminated": terminated.get(value, 0),
            "goals_met": goals_met.get(value, 0),
        }
        if any(row[k] for k in ("ro", "people_served", "cases_terminated")):
            rows.append(row)
    if rows:
        rows.append(
            {
                "target_group": "",
                "label": _("Jumlah"),
                "ro": sum(r["ro"] for r in rows),
                "target_volume": sum(r["target_volume"] for r in rows),
                "realised_volume": sum(r["realised_volume"] for r in rows),
                "achievement": fig.pct(
                    sum(r["realised_volume"] for r in rows), sum(r["target_volume"] for r in rows)
                ),
                # A person served in two target groups is one person.
                "people_served": total_served,
                "cases_terminated": sum(r["cases_terminated"] for r in rows),
                "goals_met": sum(r["goals_met"] for r in rows),
                "total": True,
            }
        )
    return rows


def _services(ta: int) -> list[dict]:
    """Services given in the TA by ATENSI component: count, people and Rupiah."""
    from atensi.cases.choices import ServiceComponent
    from atensi.cases.models import ServiceDelivery

    rows = {
        r["component"]: r
        for r in ServiceDelivery.objects.filter(delivered_on__year=ta)
        .values("component")
        .annotate(
            services=Count("id"),
            people=Count("case__person", distinct=True),
            rupiah=Sum(F("quantity") * F("unit_cost")),
        )
        .order_by()
    }
    out = []
    for value, label in ServiceComponent.choices:
        row = rows.get(value, {})
        out.append(
            {
                "component": value,
                "label": str(label),
                "services": row.get("services", 0),
                "people": row.get("people", 0),
                "rupiah": row.get("rupiah") or 0,
            }
        )
    return out


def _next_year(ta: int) -> dict | None:
    """The allocation and RO targets of the next TA, as in its first DIPA version in force."""
    if not Output.objects.filter(ta=ta).exists():
        return None
    data = fig.budget_data(ta)
    on = dt.date(ta, 1, 1)
    upt = [u for u in data.unit_ids() if data.units[u].type == UnitType.SENTRA]
    pusat = [u for u in data.unit_ids() if data.units[u].type != UnitType.SENTRA]
    programs: dict[str, int] = defaultdict(int)
    by_output = data.pagu_by_output(data.unit_ids(), on)
    targets: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for output in data.outputs_of(data.unit_ids()):
        programs[output.program_code] += by_output.get(output.pk, 0)
        if output.target_group:
            row = targets[output.target_group, output.volume_unit]
            row[0] += 1
            row[1] += output.target_volume
    labels = dict(TargetGroup.choices)
    return {
        "ta": ta,
        "pagu": sum(data.pagu(data.unit_ids(), on).values()),
        "upt": sum(data.pagu(upt, on).values()),
        "pusat": sum(data.pagu(pusat, on).values()),
        "satker": len(data.units),
        "programs": [{"program": p, "pagu": v} for p, v in sorted(programs.items())],
        "targets": [
            {
                "target_group": tg,
                "label": str(labels.get(tg, tg)),
                "volume_unit": unit,
                "ro": ro,
                "target_volume": volume,
            }
            for (tg, unit), (ro, volume) in sorted(targets.items())
        ],
    }


# --- PDF ------------------------------------------------------------------------------------


def _rp(value) -> str:
    return format_rupiah(value)


def _pc(value) -> str:
    return format_percent(value)


def _score(value, category=None) -> str:
    if value is None:
        return "–"
    text = format_percent(value).replace(" %", "")
    return f"{text} ({category})" if category else text


def annual_report_pdf(report: AnnualReport, *, actor) -> bytes:
    """Returns the report as an A4 PDF with its charts (reportlab; no fonts or images fetched)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    base = getSampleStyleSheet()
    title = ParagraphStyle("t", parent=base["Title"], fontSize=15, spaceAfter=2 * mm)
    h2 = ParagraphStyle(
        "h2", parent=base["Heading2"], fontSize=11.5, spaceBefore=4 * mm, spaceAfter=1.5 * mm
    )
    body = ParagraphStyle("b", parent=base["BodyText"], fontSize=8.5, leading=10.5)
    small = ParagraphStyle("s", parent=body, fontSize=7, leading=8.5)
    bold = ParagraphStyle("bb", parent=small, fontName="Helvetica-Bold")
    right = ParagraphStyle("r", parent=small, alignment=TA_RIGHT)
    width = A4[0] - 30 * mm

    def p(value, style=body) -> Paragraph:
        return Paragraph(escape(charts.pdf_text(value)).replace("\n", "<br/>"), style)

    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )

    def table(header, rows, widths, numeric=(), highlight=()):
        data = [[p(h, bold) for h in header]]
        for row in rows:
            data.append([p(v, right if i in numeric else small) for i, v in enumerate(row)])
        t = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        style = TableStyle(grid.getCommands())
        for index in highlight:
            style.add("BACKGROUND", (0, index + 1), (-1, index + 1), colors.HexColor("#fff4d6"))
        t.setStyle(style)
        return t

    story = [
        p(_("Laporan Evaluasi Pelaksanaan Program dan Anggaran TA %s") % report.ta, title),
        p(
            _(
                "Direktorat Jenderal Rehabilitasi Sosial — bahan Rapat Koordinasi Teknis (Rakornis). "
            )
            + _("Realisasi s.d. %(date)s; dicetak %(when)s oleh %(who)s.")
            % {
                "date": report.period.as_of.strftime("%d-%m-%Y"),
                "when": timezone.localtime(report.generated_at).strftime("%d-%m-%Y %H:%M"),
                "who": actor.get_full_name() or actor.username,
            },
            small,
        ),
    ]
    e = report.eselon1
    story.append(p(_("1. Alokasi dan realisasi"), h2))
    if e is None:
        story.append(p(_("Belum ada data anggaran untuk TA ini."), body))
    else:
        summary = [
            (_("Total alokasi (pagu)"), _rp(e.pagu)),
            (
                _("UPT (%s sentra)") % report.upt.get("satker", 0),
                _("%(pagu)s — realisasi %(percent)s")
                % {
                    "pagu": _rp(report.upt.get("pagu")),
                    "percent": _pc(report.upt.get("penyerapan")),
                },
            ),
            (
                _("Kantor pusat (%s satker)") % report.pusat.get("satker", 0),
                _("%(pagu)s — realisasi %(percent)s")
                % {
                    "pagu": _rp(report.pusat.get("pagu")),
                    "percent": _pc(report.pusat.get("penyerapan")),
                },
            ),
            (_("Realisasi"), f"{_rp(e.realisasi)} ({_pc(e.penyerapan)})"),
            (_("Blokir"), _rp(e.blokir)),
            (_("Sisa anggaran"), _rp(report.sisa)),
            (_("Sisa di luar blokir"), _rp(report.sisa_outside_blokir)),
            (_("Realisasi terhadap pagu − blokir"), _pc(e.penyerapan_netto)),
            (_("IKPA eselon I"), _score(e.ikpa, e.ikpa_category)),
            (_("NKA eselon I"), _score(e.nka, e.nka_category)),
        ]
        t = Table(
            [[p(k, bold), p(v, small)] for k, v in summary], colWidths=[55 * mm, width - 55 * mm]
        )
        t.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.2, colors.HexColor("#cccccc")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(t)
        if report.jenis:
            story.append(Spacer(1, 2 * mm))
            story.append(
                table(
                    [
                        _("Jenis belanja"),
                        _("Pagu"),
                        _("Blokir"),
                        _("Realisasi"),
                        _("% pagu"),
                        _("% pagu − blokir"),
                    ],
                    [
                        [
                            r["label"],
                            _rp(r["pagu"]),
                            _rp(r["blokir"]),
                            _rp(r["realisasi"]),
                            _pc(r["penyerapan"]),
                            _pc(r["penyerapan_netto"]),
                        ]
                        for r in report.jenis
                    ],
                    [0.24, 0.18, 0.14, 0.18, 0.12, 0.14],
                    numeric=(1, 2, 3, 4, 5),
                )  # fmt: skip
            )
        story.append(Spacer(1, 3 * mm))
        story.append(charts.drawing(report.s_curve_chart(), scale=width / 560))

    story.append(p(_("2. Penghargaan: lima satker dengan %s") % report.award_label, h2))
    top = report.awards["top"]
    if top:
        story.append(
            table(
                [_("Peringkat"), _("Satker"), _("Nilai"), _("Realisasi"), _("Kategori")],
                [
                    [
                        str(r["rank"]),
                        f"{r['code']} {r['name']}",
                        _score(r["value"]),
                        _pc(r["penyerapan"]),
                        r["category"] or "–",
                    ]
                    for r in top
                ],
                [0.1, 0.5, 0.13, 0.13, 0.14],
                numeric=(2, 3),
            )  # fmt: skip
        )
        best = report.awards.get("best_directorate")
        if best:
            story.append(
                p(
                    _("Direktorat terbaik: %(name)s (%(value)s).")
                    % {"name": best["name"], "value": _score(best["value"])},
                    body,
                )
            )
        chart = report.ranking_chart()
        story.append(Spacer(1, 2 * mm))
        story.append(charts.drawing(chart, scale=min(1, width / chart.width, 700 / chart.height)))
    else:
        story.append(p(_("Belum ada nilai untuk menentukan peringkat."), body))

    story.append(p(_("3. Kinerja anggaran per satker"), h2))
    rows = report.satker_rows()
    story.append(
        table(
            ["#", _("Satker"), _("Pagu"), _("Realisasi"), "%", _("IKPA"), _("NKA")],
            [
                [
                    str(r["rank"] or "–"),
                    f"{r['f'].code} {r['f'].name}",
                    _rp(r["f"].pagu),
                    _rp(r["f"].realisasi),
                    _pc(r["f"].penyerapan),
                    _score(r["f"].ikpa, r["f"].ikpa_category)
                    + (" *" if r["flags"]["ikpa"] else ""),
                    _score(r["f"].nka, r["f"].nka_category) + (" *" if r["flags"]["nka"] else ""),
                ]
                for r in rows
            ],
            [0.05, 0.3, 0.15, 0.15, 0.08, 0.135, 0.135],
            numeric=(2, 3, 4),
            highlight=[i for i, r in enumerate(rows) if r["top"]],
        )
    )
    story.append(
        p(_("* angka sementara: memakai aturan yang belum dikonfirmasi (lihat catatan)."), small)
    )

    story.append(p(_("4. Capaian per klaster"), h2))
    if report.achievements:
        story.append(
            table(
                [
                    _("Klaster"),
                    _("RO"),
                    _("Target volume"),
                    _("Realisasi volume"),
                    _("Capaian"),
                    _("Orang dilayani"),
                    _("Kasus selesai"),
                    _("Tujuan tercapai"),
                ],
                [
                    [
                        r["label"],
                        str(r["ro"]),
                        _n(r["target_volume"]),
                        _n(r["realised_volume"]),
                        _pc(r["achievement"]),
                        _n(r["people_served"]),
                        _n(r["cases_terminated"]),
                        _n(r["goals_met"]),
                    ]
                    for r in report.achievements
                ],
                [0.25, 0.06, 0.11, 0.11, 0.1, 0.13, 0.12, 0.12],
                numeric=(1, 2, 3, 4, 5, 6, 7),
            )  # fmt: skip
        )
    else:
        story.append(p(_("Belum ada RO layanan atau kasus pada TA ini."), body))
    story.append(Spacer(1, 2 * mm))
    story.append(
        table(
            [_("Komponen ATENSI"), _("Layanan"), _("Orang"), _("Nilai")],
            [
                [r["label"], _n(r["services"]), _n(r["people"]), _rp(r["rupiah"])]
                for r in report.services
            ],
            [0.52, 0.14, 0.14, 0.2],
            numeric=(1, 2, 3),
        )
    )

    story.append(p(_("5. Alokasi dan target tahun berikutnya"), h2))
    nxt = report.next_year
    if nxt is None:
        story.append(p(_("DIPA TA %s belum diimpor.") % (report.ta + 1), body))
    else:
        story.append(
            p(
                _(
                    "TA %(ta)s: alokasi %(pagu)s untuk %(n)s satker (UPT %(upt)s, kantor pusat "
                    "%(pusat)s)."
                )
                % {
                    "ta": nxt["ta"],
                    "pagu": _rp(nxt["pagu"]),
                    "n": nxt["satker"],
                    "upt": _rp(nxt["upt"]),
                    "pusat": _rp(nxt["pusat"]),
                },
                body,
            )
        )
        story.append(
            table(
                [_("Program"), _("Pagu")],
                [[r["program"], _rp(r["pagu"])] for r in nxt["programs"]],
                [0.6, 0.4],
                numeric=(1,),
            )
        )
        if nxt["targets"]:
            story.append(Spacer(1, 2 * mm))
            story.append(
                table(
                    [_("Klaster"), _("RO"), _("Target volume"), _("Satuan")],
                    [
                        [r["label"], str(r["ro"]), _n(r["target_volume"]), r["volume_unit"]]
                        for r in nxt["targets"]
                    ],
                    [0.45, 0.1, 0.25, 0.2],
                    numeric=(1, 2),
                )
            )

    notes = [p(_("6. Aturan dan catatan"), h2)]
    for info in report.rule_infos:
        notes.append(
            p(
                _("%(kind)s %(code)s: %(title)s. Dasar: %(source)s.")
                % {
                    "kind": info.kind,
                    "code": info.code,
                    "title": info.title,
                    "source": info.source,
                },
                small,
            )
        )
    for note in report.provisional:
        notes.append(
            p(
                _("Sementara — %(kind)s %(label)s: %(note)s")
                % {"kind": note["kind"], "label": note["label"], "note": note["note"]},
                small,
            )
        )
    story.append(KeepTogether(notes[:2]))
    story.extend(notes[2:])

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=charts.pdf_text(_("Laporan evaluasi TA %s") % report.ta),
        author="atensi",
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            15 * mm, 8 * mm, charts.pdf_text(_("atensi — laporan evaluasi TA %s") % report.ta)
        )
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, charts.pdf_text(_("Halaman %d") % doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _n(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".")


# --- Excel ----------------------------------------------------------------------------------

RUPIAH_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"


def annual_report_xlsx(report: AnnualReport) -> bytes:
    """Returns the report as an Excel workbook: one sheet per part, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    bold = Font(bold=True)
    marked = PatternFill("solid", fgColor="FFF4D6")

    def sheet(name: str, header: list[str], rows: list[list], formats: dict[int, str], widths=None):
        ws = book.create_sheet(name)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for column, number_format in formats.items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = number_format
        for index, w in enumerate(widths or [], start=1):
            ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = w
        ws.freeze_panes = "A2"
        return ws

    def num(value):
        return None if value is None else float(value)

    e = report.eselon1
    summary = book.active
    summary.title = "ringkasan"
    summary.append([_("Laporan evaluasi pelaksanaan program dan anggaran TA %s") % report.ta])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([_("Realisasi s.d."), report.period.as_of])
    summary["B2"].number_format = "DD-MM-YYYY"
    summary.append([])
    if e is not None:
        for label, value, number_format in (
            (_("Total alokasi (pagu)"), e.pagu, RUPIAH_FORMAT),
            (_("Pagu UPT (sentra)"), report.upt.get("pagu"), RUPIAH_FORMAT),
            (_("Pagu kantor pusat"), report.pusat.get("pagu"), RUPIAH_FORMAT),
            (_("Realisasi"), e.realisasi, RUPIAH_FORMAT),
            (_("Realisasi (% pagu)"), num(e.penyerapan), PERCENT_FORMAT),
            (_("Realisasi (% pagu − blokir)"), num(e.penyerapan_netto), PERCENT_FORMAT),
            (_("Blokir"), e.blokir, RUPIAH_FORMAT),
            (_("Sisa anggaran"), report.sisa, RUPIAH_FORMAT),
            (_("Realisasi UPT (% pagu UPT)"), num(report.upt.get("penyerapan")), PERCENT_FORMAT),
            (_("Realisasi kantor pusat (%)"), num(report.pusat.get("penyerapan")), PERCENT_FORMAT),
            (_("IKPA eselon I"), num(e.ikpa), PERCENT_FORMAT),
            (_("Kategori IKPA"), e.ikpa_category, None),
            (_("NKA eselon I"), num(e.nka), PERCENT_FORMAT),
            (_("Kategori NKA"), e.nka_category, None),
        ):
            summary.append([label, value])
            if number_format:
                summary.cell(row=summary.max_row, column=2).number_format = number_format
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 24

    sheet(
        "jenis_belanja",
        [_("Jenis belanja"), _("Pagu"), _("Blokir"), _("Pagu − blokir"), _("Realisasi"),
         _("% pagu"), _("% pagu − blokir")],
        [
            [r["label"], r["pagu"], r["blokir"], r["pagu_netto"], r["realisasi"],
             num(r["penyerapan"]), num(r["penyerapan_netto"])]
            for r in report.jenis
        ],
        {2: RUPIAH_FORMAT, 3: RUPIAH_FORMAT, 4: RUPIAH_FORMAT, 5: RUPIAH_FORMAT,
         6: PERCENT_FORMAT, 7: PERCENT_FORMAT},
        [28, 20, 18, 20, 20, 10, 14],
    )  # fmt: skip

    rows = report.satker_rows()
    ws = sheet(
        "satker",
        [_("Kode"), _("Satker"), _("Jenis"), _("Pagu"), _("Blokir"), _("Realisasi"), _("% pagu"),
         _("% pagu − blokir"), _("IKPA"), _("Kategori IKPA"), _("NKA"), _("Kategori NKA"),
         _("Peringkat"), _("Sementara")],
        [
            [r["f"].code, r["f"].name, r["f"].type, r["f"].pagu, r["f"].blokir, r["f"].realisasi,
             num(r["f"].penyerapan), num(r["f"].penyerapan_netto), num(r["f"].ikpa),
             r["f"].ikpa_category, num(r["f"].nka), r["f"].nka_category, r["rank"],
             ", ".join(r["f"].provisional)]
            for r in rows
        ],
        {4: RUPIAH_FORMAT, 5: RUPIAH_FORMAT, 6: RUPIAH_FORMAT, 7: PERCENT_FORMAT,
         8: PERCENT_FORMAT, 9: PERCENT_FORMAT, 11: PERCENT_FORMAT},
        [9, 40, 12, 20, 16, 20, 9, 12, 9, 14, 9, 14, 10, 30],
    )  # fmt: skip
    for index, r in enumerate(rows, start=2):
        if r["top"]:
            for cell in ws[index]:
                cell.fill = marked

    for by in fig.RANK_BASES:
        sheet(
            f"peringkat_{by}",
            [_("Peringkat"), _("Kode"), _("Satker"), _("Nilai"), _("Realisasi (%)"), _("Kategori")],
            [
                [r["rank"], r["code"], r["name"], num(r["value"]), num(r["penyerapan"]),
                 r["category"]]
                for r in report.rankings[by]
            ],
            {4: PERCENT_FORMAT, 5: PERCENT_FORMAT},
            [10, 9, 40, 10, 12, 14],
        )  # fmt: skip

    sheet(
        "penghargaan",
        [_("Peringkat"), _("Kode"), _("Satker"), _("Nilai"), _("Dasar")],
        [
            [r["rank"], r["code"], r["name"], num(r["value"]), report.award_label]
            for r in report.awards["top"]
        ]
        + (
            [[_("Direktorat terbaik"), report.awards["best_directorate"]["code"],
              report.awards["best_directorate"]["name"],
              num(report.awards["best_directorate"]["value"]), report.award_label]]
            if report.awards.get("best_directorate")
            else []
        ),
        {4: PERCENT_FORMAT},
        [18, 9, 40, 10, 40],
    )  # fmt: skip

    sheet(
        "kurva_s",
        [_("Bulan"), _("Rencana"), _("Rencana kumulatif"), _("Rencana kumulatif (%)"),
         _("Realisasi"), _("Realisasi kumulatif"), _("Realisasi kumulatif (%)")],
        [
            [m["month"], m["plan"], m["plan_cumulative"], num(m["plan_percent"]),
             m["realisation"], m["realisation_cumulative"], num(m["realisation_percent"])]
            for m in report.s_curve
        ],
        {2: RUPIAH_FORMAT, 3: RUPIAH_FORMAT, 4: PERCENT_FORMAT, 5: RUPIAH_FORMAT,
         6: RUPIAH_FORMAT, 7: PERCENT_FORMAT},
        [8, 18, 20, 12, 18, 20, 12],
    )  # fmt: skip

    sheet(
        "capaian_klaster",
        [_("Klaster"), _("RO"), _("Target volume"), _("Realisasi volume"), _("Capaian (%)"),
         _("Orang dilayani"), _("Kasus selesai"), _("Tujuan tercapai")],
        [
            [r["label"], r["ro"], r["target_volume"], r["realised_volume"], num(r["achievement"]),
             r["people_served"], r["cases_terminated"], r["goals_met"]]
            for r in report.achievements
        ],
        {5: PERCENT_FORMAT},
        [40, 6, 14, 14, 12, 14, 14, 14],
    )  # fmt: skip

    sheet(
        "layanan_atensi",
        [_("Komponen ATENSI"), _("Layanan"), _("Orang"), _("Nilai (Rp)")],
        [[r["label"], r["services"], r["people"], r["rupiah"]] for r in report.services],
        {4: RUPIAH_FORMAT},
        [55, 10, 10, 18],
    )

    nxt = report.next_year
    ws = sheet(
        "tahun_berikut",
        [_("Bagian"), _("Uraian"), _("Nilai"), _("Satuan")],
        []
        if nxt is None
        else [
            [_("Alokasi"), _("Total TA %s") % nxt["ta"], nxt["pagu"], "Rp"],
            [_("Alokasi"), _("UPT (sentra)"), nxt["upt"], "Rp"],
            [_("Alokasi"), _("Kantor pusat"), nxt["pusat"], "Rp"],
            *[[_("Program"), r["program"], r["pagu"], "Rp"] for r in nxt["programs"]],
            *[
                [_("Target"), r["label"], r["target_volume"], r["volume_unit"]]
                for r in nxt["targets"]
            ],
        ],
        {3: RUPIAH_FORMAT},
        [12, 40, 20, 14],
    )

    sheet(
        "aturan",
        [_("Jenis"), _("Kode"), _("Judul / komponen"), _("Dasar hukum / catatan")],
        [[i.kind, i.code, i.title, i.source] for i in report.rule_infos]
        + [
            [n["kind"], n["rule"], n["label"], _("Sementara: %s") % n["note"]]
            for n in report.provisional
        ],
        {},
        [8, 18, 40, 90],
    )

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEETS = (
    "ringkasan",
    "jenis_belanja",
    "satker",
    "peringkat_realisasi",
    "peringkat_ikpa",
    "peringkat_nka",
    "penghargaan",
    "kurva_s",
    "capaian_klaster",
    "layanan_atensi",
    "tahun_berikut",
    "aturan",
)
