"""Buyer-facing pages of the catalog app: home, catalog, product page, shop storefront."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.pagecache import cache_for_anonymous, generation
from marketplace.security import client_ip, same_origin
from shops.models import SanctionState, Shop
from shops.selectors import shop_get_for_storefront

from .. import search as product_search
from .. import services
from ..filters import ProductFilter
from ..models import Category, Product
from ..pagination import MAX_PAGES, CachedCountPaginator
from ..pricing import DiscountSource, price_line
from ..product_sections import product_sections
from ..selectors import (
    collections_for_storefront,
    liked_among,
    option_groups_for_page,
    product_for_page,
    product_get_visible,
    product_page_key,
)
from ..templatetags.catalog_cards import KeptRows, card_keys_of, grid_key_of

PAGE_SIZE = 24
ZERO_RESULTS_POPULAR = 8


def _page(request, queryset, size=PAGE_SIZE, count_key=None, read_ahead=(), capped=True):
    """One page of products; a bad or too large page number shows the first/last page.

    A catalog listing (the ones with a ``count_key``) reaches MAX_PAGES pages and counts no
    further (catalog/pagination.py); a shop's storefront or collection is bounded by the shop.
    The cached count is read in one round trip with the ``read_ahead`` keys (the sidebar).
    """
    max_pages = MAX_PAGES if count_key is not None and capped else None
    paginator = CachedCountPaginator(queryset, size, count_key=count_key, max_pages=max_pages)
    caches["template_fragments"].prefetch([paginator.count_cache_key(), *read_ahead])
    page = paginator.get_page(request.GET.get("page"))
    page.elided_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


def _rows_key(count_key: str) -> str:
    """Where a listing page's rows (its cards' keys) are kept, like its count, under the catalog's
    generation: a page asked again costs no query until the catalog changes."""
    return f"listing-rows:{hashlib.sha1(f'{_generation()}:{count_key}'.encode()).hexdigest()}"


def _kept(object_list, rows_key):
    """The page's products for product_cards: kept rows, unless LISTING_ROWS_SECONDS is 0."""
    if not settings.LISTING_ROWS_SECONDS:
        return object_list
    return KeptRows(object_list, rows_key, seconds=settings.LISTING_ROWS_SECONDS)


def _generation():
    return generation()


def _category_tree():
    """Root categories with their ``subcategories``; kept in the cache until the catalog changes."""
    key = f"category-tree:{_generation()}"
    roots = cache.get(key)
    if roots is None:
        roots, children = [], {}
        for category in Category.objects.order_by("position", "name"):
            (children.setdefault(category.parent_id, []) if category.parent_id else roots).append(category)
        for root in roots:
            root.subcategories = children.get(root.pk, [])
        cache.set(key, roots, 3600)
    return roots


@cache_for_anonymous(timeout=120)
def home(request):
    cards = Product.objects.visible().for_cards()
    context = {
        "categories": _category_tree(),
        "new_products": cards.order_by("-created_at")[:8],
        "hits": cards.filter(is_hit=True).order_by("-popularity", "-pk")[:8],
        "shops": list(Shop.objects.open_to_buyers().exclude(logo="").order_by("-created_at")[:6]),
    }
    return render(request, "catalog/home.html", context)


def _with_query(query, words):
    """The same filters with other search words (the «Возможно, вы искали» link)."""
    if not words:
        return ""
    query = query.copy()
    query["q"] = words
    return query.urlencode()


def _catalog(request, category=None):
    product_filter = ProductFilter(
        request.GET or None, queryset=Product.objects.visible().for_cards(), category=category
    )
    count_key = f"{category and category.pk}:{request.GET.urlencode()}"
    query = request.GET.copy()
    query.pop("page", None)
    # The template's cached sidebar, read with the count (same vary values as its {% cache %}).
    sidebar = make_template_fragment_key(
        "catalog_sidebar", [_generation(), category.pk if category else "", query.urlencode(), request.LANGUAGE_CODE]
    )
    rows_key = _rows_key(count_key)
    page = _page(request, product_filter.qs, count_key=count_key, read_ahead=[sidebar, rows_key, grid_key_of(rows_key)])
    suggestion, popular = None, []
    if not page.paginator.count and product_filter.search_words:
        # Nothing for these words: a corrected query if they look like typos of known words;
        # PostgreSQL may also try titles with similar trigrams; else popular products.
        suggestion = product_search.suggestion(product_filter.search_words)
        if suggestion is None and product_filter.can_be_fuzzy:
            page = _page(request, product_filter.fuzzy_qs(), count_key="fuzzy:" + count_key)
        if not page.paginator.count:
            popular = Product.objects.visible().for_cards().order_by("-popularity", "-pk")[:ZERO_RESULTS_POPULAR]
    grid = page.object_list if product_filter.fuzzy else _kept(page.object_list, rows_key)
    context = {
        "filter": product_filter,
        "page": page,
        "grid": grid,
        "category": category,
        # Called by the template only when the cached sidebar must be rendered again.
        "categories": _category_tree,
        "query_string": query.urlencode(),
        "generation": _generation(),
        "search_words": request.GET.get("q", "").strip()[:100],
        "suggestion": suggestion,
        "suggestion_query": _with_query(query, suggestion),
        "popular_products": popular,
    }
    return render(request, "catalog/catalog.html", context)


