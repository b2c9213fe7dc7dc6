"""{% product_cards products %}: a grid's cards, each rendered once and kept in the cache.

Rendering two dozen cards is most of a catalog page's cost; with one get_many() round trip
the cards come from the cache. A card's key holds everything it shows that can change
(the product's and shop's update times, the cover, the labels, the shop's vacation in
force today; a new review bumps the product's update time), so a stale card is never
served. The cached card is the same for everyone: the heart (liked or not, or a link to
log in) is personal, so it is put into the card's slot after the cache (the person's likes
come from the cache too, catalog.selectors.liked_among). Given a queryset, only the key columns are read first
(the vacation's dates by a join), and whole products are loaded just for the cards the
cache does not have.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog.models import CARD_FIELDS
from catalog.selectors import liked_among

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


def grid_key_of(rows_key: str) -> str:
    """Where a kept grid's cards are kept together (the hearts are put in per person): they
    change with the rows (the rows key's generation), the language and the day (a vacation)."""
    return f"grid:{rows_key}:{get_language()}:{timezone.localdate().isoformat()}"


class KeptRows:
    """A grid's queryset whose key columns are kept in the cache under ``key`` (which must change
    whenever the rows may: it carries the catalog's generation), so a grid costs no query at all
    while its cards are cached. The queryset may be given as a function of no arguments (with
    ``model``), so that not even building it costs anything while the rows are kept."""

    SECONDS = 3600

    def __init__(self, queryset, key: str, seconds: int | None = None, model=None):
        self._queryset, self.key = queryset, key
        self.model = model or queryset.model
        self.seconds = seconds or self.SECONDS

    @property
    def queryset(self):
        if callable(self._queryset):
            self._queryset = self._queryset()
        return self._queryset

    def grid_key(self) -> str:
        return grid_key_of(self.key)

    def key_rows(self) -> list[tuple]:
        parts = caches["template_fragments"]  # the view may have read it ahead (marketplace.cache)
        rows = parts.get(self.key)
        if rows is None:
            rows = list(self.queryset.values_list(*KEY_FIELDS, *VACATION_FIELDS))
            parts.set(self.key, rows, self.seconds)
        return rows


def _rows(products):
    today = timezone.localdate()
    if isinstance(products, QuerySet | KeptRows):
        found = (
            products.key_rows()
            if isinstance(products, KeptRows)
            else products.values_list(*KEY_FIELDS, *VACATION_FIELDS)
        )
        rows = [(*row[:-2], _away_until(*row[-2:], today)) for row in found]
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


# Stand for the product's id and the form token in a heart rendered once per web process.
PK_STANDIN = "987654321987"
TOKEN_STANDIN = "csrf-token-stand-in-8f3b"
_hearts: dict = {}


def _heart(language: str, state: str) -> str:
    """The card's heart, "guest", "liked" or "not-liked", with stand-ins for the id and token."""
    key = (language, state)
    html = _hearts.get(key)
    if html is None:
        context = {"product": {"pk": int(PK_STANDIN)}, "variant": "card"}
        if state == "guest":
            context["guest"] = True
        else:
            context.update(liked=state == "liked", csrf_token=TOKEN_STANDIN)
        html = _hearts[key] = get_template("catalog/includes/like_button.html").render(context)
    return html


@receiver(setting_changed)
def _forget_hearts(**kwargs):
    _hearts.clear()


def _like_renderer(context, pks):
    """A function giving the heart of a card for the person looking. The liked products come from
    the cache (catalog.selectors.liked_among); each kind of heart is rendered once per process with
    stand-ins, then given each card's id and the person's form token. A guest's heart leads to the
    log-in page and then to the product (the grid may be a fragment fetched by a script, whose own
    address is no page to come back to)."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return lambda pk: ""
    language = get_language()
    if not request.user.is_authenticated:
        guest = _heart(language, "guest")
        return lambda pk: guest.replace(PK_STANDIN, str(pk))
    liked = liked_among(request.user, pks)
    token = get_token(request)
    hearts = {state: _heart(language, "liked" if state else "not-liked").replace(TOKEN_STANDIN, token)
              for state in (True, False)}  # fmt: skip
    return lambda pk: hearts[pk in liked].replace(PK_STANDIN, str(pk))


def card_keys(rows) -> list[str]:
    language = get_language()
    return [card_key(language, *row) for row in rows]


def card_keys_of(products) -> list[str]:
    """The cache keys of a grid's cards, for a view that reads them ahead (marketplace.cache)."""
    return card_keys(_rows(products)[0])


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    grid_key = products.grid_key() if isinstance(products, KeptRows) else None
    parts = caches["template_fragments"]
    shown = parts.get(grid_key) if grid_key else None
    if shown is None:
        shown = _cards(products)
        if grid_key:
            parts.set(grid_key, shown, products.seconds)
    if not shown:
        return ""
    heart = _like_renderer(context, [pk for pk, _card in shown])
    # Cards and hearts are rendered templates (escaped there): joined as they are, which
    # format_html_join would do too, at several times the cost for a grid.
    columns = (f'<div class="col">{card.replace(LIKE_SLOT, heart(pk), 1)}</div>' for pk, card in shown)
    return mark_safe("".join(columns))


def _cards(products) -> list[tuple[int, str]]:
    """(id, card) for each product of the grid, the cards from the cache where it has them."""
    rows, objects = _rows(products)
    if not rows:
        return []
    keys = card_keys(rows)
    cards = caches["template_fragments"].get_many(keys)
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
    return [(row[0], cards[key]) for row, key in zip(rows, keys, strict=True) if key in cards]


@register.filter
def stars(rating) -> list[str]:
    """Five Bootstrap Icons suffixes for a rating out of 5: "-fill", "-half" or "" (an empty star),
    to the nearest half star."""
    halves = int((Decimal(rating or 0) * 2).quantize(Decimal(1), ROUND_HALF_UP))
    return ["-fill" if halves >= 2 * n else "-half" if halves == 2 * n - 1 else "" for n in range(1, 6)]
