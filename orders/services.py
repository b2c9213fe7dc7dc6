"""Writes of the orders app: the cart, placing orders, statuses, shipments and their tracking, reviews."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Availability, OptionGroup, OptionKind, Product
from catalog.services import products_sales_record
from marketplace.pagecache import bump_generation
from marketplace.text_rules import validate_no_contacts
from referrals.services import promo_release_use
from shops.models import Shop

from . import emails, tracks
from .carriers import CarrierError, TrackingResult, TrackNotFound, client_for
from .exceptions import CartError, ReviewError, ShipmentError
from .models import (
    MAX_LINE_QUANTITY,
    TRACKED_CARRIERS,
    TRANSITIONS,
    CancelReason,
    Carrier,
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Review,
    Shipment,
    TrackingEvent,
)
from .pricing import price_order
from .promos import order_record_pricing
from .selectors import (
    SESSION_KEY,
    cart_for,
    cart_groups,
    order_for_idempotency_key,
    orders_unconfirmed_guest_overdue,
    scoped_idempotency_key,
)

logger = logging.getLogger(__name__)


def _options_key(choice_ids: Iterable[int]) -> str:
    return ",".join(str(pk) for pk in sorted(set(choice_ids)))


def _check_product(product: Product) -> None:
    if not Product.objects.visible().filter(pk=product.pk).exists():
        raise CartError(_("This product is not on sale."))
    vacation = product.shop.current_vacation()
    if vacation and not vacation.allow_cart:
        raise CartError(_("The seller is on vacation until %(date)s and asks not to add products to the cart.")
                        % {"date": vacation.ends_on.strftime("%d.%m.%Y")})  # fmt: skip
    if not product.is_orderable:
        raise CartError(_("«%(title)s» is out of stock.") % {"title": product.title})


def _check_choices(product: Product, choice_ids: list[int]) -> list[int]:
    """The chosen variants must belong to the product and satisfy each option's rules."""
    return _validate_choices(list(product.option_groups.prefetch_related("choices")), choice_ids)


def _validate_choices(groups: list[OptionGroup], choice_ids: Iterable[int]) -> list[int]:
    """``choice_ids`` against the product's option groups (choices prefetched) as they are now."""
    chosen = set(choice_ids)
    removed = {choice.name for group in groups for choice in group.choices.all()
               if choice.is_removed and choice.pk in chosen}  # fmt: skip
    if removed:
        raise CartError(_("the variant «%(variant)s» is no longer offered; remove the line and choose again.")
                        % {"variant": ", ".join(sorted(removed))})  # fmt: skip
    if chosen - {choice.pk for group in groups for choice in group.choices.all()}:
        raise CartError(_("These variants are not offered for this product; reload the page."))
    for group in groups:
        picked = chosen & {choice.pk for choice in group.choices.all()}
        if group.kind == OptionKind.CHECKBOX:
            if group.is_required and not picked:
                raise CartError(_("Choose at least one variant of «%(name)s».") % {"name": group.name})
        else:
            if len(picked) > 1:
                raise CartError(_("Choose one variant of «%(name)s».") % {"name": group.name})
            if group.is_required and not picked:
                raise CartError(_("Choose «%(name)s».") % {"name": group.name})
    return sorted(chosen)


def _cap_to_stock(product: Product, quantity: int) -> None:
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(_("At most %(count)d pieces in one line.") % {"count": MAX_LINE_QUANTITY})
    if product.availability == Availability.IN_STOCK and quantity > (product.stock or 0):
        raise CartError(
            ngettext("Only %(count)d piece of «%(title)s» is left.", "Only %(count)d pieces of «%(title)s» are left.",
                     product.stock or 0) % {"count": product.stock or 0, "title": product.title}
        )  # fmt: skip


