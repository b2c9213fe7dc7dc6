"""Many buyers race for the last pieces at once (PostgreSQL: real concurrent transactions)."""

from functools import partial

import pytest
from django.conf import settings

from catalog.tests.factories import ProductFactory
from orders.models import Cart, CartLine, Order
from orders.services import order_place
from orders.tests.concurrency import at_once
from shops.tests.factories import ShopFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions"),
]


def test_concurrent_checkouts_of_the_last_pieces_sell_exactly_the_stock():
    shop = ShopFactory(slug="race")
    product = ProductFactory(shop=shop, title="Последние", stock=3)
    carts = []
    for _ in range(8):
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, product=product, quantity=1)
        carts.append(cart)
    outcomes = at_once([
        partial(order_place, cart=cart, shop=shop, buyer=None, idempotency_key=f"race-{index}", buyer_name="Покупатель",
                phone="+79000000000", email=f"b{index}@example.com", address="Москва", delivery_method="cdek",
                contact_method="email")
        for index, cart in enumerate(carts)
    ])  # fmt: skip
    product.refresh_from_db()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert Order.objects.count() == 3
    assert product.stock == 0
