"""Reads of the catalog app that pages share."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from .models import Category, OptionGroup, Product


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
    """A product with everything its page shows, in a fixed number of queries."""
    return get_object_or_404(
        queryset.select_related("shop", "shop__vacation", "category", "category__parent").prefetch_related(
            "images",
            Prefetch("option_groups", queryset=OptionGroup.objects.prefetch_related("choices")),
            "wholesale_tiers",
            "attachments",
        ),
        pk=pk,
    )


def product_get_visible(*, pk: int) -> Product:
    """What a buyer may open: 404 for disabled, hidden or sanctioned products."""
    return product_for_page(Product.objects.visible(), pk=pk)
