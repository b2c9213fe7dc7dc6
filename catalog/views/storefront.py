"""Buyer-facing pages of the catalog app: the shop storefront and its tabs."""

from django.shortcuts import get_object_or_404, render

from shops.selectors import shop_get_for_storefront


def _render(request, shop, tab, **extra):
    context = {"shop": shop, "tab": tab, "vacation": shop.current_vacation(), **extra}
    if not shop.is_open_to_buyers:
        # Hidden by moderation: the page says so and shows nothing of the shop's goods.
        return render(request, "catalog/storefront/unavailable.html", context, status=404)
    return render(request, f"catalog/storefront/{tab}.html", context)


def shop(request, slug):
    shop = shop_get_for_storefront(slug=slug)
    return _render(request, shop, "products", collections=shop.collections.all())


def shop_about(request, slug):
    shop = shop_get_for_storefront(slug=slug)
    return _render(request, shop, "about", about_images=shop.about_images.all())


def shop_delivery(request, slug):
    return _render(request, shop_get_for_storefront(slug=slug), "delivery")


def shop_rules(request, slug):
    return _render(request, shop_get_for_storefront(slug=slug), "rules")


def shop_reviews(request, slug):
    return _render(request, shop_get_for_storefront(slug=slug), "reviews")


def shop_collection(request, slug, pk):
    shop = shop_get_for_storefront(slug=slug)
    return _render(request, shop, "collection", collection=get_object_or_404(shop.collections, pk=pk))
