"""Reads of the referrals app that other apps' pages share."""

from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

from .models import PersonalOffer, PromoCode, ReferralCode, ReferralLink
from .rounds import OPEN_ROUND_CACHE_KEY, round_next, round_open


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


# --- «Дружные скидки» ------------------------------------------------------------------------

OPEN_ROUND_CACHE_SECONDS = 60


def programme_state() -> dict:
    """The open round and the next scheduled one, cached for a minute (the home page's banner and
    the header read it on every page; round_save forgets it)."""
    state = cache.get(OPEN_ROUND_CACHE_KEY)
    if state is None:
        current = round_open()
        state = {"round": current, "next_round": None if current else round_next()}
        cache.set(OPEN_ROUND_CACHE_KEY, state, OPEN_ROUND_CACHE_SECONDS)
    now = timezone.now()
    if state["round"] is not None and not state["round"].is_open_at(now):
        return {"round": None, "next_round": round_next(now)}  # ended within the minute
    return state


def history_for(*, user, exclude_round=None) -> list[dict]:
    """The user's earlier rounds: friends brought, the code received and whether it was used (two queries)."""
    links = ReferralLink.objects.filter(user=user).select_related("round").order_by("-round__starts_at")
    if exclude_round is not None:
        links = links.exclude(round=exclude_round)
    codes = {code.round_id: code for code in ReferralCode.objects.filter(owner=user)}
    return [{"round": link.round, "link": link, "code": codes.get(link.round_id)} for link in links[:24]]