@cache_for_anonymous(timeout=120)
def catalog(request):
    return _catalog(request)


@cache_for_anonymous(timeout=120)
def category(request, slug):
    return _catalog(request, _category_by_slug(slug))


def _category_by_slug(slug):
    """The category with its parent and subcategories, from the cached tree (no query)."""
    for root in _category_tree():
        if root.slug == slug:
            return root
        for sub in root.subcategories:
            if sub.slug == slug:
                sub.parent, sub.subcategories = root, []
                return sub
    return get_object_or_404(Category.objects.select_related("parent"), slug=slug)


def _visitor(request) -> dict:
    """Who is looking, for «Просмотры»: the address (behind trusted proxies), the account if
    signed in, and the session if there is one (none is made here: pages stay cacheable)."""
    return {
        "address": client_ip(request),
        "user_id": request.user.pk if request.user.is_authenticated else None,
        "session_key": request.session.session_key or "",
    }


def _tier_rows(product):
    """The wholesale table: what the cart charges at each tier's quantity (catalog.pricing).
    Discounts never stack: a tier shows only where it beats the product's own discount."""
    tiers = list(product.wholesale_tiers.all())
    rows = []
    for tier in tiers:
        line = price_line(product=product, quantity=tier.min_quantity, tiers=tiers)
        if line.source == DiscountSource.WHOLESALE:
            rows.append({"tier": tier, "unit": line.unit, "total": line.total,
                         "approx": line.unit * tier.min_quantity != line.total})  # fmt: skip
    return rows


def _product_context(request, product, *, preview=False):
    shop = product.shop
    vacation = shop.current_vacation()
    price = product.discounted_price
    # Read only if the page's cached fragments must be rendered again.
    tiers = SimpleLazyObject(lambda: _tier_rows(product))
    option_groups = SimpleLazyObject(lambda: option_groups_for_page(product))
    liked = request.user.is_authenticated and bool(liked_among(request.user, [product.pk]))

    def more_from_shop():
        return (
            Product.objects.visible().for_cards().filter(shop=shop).exclude(pk=product.pk).order_by("-created_at")[:4]
        )

    # Kept under the catalog's generation, for buyers; the seller's preview reads them now.
    more = more_from_shop() if preview else KeptRows(more_from_shop, _more_key(product.pk), model=Product)
    # Other apps' parts of the page (reviews); read only if the cached lower part is rendered again.
    sections = SimpleLazyObject(lambda: product_sections(product))
    # A digital product's sold files (names and sizes; the free ones' download buttons) and previews.
    sold_files = SimpleLazyObject(lambda: list(product.digital_files.all()) if product.is_digital else [])
    previews = SimpleLazyObject(lambda: list(product.previews.all()) if product.is_digital else [])
    return {
        "product": product,
        "shop": shop,
        "vacation": vacation,
        "price": price,
        "tiers": tiers,
        "option_groups": option_groups,
        "product_version": f"{product.updated_at.timestamp():.6f}:{shop.updated_at.timestamp():.6f}",
        "generation": generation(),
        "liked": liked,
        "can_add_to_cart": product.is_orderable
        and (vacation is None or vacation.allow_cart)
        and not preview
        and not product.downloadable_without_order,
        "sold_files": sold_files,
        "previews": previews,
        "more_from_shop": more,
        "preview": preview,
        "product_sections": sections,
    }


def _more_key(product_pk) -> str:
    return f"more-from-shop:{generation()}:{product_pk}"


def _grid_keys(more) -> list[str]:
    """The kept grid of «Ещё от магазина» (the seller's preview lists its cards' keys instead)."""
    return [more.grid_key()] if isinstance(more, KeptRows) else card_keys_of(more)