@transaction.atomic
def cart_open(*, request) -> Cart:
    """The buyer's cart, made on first use; a guest's is remembered in the session."""
    if request.user.is_authenticated:
        return Cart.objects.get_or_create(user=request.user)[0]
    cart = cart_for(request)
    if cart is None:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, product: Product, quantity: int, choice_ids: Iterable[int] = ()) -> CartLine:
    """Put pieces of a product with the chosen variants in the cart (adding to a line it has)."""
    if quantity < 1:
        raise CartError(_("The quantity must be at least 1."))
    _check_product(product)
    choices = _check_choices(product, list(choice_ids))
    line = (
        CartLine.objects.select_for_update()
        .filter(cart=cart, product=product, options_key=_options_key(choices))
        .first()
    )
    total = quantity + (line.quantity if line else 0)
    _cap_to_stock(product, total)
    if line is None:
        line = CartLine.objects.create(
            cart=cart, product=product, quantity=total, choice_ids=choices, options_key=_options_key(choices)
        )
    else:
        line.quantity = total
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_line_set_quantity(*, line: CartLine, quantity: int) -> CartLine | None:
    """Change a line's quantity; 0 removes it."""
    if quantity < 0:
        raise CartError(_("The quantity cannot be negative."))
    if quantity == 0:
        line.delete()
        return None
    _cap_to_stock(line.product, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, line: CartLine) -> None:
    line.delete()


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """At log-in the guest cart joins the account's: quantities add up, capped by stock."""
    if source.pk == target.pk:
        return target
    for line in source.lines.select_related("product"):
        existing = target.lines.filter(product=line.product, options_key=line.options_key).first()
        quantity = line.quantity + (existing.quantity if existing else 0)
        product = line.product
        if product.availability == Availability.IN_STOCK:
            quantity = min(quantity, product.stock or 0)
        quantity = min(quantity, MAX_LINE_QUANTITY)
        if existing:
            existing.quantity = quantity
            existing.save(update_fields=["quantity"]) if quantity else existing.delete()
        elif quantity:
            line.cart, line.quantity = target, quantity
            line.save(update_fields=["cart", "quantity"])
    if source.promo_codes:  # a code typed as a guest stays typed after logging in
        target.promo_codes = {**source.promo_codes, **target.promo_codes}
        target.save(update_fields=["promo_codes"])
    source.delete()
    return target


@transaction.atomic
def order_place(
    *, cart: Cart, shop, buyer, idempotency_key: str, buyer_name: str, phone: str, email: str, address: str,
    delivery_method: str, contact_method: str, notes: str = "", rules_accepted: bool = False,
    source: str = "direct", source_referrer: str = "",
) -> Order:  # fmt: skip
    """Turn the cart's lines of one shop into an order: re-priced, stock taken, invoice queued.

    The same idempotency key from the same cart returns the order already placed (a double
    click places one); the same key from another cart is a fresh attempt, never that order.
    Stock is taken with a conditional update, so two buyers can never get the last piece.
    """
    # Checkouts of one cart queue up here, so a parallel double submit finds the first order
    # instead of tripping over the unique key.
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    existing = order_for_idempotency_key(cart=cart, shop=shop, key=idempotency_key)
    if existing is not None:
        return existing
    is_guest = buyer is None
    if contact_method not in shop.contact_methods_for(is_guest=is_guest):
        raise CartError(_("Choose one of the contact methods the shop offers."))
    if shop.rules_consent_required and not rules_accepted:
        raise CartError(_("Please confirm that you agree to the shop's rules."))
    if not shop.is_open_to_buyers:
        raise CartError(_("This shop is not taking orders now."))
    vacation = shop.current_vacation()
    if vacation and not vacation.allow_cart:
        until = vacation.ends_on.strftime("%d.%m.%Y")
        raise CartError(_("The seller is on vacation until %(date)s.") % {"date": until})
    groups = [group for group in cart_groups(cart) if group.shop.pk == shop.pk]
    if not groups or not groups[0].lines:
        raise CartError(_("There is nothing from this shop in your cart."))
    priced_lines = groups[0].lines
    _check_lines(priced_lines)
    if is_guest:
        _check_guest_quantities(priced_lines)
    # The promo code typed for this shop, checked again now with its row locked (usage limits).
    pricing = price_order(group=groups[0], code_text=cart.promo_codes.get(str(shop.pk), ""), buyer=buyer,
                          email=email, lock=True)  # fmt: skip
    if pricing.promo_error:
        raise CartError(pricing.promo_error)
    order = Order.objects.create(
        shop=shop, buyer=buyer, is_guest=is_guest, idempotency_key=scoped_idempotency_key(
            cart=cart, shop=shop, key=idempotency_key), buyer_name=buyer_name,
        phone=phone, email=email, address=address, delivery_method=delivery_method, contact_method=contact_method,
        notes=notes, rules_accepted=rules_accepted, **pricing.order_fields(), source=source,
        source_referrer=source_referrer,
    )  # fmt: skip
    order.number = f"{order.created_at:%y%m}-{order.pk:05d}"
    order.save(update_fields=["number"])
    _take_stock(priced_lines)
    products_sales_record(product_ids={priced.line.product_id for priced in priced_lines}, delta=1)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order, product=priced.line.product, title=priced.line.product.title,
            options="; ".join(f"{choice.group.name}: {choice.name}" for choice in priced.choices),
            quantity=priced.line.quantity, base_unit=priced.price.base_unit, unit_price=priced.price.unit,
            discount=priced.price.explanation, line_total=priced.price.total,
        )
        for priced in priced_lines
    )  # fmt: skip
    order_record_pricing(order=order, cart=cart, price=pricing)
    CartLine.objects.filter(pk__in=[priced.line.pk for priced in priced_lines]).delete()
    OrderEvent.objects.create(order=order, status=OrderStatus.OPEN, actor=buyer)
    _notify_invoice(order)
    transaction.on_commit(bump_generation)  # stock changed: cached pages show it
    return order


