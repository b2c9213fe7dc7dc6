"""Order e-mails: one message per recipient (the buyer, the seller, each site admin), each with its own links.

Every message has exactly one address in «To», so nobody learns another recipient's address,
and only the buyer's carries the guest's secret link: the seller's points to the cabinet, an
admin's to the admin. Templates get ``recipient`` ("buyer", "seller" or "admin") and the
``order_url`` meant for that recipient.
"""

from django.urls import reverse

from marketplace.notifications import admin_emails, notify, site_url

from .models import Order, Shipment

BUYER, SELLER, ADMIN = "buyer", "seller", "admin"


def invoice_send(order: Order) -> None:
    """«Счёт заказа» (seed 001): the order's lines and the buyer's details, to everyone concerned."""
    _send_each(order, template="order_invoice", context={"items": list(order.items.all())})


def status_change_send(order: Order, previous: str, note: str = "") -> None:
    """The status changed (``previous`` is the old status' label); tracks recorded so far go along."""
    shipments = list(order.shipments.all())
    _send_each(
        order,
        template="order_status",
        context={"previous": previous, "note": note},
        per_recipient=lambda recipient: {"shipments": [_track(shipment, recipient) for shipment in shipments]},
    )


def shipment_send(order: Order, shipment: Shipment) -> None:
    """A parcel was recorded and the seller asked to tell the buyer: its track, to everyone concerned."""
    _send_each(
        order,
        template="order_shipment",
        context={"shipment": shipment},
        per_recipient=lambda recipient: {"tracking_url": _track(shipment, recipient)["url"]},
    )


def delivered_send(shipment: Shipment) -> None:
    """The carrier delivered the parcel: the buyer alone is told, and asked for a review unless a guest."""
    order = shipment.order
    context = {"order": order, "shop": order.shop, "shipment": shipment, "ask_review": not order.is_guest,
               "recipient": BUYER, "order_url": order_url(order, BUYER)}  # fmt: skip
    notify(template="shipment_delivered", to=[order.email], context=context)


def downloads_open_send(order: Order) -> None:
    """Files of the order's digital goods can be downloaded now: the buyer alone hears of it
    (a guest's link carries the order's secret, so it goes to nobody else)."""
    items = [item for item in order.items.all() if item.is_digital]
    notify(template="downloads_open", to=[order.email],
           context={"order": order, "shop": order.shop, "items": items, "recipient": BUYER,
                    "order_url": order_url(order, BUYER) + "#files"})  # fmt: skip


def confirmed_send(order: Order) -> None:
    """The buyer confirmed the order: the seller hears of it (the cabinet's link)."""
    notify(template="order_confirmed", to=[order.shop.owner.email],
           context={"order": order, "shop": order.shop, "order_url": order_url(order, SELLER)})  # fmt: skip


def recipients(order: Order) -> list[tuple[str, str]]:
    """(recipient, address) for the buyer, the seller and each admin: one message per address.

    An admin who is also this order's seller or buyer gets only that copy, as before the split.
    """
    buyer, seller = order.email.strip(), order.shop.owner.email.strip()
    taken = {buyer.lower(), seller.lower()}
    result = [(BUYER, buyer), (SELLER, seller)]
    for address in admin_emails():
        address = address.strip()
        if address and address.lower() not in taken:
            taken.add(address.lower())
            result.append((ADMIN, address))
    return [(recipient, address) for recipient, address in result if address]


def order_url(order: Order, recipient: str) -> str:
    """Where each recipient opens the order: the buyer's page (a guest's with the secret), the cabinet, the admin."""
    if recipient == BUYER:
        path = order.get_absolute_url()
    elif recipient == SELLER:
        path = reverse("orders:cabinet-detail", kwargs={"number": order.number})
    else:
        path = reverse("admin:orders_order_change", args=[order.pk])
    return site_url() + path


def _track(shipment: Shipment, recipient: str) -> dict:
    """A parcel as one recipient may follow it: the buyer on our tracking page (a guest's link carries
    the order's secret), the seller and admins on the carrier's own page."""
    if recipient == BUYER:
        url = site_url() + shipment.get_absolute_url() if shipment.is_tracked else ""
    else:
        url = shipment.public_url
    return {"carrier": shipment.carrier_label, "number": shipment.track_number, "url": url}


def _send_each(order: Order, *, template: str, context: dict, per_recipient=None) -> None:
    base = {"order": order, "shop": order.shop, **context}
    for recipient, address in recipients(order):
        extra = per_recipient(recipient) if per_recipient else {}
        notify(
            template=template,
            to=[address],
            context={**base, **extra, "recipient": recipient, "order_url": order_url(order, recipient)},
        )
