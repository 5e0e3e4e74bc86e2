"""Percentages of those rated: two decimals, half up, exact; written the Vietnamese way on the page."""
from decimal import Decimal

import pytest

from kdweb.reports import percent
from kdweb.reports.formatting import vn_count, vn_percent
from tests.reports.scenario import expected_percent


@pytest.mark.parametrize("part, whole, expected", [
    (1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (5, 8, "62.50"), (1, 6, "16.67"), (0, 7, "0.00"),
    (7, 7, "100.00"), (1, 800, "0.13"), (3, 800, "0.38"), (1, 1600, "0.06"), (1, 200, "0.50"),
    (2, 7, "28.57"), (1, 16, "6.25"), (12345, 15694, "78.66"),
])
def test_percent_rounds_half_up_to_two_decimals(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)
    assert str(percent(part, whole)) == expected


def test_half_hundredths_go_up_where_floats_and_bankers_rounding_go_down():
    # 1/800 = 0.125 %: float round() and ROUND_HALF_EVEN both give 0.12
    assert round(100 / 800, 2) == 0.12
    assert percent(1, 800) == Decimal("0.13")


def test_nothing_rated_has_no_percentage():
    assert percent(0, 0) is None


def test_every_fraction_up_to_a_hundred_agrees_with_exact_fractions():
    for whole in range(1, 101):
        for part in range(whole + 1):
            assert str(percent(part, whole)) == expected_percent(part, whole)


def test_vietnamese_number_format():
    assert vn_count(15694) == "15.694"
    assert vn_count(7) == "7"
    assert vn_percent(Decimal("33.33")) == "33,33"
    assert vn_percent(Decimal("100.00")) == "100,00"
    assert vn_percent(None) == "–"
