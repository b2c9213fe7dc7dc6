"""Who may download a digital product's sold files, and counting the downloads (seed 001).

Rights:
- a **free** product with activation «немедленно» — any signed-in person, without an order,
  while the product is on sale (``Product.downloadable_without_order``);
- otherwise a **buyer's order** holding the product, not cancelled: with activation
  «немедленно» (as it was when ordered) right after placing it, with «вручную» once the
  seller marked the order «Оплачен» (or sent it);
- a guest reaches their order's files only through the order's secret link.

Counting: the seed's limit is per file «для одного пользователя»: a signed-in person has one
counter per file whichever way they reach it; a guest one per order. A download is taken
with a conditional UPDATE (``count < limit``), so parallel requests never pass the limit. A
resumed download (a Range from a later byte, within DIGITAL_RESUME_SECONDS of a counted one,
at most DIGITAL_RESUMES_PER_DOWNLOAD times) is not counted again, so a broken connection does
not cost the buyer a download, yet Range requests can't fetch the file over and over.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Activation, DigitalFile, Product

from .exceptions import CartError
from .models import Download, Order, OrderItem, OrderStatus

# Statuses in which a «вручную» product's files are open: the seller confirmed the payment (or sent the order).
CONFIRMED = (OrderStatus.PAID, OrderStatus.SHIPPED)


class DownloadRefused(CartError):
    """No right to the file (yet), or its downloads are used up; the message says which."""

    def __init__(self, message, *, used_up: bool = False):
        super().__init__(message)
        self.used_up = used_up


def item_open(order: Order, item: OrderItem) -> bool:
    """Whether this digital line's files are open to the order's buyer now."""
    if not item.is_digital or order.status == OrderStatus.CANCELLED:
        return False
    return item.activation == Activation.IMMEDIATE or order.status in CONFIRMED


def open_items_count(order: Order) -> int:
    """How many of the order's digital lines are open now (a status change that raises it opens files)."""
    return sum(item_open(order, item) for item in order.items.all() if item.is_digital)


def _open_order_items(orders) -> Q:
    """Order items whose files are open, among ``orders`` (a queryset)."""
    return (
        Q(order__in=orders, is_digital=True)
        & ~Q(order__status=OrderStatus.CANCELLED)
        & (Q(activation=Activation.IMMEDIATE) | Q(order__status__in=CONFIRMED))
    )


def order_for_file(*, sold: DigitalFile, user) -> Order | None:
    """The signed-in person's order that opens this file to them, or None."""
    item = (
        OrderItem.objects.filter(_open_order_items(Order.objects.filter(buyer=user)), product_id=sold.product_id)
        .select_related("order")
        .order_by("-order__created_at")
        .first()
    )
    return item.order if item else None


def check_user_right(*, sold: DigitalFile, user) -> Order | None:
    """Raise DownloadRefused unless ``user`` (signed in) may download ``sold``; the order that allows it, if any."""
    product = sold.product
    if product.downloadable_without_order and Product.objects.visible().filter(pk=product.pk).exists():
        return None
    order = order_for_file(sold=sold, user=user)
    if order is not None:
        return order
    waiting = OrderItem.objects.filter(order__buyer=user, product_id=sold.product_id, is_digital=True,
                                       order__status=OrderStatus.OPEN).exists()  # fmt: skip
    if waiting:
        raise DownloadRefused(_("The files open once the seller confirms the payment of your order."))
    raise DownloadRefused(_("Order the product to download its files."))


def check_order_right(*, sold: DigitalFile, order: Order) -> None:
    """Raise DownloadRefused unless ``order`` opens ``sold`` now."""
    items = [item for item in order.items.all() if item.product_id == sold.product_id and item.is_digital]
    if not items:
        raise DownloadRefused(_("This order has no such file."))
    if order.status == OrderStatus.CANCELLED:
        raise DownloadRefused(_("The order is cancelled: its files are no longer available."))
    if not any(item_open(order, item) for item in items):
        raise DownloadRefused(_("The files open once the seller confirms the payment of your order."))


def _counter(*, sold: DigitalFile, user, order) -> Download:
    """The counter row, made on first use (two first downloads at once make one row)."""
    lookup = {"file": sold, "user": user} if user is not None else {"file": sold, "user": None, "order": order}
    found = Download.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Download.objects.create(**lookup)
    except IntegrityError:
        return Download.objects.get(**lookup)


def download_take(*, sold: DigitalFile, user=None, order: Order | None = None, resume: bool = False,
                  peek: bool = False) -> Download:  # fmt: skip
    """Count one download of ``sold`` by ``user`` (or by the guest ``order``), or refuse: the limit is used up.

    ``resume``: the request continues an earlier download (a Range from a later byte); within
    DIGITAL_RESUME_SECONDS of the last counted download, DIGITAL_RESUMES_PER_DOWNLOAD times at most,
    it is not counted. ``peek``: a HEAD
    request (download managers ask before fetching) is answered as the download would be, uncounted.
    """
    counter = _counter(sold=sold, user=user, order=order)
    limit = sold.product.download_limit
    if peek:
        if limit and counter.count >= limit:
            raise DownloadRefused(_("You have used all downloads of this file."), used_up=True)
        return counter
    now = timezone.now()
    if resume and counter.count:
        # A broken download goes on where it stopped: free a few times, soon after the counted one.
        window = now - timedelta(seconds=settings.DIGITAL_RESUME_SECONDS)
        resumed = Download.objects.filter(pk=counter.pk, last_at__gt=window,
                                          resumed__lt=settings.DIGITAL_RESUMES_PER_DOWNLOAD)  # fmt: skip
        if resumed.update(resumed=F("resumed") + 1):
            return counter
    rows = Download.objects.filter(pk=counter.pk)
    if limit:
        rows = rows.filter(count__lt=limit)
    taken = rows.update(count=F("count") + 1, resumed=0, last_at=now, first_at=Coalesce(F("first_at"), now))
    if not taken:
        raise DownloadRefused(_("You have used all downloads of this file."), used_up=True)
    counter.refresh_from_db()
    return counter


@dataclass
class FileRow:
    """A sold file as its buyer sees it: downloads left (None: no limit) and where to get it."""

    sold: DigitalFile
    used: int
    url: str

    @property
    def left(self) -> int | None:
        limit = self.sold.product.download_limit
        return None if not limit else max(limit - self.used, 0)


def counts_for(*, files, user=None, order=None) -> dict[int, int]:
    """{file id: downloads used} for one person (or one guest order), in one query."""
    rows = Download.objects.filter(file__in=[sold.pk for sold in files])
    rows = rows.filter(user=user) if user is not None else rows.filter(user__isnull=True, order=order)
    return dict(rows.values_list("file_id", "count"))