def _check_lines(priced_lines) -> None:
    """Every line once more, as it is now (the seller may have changed it since it was added):
    still on sale, its variants still offered, every required option chosen. The refusal names the line."""
    options: dict[int, list[OptionGroup]] = {priced.line.product_id: [] for priced in priced_lines}
    for group in OptionGroup.objects.filter(product__in=options).prefetch_related("choices"):
        options[group.product_id].append(group)
    for priced in priced_lines:
        title = priced.line.product.title
        if not priced.available:
            raise CartError(_("«%(title)s» is no longer available: remove it from the cart.") % {"title": title})
        try:
            _validate_choices(options[priced.line.product_id], priced.line.choice_ids)
        except CartError as error:
            problem = str(error)
            raise CartError(
                _("«%(title)s»: %(problem)s") % {"title": title, "problem": problem[:1].lower() + problem[1:]}
            ) from None


def _check_guest_quantities(priced_lines) -> None:
    """A guest order holds a few pieces of a product at most: a script can't reserve the stock."""
    limit = settings.GUEST_MAX_PIECES_PER_PRODUCT
    pieces: dict[int, int] = {}
    for priced in priced_lines:
        pieces[priced.line.product_id] = pieces.get(priced.line.product_id, 0) + priced.line.quantity
        if pieces[priced.line.product_id] > limit:
            raise CartError(
                ngettext(
                    "Without an account an order may hold at most %(count)d piece of «%(title)s». "
                    "Log in or sign up to order more.",
                    "Without an account an order may hold at most %(count)d pieces of «%(title)s». "
                    "Log in or sign up to order more.",
                    limit,
                ) % {"count": limit, "title": priced.line.product.title}
            )  # fmt: skip


def _take_stock(priced_lines) -> None:
    """Take the ordered pieces of every counted product in one conditional UPDATE.

    Each row is changed only if it still has enough pieces; fewer changed rows than products
    means another buyer was quicker, and the whole order is rolled back.
    """
    wanted: dict[int, int] = {}
    for priced in priced_lines:
        if priced.line.product.availability == Availability.IN_STOCK:
            wanted[priced.line.product_id] = wanted.get(priced.line.product_id, 0) + priced.line.quantity
    if not wanted:
        return
    need = Case(*(When(pk=pk, then=Value(quantity)) for pk, quantity in wanted.items()), output_field=IntegerField())
    taken = Product.objects.filter(pk__in=wanted, stock__gte=need).update(stock=F("stock") - need)
    if taken != len(wanted):
        short = Product.objects.filter(pk__in=wanted).exclude(stock__gte=need).values_list("title", "stock").first()
        title, left = short if short else ("", 0)
        raise CartError(
            ngettext("Someone was quicker: only %(count)d piece of «%(title)s» is left.",
                     "Someone was quicker: only %(count)d pieces of «%(title)s» are left.", left or 0)
            % {"count": left or 0, "title": title}
        )  # fmt: skip


