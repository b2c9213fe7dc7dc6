from decimal import Decimal

import pytest
from django.template import Context, Template

from marketplace.money import clamp_non_negative, format_rub, percent_of, to_money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1990"), f"1{NBSP}990{NBSP}₽"),
        (Decimal("1990.50"), f"1{NBSP}990,50{NBSP}₽"),
        (Decimal("0"), f"0{NBSP}₽"),
        (Decimal("999"), f"999{NBSP}₽"),
        (Decimal("1234567.8"), f"1{NBSP}234{NBSP}567,80{NBSP}₽"),
        ("150", f"150{NBSP}₽"),
        (7, f"7{NBSP}₽"),
        (Decimal("-150"), f"−150{NBSP}₽"),
    ],
)
def test_format_rub_groups_thousands_and_shows_kopecks_only_when_there_are_some(value, shown):
    assert format_rub(value) == shown


def test_rounding_is_half_up_to_kopecks():
    assert to_money("10.005") == Decimal("10.01")
    assert to_money("10.004") == Decimal("10.00")
    assert to_money(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_money(19.9)


def test_garbage_is_refused_with_value_error():
    with pytest.raises(ValueError):
        to_money("abc")


def test_percent_of_rounds_each_discount():
    assert percent_of(Decimal("999"), 15) == Decimal("149.85")
    assert percent_of(Decimal("333.33"), 10) == Decimal("33.33")


def test_money_never_goes_below_zero():
    assert clamp_non_negative(Decimal("-5")) == Decimal("0.00")
    assert clamp_non_negative(Decimal("5.5")) == Decimal("5.50")


def test_rub_template_filter_is_available_everywhere():
    rendered = Template("{{ price|rub }}|{{ missing|rub }}|{{ bad|rub }}").render(
        Context({"price": Decimal("12500"), "bad": "n/a"})
    )
    assert rendered == f"12{NBSP}500{NBSP}₽||"
