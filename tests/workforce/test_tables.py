"""The page tables render their cells in Python (exports.Table.html_rows): escaped, labelled."""

from atensi.workforce.exports import Cell, Table


def test_cells_are_escaped_labelled_linked_and_badged():
    table = Table(
        name="tim",
        title="Papan tim",
        columns=["Pendamping", "Ket<erangan>"],
        rows=[
            [
                Cell(value='<script>alert("x")</script>', href="/tenaga/?a=1&b=2"),
                Cell(value="Cuti", badge="warn", title='2 "dimaafkan"'),
            ],
            [Cell(value=None), Cell(value=0.5, text="50 %")],
        ],
    )
    first, second = (str(row) for row in table.html_rows())
    assert "<script>" not in first
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in first
    assert '<a href="/tenaga/?a=1&amp;b=2">' in first
    assert 'data-label="Ket&lt;erangan&gt;"' in first
    assert 'title="2 &quot;dimaafkan&quot;"' in first
    assert '<span class="badge warn">Cuti</span>' in first
    assert (
        second == '<td data-label="Pendamping">–</td><td data-label="Ket&lt;erangan&gt;">50 %</td>'
    )
