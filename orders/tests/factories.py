"""Factories of the orders app: orders are made the way buyers make them, through the services."""

import itertools

from catalog.tests.factories import ProductFactory
from orders import services
from orders.models import CancelReason, Cart, CartLine, Order, OrderStatus

_keys = itertools.count(1)


def order_for(shop, *, buyer=None, statuses=(), product=None, quantity=1, email="masha@example.com",
              delivery_method="russian_post", promo_code="") -> Order:  # fmt: skip
    """An order placed with the shop (a guest's unless a buyer is given), walked through statuses."""
    product = product or ProductFactory(shop=shop, stock=10)
    cart = Cart.objects.get_or_create(user=buyer)[0] if buyer else Cart.objects.create()
    if promo_code:  # as typed in the cart
        cart.promo_codes = {**cart.promo_codes, str(shop.pk): promo_code}
        cart.save(update_fields=["promo_codes"])
    CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    order = services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=f"test-{next(_keys)}", buyer_name="Мария Иванова",
        phone="+79265550101", email=buyer.email if buyer else email, address="620000, Екатеринбург, ул. Ленина, 1",
        delivery_method=delivery_method, contact_method="email", rules_accepted=True,
    )  # fmt: skip
    for status in statuses:
        order = services.order_transition(
            order=order,
            to_status=status,
            actor=shop.owner,
            cancel_reason=CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else "",
        )
    return order
