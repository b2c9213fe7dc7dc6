"""Shipments and tracking: tracks checked per carrier, carriers asked, delivery recorded."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails, tracks
from ..carriers import CarrierError, TrackingResult, TrackNotFound, client_for
from ..exceptions import ShipmentError
from ..models import (
    TRACKED_CARRIERS,
    Carrier,
    Order,
    OrderEvent,
    OrderStatus,
    Shipment,
    TrackingEvent,
)
from .statuses import order_mark_received, order_transition

logger = logging.getLogger(__name__)


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
    from ..tasks import shipment_refresh_task

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
