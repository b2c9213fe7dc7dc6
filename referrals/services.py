"""Writes of the referrals app: promo codes (create, edit, switch, duplicate, count a use) and personal offers.

«Дружные скидки» writes live by subject: rounds.py (rounds, the rotation job), friends.py (links,
the counting rule, issuing codes), invitations.py, codes.py (using a code); re-exported here.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications import notify, site_url

from .codes import referral_release, referral_use
from .exceptions import OfferError, PromoError
from .friends import code_issue, friend_signed_up, link_for, visit_record
from .invitations import invitations_mark_read, invitations_send
from .models import MAX_CODE_LENGTH, REFERRAL_CODE_PREFIX, PersonalOffer, PromoBonus, PromoCode
from .promos import normalize
from .rounds import referral_rounds_rotate, round_save

PROMO_FIELDS = ("name", "code", "starts_at", "ends_at", "bonus", "discount_kind", "value", "min_order_total",
                "max_uses", "max_uses_per_buyer", "is_enabled")  # fmt: skip


def _check_promo(*, shop, code: str, bonus: str, products, gift_products, exclude_pk=None) -> None:
    if code.upper().startswith(REFERRAL_CODE_PREFIX):
        raise PromoError(_("Codes starting with «%(prefix)s» are Lavka's own. Choose another code.")
                         % {"prefix": REFERRAL_CODE_PREFIX}, field="code")  # fmt: skip
    taken = PromoCode.objects.filter(shop=shop).annotate(lower=Lower("code")).filter(lower=code.lower())
    if taken.exclude(pk=exclude_pk).exists():
        raise PromoError(_("Your shop already has the promo code «%(code)s».") % {"code": code}, field="code")
    if any(product.shop_id != shop.pk for product in [*products, *gift_products]):
        raise PromoError(_("Choose only your shop's products."), field="products")
    if bonus == PromoBonus.PRODUCTS and not products:
        raise PromoError(_("Choose the products the code gives a discount on."), field="products")
    if bonus == PromoBonus.GIFTS and not gift_products:
        raise PromoError(_("Choose the products given as a gift."), field="gift_products")


@transaction.atomic
def promo_create(*, shop, actor, products=(), gift_products=(), **fields) -> PromoCode:
    """«Добавить промо-акцию с промо-кодом»."""
    fields["code"] = normalize(fields["code"])
    _check_promo(shop=shop, code=fields["code"], bonus=fields["bonus"], products=products,
                 gift_products=gift_products)  # fmt: skip
    promo = PromoCode.objects.create(shop=shop, **{key: fields[key] for key in PROMO_FIELDS if key in fields})
    promo.products.set(products if fields["bonus"] != PromoBonus.ORDER else [])
    promo.gift_products.set(gift_products if fields["bonus"] == PromoBonus.GIFTS else [])
    return promo


@transaction.atomic
def promo_update(*, promo: PromoCode, actor, products=(), gift_products=(), **fields) -> PromoCode:
    """Save the seller's edits; counters stay as they are."""
    promo = PromoCode.objects.select_for_update().get(pk=promo.pk)
    fields["code"] = normalize(fields["code"])
    _check_promo(shop=promo.shop, code=fields["code"], bonus=fields["bonus"], products=products,
                 gift_products=gift_products, exclude_pk=promo.pk)  # fmt: skip
    for key in PROMO_FIELDS:
        if key in fields:
            setattr(promo, key, fields[key])
    promo.save()
    promo.products.set(products if fields["bonus"] != PromoBonus.ORDER else [])
    promo.gift_products.set(gift_products if fields["bonus"] == PromoBonus.GIFTS else [])
    return promo


@transaction.atomic
def promo_set_enabled(*, promo: PromoCode, actor, enabled: bool) -> PromoCode:
    promo.is_enabled = enabled
    promo.save(update_fields=["is_enabled"])
    return promo


