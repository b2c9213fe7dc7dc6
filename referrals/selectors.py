"""Reads of the referrals app that other apps' pages share."""

from collections.abc import Iterable

from django.utils import timezone

from .models import PersonalOffer, PromoCode


def offers_active_for(*, buyer_id: int | None, product_ids: Iterable[int]) -> dict[int, PersonalOffer]:
    """The buyer's unexpired, unused personal offers on these products, by product id (one query; none for guests)."""
    product_ids = set(product_ids)
    if not buyer_id or not product_ids:
        return {}
    offers = PersonalOffer.objects.filter(
        buyer_id=buyer_id, product_id__in=product_ids, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    return {offer.product_id: offer for offer in offers}


def offers_for_shop(*, shop, buyer_ids: Iterable[int]) -> dict[tuple[int, int], PersonalOffer]:
    """Every offer the shop ever made to these buyers, by (buyer id, product id) (one query)."""
    offers = PersonalOffer.objects.filter(shop=shop, buyer_id__in=set(buyer_ids))
    return {(offer.buyer_id, offer.product_id): offer for offer in offers}


def promo_list_for_shop(*, shop):
    """The cabinet's list: counters are stored on the row, so no per-code query."""
    return PromoCode.objects.filter(shop=shop).order_by("-created_at", "-pk")
