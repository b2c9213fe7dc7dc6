"""Promo code rules: finding a typed code, whether it applies now, and what it gives.

Pure rules on plain numbers: the orders app feeds them an order's priced lines
(orders/pricing.py), since referrals may not import orders (DESIGN.md layer order).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.money import ZERO, format_rub, percent_of, to_money

from .exceptions import PromoError
from .models import DiscountKind, PromoBonus, PromoCode


@dataclass(frozen=True)
class PromoItem:
    """What a code needs to know of one priced line: the product, pieces, and the line's total."""

    product_id: int
    quantity: int
    total: Decimal


@dataclass
class PromoResult:
    discount: Decimal = ZERO
    gift_product_ids: list[int] = field(default_factory=list)
    explanation: str = ""


def normalize(text: str) -> str:
    """Codes are compared case-insensitively and without the spaces a buyer may type around them."""
    return "".join((text or "").split())


def promo_find(*, shop, text: str) -> PromoCode:
    """The shop's code spelled ``text`` (any case); a refusal says if it is another shop's."""
    text = normalize(text)
    if not text:
        raise PromoError(_("Enter a promo code."), field="code")
    codes = list(PromoCode.objects.filter(code__iexact=text).select_related("shop")[:20])
    for code in codes:
        if code.shop_id == shop.pk:
            return code
    if codes:
        raise PromoError(_("The promo code «%(code)s» belongs to another shop: «%(shop)s». Enter it when you order "
                           "from that shop.") % {"code": text, "shop": codes[0].shop.name}, field="code")  # fmt: skip
    raise PromoError(_("There is no promo code «%(code)s» in this shop. Check the spelling.") % {"code": text},
                     field="code")  # fmt: skip


def promo_check(code: PromoCode, *, subtotal: Decimal, buyer_uses: int = 0, now: datetime | None = None) -> None:
    """Raise PromoError unless ``code`` may be used now on an order of ``subtotal``."""
    now = now or timezone.now()
    local = timezone.localtime
    if not code.is_enabled:
        raise PromoError(_("The promo code «%(code)s» is switched off by the shop.") % {"code": code.code},
                         field="code")  # fmt: skip
    if code.starts_at and code.starts_at > now:
        raise PromoError(_("The promo code «%(code)s» starts on %(date)s.")
                         % {"code": code.code, "date": f"{local(code.starts_at):%d.%m.%Y %H:%M}"},
                         field="code")  # fmt: skip
    if code.ends_at and code.ends_at <= now:
        raise PromoError(_("The promo code «%(code)s» ended on %(date)s.")
                         % {"code": code.code, "date": f"{local(code.ends_at):%d.%m.%Y %H:%M}"},
                         field="code")  # fmt: skip
    if code.max_uses is not None and code.uses_count >= code.max_uses:
        raise PromoError(_("The promo code «%(code)s» is used up: all its uses are taken.") % {"code": code.code},
                         field="code")  # fmt: skip
    if code.max_uses_per_buyer is not None and buyer_uses >= code.max_uses_per_buyer:
        raise PromoError(
            ngettext("You have already used the promo code «%(code)s» %(count)d time, as many as it allows.",
                     "You have already used the promo code «%(code)s» %(count)d times, as many as it allows.",
                     buyer_uses) % {"code": code.code, "count": buyer_uses}, field="code",
        )  # fmt: skip
    if code.min_order_total and subtotal < code.min_order_total:
        raise PromoError(_("The promo code «%(code)s» works from an order of %(minimum)s; add %(missing)s more.")
                         % {"code": code.code, "minimum": format_rub(code.min_order_total),
                            "missing": format_rub(code.min_order_total - subtotal)}, field="code")  # fmt: skip


def _off(kind: str, value: Decimal, amount: Decimal, quantity: int = 1) -> Decimal:
    """A % or rubles (per piece) discount on ``amount``, never more than it."""
    off = percent_of(amount, value) if kind == DiscountKind.PERCENT else to_money(value * quantity)
    return min(off, amount)


def _size(code: PromoCode) -> str:
    if code.discount_kind == DiscountKind.PERCENT:
        return f"{code.value.normalize():f} %"
    return format_rub(code.value)


def promo_effect(code: PromoCode, items: Sequence[PromoItem]) -> PromoResult:
    """What ``code`` gives on these lines (after their own line discounts); checked codes only."""
    subtotal = sum((item.total for item in items), ZERO)
    listed = {} if code.bonus == PromoBonus.ORDER else {product.pk: product.title for product in code.products.all()}
    if code.bonus == PromoBonus.ORDER:
        discount = _off(code.discount_kind, code.value, subtotal)
        why = _("Promo code %(code)s: %(size)s off the order") % {"code": code.code, "size": _size(code)}
        return PromoResult(discount=discount, explanation=why)
    if code.bonus == PromoBonus.PRODUCTS:
        hit = [item for item in items if item.product_id in listed]
        if not hit:
            raise PromoError(_("The promo code «%(code)s» gives a discount on %(products)s: none of them is in your "
                               "order.") % {"code": code.code, "products": _titles(listed)}, field="code")  # fmt: skip
        discount = sum((_off(code.discount_kind, code.value, item.total, item.quantity) for item in hit), ZERO)
        why = _("Promo code %(code)s: %(size)s off %(products)s") % {
            "code": code.code, "size": _size(code), "products": _titles({pk: listed[pk] for pk in
                                                                        {item.product_id for item in hit}}),
        }  # fmt: skip
        return PromoResult(discount=min(discount, subtotal), explanation=why)
    if listed and not any(item.product_id in listed for item in items):
        raise PromoError(_("The promo code «%(code)s» gives a gift with %(products)s: add one of them to the order.")
                         % {"code": code.code, "products": _titles(listed)}, field="code")  # fmt: skip
    gifts = [product.pk for product in code.gift_products.all()]
    why = _("Promo code %(code)s: a gift") % {"code": code.code}
    return PromoResult(gift_product_ids=gifts, explanation=why)


def _titles(titles: dict[int, str]) -> str:
    return ", ".join(f"«{title}»" for title in sorted(titles.values()))
