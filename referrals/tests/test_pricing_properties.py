"""Property tests of the pricing pipeline: with any lines and any code, the total is never
negative and never higher than without the code."""

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.models import Product, TierKind, WholesaleTier
from catalog.pricing import price_line
from marketplace.money import ZERO, clamp_non_negative
from referrals.exceptions import PromoError
from referrals.models import DiscountKind, PromoBonus
from referrals.promos import PromoItem, promo_effect

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("500000"), places=2, allow_nan=False,
                    allow_infinity=False)  # fmt: skip
percent = st.integers(min_value=0, max_value=100)


class Listed:
    def __init__(self, products):
        self.products = products

    def all(self):
        return self.products


@st.composite
def lines(draw):
    """(product id, line price) of 1–5 lines priced by catalog.pricing with a random discount, tier and offer."""
    result = []
    for pk in range(1, draw(st.integers(min_value=1, max_value=5)) + 1):
        product = Product(pk=pk, title=f"Товар {pk}", price=draw(money), discount_percent=draw(st.integers(0, 90)))
        quantity = draw(st.integers(min_value=1, max_value=999))
        tiers = []
        if draw(st.booleans()):
            kind = draw(st.sampled_from([TierKind.PERCENT, TierKind.TOTAL]))
            value = Decimal(draw(percent)) if kind == TierKind.PERCENT else draw(money)
            tiers = [WholesaleTier(product=product, min_quantity=draw(st.integers(2, 20)), kind=kind, value=value)]
        offer = draw(st.one_of(st.none(), st.integers(1, 90)))
        result.append((pk, price_line(product=product, quantity=quantity, tiers=tiers, personal_percent=offer)))
    return result


@st.composite
def codes(draw):
    kind = draw(st.sampled_from(DiscountKind.values))
    value = Decimal(draw(percent)) if kind == DiscountKind.PERCENT else draw(money)
    listed = [SimpleNamespace(pk=pk, title=f"Товар {pk}") for pk in draw(st.sets(st.integers(1, 5), min_size=1))]
    bonus = draw(st.sampled_from([PromoBonus.ORDER, PromoBonus.PRODUCTS]))
    return SimpleNamespace(code="x", bonus=bonus, discount_kind=kind, value=value, products=Listed(listed),
                           gift_products=Listed([]))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines(), codes())
def test_a_code_never_makes_the_total_negative_or_higher(priced, code):
    items = [PromoItem(product_id=pk, quantity=price.quantity, total=price.total) for pk, price in priced]
    subtotal = sum((item.total for item in items), ZERO)
    assert all(price.total >= 0 and price.total <= price.base_total for _pk, price in priced)
    try:
        effect = promo_effect(code, items)
    except PromoError:  # only a products code with none of its products in the order is refused
        assert code.bonus == PromoBonus.PRODUCTS
        assert not {item.product_id for item in items} & {product.pk for product in code.products.all()}
        return
    assert ZERO <= effect.discount <= subtotal
    total = clamp_non_negative(subtotal - effect.discount)
    assert ZERO <= total <= subtotal
    if code.bonus == PromoBonus.ORDER and code.discount_kind == DiscountKind.RUBLES:
        assert total == max(subtotal - code.value, ZERO)
