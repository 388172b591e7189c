import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from atensi.common.templatetags.atensi_format import format_percent, format_rupiah, tanggal


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (1_228_603_927_000, "Rp 1.228.603.927.000"),
        (0, "Rp 0"),
        (999, "Rp 999"),
        (1000, "Rp 1.000"),
        (-1_300_000_000, "-Rp 1.300.000.000"),
        (None, "–"),
    ],
)
def test_rupiah_uses_dots_for_thousands(amount, shown):
    assert format_rupiah(amount) == shown


def test_rupiah_refuses_floats_because_money_is_exact():
    with pytest.raises(TypeError):
        format_rupiah(1.5)


def test_percent_uses_a_decimal_comma():
    assert format_percent(98.3) == "98,30 %"
    assert format_percent(1234.5, 1) == "1.234,5 %"


def test_datetimes_are_shown_in_jakarta_time():
    utc_evening = dt.datetime(2026, 1, 31, 20, 30, tzinfo=ZoneInfo("UTC"))
    assert tanggal(utc_evening) == "01-02-2026 03:30"
    assert tanggal(dt.date(2024, 8, 17)) == "17-08-2024"
