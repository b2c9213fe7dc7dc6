"""Template tags of the moderation app: the «Стать надежным продавцом» card on the home page."""

from django import template

from ..models import ApplicationStatus, ReliableApplication

register = template.Library()


@register.simple_tag
def reliable_home_state(user) -> dict | None:
    """For a signed-in seller: their shop, whether it has the badge or a pending application.

    None for everyone else, so anonymous home pages stay free of forms (and cacheable) and cost
    no query here.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_seller:
        return None
    shop = user.shop
    pending = (
        not shop.is_reliable
        and ReliableApplication.objects.filter(shop_id=shop.pk, status=ApplicationStatus.PENDING).exists()
    )
    return {"shop": shop, "is_reliable": shop.is_reliable, "pending": pending}
