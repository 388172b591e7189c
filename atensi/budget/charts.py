"""Charts drawn on the server, without internet: inline SVG for the pages, reportlab for the PDF.

Each chart is laid out once as a list of plain shapes (lines, polylines, rectangles, texts) in
SVG coordinates (y grows downwards); `svg()` writes the shapes as SVG markup and `drawing()` as a
reportlab Drawing (y flipped), so the page and the PDF show the same picture from the same data.
No JavaScript, no chart library, no web font.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from atensi.common.templatetags.atensi_format import format_percent

# Colours that stay apart when printed in grey too (dark blue, orange, light grey).
PLAN = "#7b8594"
REAL = "#0b5d8c"
HIGHLIGHT = "#c25e00"
GRID = "#d9dee7"
INK = "#1d2330"
MUTED = "#5b6475"
FONT = "Helvetica"


def month_labels() -> list[str]:
    return [
        _("Jan"),
        _("Feb"),
        _("Mar"),
        _("Apr"),
        _("Mei"),
        _("Jun"),
        _("Jul"),
        _("Agu"),
        _("Sep"),
        _("Okt"),
        _("Nov"),
        _("Des"),
    ]


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1
    dash: bool = False


@dataclass
class PolyLine:
    points: list[tuple[float, float]]
    stroke: str
    width: float = 2
    dash: bool = False


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass
class Dot:
    x: float
    y: float
    r: float
    fill: str


@dataclass
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 10
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False


@dataclass
class Chart:
    width: float
    height: float
    title: str
    shapes: list = field(default_factory=list)

    def add(self, *shapes) -> None:
        self.shapes.extend(shapes)


def _nice_max(value: Decimal | float) -> int:
    """Rounds a maximum up to the next multiple of 20 (at least 100 for percentages)."""
    top = max(100, float(value))
    return int(-(-top // 20) * 20)


def _pct_label(value) -> str:
    return format_percent(value, 0).replace(" %", "%")


# --- S-curve ----------------------------------------------------------------------------------


def s_curve_chart(months: list[dict], *, title: str = "", width: int = 560, height: int = 300):
    """Cumulative plan against cumulative realisation, in % of pagu, by month (figures.s_curve)."""
    left, right, top, bottom = 44, 16, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [m["plan_percent"] for m in months if m["plan_percent"] is not None]
    values += [m["realisation_percent"] for m in months if m["realisation_percent"] is not None]
    y_max = _nice_max(max(values, default=0))
    chart = Chart(width, height, title or _("Kurva S: rencana dan realisasi kumulatif"))

    def x_at(index: int) -> float:
        return left + plot_w * (index + 0.5) / 12

    def y_at(value) -> float:
        return top + plot_h * (1 - float(value) / y_max)

    for step in range(0, y_max + 1, 20):
        y = y_at(step)
        chart.add(Line(left, y, left + plot_w, y, GRID, 1))
        chart.add(Text(left - 6, y + 3.5, _pct_label(step), 10, "end", MUTED))
    labels = month_labels()
    for index in range(12):
        chart.add(Text(x_at(index), top + plot_h + 15, labels[index], 10, "middle", MUTED))
    chart.add(Line(left, top + plot_h, left + plot_w, top + plot_h, INK, 1))

    plan = [
        (x_at(i), y_at(m["plan_percent"]))
        for i, m in enumerate(months)
        if m["plan_percent"] is not None
    ]
    real = [
        (x_at(i), y_at(m["realisation_percent"]))
        for i, m in enumerate(months)
        if m["realisation_percent"] is not None
    ]
    if len(plan) > 1:
        chart.add(PolyLine(plan, PLAN, 2, dash=True))
    for x, y in plan:
        chart.add(Dot(x, y, 2.2, PLAN))
    if len(real) > 1:
        chart.add(PolyLine(real, REAL, 2.5))
    for x, y in real:
        chart.add(Dot(x, y, 3, REAL))
    if real:
        last = next(m for m in reversed(months) if m["realisation_percent"] is not None)
        x, y = real[-1]
        chart.add(
            Text(
                min(x + 6, width - right),
                y - 6,
                format_percent(last["realisation_percent"]),
                10,
                "end" if x + 60 > width else "start",
                REAL,
                True,
            )
        )
    legend_y = height - 10
    chart.add(Line(left, legend_y - 3, left + 22, legend_y - 3, PLAN, 2, dash=True))
    chart.add(Text(left + 28, legend_y, _("Rencana (Hal III)"), 10, "start", INK))
    chart.add(Line(left + 150, legend_y - 3, left + 172, legend_y - 3, REAL, 2.5))
    chart.add(Text(left + 178, legend_y, _("Realisasi"), 10, "start", INK))
    chart.add(Text(left, 14, chart.title, 11, "start", INK, True))
    return chart


# --- Ranking bars -----------------------------------------------------------------------------


def _short(name: str, limit: int = 26) -> str:
    name = name.removeprefix("Sentra ").removeprefix("Direktorat Rehabilitasi Sosial ")
    return name if len(name) <= limit else name[: limit - 1] + "…"


def ranking_chart(
    rows: list[dict],
    *,
    title: str = "",
    highlight: int = 5,
    highlight_codes: set[str] | None = None,
    width: int = 560,
    bar: int = 15,
    minimum: Decimal | None = None,
):
    """Horizontal bars of ranked satker (figures.rankings rows); the first `highlight` stand out,
    or the satker in `highlight_codes` when given (e.g. the award winners among all satker).

    Bars start at `minimum` (default: a round number below the lowest value) so that close
    scores can be told apart; the axis says where it starts.
    """
    ranked = [r for r in rows if r.get("value") is not None]
    label_w, value_w, top = 180, 48, 30
    gap = 4
    height = top + len(ranked) * (bar + gap) + 24
    chart = Chart(width, height, title or _("Peringkat satker"))
    chart.add(Text(0, 14, chart.title, 11, "start", INK, True))
    if not ranked:
        chart.add(Text(0, 34, _("Belum ada nilai."), 10, "start", MUTED))
        chart.height = 44
        return chart
    values = [Decimal(r["value"]) for r in ranked]
    low = minimum if minimum is not None else Decimal(int(min(values) // 10 * 10))
    low = min(low, min(values))
    high = max(max(values), low + 1)
    plot_w = width - label_w - value_w

    def w_of(value: Decimal) -> float:
        return max(1.0, plot_w * float((value - low) / (high - low)))

    for index, (row, value) in enumerate(zip(ranked, values, strict=True)):
        y = top + index * (bar + gap)
        if highlight_codes is not None:
            marked = row["code"] in highlight_codes
        else:
            marked = bool(row.get("rank")) and row["rank"] <= highlight
        colour = HIGHLIGHT if marked else REAL
        label = f"{row['rank']}. {_short(row.get('name') or row['code'])}"
        chart.add(Text(label_w - 6, y + bar - 4, label, 10, "end", INK, colour == HIGHLIGHT))
        chart.add(Rect(label_w, y, w_of(value), bar, colour))
        chart.add(
            Text(label_w + w_of(value) + 4, y + bar - 4, format_percent(value).replace(" %", ""),
                 10, "start", INK)
        )  # fmt: skip
    axis_y = top + len(ranked) * (bar + gap) + 12
    chart.add(Line(label_w, top - 2, label_w, axis_y - 10, INK, 1))
    chart.add(
        Text(label_w, axis_y, _("skala mulai %s") % format_percent(low, 0), 8, "start", MUTED)
    )
    return chart


# --- SVG ------------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(chart: Chart, *, description: str = "", max_width: float | None = None) -> str:
    """Returns the chart as inline SVG markup (scales to its container's width, up to
    `max_width` pixels: by default 1,4 × its drawn width)."""
    max_width = max_width or chart.width * 1.4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(chart.width)} '
        f'{_n(chart.height)}" width="100%" role="img" aria-label={quoteattr(chart.title)} '
        f'class="chart" font-family="system-ui, sans-serif" style="max-width:{_n(max_width)}px">',
        f"<title>{escape(chart.title)}</title>",
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    for shape in chart.shapes:
        if isinstance(shape, Line):
            dash = ' stroke-dasharray="5 4"' if shape.dash else ""
            parts.append(
                f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
                f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"'
                f"{dash}/>"
            )
        elif isinstance(shape, PolyLine):
            dash = ' stroke-dasharray="6 4"' if shape.dash else ""
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" '
                f'stroke-width="{_n(shape.width)}" stroke-linejoin="round"{dash}/>'
            )
        elif isinstance(shape, Rect):
            parts.append(
                f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
                f'height="{_n(shape.h)}" fill="{shape.fill}" rx="2"/>'
            )
        elif isinstance(shape, Dot):
            parts.append(
                f'<circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.r)}" '
                f'fill="{shape.fill}"/>'
            )
        elif isinstance(shape, Text):
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
                f'text-anchor="{shape.anchor}" fill="{shape.fill}"{weight}>'
                f"{escape(shape.text)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


# --- reportlab ------------------------------------------------------------------------------


def pdf_text(value) -> str:
    """Text the PDF's standard fonts can draw (Windows-1252); other letters lose their accents."""
    out = []
    for char in str(value):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            if char in "−–":
                out.append("-")
                continue
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
    return "".join(out)


