"""Buyers race for a promo code's last uses at once (PostgreSQL: real concurrent transactions)."""

from functools import partial

import pytest
from django.conf import settings

from catalog.tests.factories import ProductFactory
from orders.models import Cart, CartLine, Order
from orders.services import order_place
from orders.tests.concurrency import at_once
from referrals.tests.factories import PromoCodeFactory
from shops.tests.factories import ShopFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions"),
]


def race(shop, emails):
    product = ProductFactory(shop=shop, stock=100)
    carts = []
    for _ in emails:
        cart = Cart.objects.create(promo_codes={str(shop.pk): "vesna"})
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)
    calls = [
        partial(order_place, cart=cart, shop=shop, buyer=None, idempotency_key=f"race-{index}", buyer_name="Покупатель",
                phone="+79000000000", email=emails[index], address="Москва", delivery_method="cdek",
                contact_method="email")
        for index, cart in enumerate(carts)
    ]  # fmt: skip
    outcomes = at_once(calls)
    return sorted(outcomes)


def test_simultaneous_checkouts_take_exactly_the_codes_uses():
    shop = ShopFactory(slug="race")
    promo = PromoCodeFactory(shop=shop, code="vesna", max_uses=3)
    assert race(shop, [f"b{i}@example.com" for i in range(8)]) == ["ok"] * 3 + ["refused"] * 5
    promo.refresh_from_db()
    assert promo.uses_count == 3 and Order.objects.filter(promo_code=promo).count() == 3


def test_simultaneous_checkouts_of_one_guest_use_the_code_once():
    shop = ShopFactory(slug="race")
    promo = PromoCodeFactory(shop=shop, code="vesna", max_uses_per_buyer=1)
    assert race(shop, ["same@example.com"] * 5) == ["ok"] + ["refused"] * 4
    promo.refresh_from_db()
    assert promo.uses_count == 1
