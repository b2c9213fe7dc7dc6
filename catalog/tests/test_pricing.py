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
    line = price_line(product=product(), quantity=2, tiers=tiers((2, TierKind.TOTAL, "1800")))
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
    line = price_line(product=product(), quantity=2, choices=choices, tiers=tiers((2, TierKind.TOTAL, "1800")))
    assert line.unit == Decimal("1050.00")  # 1800 for 2 + the option's 150 on each
    assert line.total == Decimal("2100.00")
    # «Опт: 2 шт. за 1 800 ₽» once the Russian catalog has the new message.
    assert line.explanation in ("Опт: 2 шт. за 1\u00a0800\u00a0₽", "Wholesale: 2 pcs for 1\u00a0800\u00a0₽")


def test_price_never_goes_below_zero():
    choices = [OptionChoice(name="Без рамки", price_delta=Decimal("-5000"))]
    assert price_line(product=product(), quantity=1, choices=choices, tiers=[]).unit == Decimal("0.00")


def test_tier_for_takes_the_largest_reached_threshold():
    rows = tiers((5, TierKind.PERCENT, "20"), (2, TierKind.PERCENT, "10"))
    assert tier_for(rows, 1) is None
    assert tier_for(rows, 4).min_quantity == 2
    assert tier_for(rows, 5).min_quantity == 5


def test_seed_example_three_for_2600_costs_exactly_2600():
    """«3 товара – 2600 рублей»: the line total is the stated total, not 3 × 866,67 = 2 600,01."""
    rows = tiers((2, TierKind.TOTAL, "1800"), (3, TierKind.TOTAL, "2600"))
    line = price_line(product=product(), quantity=3, tiers=rows)
    assert (line.total, line.unit, line.source) == (Decimal("2600.00"), Decimal("866.67"), DiscountSource.WHOLESALE)
    assert line.saving == Decimal("400.00")


@pytest.mark.parametrize(
    ("quantity", "total"),
    [(4, "3466.67"), (5, "4333.33"), (6, "5200.00"), (7, "6066.67")],  # 2600 × q / 3, rounded once
)
def test_more_pieces_than_a_rubles_tier_cost_the_same_per_piece_rounded_once(quantity, total):
    line = price_line(product=product(), quantity=quantity, tiers=tiers((3, TierKind.TOTAL, "2600")))
    assert line.total == Decimal(total)


def test_the_product_discount_wins_over_a_worse_rubles_tier():
    line = price_line(product=product(discount=20), quantity=3, tiers=tiers((3, TierKind.TOTAL, "2600")))
    assert (line.total, line.source) == (Decimal("2400.00"), DiscountSource.PRODUCT)


def test_removed_variants_are_not_priced():
    choices = [OptionChoice(name="Графит", price_delta=Decimal("150"), is_removed=True)]
    assert price_line(product=product(), quantity=1, choices=choices, tiers=[]).unit == Decimal("1000.00")
