"""{% prefetch_vacations groups %}: the shops' vacations in one query, for pages listing several shops.

After it, ``shop.current_vacation`` reads no more rows, whatever the number of shops (the cart
groups its lines by shop; each group shows that shop's vacation notice, seed 001).
"""

from django import template
from django.db.models import prefetch_related_objects

register = template.Library()


@register.simple_tag
def prefetch_vacations(items) -> str:
    """``items`` are shops, or objects with a ``shop`` (the cart's groups)."""
    shops = [getattr(item, "shop", item) for item in items or ()]
    if shops:
        prefetch_related_objects(shops, "vacation")
    return ""