@transaction.atomic
def promo_duplicate(*, promo: PromoCode, actor) -> PromoCode:
    """A switched-off copy with a free code («vesna-2»), its counters at zero, for the seller to adjust."""
    taken = {code.lower() for code in PromoCode.objects.filter(shop=promo.shop).values_list("code", flat=True)}
    number = 2
    while True:
        suffix = f"-{number}"
        code = f"{promo.code[: MAX_CODE_LENGTH - len(suffix)]}{suffix}"
        if code.lower() not in taken:
            break
        number += 1
    copy = PromoCode.objects.create(
        shop=promo.shop, **{key: getattr(promo, key) for key in PROMO_FIELDS if key not in ("code", "is_enabled")},
        code=code, is_enabled=False,
    )  # fmt: skip
    copy.products.set(promo.products.all())
    copy.gift_products.set(promo.gift_products.all())
    return copy


def promo_record_use(*, promo: PromoCode, revenue: Decimal, discount: Decimal) -> None:
    """An order with the code was placed (called by orders inside its transaction, the row locked)."""
    PromoCode.objects.filter(pk=promo.pk).update(
        uses_count=F("uses_count") + 1, revenue=F("revenue") + revenue, discount_given=F("discount_given") + discount
    )


def promo_release_use(*, promo_id: int, revenue: Decimal, discount: Decimal) -> None:
    """An order with the code was cancelled: its use, revenue and discount no longer count."""
    PromoCode.objects.filter(pk=promo_id).update(
        uses_count=Greatest(F("uses_count") - 1, 0),
        revenue=Greatest(F("revenue") - revenue, Decimal("0")),
        discount_given=Greatest(F("discount_given") - discount, Decimal("0")),
    )


OFFER_DAYS_DEFAULT = 7


@transaction.atomic
def offer_make(*, shop, buyer, product, percent: int, days: int, actor) -> PersonalOffer:
    """«Предложить скидку»: once per buyer per product, ever; the buyer gets an e-mail.

    The caller (orders) has checked the product sits in this buyer's cart.
    """
    if product.shop_id != shop.pk:
        raise OfferError(_("Choose one of your shop's products."))
    if buyer is None:
        raise OfferError(_("Offers are made only to registered buyers."))
    if not 1 <= percent <= 90:
        raise OfferError(_("The discount must be from 1 to 90 %."), field="percent")
    if not 1 <= days <= 30:
        raise OfferError(_("The offer may last from 1 to 30 days."), field="days")
    if PersonalOffer.objects.filter(buyer=buyer, product=product).exists():
        raise OfferError(_("You have already offered a discount on «%(title)s» to this buyer: an offer is made "
                           "only once.") % {"title": product.title})  # fmt: skip
    try:
        with transaction.atomic():
            offer = PersonalOffer.objects.create(
                shop=shop, buyer=buyer, product=product, percent=percent, created_by=actor,
                expires_at=timezone.now() + timedelta(days=days),
            )  # fmt: skip
    except IntegrityError:  # a second click at the same moment
        raise OfferError(_("You have already offered a discount on «%(title)s» to this buyer: an offer is made "
                           "only once.") % {"title": product.title}) from None  # fmt: skip
    notify(template="offer_made", to=[buyer.email], context={
        "offer": offer, "shop": shop, "product": product, "buyer": buyer,
        "cart_url": site_url() + reverse("orders:cart"), "product_url": site_url() + product.get_absolute_url(),
    })  # fmt: skip
    return offer


def offers_mark_used(*, offer_ids) -> None:
    """The offers priced lines of a placed order (called by orders inside its transaction)."""
    if offer_ids:
        PersonalOffer.objects.filter(pk__in=list(offer_ids), used_at__isnull=True).update(used_at=timezone.now())


__all__ = [
    "code_issue", "friend_signed_up", "invitations_mark_read", "invitations_send", "link_for", "offer_make",
    "offers_mark_used", "promo_create", "promo_duplicate", "promo_record_use", "promo_release_use",
    "promo_set_enabled", "promo_update", "referral_release", "referral_rounds_rotate", "referral_use", "round_save",
    "visit_record",
]  # fmt: skip
