"""Charts are drawn on the server from the figures, the same picture as SVG for the pages and as
reportlab shapes for the PDF, with no network, script or font download."""

import socket
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from reportlab.graphics import renderPDF

from atensi.budget import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a chart tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def months(plan, real):
    rows = []
    for month in range(1, 13):
        rows.append(
            {
                "month": month,
                "plan_percent": None if plan is None else Decimal(plan * month),
                "realisation_percent": None if month > len(real) else Decimal(real[month - 1]),
            }
        )
    return rows


def ranked(values):
    return [
        {"rank": i, "code": f"6301{i:02d}", "name": f"Sentra {i}", "value": Decimal(v)}
        for i, v in enumerate(values, start=1)
    ]


def test_the_s_curve_is_svg_with_a_line_for_plan_and_realisation():
    chart = charts.s_curve_chart(months(8, [5, 12, 20, 31]), title="Kurva S uji")
    markup = charts.svg(chart)
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Kurva S uji"
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    assert len(lines[1].get("points").split()) == 4  # realisation through April only
    assert "31,00 %" in markup
    assert "http" not in markup.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in markup and "href" not in markup


def test_the_ranking_highlights_the_top_five():
    markup = charts.svg(charts.ranking_chart(ranked(range(99, 90, -1)), title="Peringkat"))
    root = ET.fromstring(markup)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 9
    assert [b.get("fill") for b in bars].count(charts.HIGHLIGHT) == 5
    widths = [float(b.get("width")) for b in bars]
    assert widths == sorted(widths, reverse=True)


def test_text_in_a_chart_is_escaped():
    chart = charts.ranking_chart(
        [{"rank": 1, "code": "1", "name": "<script>x</script> & co", "value": Decimal(1)}]
    )
    markup = charts.svg(chart)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    ET.fromstring(markup)


def test_an_empty_ranking_says_so():
    markup = charts.svg(charts.ranking_chart([], title="Kosong"))
    assert "Belum ada nilai." in markup


def test_the_same_charts_draw_into_a_pdf():
    for chart in (
        charts.s_curve_chart(months(8, [5, 12, 20])),
        charts.ranking_chart(ranked([99, 98, 97, 96, 95, 94])),
    ):
        data = renderPDF.drawToString(charts.drawing(chart, scale=0.9))
        assert data.startswith(b"%PDF")


def test_the_pdf_drawing_keeps_the_chart_upright():
    chart = charts.Chart(100, 50, "t")
    chart.add(charts.Rect(10, 5, 20, 10, "#000000"))
    drawing = charts.drawing(chart)
    rect = drawing.contents[0].contents[0]
    # 5 px from the top in SVG is 35 pt from the bottom (50 − 5 − 10) in reportlab.
    assert (rect.x, rect.y, rect.width, rect.height) == (10, 35, 20, 10)


def test_letters_outside_the_pdf_fonts_lose_only_their_accents():
    assert charts.pdf_text("Rp 1.300.000 − Sentra Ñusantara") == "Rp 1.300.000 - Sentra Ñusantara"
    assert charts.pdf_text("Dāru") == "Daru"
