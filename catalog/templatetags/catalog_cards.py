"""{% product_cards products %}: a grid's cards, each rendered once and kept in the cache.

Rendering two dozen cards is most of a catalog page's cost; with one get_many() round trip
the cards come from the cache. A card's key holds everything it shows that can change
(the product's and shop's update times, the cover, the labels, the shop's vacation in
force today; a new review bumps the product's update time), so a stale card is never
served. The cached card is the same for everyone: the heart (liked or not, or a link to
log in) is personal, so it is put into the card's slot after the cache, with one query
per grid for the person's likes. Given a queryset, only the key columns are read first
(the vacation's dates by a join), and whole products are loaded just for the cards the
cache does not have.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.cache import cache
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog.models import CARD_FIELDS, ProductLike

register = template.Library()
CARD_TTL = 6 * 3600
KEY_FIELDS = ("pk", "updated_at", "cover_id", "is_new", "is_hit", "is_official_reseller", "shop__updated_at")
# The vacation's dates come in the same query (a LEFT JOIN): dates decide, so does the key.
VACATION_FIELDS = ("shop__vacation__starts_on", "shop__vacation__ends_on")
# The card's stars; loaded here in case CARD_FIELDS (for_cards()) does not name them.
RATING_FIELDS = ("rating_avg", "review_count")
# Where the person's heart goes in a cached card (templates/catalog/includes/product_card.html).
LIKE_SLOT = "<!--like-->"


def card_key(language, pk, updated_at, cover_id, is_new, is_hit, is_reseller, shop_updated_at, away_until) -> str:
    return (
        f"card:4:{language}:{pk}:{updated_at.timestamp():.6f}:{cover_id}:{is_new:d}{is_hit:d}{is_reseller:d}"
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


def _load_ratings(objects, pks) -> None:
    """Products given as a list may lack the rating columns: read them in one query, not one each."""
    deferred = [objects[pk] for pk in pks if set(RATING_FIELDS) & objects[pk].get_deferred_fields()]
    if not deferred:
        return
    model = type(deferred[0])
    ratings = {
        pk: rest
        for pk, *rest in model.objects.filter(pk__in=[p.pk for p in deferred]).values_list("pk", *RATING_FIELDS)
    }
    for product in deferred:
        product.rating_avg, product.review_count = ratings.get(product.pk, (None, 0))


def _like_renderer(context, pks):
    """A function giving the heart of a card for the person looking: one query for the grid.
    A guest's heart leads to the log-in page and then to the product (the grid may be a fragment
    fetched by a script, whose own address is no page to come back to)."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return lambda pk: ""
    like_template = get_template("catalog/includes/like_button.html")
    if not request.user.is_authenticated:
        return lambda pk: like_template.render({"product": {"pk": pk}, "variant": "card", "guest": True})
    liked = set(ProductLike.objects.filter(user=request.user, product_id__in=pks).values_list("product_id", flat=True))
    token = get_token(request)
    return lambda pk: like_template.render(
        {"product": {"pk": pk}, "liked": pk in liked, "variant": "card", "csrf_token": token}
    )


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    rows, objects = _rows(products)
    if not rows:
        return ""
    language = get_language()
    keys = [card_key(language, *row) for row in rows]
    cards = cache.get_many(keys)
    missing = [row[0] for row, key in zip(rows, keys, strict=True) if key not in cards]
    if missing:
        if objects is None:
            queryset = products.model.objects.for_cards().only(*CARD_FIELDS, *RATING_FIELDS).filter(pk__in=missing)
            objects = {p.pk: p for p in queryset}
        else:
            _load_ratings(objects, [pk for pk in missing if pk in objects])
        card_template = get_template("catalog/includes/product_card.html")
        fresh = {}
        for row, key in zip(rows, keys, strict=True):
            if key not in cards and row[0] in objects:
                context_data = {"product": objects[row[0]], "away_until": row[-1]}
                cards[key] = fresh[key] = card_template.render(context_data)
        cache.set_many(fresh, CARD_TTL)
    shown = [(row[0], key) for row, key in zip(rows, keys, strict=True) if key in cards]
    heart = _like_renderer(context, [pk for pk, _ in shown])
    return format_html_join(
        "",
        '<div class="col">{}</div>',
        ((mark_safe(cards[key].replace(LIKE_SLOT, heart(pk), 1)),) for pk, key in shown),
    )


@register.filter
def stars(rating) -> list[str]:
    """Five Bootstrap Icons suffixes for a rating out of 5: "-fill", "-half" or "" (an empty star),
    to the nearest half star."""
    halves = int((Decimal(rating or 0) * 2).quantize(Decimal(1), ROUND_HALF_UP))
    return ["-fill" if halves >= 2 * n else "-half" if halves == 2 * n - 1 else "" for n in range(1, 6)]
