"""Demo of promo codes and offers in use (after the orders demo): an order paid with the code
«vesna», and the demo buyer's abandoned cart with the shop's personal offer on a product."""

import uuid

from catalog.models import Availability, Product
from marketplace.demo import DemoContext
from referrals.models import PersonalOffer, PromoCode

from . import services
from .models import Cart, CartLine
from .promos import cart_offer_make

SHOP = "masterskaya-anny"


def _products(shop):
    """Three products without options; the earlier demo orders may have sold them out, so the
    seller restocks them first."""
    products = list(Product.objects.visible().filter(shop=shop, option_groups__isnull=True, is_digital=False)
                    .order_by("-pk")[:3])  # fmt: skip
    low = [p.pk for p in products if p.availability == Availability.IN_STOCK and (p.stock or 0) < 3]
    Product.objects.filter(pk__in=low).update(stock=5)
    return list(Product.objects.filter(pk__in=[product.pk for product in products]).order_by("-pk"))


def seed(ctx: DemoContext) -> None:
    shop = ctx.extra.get("shops", {}).get(SHOP)
    buyer = ctx.users.get("buyer@lavka.test")
    if shop is None or buyer is None or PersonalOffer.objects.filter(shop=shop).exists():
        return
    products = _products(shop)
    if len(products) < 2:
        return
    if PromoCode.objects.filter(shop=shop, code="vesna").exists():
        cart = Cart.objects.create(promo_codes={str(shop.pk): "vesna"})
        CartLine.objects.create(cart=cart, product=products[0], quantity=1)
        services.order_place(
            cart=cart, shop=shop, buyer=None, idempotency_key=uuid.uuid4().hex, buyer_name="Вера Гостева",
            phone="+79031112244", email="vera@lavka.test", address="420000, Казань, ул. Баумана, 5",
            delivery_method="cdek", contact_method="email", rules_accepted=True,
        )  # fmt: skip
        cart.delete()
    cart = Cart.objects.get_or_create(user=buyer)[0]
    line = CartLine.objects.create(cart=cart, product=products[1], quantity=1)
    if len(products) > 2:
        CartLine.objects.create(cart=cart, product=products[2], quantity=1)
    cart_offer_make(shop=shop, line_id=line.pk, percent=15, days=7, actor=shop.owner)
