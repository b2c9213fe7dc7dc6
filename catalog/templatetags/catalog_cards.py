"""{% product_cards products %}: a grid's cards, each rendered once and kept in the cache.

Rendering two dozen cards is most of a catalog page's cost; with one get_many() round trip
the cards come from the cache. A card's key holds everything it shows that can change
(the product's and shop's update times, the cover, the labels), so a stale card is never
served; the card depends on nothing personal.
"""

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()
CARD_TTL = 6 * 3600


def card_key(product, language: str) -> str:
    flags = f"{product.is_new:d}{product.is_hit:d}{product.is_official_reseller:d}"
    return (
        f"card:1:{language}:{product.pk}:{product.updated_at.timestamp():.6f}:{product.cover_id}:{flags}"
        f":{product.shop.updated_at.timestamp():.6f}"
    )


@register.simple_tag
def product_cards(products):
    products = list(products)
    if not products:
        return ""
    language = get_language()
    keys = [card_key(product, language) for product in products]
    cards = cache.get_many(keys)
    missing = {}
    card_template = get_template("catalog/includes/product_card.html")
    for key, product in zip(keys, products, strict=True):
        if key not in cards:
            cards[key] = missing[key] = card_template.render({"product": product})
    if missing:
        cache.set_many(missing, CARD_TTL)
    return format_html_join("", '<div class="col">{}</div>', ((mark_safe(cards[key]),) for key in keys))
