"""Pricing of one shop's order (DESIGN.md «Pricing»): priced lines → one promo code → Lavka's referral code.

Each line already carries its single best discount (catalog.pricing, personal offers included,
fed by ``selectors.cart_groups``). Here the seller's promo code typed for the shop is found and
checked (referrals.promos) and its effect added: a discount on the order or on listed products,
or gift products at 0 ₽. The cart, the checkout and ``order_place`` all price through
``price_order``, so what the buyer saw is what the order records.

Last comes at most one «Дружные скидки» code (referrals.codes): rubles off the total after the
shop's discounts, once it reaches the code's minimum. Lavka pays it, so it is kept apart
(``platform_discount``) from what the shop gives.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.models import Availability, Product
from marketplace.money import ZERO, clamp_non_negative
from referrals.codes import referral_check, referral_explanation, referral_find
from referrals.exceptions import PromoError
from referrals.models import PromoCode, ReferralCode
from referrals.promos import PromoItem, normalize, promo_check, promo_effect, promo_find

from .models import Cart, Order
from .selectors import ShopGroup, cart_groups


@dataclass
class OrderPrice:
    group: ShopGroup
    code_text: str = ""
    promo: PromoCode | None = None
    promo_error: str = ""
    promo_discount: Decimal = ZERO
    promo_explanation: str = ""
    gifts: list[Product] = field(default_factory=list)
    referral_text: str = ""
    referral: ReferralCode | None = None
    referral_error: str = ""
    platform_discount: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        """The lines after their own discounts."""
        return self.group.subtotal

    @property
    def base_subtotal(self) -> Decimal:
        """The lines at their base prices, before their own discounts."""
        return sum((priced.price.base_total for priced in self.group.lines), ZERO)

    @property
    def line_savings(self) -> Decimal:
        return sum((priced.price.saving for priced in self.group.lines), ZERO)

    @property
    def shop_total(self) -> Decimal:
        """After the shop's discounts: what a «Дружные скидки» code's minimum is measured against."""
        return clamp_non_negative(self.subtotal - self.promo_discount)

    @property
    def total(self) -> Decimal:
        return clamp_non_negative(self.shop_total - self.platform_discount)

    @property
    def referral_explanation(self) -> str:
        return referral_explanation(self.referral) if self.referral else ""

    def order_fields(self) -> dict:
        """What the order snapshots of its price."""
        return {
            "subtotal": self.subtotal, "total": self.total, "promo_code": self.promo,
            "promo_code_text": self.promo.code if self.promo else "", "promo_discount": self.promo_discount,
            "referral_code": self.referral, "referral_code_text": self.referral.code if self.referral else "",
            "platform_discount": self.platform_discount,
        }  # fmt: skip


def buyer_uses(promo: PromoCode, *, buyer, email: str) -> int:
    """Orders this buyer placed with the code: by account, or by e-mail for a guest."""
    orders = Order.objects.filter(promo_code=promo)
    if buyer is not None:
        return orders.filter(Q(buyer=buyer) | Q(buyer__isnull=True, email__iexact=buyer.email)).count()
    return orders.filter(email__iexact=email).count() if email else 0


def price_order(
    *, group: ShopGroup, code_text: str = "", referral_text: str = "", buyer=None, email: str = "",
    lock: bool = False,
) -> OrderPrice:  # fmt: skip
    """Price the shop's lines with the shop's code and Lavka's code typed for it; a code that does
    not apply is reported in ``promo_error`` / ``referral_error`` and changes nothing. ``lock``
    (inside order_place's transaction) locks the codes' rows so their limits hold under
    simultaneous checkouts."""
    price = OrderPrice(group=group, code_text=normalize(code_text), referral_text=normalize(referral_text).upper())
    if price.code_text:
        _apply_promo(price, group=group, buyer=buyer, email=email, lock=lock)
    if price.referral_text:
        _apply_referral(price, buyer=buyer, lock=lock)
    return price


def _apply_referral(price: OrderPrice, *, buyer, lock: bool) -> None:
    try:
        code = referral_find(text=price.referral_text, buyer=buyer, lock=lock)
        discount = referral_check(code, total=price.shop_total)
    except PromoError as error:
        price.referral_error = str(error)
        return
    price.referral = code
    price.platform_discount = discount


def _apply_promo(price: OrderPrice, *, group: ShopGroup, buyer, email: str, lock: bool) -> None:
    try:
        promo = promo_find(shop=group.shop, text=price.code_text)
        if lock:
            promo = PromoCode.objects.select_for_update().get(pk=promo.pk)
        promo_check(promo, subtotal=price.subtotal, buyer_uses=buyer_uses(promo, buyer=buyer, email=email))
        items = [PromoItem(product_id=priced.line.product_id, quantity=priced.line.quantity, total=priced.price.total)
                 for priced in group.lines]  # fmt: skip
        effect = promo_effect(promo, items)
    except PromoError as error:
        price.promo_error = str(error)
        return
    price.promo = promo
    price.promo_discount = min(effect.discount, price.subtotal)
    price.promo_explanation = effect.explanation
    if effect.gift_product_ids:
        gifts = Product.objects.visible().filter(shop=group.shop, pk__in=effect.gift_product_ids).order_by("pk")
        price.gifts = [gift for gift in gifts if gift.is_orderable]
        if not price.gifts:
            price.promo_error = _("The gifts of the promo code «%(code)s» are out of stock.") % {"code": promo.code}
            price.promo = None


def groups_priced(cart: Cart | None, *, buyer=None, groups: list[ShopGroup] | None = None) -> list[ShopGroup]:
    """The cart's shop groups, each with ``group.pricing`` (an OrderPrice) for the cart and checkout
    pages; ``groups``: some of the cart's groups as already read (``selectors.cart_page_groups``)."""
    groups = cart_groups(cart) if groups is None else groups
    codes = cart.promo_codes if cart is not None else {}
    for group in groups:
        group.pricing = price_order(group=group, code_text=codes.get(str(group.shop.pk), ""),
                                    referral_text=referral_text_for(cart, group.shop), buyer=buyer)  # fmt: skip
    return groups


def referral_text_for(cart: Cart | None, shop) -> str:
    """Lavka's code the buyer applied to this shop's part of the cart (one shop at a time)."""
    if cart is None or not cart.referral_code or cart.referral_shop_id != shop.pk:
        return ""
    return cart.referral_code


def gifts_in_stock(gifts: list[Product]) -> list[Product]:
    """The counted gifts (made-to-order and digital ones take no stock)."""
    return [gift for gift in gifts if gift.availability == Availability.IN_STOCK]
