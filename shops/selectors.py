"""Reads of the shops app that several pages share; the cabinet's one permission check."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import SanctionState, Shop


def shop_for(user) -> Shop:
    """The signed-in seller's own shop; every cabinet view reaches data through it.

    A user without a shop gets a 404, the same as for data that is not theirs.
    """
    if not user.is_authenticated:
        raise Http404
    shop = Shop.objects.filter(owner=user).select_related("vacation").first()
    if shop is None:
        raise Http404
    return shop


def shop_get_for_storefront(*, slug: str) -> Shop:
    """A shop's public page: banned shops do not exist for buyers."""
    shop = get_object_or_404(Shop.objects.select_related("vacation"), slug=slug)
    if shop.sanction_state == SanctionState.BANNED:
        raise Http404
    return shop
