"""The orders side of promo codes and personal offers: a code kept on the cart, what placing an
order records of them, and the shop's abandoned carts that the seller makes offers on.

The rules of codes and offers live in referrals; here they meet the cart and the order.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.pricing import DiscountSource
from referrals import services as referrals_services
from referrals.codes import is_referral_text, referral_use
from referrals.exceptions import PromoError
from referrals.promos import normalize

from .exceptions import CartError
from .models import Cart, CartLine, Order, OrderItem
from .pricing import OrderPrice, price_order
from .selectors import cart_groups


@transaction.atomic
def cart_promo_set(*, cart: Cart, shop, text: str, buyer=None) -> OrderPrice:
    """Keep the code typed for the shop's part of the cart if it applies now; else say why."""
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    groups = [group for group in cart_groups(cart) if group.shop.pk == shop.pk]
    if not groups:
        raise PromoError(_("There is nothing from this shop in your cart."), field="code")
    if not normalize(text):
        raise PromoError(_("Enter a promo code."), field="code")
    if len(normalize(text)) > 40:
        raise PromoError(_("A promo code is at most 40 characters long."), field="code")
    if is_referral_text(text):
        # Lavka's code sits beside the shop's one; applied here, it leaves the shop it was on.
        price = price_order(group=groups[0], code_text=cart.promo_codes.get(str(shop.pk), ""), referral_text=text,
                            buyer=buyer)  # fmt: skip
        if price.referral_error:
            raise PromoError(price.referral_error, field="code")
        cart.referral_code, cart.referral_shop = price.referral.code, shop
        cart.save(update_fields=["referral_code", "referral_shop", "updated_at"])
        return price
    price = price_order(group=groups[0], code_text=text, buyer=buyer)
    if price.promo_error:
        raise PromoError(price.promo_error, field="code")
    cart.promo_codes = {**cart.promo_codes, str(shop.pk): price.promo.code}
    cart.save(update_fields=["promo_codes", "updated_at"])
    return price


@transaction.atomic
def cart_referral_clear(*, cart: Cart) -> None:
    """Take Lavka's code off the cart."""
    Cart.objects.filter(pk=cart.pk).update(referral_code="", referral_shop=None)


@transaction.atomic
def cart_promo_clear(*, cart: Cart, shop) -> None:
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if str(shop.pk) in cart.promo_codes:
        cart.promo_codes = {key: value for key, value in cart.promo_codes.items() if key != str(shop.pk)}
        cart.save(update_fields=["promo_codes", "updated_at"])


def order_record_pricing(*, order: Order, cart: Cart, price: OrderPrice) -> None:
    """Inside order_place: gift lines at 0 ₽ (their stock is taken with the lines'), the code's use, the offers used."""
    if price.gifts:
        OrderItem.objects.bulk_create(
            OrderItem(order=order, product=gift, title=gift.title, quantity=1, base_unit=gift.price, unit_price=0,
                      line_total=0, is_gift=True,
                      discount=_("Gift (promo code %(code)s)") % {"code": order.promo_code_text})
            for gift in price.gifts
        )  # fmt: skip
    if price.promo is not None:
        referrals_services.promo_record_use(promo=price.promo, revenue=order.total, discount=order.promo_discount)
    if price.referral is not None:
        if not referral_use(code=price.referral):
            raise CartError(_("The promo code «%(code)s» has just been used in another order.")
                            % {"code": price.referral.code})  # fmt: skip
        Cart.objects.filter(pk=cart.pk).update(referral_code="", referral_shop=None)
    referrals_services.offers_mark_used(offer_ids=[
        priced.offer.pk for priced in price.group.lines
        if priced.offer is not None and priced.price.source == DiscountSource.PERSONAL
    ])  # fmt: skip
    if str(order.shop_id) in cart.promo_codes:
        cart.promo_codes = {key: value for key, value in cart.promo_codes.items() if key != str(order.shop_id)}
        cart.save(update_fields=["promo_codes"])


def abandoned_lines_for_shop(*, shop):
    """The shop's products in registered buyers' carts (never guests'), oldest first."""
    return (
        CartLine.objects.filter(product__shop=shop, cart__user__isnull=False)
        .select_related("cart__user", "product", "product__cover")
        .order_by("added_at", "pk")
    )


@transaction.atomic
def cart_offer_make(*, shop, line_id: int, percent: int, days: int, actor):
    """«Предложить скидку» on a product in a registered buyer's cart (seed 001)."""
    line = abandoned_lines_for_shop(shop=shop).filter(pk=line_id).first()
    if line is None:
        raise CartError(_("This product is no longer in the buyer's cart."))
    return referrals_services.offer_make(shop=shop, buyer=line.cart.user, product=line.product, percent=percent,
                                         days=days, actor=actor)  # fmt: skip