def _notify_invoice(order: Order) -> None:
    """«Счёт заказа» to the seller, the buyer and the site admins (seed 001)."""
    emails.invoice_send(order)


@transaction.atomic
def order_transition(*, order: Order, to_status: str, actor, note: str = "", cancel_reason: str = "") -> Order:
    """The only way a status changes: checks the state machine, records who and when,
    returns stock on cancel and e-mails buyer, seller and site admins.

    A cancel names its reason (``CancelReason``): the buyer asked (any time), or the buyer did
    not confirm (only an open, unconfirmed order, once the shop's confirmation period in
    working days is over). Stock comes back only for goods that never left: an order with a
    parcel recorded keeps its stock taken (the seller counts returned goods in by hand).
    """
    order = Order.objects.select_for_update().select_related("shop", "shop__owner").get(pk=order.pk)
    if to_status not in TRANSITIONS[OrderStatus(order.status)]:
        raise CartError(
            _("An order that is «%(current)s» cannot become «%(target)s».")
            % {"current": order.get_status_display(), "target": OrderStatus(to_status).label}
        )
    fields = ["status", "status_changed_at"]
    if to_status == OrderStatus.CANCELLED:
        _check_cancel_reason(order, cancel_reason)
        products_sales_record(product_ids=order.items.values_list("product_id", flat=True), delta=-1)
        if order.promo_code_id:  # the code's use, revenue and discount given no longer count
            promo_release_use(promo_id=order.promo_code_id, revenue=order.total, discount=order.promo_discount)
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
    order.status = to_status
    order.status_changed_at = timezone.now()
    order.save(update_fields=fields)
    OrderEvent.objects.create(order=order, status=to_status, actor=actor, note=note[:500])
    # A parcel recorded before (or together with) «shipped» makes the notice carry a clickable track.
    emails.status_change_send(order, previous, note)
    return order


def _check_cancel_reason(order: Order, reason: str) -> None:
    if reason not in CancelReason.values:
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
    transaction.on_commit(bump_generation)


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


@transaction.atomic
def shipment_add(
    *, order: Order, actor, carrier: str, track_number: str, carrier_name: str = "", new_status: str = "",
    notify_buyer: bool = False,
) -> Shipment:  # fmt: skip
    """Record a parcel of the order («Создать отдельную отгрузку»), optionally changing the status with it.

    A status change sends the usual notice, now with the clickable track; without one the buyer
    is told only when the seller asks (a track added to an order shipped earlier).
    """
    order = Order.objects.select_for_update().select_related("shop").get(pk=order.pk)
    if order.status == OrderStatus.CANCELLED:
        raise ShipmentError(_("The order is cancelled: there is nothing to ship."))
    if carrier not in Carrier.values:
        raise ShipmentError(_("Choose the carrier."), field="carrier")
    carrier_name = carrier_name.strip()[:100] if carrier == Carrier.OTHER else ""
    if carrier == Carrier.OTHER and not carrier_name:
        raise ShipmentError(_("Name the carrier."), field="carrier_name")
    number = tracks.validate(carrier, track_number)
    if new_status == OrderStatus.CANCELLED:
        raise ShipmentError(_("A shipment cannot cancel the order."), field="new_status")
    if order.shipments.filter(carrier=carrier, track_number=number).exists():
        raise ShipmentError(_("The track %(number)s is already on this order.") % {"number": number},
                            field="track_number")  # fmt: skip
    shipment = Shipment.objects.create(
        order=order, carrier=carrier, carrier_name=carrier_name, track_number=number, created_by=actor
    )
    OrderEvent.objects.create(
        order=order, status=order.status, actor=actor,
        note=_("Shipment: %(carrier)s, track %(number)s") % {"carrier": shipment.carrier_label, "number": number},
    )  # fmt: skip
    if new_status:
        # order_transition checks the state machine; its refusal rolls the shipment back too.
        order_transition(order=order, to_status=new_status, actor=actor)
    elif notify_buyer:
        _notify_shipment(order, shipment)
    if shipment.is_tracked and client_for(carrier) is not None:
        transaction.on_commit(lambda: shipment_refresh_queue(shipment_id=shipment.pk))
    return shipment


# A parcel's page asks the carrier again when what we have is older than this.
TRACKING_STALE_AFTER = timedelta(minutes=30)


