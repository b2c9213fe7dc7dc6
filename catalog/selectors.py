"""Reads of the catalog app that pages share."""

from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from marketplace import personal
from marketplace.pagecache import generation

from .models import Category, CollectionItem, OptionChoice, OptionGroup, Product, ProductLike, ProductViewDay

# The products a person likes, for the hearts on every grid and product page: kept in the cache
# (read with the session, marketplace.personal) and dropped when a like is added or removed.
LIKES = "likes"
LIKES_KEPT = 2000  # someone who likes more is asked the database, grid by grid
LIKES_SECONDS = 3600
personal.register(LIKES, lambda user_id: f"catalog:likes:{user_id}")


def liked_among(user, product_ids) -> set[int]:
    """Which of these products the signed-in person likes."""
    liked = personal.get(user.pk, LIKES)
    if liked is None:
        ids = list(ProductLike.objects.filter(user=user).values_list("product_id", flat=True)[: LIKES_KEPT + 1])
        liked = frozenset(ids) if len(ids) <= LIKES_KEPT else "many"
        personal.put(user.pk, LIKES, liked, LIKES_SECONDS)
    if liked == "many":
        return set(
            ProductLike.objects.filter(user=user, product_id__in=product_ids).values_list("product_id", flat=True)
        )
    return {pk for pk in product_ids if pk in liked}


def category_choices() -> list:
    """Grouped choices for a category <select>: («Parent», [(id, «Child»), …]) or (id, «Name»)."""
    categories = list(Category.objects.order_by("position", "name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices = []
    for root in children.get(None, []):
        kids = children.get(root.pk, [])
        if kids:
            choices.append((root.name, [(kid.pk, kid.name) for kid in kids]))
        else:
            choices.append((root.pk, root.name))
    return choices


def product_for_page(queryset, *, pk: int) -> Product:
    """A product with its shop and category, in one query.

    Photos, options, tiers and files are read by the page's cached fragments only when those
    must be rendered again (their keys change with ``product.updated_at``).
    """
    return get_object_or_404(queryset.select_related("shop", "shop__vacation", "category", "category__parent"), pk=pk)


def option_groups_for_page(product: Product) -> list[OptionGroup]:
    """The product page's options with the variants a buyer may choose (not removed ones)."""
    return list(product.option_groups.prefetch_related(Prefetch("choices", queryset=OptionChoice.objects.active())))


PRODUCT_PAGE_SECONDS = 3600


def product_page_key(pk: int) -> str:
    return f"product-page:{generation()}:{pk}"


def product_get_visible(*, pk: int) -> Product:
    """What a buyer may open: 404 for disabled, hidden or sanctioned products.

    Kept in the cache under the catalog's generation, which every change to a product, its shop
    (sanctions included), its photos, options, tiers, files or reviews bumps (services, and
    signals for the admin's edits): the next request reads the change. Read through the page
    parts cache, so the product page can fetch it with its other parts in one round trip."""
    parts = caches["template_fragments"]
    key = product_page_key(pk)
    product = parts.get(key)
    if product is None:
        try:
            product = product_for_page(Product.objects.visible(), pk=pk)
        except Http404:
            parts.set(key, False, PRODUCT_PAGE_SECONDS)
            raise
        parts.set(key, product, PRODUCT_PAGE_SECONDS)
    elif product is False:
        raise Http404
    return product


def overview_figures(shop) -> dict:
    """The cabinet overview's «Товары вкл. / выкл.» and «Просмотры за 7 дней» (today and the six
    days before, as the marketing report's «7 дней» counts them)."""
    counts = Product.objects.filter(shop=shop).aggregate(
        on=Count("pk", filter=Q(is_enabled=True)), off=Count("pk", filter=Q(is_enabled=False))
    )
    since = timezone.localdate() - timedelta(days=6)
    views = ProductViewDay.objects.filter(product__shop=shop, day__gte=since).aggregate(total=Sum("views"))
    return {"products_on": counts["on"], "products_off": counts["off"], "views_week": views["total"] or 0}


def collections_for_storefront(shop):
    """The shop's collections a buyer sees: only those holding a product on sale (seed 001:
    «Доступные коллекции»); an empty collection is neither listed nor opened."""
    on_sale = CollectionItem.objects.filter(collection=OuterRef("pk"), product__in=Product.objects.visible())
    return shop.collections.filter(Exists(on_sale))


def categories_in_tree_order():
    """Every category, each parent followed by its children: the catalog filter's choices."""
    return Category.objects.select_related("parent").order_by(
        Coalesce("parent__position", "position"), Coalesce("parent__name", "name"), Coalesce("parent_id", "id"),
        F("parent_id").asc(nulls_first=True), "position", "name",
    )  # fmt: skip
