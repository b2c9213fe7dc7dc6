"""{% product_cards products %}: a grid's cards, each rendered once and kept in the cache.

Rendering two dozen cards is most of a catalog page's cost; with one get_many() round trip
the cards come from the cache. A card's key holds everything it shows that can change
(the product's and shop's update times, the cover, the labels, the shop's vacation in
force today), so a stale card is never served; the card depends on nothing personal.
Given a queryset, only the key columns are read first (the vacation's dates by a join),
and whole products are loaded just for the cards the cache does not have.
"""

from django import template
from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()
CARD_TTL = 6 * 3600
KEY_FIELDS = ("pk", "updated_at", "cover_id", "is_new", "is_hit", "is_official_reseller", "shop__updated_at")
# The vacation's dates come in the same query (a LEFT JOIN): dates decide, so does the key.
VACATION_FIELDS = ("shop__vacation__starts_on", "shop__vacation__ends_on")


def card_key(language, pk, updated_at, cover_id, is_new, is_hit, is_reseller, shop_updated_at, away_until) -> str:
    return (
        f"card:3:{language}:{pk}:{updated_at.timestamp():.6f}:{cover_id}:{is_new:d}{is_hit:d}{is_reseller:d}"
        f":{shop_updated_at.timestamp():.6f}:{away_until or ''}"
    )


def _away_until(starts_on, ends_on, today):
    """The last day of the shop's vacation if it is in force today, else None."""
    return ends_on if starts_on and starts_on <= today <= ends_on else None


def _rows(products):
    today = timezone.localdate()
    if isinstance(products, QuerySet):
        rows = [
            (*row[:-2], _away_until(*row[-2:], today)) for row in products.values_list(*KEY_FIELDS, *VACATION_FIELDS)
        ]
        return rows, None
    objects = list(products)
    rows = []
    for p in objects:
        vacation = p.shop.current_vacation(today)
        rows.append((p.pk, p.updated_at, p.cover_id, p.is_new, p.is_hit, p.is_official_reseller, p.shop.updated_at,
                     vacation.ends_on if vacation else None))  # fmt: skip
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
                context = {"product": objects[row[0]], "away_until": row[-1]}
                cards[key] = fresh[key] = card_template.render(context)
        cache.set_many(fresh, CARD_TTL)
    return format_html_join("", '<div class="col">{}</div>', ((mark_safe(cards[key]),) for key in keys if key in cards))