def shipment_refresh_if_stale(*, shipment: Shipment) -> bool:
    """A buyer opened the parcel's page: queue a refresh if ours is old; True if one was queued.

    With a worker the page shows what is stored and the next visit sees the news; in-process
    (no broker) the carrier is asked now, within its timeouts.
    """
    stale = shipment.checked_at is None or shipment.checked_at < timezone.now() - TRACKING_STALE_AFTER
    if not (shipment.is_tracked and shipment.delivered_at is None and stale and client_for(shipment.carrier)):
        return False
    shipment_refresh_queue(shipment_id=shipment.pk)
    return True


def shipment_refresh_queue(*, shipment_id: int) -> None:
    """Ask a worker to fetch the parcel's events; if the broker is down the periodic job will."""
    from .tasks import shipment_refresh_task

    try:
        shipment_refresh_task.delay(shipment_id)
    except Exception:  # noqa: BLE001 - a broker outage must not break the seller's request
        logger.warning("Could not queue tracking of shipment %s", shipment_id, exc_info=True)


def _notify_shipment(order: Order, shipment: Shipment) -> None:
    emails.shipment_send(order, shipment)


@transaction.atomic
def shipment_delete(*, shipment: Shipment, actor) -> None:
    """Take back a parcel recorded by mistake; one the carrier delivered stays (it proves the sale)."""
    shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
    if shipment.delivered_at is not None:
        raise ShipmentError(_("The carrier has delivered this parcel: its track stays on the order."))
    OrderEvent.objects.create(
        order=shipment.order, status=shipment.order.status, actor=actor,
        note=_("Shipment removed: %(carrier)s, track %(number)s")
        % {"carrier": shipment.carrier_label, "number": shipment.track_number},
    )  # fmt: skip
    shipment.delete()


def shipment_refresh(*, shipment: Shipment) -> bool:
    """Ask the carrier for the parcel's events and store what is new; True if anything changed.

    The carrier is asked outside any transaction (it may take seconds); the answer is applied
    under a row lock, so a page view and the periodic job never both send «delivered».
    Raises CarrierError when the carrier could not answer (the caller decides to retry).
    """
    client = client_for(shipment.carrier)
    if client is None or not shipment.is_tracked:
        return False
    try:
        result = client.track(shipment.track_number)
    except TrackNotFound as error:
        # Normal for a day or two after the parcel is handed in: not an error to retry.
        Shipment.objects.filter(pk=shipment.pk).update(checked_at=timezone.now(), check_error=str(error)[:300])
        return False
    except CarrierError as error:
        Shipment.objects.filter(pk=shipment.pk).update(checked_at=timezone.now(), check_error=str(error)[:300])
        raise
    return shipment_store_tracking(shipment_id=shipment.pk, result=result)


@transaction.atomic
def shipment_store_tracking(*, shipment_id: int, result: TrackingResult) -> bool:
    """Store what the carrier reported: new events, recipient, delivery (asking for a review once)."""
    shipment = Shipment.objects.select_for_update().select_related("order", "order__shop").get(pk=shipment_id)
    known = set(shipment.events.values_list("occurred_at", "status"))
    new = [
        TrackingEvent(shipment=shipment, occurred_at=event.occurred_at, status=event.status[:200],
                      location=event.location[:200], is_delivery=event.is_delivery)
        for event in result.events if (event.occurred_at, event.status[:200]) not in known
    ]  # fmt: skip
    TrackingEvent.objects.bulk_create(new, ignore_conflicts=True)
    fields = {"checked_at": timezone.now(), "check_error": ""}
    if result.recipient_name:
        fields["recipient_name"] = result.recipient_name[:200]
    delivered_now = result.delivered_at is not None and shipment.delivered_at is None
    if delivered_now:
        fields["delivered_at"] = result.delivered_at
    for name, value in fields.items():
        setattr(shipment, name, value)
    shipment.save(update_fields=list(fields))
    if delivered_now:
        if shipment.order.status == OrderStatus.SHIPPED:
            order_mark_received(order=shipment.order, by_buyer=False)
        _notify_delivered(shipment)
    return bool(new) or delivered_now


def _notify_delivered(shipment: Shipment) -> None:
    """The parcel arrived: the buyer is asked for a review (guests can't leave reviews, seed 001)."""
    emails.delivered_send(shipment)


