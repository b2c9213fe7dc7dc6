"""Buyer-facing pages of the catalog app: home, catalog, product page, shop storefront."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.pagecache import GENERATION_KEY, cache_for_anonymous
from marketplace.security import client_ip, same_origin
from shops.models import SanctionState, Shop
from shops.selectors import shop_get_for_storefront

from .. import search as product_search
from .. import services
from ..filters import ProductFilter
from ..models import Category, Product, ProductLike
from ..pricing import DiscountSource, price_line
from ..product_sections import product_sections
from ..selectors import collections_for_storefront, option_groups_for_page, product_for_page, product_get_visible

PAGE_SIZE = 24
ZERO_RESULTS_POPULAR = 8


class CachedCountPaginator(Paginator):
    """Counting 100 000 visible products costs more than the rest of the page: the count of
    a listing is kept for a minute (keyed by the query), which nobody notices on a catalog."""

    def __init__(self, object_list, per_page, *, count_key=None):
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        key = "count:" + hashlib.sha1(f"{cache.get(GENERATION_KEY) or 0}:{self.count_key}".encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            value = super().count
            cache.set(key, value, 60)
        return value


def _page(request, queryset, size=PAGE_SIZE, count_key=None):
    """One page of products; a bad or too large page number shows the first/last page."""
    page = CachedCountPaginator(queryset, size, count_key=count_key).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


def _generation():
    return cache.get(GENERATION_KEY) or 0


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
    page = _page(request, product_filter.qs, count_key=count_key)
    suggestion, popular = None, []
    if not page.paginator.count and product_filter.search_words:
        # Nothing for these words: a corrected query if they look like typos of known words;
        # PostgreSQL may also try titles with similar trigrams; else popular products.
        suggestion = product_search.suggestion(product_filter.search_words)
        if suggestion is None and product_filter.can_be_fuzzy:
            page = _page(request, product_filter.fuzzy_qs(), count_key="fuzzy:" + count_key)
        if not page.paginator.count:
            popular = Product.objects.visible().for_cards().order_by("-popularity", "-pk")[:ZERO_RESULTS_POPULAR]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": product_filter,
        "page": page,
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
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    return _catalog(request, category)


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
    liked = request.user.is_authenticated and ProductLike.objects.filter(user=request.user, product=product).exists()
    more = Product.objects.visible().for_cards().filter(shop=shop).exclude(pk=product.pk).order_by("-created_at")[:4]
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


@cache_for_anonymous(timeout=120)
def product(request, pk):
    try:
        product = product_get_visible(pk=pk)
    except Http404:
        # Disabled, hidden by moderation, its shop sanctioned, or no such product: the same answer.
        return render(request, "catalog/product_unavailable.html", status=404)
    return render(request, "catalog/product.html", _product_context(request, product))


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
    return storefront_render(
        request, shop, "products", collections=collections_for_storefront(shop), page=_page(request, products)
    )


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
