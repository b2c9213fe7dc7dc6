"""Many buyers race for the last pieces at once (PostgreSQL: real concurrent transactions)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from catalog.tests.factories import ProductFactory
from orders.exceptions import CartError
from orders.models import Cart, CartLine, Order
from orders.services import order_place
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
    start = threading.Barrier(len(carts))
    outcomes = []

    def buy(index, cart):
        try:
            start.wait()
            order_place(
                cart=cart, shop=shop, buyer=None, idempotency_key=f"race-{index}", buyer_name="Покупатель",
                phone="+79000000000", email=f"b{index}@example.com", address="Москва", delivery_method="cdek",
                contact_method="email",
            )  # fmt: skip
            outcomes.append("ok")
        except CartError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i, cart)) for i, cart in enumerate(carts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    product.refresh_from_db()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert Order.objects.count() == 3
    assert product.stock == 0
