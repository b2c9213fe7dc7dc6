from decimal import Decimal

import pytest

from catalog.models import OptionChoice, Product, TierKind, WholesaleTier
from catalog.pricing import DiscountSource, price_line, tier_for


def product(price="1000", discount=0):
    return Product(price=Decimal(price), discount_percent=discount)


def tiers(*rows):
    return [WholesaleTier(min_quantity=q, kind=k, value=Decimal(v)) for q, k, v in rows]


def test_no_discount_is_the_base_price():
    line = price_line(product=product(), quantity=3, tiers=[])
    assert (line.unit, line.total, line.source, line.saving) == (Decimal("1000"), Decimal("3000"), "", Decimal("0"))


def test_seed_example_two_for_1800_instead_of_2000():
    line = price_line(product=product(), quantity=2, tiers=tiers((2, TierKind.UNIT_PRICE, "900")))
    assert line.total == Decimal("1800.00")
    assert line.source == DiscountSource.WHOLESALE
    assert line.saving == Decimal("200.00")


@pytest.mark.parametrize(("quantity", "unit"), [(1, "1000"), (2, "900"), (3, "800"), (10, "800")])
def test_seed_example_two_at_10_three_at_20_percent(quantity, unit):
    rows = tiers((2, TierKind.PERCENT, "10"), (3, TierKind.PERCENT, "20"))
    assert price_line(product=product(), quantity=quantity, tiers=rows).unit == Decimal(unit)


def test_discounts_do_not_stack_the_best_one_wins():
    # Product −15 % (850) against wholesale −10 % from 2 (900): the product discount wins.
    line = price_line(product=product(discount=15), quantity=2, tiers=tiers((2, TierKind.PERCENT, "10")))
    assert (line.unit, line.source) == (Decimal("850.00"), DiscountSource.PRODUCT)
    assert line.explanation == "Скидка 15%"
    # A personal offer of 20 % beats both, and is still the only discount applied.
    line = price_line(
        product=product(discount=15), quantity=2, tiers=tiers((2, TierKind.PERCENT, "10")), personal_percent=20
    )
    assert (line.unit, line.source) == (Decimal("800.00"), DiscountSource.PERSONAL)


def test_options_add_to_the_base_and_a_fixed_tier_price_keeps_them():
    choices = [OptionChoice(name="Графит", price_delta=Decimal("150"))]
    line = price_line(product=product(), quantity=1, choices=choices, tiers=[])
    assert line.base_unit == Decimal("1150.00")
    line = price_line(product=product(), quantity=2, choices=choices, tiers=tiers((2, TierKind.UNIT_PRICE, "900")))
    assert line.unit == Decimal("1050.00")  # 900 per piece + the option's 150
    assert line.explanation == "Опт: 900\u00a0₽ за штуку от 2 шт."


def test_price_never_goes_below_zero():
    choices = [OptionChoice(name="Без рамки", price_delta=Decimal("-5000"))]
    assert price_line(product=product(), quantity=1, choices=choices, tiers=[]).unit == Decimal("0.00")


def test_tier_for_takes_the_largest_reached_threshold():
    rows = tiers((5, TierKind.PERCENT, "20"), (2, TierKind.PERCENT, "10"))
    assert tier_for(rows, 1) is None
    assert tier_for(rows, 4).min_quantity == 2
    assert tier_for(rows, 5).min_quantity == 5
