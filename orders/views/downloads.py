"""Buyers' downloads of sold files (orders.downloads decides the rights and counts).

- ``/downloads/``: the signed-in person's files — from their orders and the free ones they took;
- ``/downloads/<id>/``: one file for a signed-in person (free, or opened by one of their orders);
- ``/orders/<number>/files/<id>/``: one file through an order (a guest with the order's secret).
Every answer is a download sent by marketplace.media.protected_download, or a page that says why not.
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog.models import DigitalFile
from catalog.sold_files import content_type, download_name
from marketplace.media import protected_download, requested_range_start

from .. import downloads
from ..models import Download, Order, OrderItem, OrderStatus
from .storefront import _buyers_order, _login_first, _secret

DOWNLOADS_PER_PAGE = 20


def _send(request, sold: DigitalFile, *, user=None, order=None):
    """Count the download (a resumed one within its window is free) and send the file, or say why not."""
    if not sold.file:
        message = _("The seller's folder is still being packed. Try again in a minute.")
        return _refused(request, sold, downloads.DownloadRefused(message), status=409)
    try:
        downloads.download_take(sold=sold, user=user, order=order, resume=requested_range_start(request) > 0,
                                peek=request.method == "HEAD")  # fmt: skip
    except downloads.DownloadRefused as refusal:
        return _refused(request, sold, refusal, status=403)
    return protected_download(request, sold.file, filename=download_name(sold), content_type=content_type(sold))


def _refused(request, sold, refusal, *, status: int):
    context = {"sold": sold, "product": sold.product, "message": str(refusal), "used_up": refusal.used_up}
    return render(request, "orders/download_refused.html", context, status=status)


def _sold_file(pk) -> DigitalFile:
    return get_object_or_404(DigitalFile.objects.select_related("product", "product__shop"), pk=pk)


@require_safe
@login_required
def user_download(request, pk):
    """A signed-in person's file: free without an order, or opened by one of their orders; counted per person."""
    sold = _sold_file(pk)
    try:
        downloads.check_user_right(sold=sold, user=request.user)
    except downloads.DownloadRefused as refusal:
        return _refused(request, sold, refusal, status=403)
    return _send(request, sold, user=request.user)


@require_safe
@_login_first
def order_download(request, number, pk):
    """A file through an order: its buyer (counted per person) or a guest with the secret (counted per order)."""
    order = _buyers_order(request, number)
    sold = _sold_file(pk)
    try:
        downloads.check_order_right(sold=sold, order=order)
    except downloads.DownloadRefused as refusal:
        return _refused(request, sold, refusal, status=403)
    if order.buyer_id is not None:
        return _send(request, sold, user=order.buyer)
    return _send(request, sold, order=order)


@dataclass
class ItemFiles:
    """One digital line of an order on its page: whether its files are open, and each file's row."""

    item: OrderItem
    is_open: bool
    rows: list = field(default_factory=list)


def order_file_groups(request, order: Order) -> list[ItemFiles]:
    """The order page's «Файлы» section (3 queries whatever the number of files)."""
    items = [item for item in order.items.all() if item.is_digital and item.product_id]
    if not items:
        return []
    files = list(DigitalFile.objects.filter(product_id__in=[item.product_id for item in items])
                 .select_related("product"))  # fmt: skip
    counter_user = order.buyer if order.buyer_id else None
    used = downloads.counts_for(files=files, user=counter_user, order=None if counter_user else order)
    key = _secret(request) if order.is_guest else ""
    groups = []
    for item in items:
        group = ItemFiles(item=item, is_open=downloads.item_open(order, item))
        for sold in files:
            if sold.product_id == item.product_id:
                url = reverse("orders:download", kwargs={"number": order.number, "pk": sold.pk})
                group.rows.append(downloads.FileRow(sold=sold, used=used.get(sold.pk, 0),
                                                    url=f"{url}?key={key}" if key else url))  # fmt: skip
        groups.append(group)
    return groups


@require_safe
@login_required
def download_list(request):
    """«Мои файлы»: the digital lines of the person's orders (not cancelled), newest first, with each
    file's downloads left — open ones with their buttons, those waiting for the seller's confirmation
    with a notice — and, on the first page, the free files they have taken. 20 lines a page."""
    user = request.user
    lines = (
        OrderItem.objects.filter(order__buyer=user, is_digital=True, product__isnull=False)
        .exclude(order__status=OrderStatus.CANCELLED)
        .select_related("order", "order__shop")
        .order_by("-order__created_at", "-pk")
    )  # fmt: skip
    page = Paginator(lines, DOWNLOADS_PER_PAGE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    items = list(page.object_list)
    product_ids = {item.product_id for item in items}
    free_ids = set()
    if page.number == 1:
        free_ids = set(
            Download.objects.filter(user=user, file__product__price=0, file__product__is_digital=True)
            .values_list("file__product_id", flat=True)[:50]
        ) - product_ids  # fmt: skip
    files = list(
        DigitalFile.objects.filter(product_id__in=product_ids | free_ids).select_related("product", "product__shop")
    )
    used = downloads.counts_for(files=files, user=user) if files else {}
    by_product: dict[int, list] = {}
    for sold in files:
        url = reverse("orders:user-download", kwargs={"pk": sold.pk})
        by_product.setdefault(sold.product_id, []).append(downloads.FileRow(sold=sold, used=used.get(sold.pk, 0),
                                                                            url=url))  # fmt: skip
    ordered = [
        {"item": item, "order": item.order, "is_open": downloads.item_open(item.order, item),
         "rows": by_product.get(item.product_id, [])}
        for item in items
    ]  # fmt: skip
    free = [
        {"product": rows[0].sold.product, "rows": rows}
        for product_id, rows in by_product.items()
        if product_id in free_ids and rows[0].sold.product.downloadable_without_order
    ]
    return render(request, "orders/downloads.html", {"ordered": ordered, "free": free, "page": page})
