"""{% product_cards products %}: a grid's cards, each rendered once and kept in the cache.

Rendering two dozen cards is most of a catalog page's cost; with one get_many() round trip
the cards come from the cache. A card's key holds everything it shows that can change
(the product's and shop's update times, the cover, the labels), so a stale card is never
served; the card depends on nothing personal. Given a queryset, only the key columns are
read first, and whole products are loaded just for the cards the cache does not have.
"""

from django import template
from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()
CARD_TTL = 6 * 3600
KEY_FIELDS = ("pk", "updated_at", "cover_id", "is_new", "is_hit", "is_official_reseller", "shop__updated_at")


def card_key(language, pk, updated_at, cover_id, is_new, is_hit, is_reseller, shop_updated_at) -> str:
    return (
        f"card:2:{language}:{pk}:{updated_at.timestamp():.6f}:{cover_id}:{is_new:d}{is_hit:d}{is_reseller:d}"
        f":{shop_updated_at.timestamp():.6f}"
    )


def _rows(products):
    if isinstance(products, QuerySet):
        return list(products.values_list(*KEY_FIELDS)), None
    objects = list(products)
    rows = [
        (p.pk, p.updated_at, p.cover_id, p.is_new, p.is_hit, p.is_official_reseller, p.shop.updated_at) for p in objects
    ]
    return rows, {p.pk: p for p in objects}


@register.simple_tag
def product_cards(products):
    rows, objects = _rows(products)
    if not rows:
        return ""
    language = get_language()
    keys = [card_key(language, *row) for row in rows]
    cards = cache.get_many(keys)
    missing = [row[0] for row, key in zip(rows, keys, strict=True) if key not in cards]
    if missing:
        if objects is None:
            objects = {p.pk: p for p in products.model.objects.for_cards().filter(pk__in=missing)}
        card_template = get_template("catalog/includes/product_card.html")
        fresh = {}
        for row, key in zip(rows, keys, strict=True):
            if key not in cards and row[0] in objects:
                cards[key] = fresh[key] = card_template.render({"product": objects[row[0]]})
        cache.set_many(fresh, CARD_TTL)
    return format_html_join("", '<div class="col">{}</div>', ((mark_safe(cards[key]),) for key in keys if key in cards))