def drawing(chart: Chart, *, scale: float = 1.0):
    """Returns the chart as a reportlab Drawing (for a PDF story), `scale` × its size."""
    from reportlab.graphics.shapes import Circle, Drawing, Group, String
    from reportlab.graphics.shapes import Line as RLLine
    from reportlab.graphics.shapes import PolyLine as RLPolyLine
    from reportlab.graphics.shapes import Rect as RLRect
    from reportlab.lib.colors import HexColor

    height = chart.height
    group = Group()

    def y(value: float) -> float:
        return height - value

    for shape in chart.shapes:
        if isinstance(shape, Line):
            group.add(
                RLLine(
                    shape.x1,
                    y(shape.y1),
                    shape.x2,
                    y(shape.y2),
                    strokeColor=HexColor(shape.stroke),
                    strokeWidth=shape.width,
                    strokeDashArray=[5, 4] if shape.dash else None,
                )
            )
        elif isinstance(shape, PolyLine):
            points = [c for x, py in shape.points for c in (x, y(py))]
            group.add(
                RLPolyLine(
                    points,
                    strokeColor=HexColor(shape.stroke),
                    strokeWidth=shape.width,
                    strokeDashArray=[6, 4] if shape.dash else None,
                    strokeLineJoin=1,
                )
            )
        elif isinstance(shape, Rect):
            group.add(
                RLRect(
                    shape.x,
                    y(shape.y + shape.h),
                    shape.w,
                    shape.h,
                    fillColor=HexColor(shape.fill),
                    strokeColor=None,
                )
            )
        elif isinstance(shape, Dot):
            group.add(
                Circle(
                    shape.x, y(shape.y), shape.r, fillColor=HexColor(shape.fill), strokeColor=None
                )
            )
        elif isinstance(shape, Text):
            group.add(
                String(
                    shape.x,
                    y(shape.y),
                    pdf_text(shape.text),
                    fontName=f"{FONT}-Bold" if shape.bold else FONT,
                    fontSize=shape.size,
                    fillColor=HexColor(shape.fill),
                    textAnchor=shape.anchor,
                )
            )
    group.scale(scale, scale)
    picture = Drawing(chart.width * scale, chart.height * scale)
    picture.add(group)
    return picture