def shipments_refresh_due(*, limit: int = 500) -> dict[str, int]:
    """The periodic job: refresh undelivered parcels not checked lately; one carrier's failure stops nothing."""
    now = timezone.now()
    # A little slack, so a parcel checked just after the last run is due at the next one.
    checked_before = now - timedelta(hours=settings.TRACKING_REFRESH_HOURS) + timedelta(minutes=10)
    carriers = [carrier for carrier in TRACKED_CARRIERS if client_for(carrier) is not None]
    due = (
        Shipment.objects.filter(delivered_at__isnull=True, carrier__in=carriers,
                                created_at__gte=now - timedelta(days=settings.TRACKING_GIVE_UP_DAYS))
        .exclude(order__status=OrderStatus.CANCELLED)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=checked_before))
        .order_by(F("checked_at").asc(nulls_first=True), "pk")[:limit]
    )  # fmt: skip
    counts = {"checked": 0, "changed": 0, "failed": 0}
    for shipment in due:
        counts["checked"] += 1
        try:
            counts["changed"] += shipment_refresh(shipment=shipment)
        except CarrierError as error:
            counts["failed"] += 1
            logger.warning("Tracking %s failed: %s", shipment, error)
    return counts


def review_can_write(*, author, order: Order) -> bool:
    """Seed 001: registered buyers review what they bought; here, once the order has been shipped."""
    return (
        author is not None and author.is_authenticated and not order.is_guest and order.buyer_id == author.pk
        and order.status == OrderStatus.SHIPPED
    )  # fmt: skip


@transaction.atomic
def review_add(*, author, item: OrderItem, rating: int, text: str) -> Review:
    """The buyer's review of one bought item; the shop's and the product's ratings follow."""
    item = OrderItem.objects.select_for_update().select_related("order").get(pk=item.pk)
    if not review_can_write(author=author, order=item.order):
        raise ReviewError(_("Reviews are written by registered buyers about products they bought, once the order "
                            "is shipped."))  # fmt: skip
    if Review.objects.filter(item=item).exists():
        raise ReviewError(_("You have already reviewed «%(title)s» from this order.") % {"title": item.title})
    if rating not in range(1, 6):
        raise ReviewError(_("Choose from 1 to 5 stars."), field="rating")
    text = text.strip()
    if len(text) < 10:
        raise ReviewError(_("Tell a little more: at least 10 characters."), field="text")
    if len(text) > 2000:
        raise ReviewError(_("At most 2000 characters, please."), field="text")
    try:
        validate_no_contacts(text)
    except ValidationError as error:
        raise ReviewError(" ".join(error.messages), field="text") from error
    review = Review.objects.create(
        item=item, order=item.order, shop_id=item.order.shop_id, product_id=item.product_id, author=author,
        rating=rating, text=text,
    )  # fmt: skip
    _ratings_refresh(shop_id=review.shop_id, product_id=review.product_id)
    return review


@transaction.atomic
def reviews_set_published(*, reviews, published: bool) -> int:
    """Moderation hides or shows reviews; the ratings are counted again."""
    pairs = set(reviews.values_list("shop_id", "product_id"))
    changed = Review.objects.filter(pk__in=reviews.values("pk")).update(is_published=published)
    for shop_id, product_id in pairs:
        _ratings_refresh(shop_id=shop_id, product_id=product_id)
    return changed


def _ratings_refresh(*, shop_id: int, product_id: int | None) -> None:
    """Shop.rating_avg and Product.rating_avg: the plain mean of published stars (seed 001's formula)."""
    published = Review.objects.filter(is_published=True)
    shop = published.filter(shop_id=shop_id).aggregate(avg=Avg("rating"), count=Count("pk"))
    Shop.objects.filter(pk=shop_id).update(rating_avg=_stars(shop["avg"]), rating_count=shop["count"])
    if product_id is not None:
        product = published.filter(product_id=product_id).aggregate(avg=Avg("rating"), count=Count("pk"))
        Product.objects.filter(pk=product_id).update(
            rating_avg=_stars(product["avg"]), review_count=product["count"], updated_at=timezone.now()
        )
    transaction.on_commit(bump_generation)  # cached storefront and product pages show the new rating


def _stars(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
