"""Order statuses: the state machine, cancel reasons, confirmation and receipt."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Availability, Product
from catalog.services import products_sales_record
from marketplace.pagecache import bump_generation_on_commit
from referrals.codes import referral_release
from referrals.services import promo_release_use
from shops.models import Shop

from .. import emails
from ..downloads import open_items_count
from ..exceptions import CartError
from ..models import (
    TRANSITIONS,
    CancelReason,
    Order,
    OrderEvent,
    OrderStatus,
)
from ..selectors import (
    orders_unconfirmed_guest_overdue,
)


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor, note: str = "", cancel_reason: str = "") -> Order:
    """The only way a status changes: checks the state machine, records who and when,
    returns stock on cancel and e-mails buyer, seller and site admins.

    A cancel names its reason (``CancelReason``): the buyer asked (any time), or the buyer did
    not confirm (only an open, unconfirmed order, once the shop's confirmation period in
    working days is over). Stock comes back only for goods that never left: an order with a
    parcel recorded keeps its stock taken (the seller counts returned goods in by hand).
    """
    # The note as typed (the cabinet posts it without a form): no NUL (PostgreSQL's text refuses
    # it), no surrounding blanks, at most what the event keeps.
    note = note.replace("\x00", "").strip()[: OrderEvent._meta.get_field("note").max_length]
    order = Order.objects.select_for_update().select_related("shop", "shop__owner").get(pk=order.pk)
    if to_status not in TRANSITIONS[OrderStatus(order.status)]:
        raise CartError(
            _("An order that is «%(current)s» cannot become «%(target)s».")
            % {"current": order.get_status_display(), "target": OrderStatus(to_status).label}
        )
    fields = ["status", "status_changed_at"]
    if to_status == OrderStatus.CANCELLED:
        _check_cancel_reason(order, cancel_reason, actor)
        products_sales_record(product_ids=order.items.values_list("product_id", flat=True), delta=-1)
        if order.promo_code_id:  # the code's use, revenue and discount given no longer count
            promo_release_use(promo_id=order.promo_code_id, revenue=order.total, discount=order.promo_discount)
        if order.referral_code_id:  # Lavka's code works again until its round ends; nothing is owed
            referral_release(code_id=order.referral_code_id)
        order.cancel_reason = cancel_reason
        fields.append("cancel_reason")
        note = " ".join(part for part in (f"{CancelReason(cancel_reason).label}.", note) if part)
        if order.shipments.exists():
            kept = _("Stock is not returned: a parcel was sent.")
            note = f"{note} {kept}"
        else:
            _return_stock(order)
    if to_status == OrderStatus.PAID:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    previous = order.get_status_display()
    opened_before = open_items_count(order)
    order.status = to_status
    order.status_changed_at = timezone.now()
    order.save(update_fields=fields)
    OrderEvent.objects.create(order=order, status=to_status, actor=actor, note=note)
    # A parcel recorded before (or together with) «shipped» makes the notice carry a clickable track.
    emails.status_change_send(order, previous, note)
    if open_items_count(order) > opened_before:  # «вручную» files open once the seller confirms the payment
        emails.downloads_open_send(order)
    return order


def _check_cancel_reason(order: Order, reason: str, actor) -> None:
    if reason not in CancelReason.values:
        raise CartError(_("Choose why the order is cancelled."), field="cancel_reason")
    if reason == CancelReason.FAKE_ORDER and not (actor is not None and actor.is_staff):
        raise CartError(_("Choose why the order is cancelled."), field="cancel_reason")
    if reason != CancelReason.NO_CONFIRMATION:
        return
    if order.status != OrderStatus.OPEN or order.confirmed_at or order.paid_at:
        raise CartError(_("The buyer confirmed or paid this order: cancel it only if the buyer asked."),
                        field="cancel_reason")  # fmt: skip
    if not order.may_cancel_as_unconfirmed:
        allowed_from = order.unconfirmed_cancel_from
        raise CartError(
            _("The buyer has until the end of the confirmation period: you may cancel the order as unconfirmed "
              "from %(date)s.") % {"date": date_format(allowed_from, "j E")}, field="cancel_reason",
        )  # fmt: skip


def _return_stock(order: Order) -> None:
    for item in order.items.filter(product__isnull=False).select_related("product"):
        if item.product.availability == Availability.IN_STOCK:
            Product.objects.filter(pk=item.product_id).update(stock=F("stock") + item.quantity)
    bump_generation_on_commit()


def orders_cancel_unconfirmed_guest(*, shop: Shop, actor, limit: int = 500) -> int:
    """Cancel, stock returned, the shop's guest orders not confirmed within its confirmation
    period (seed 001); returns how many were cancelled. Each goes through order_transition."""
    cancelled = 0
    for order in orders_unconfirmed_guest_overdue(shop=shop).order_by("created_at")[:limit]:
        try:
            order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor,
                             cancel_reason=CancelReason.NO_CONFIRMATION)  # fmt: skip
        except CartError:
            continue  # confirmed, paid or cancelled meanwhile: not ours to cancel any more
        cancelled += 1
    return cancelled


@transaction.atomic
def order_confirm(*, order: Order) -> Order:
    """The buyer confirms the order (seed 001: within the shop's confirmation period)."""
    if order.status != OrderStatus.OPEN:
        raise CartError(_("Only an open order can be confirmed."))
    if order.confirmed_at is None:
        order.confirmed_at = timezone.now()
        order.save(update_fields=["confirmed_at"])
        OrderEvent.objects.create(order=order, status=order.status, actor=order.buyer, note=_("Confirmed by the buyer"))
        emails.confirmed_send(order)
    return order


@transaction.atomic
def order_mark_received(*, order: Order, by_buyer: bool) -> Order:
    """«Получен»: the buyer says they have the order, or the carrier reported it delivered.

    Delivery state beside the status (which stays «Отправлен»); the first report wins.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.SHIPPED:
        raise CartError(_("Only a shipped order can be received."))
    if order.received_at is None:
        order.received_at = timezone.now()
        order.save(update_fields=["received_at"])
        note = _("Received: the buyer confirmed it") if by_buyer else _("Received: the carrier delivered it")
        OrderEvent.objects.create(order=order, status=order.status, actor=order.buyer if by_buyer else None, note=note)
    return order