def _read_parts_ahead(request, context) -> None:
    """The page's cached fragments and «Ещё от магазина» cards in one round trip (the keys are
    those the template's {% cache %} tags and product_cards will ask for)."""
    product, version = context["product"], context["product_version"]
    language = request.LANGUAGE_CODE
    keys = [
        make_template_fragment_key("product_top", [product.pk, version, language]),
        make_template_fragment_key("product_shop", [product.pk, version, context["generation"], language]),
        make_template_fragment_key("product_bottom", [product.pk, version, language, context["preview"]]),
        *_grid_keys(context["more_from_shop"]),
    ]
    caches["template_fragments"].prefetch(keys)


@cache_for_anonymous(timeout=120)
def product(request, pk):
    # The product and its shop's other products' rows in one round trip, then the page's parts.
    caches["template_fragments"].prefetch([product_page_key(pk), _more_key(pk)])
    try:
        product = product_get_visible(pk=pk)
    except Http404:
        # Disabled, hidden by moderation, its shop sanctioned, or no such product: the same answer.
        return render(request, "catalog/product_unavailable.html", status=404)
    context = _product_context(request, product)
    _read_parts_ahead(request, context)
    return render(request, "catalog/product.html", context)


@csrf_exempt  # the cached page has no token; a foreign Origin is refused, and counts are capped per address
@require_POST
def product_seen(request, pk):
    """«Просмотры»: the product page reports itself seen from the browser, so robots that do
    not run scripts do not count, and the page itself can come from the cache. Another site's
    page cannot make its visitors' browsers count (403); see product_view_record for the caps."""
    if not same_origin(request):
        return HttpResponseForbidden()
    if not Product.objects.visible().filter(pk=pk).exists():
        raise Http404
    services.product_view_record(product_id=pk, day=timezone.localdate(), **_visitor(request))
    return HttpResponse(status=204)


def product_preview(request, shop, pk):
    """«Предпросмотр»: the seller sees the page as a buyer would, even while it is off."""
    product = product_for_page(shop.products.all(), pk=pk)
    return render(request, "catalog/product.html", _product_context(request, product, preview=True))


@login_required
@require_POST
def product_like(request, pk):
    product = get_object_or_404(Product.objects.visible(), pk=pk)
    liked = services.product_like_toggle(user=request.user, product=product)
    if request.headers.get("HX-Request"):
        product.refresh_from_db(fields=["likes_count"])
        return render(request, "catalog/includes/like_button.html", {"product": product, "liked": liked})
    return redirect(product.get_absolute_url())


def storefront_render(request, shop, tab, **extra):
    """A tab of the shop's storefront (also used by the orders app for the reviews tab).

    Products hidden by moderation (seed 001: «ваши товары могут быть скрыты с витрины») leave the
    shop's «О нас», «Доставка», «Правила» and reviews readable; the products tab and collections say
    the products are hidden. A switched-off shop shows only that it is unavailable.
    """
    products_hidden = shop.sanction_state == SanctionState.HIDDEN
    context = {"shop": shop, "tab": tab, "vacation": shop.current_vacation(), "products_hidden": products_hidden,
               **extra}  # fmt: skip
    if not (shop.is_open_to_buyers or products_hidden):
        return render(request, "catalog/storefront/unavailable.html", context, status=404)
    return render(request, f"catalog/storefront/{tab}.html", context)


def shop(request, slug):
    shop = shop_get_for_storefront(slug=slug)
    products = Product.objects.visible().for_cards().filter(shop=shop).order_by("-created_at", "-pk")
    # Counted and listed like the catalog (kept under the catalog's generation), never capped:
    # a shop's own products are all reachable.
    count_key = f"shop:{shop.pk}:{request.GET.urlencode()}"
    rows_key = _rows_key(count_key)
    page = _page(request, products, count_key=count_key, read_ahead=[rows_key, grid_key_of(rows_key)], capped=False)
    return storefront_render(
        request, shop, "products", collections=collections_for_storefront(shop), page=page,
        grid=_kept(page.object_list, rows_key),
    )  # fmt: skip


def shop_about(request, slug):
    shop = shop_get_for_storefront(slug=slug)
    return storefront_render(request, shop, "about", about_images=shop.about_images.all())


def shop_delivery(request, slug):
    return storefront_render(request, shop_get_for_storefront(slug=slug), "delivery")


def shop_rules(request, slug):
    return storefront_render(request, shop_get_for_storefront(slug=slug), "rules")


def shop_collection(request, slug, pk):
    shop = shop_get_for_storefront(slug=slug)
    collection = get_object_or_404(collections_for_storefront(shop), pk=pk)
    products = (
        Product.objects.visible().for_cards().filter(collection_items__collection=collection)
        .order_by("collection_items__position", "pk")
    )  # fmt: skip
    return storefront_render(request, shop, "collection", collection=collection, page=_page(request, products))
