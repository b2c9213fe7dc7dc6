"""«Избранное» (the products a buyer liked) and the home page's «Недавно смотрели» fragment."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..models import Product

FAVORITES_PAGE_SIZE = 24
RECENTLY_VIEWED_MAX = 8
# The browser remembers a few more than it shows, in case some were hidden since; more is ignored.
RECENTLY_VIEWED_IDS_MAX = 16


@require_safe
@login_required
def favorite_list(request):
    """The liked products that buyers may still see, the latest like first."""
    products = (
        Product.objects.visible()
        .for_cards()
        .filter(likes__user=request.user)
        .order_by("-likes__created_at", "-likes__pk")
    )
    page = Paginator(products, FAVORITES_PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(request, "catalog/favorites.html", {"page": page})


def _product_ids(raw: str) -> list[int]:
    """``ids=12,7,3`` as the browser sent it (latest first), without repeats or junk."""
    ids = []
    for part in raw.split(",")[:RECENTLY_VIEWED_IDS_MAX]:
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) < 10 and int(part) not in ids:
            ids.append(int(part))
    return ids


@require_safe
def recently_viewed(request):
    """The cards of the products this browser viewed (ids kept in its localStorage by
    static/js/home.js), so the cached home page stays the same for every visitor.
    204 when none of them may be shown any more."""
    ids = _product_ids(request.GET.get("ids", ""))
    found = {product.pk: product for product in Product.objects.visible().for_cards().filter(pk__in=ids)} if ids else {}
    products = [found[pk] for pk in ids if pk in found][:RECENTLY_VIEWED_MAX]
    if not products:
        return HttpResponse(status=204)
    response = render(request, "catalog/includes/recently_viewed.html", {"products": products})
    response["X-Robots-Tag"] = "noindex"
    return response
