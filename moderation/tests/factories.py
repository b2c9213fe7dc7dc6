"""Builders for the «Надёжный продавец» tests: orders with parcels the carrier delivered, reviews, complaints."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.tests.factories import UserFactory
from moderation.models import Complaint, ComplaintKind, ComplaintStatus
from orders.models import Order, OrderItem, OrderStatus, Review, Shipment, TrackingEvent
from orders.tests.factories import order_for

ADDRESS = "620000, Екатеринбург, ул. Ленина, 1"  # as orders.tests.factories.order_for writes it
_tracks = itertools.count(10_000_000)
_numbers = itertools.count(1)


def parcel(order, *, carrier="russian_post", recipient="Иванова М. П.", delivered=True, location="Екатеринбург 620000",
           delivery_event=True) -> Shipment:  # fmt: skip
    """A parcel of the order as the tracking job stores it: the recipient, the delivery date and event."""
    when = timezone.now() - timedelta(days=2)
    shipment = Shipment.objects.create(
        order=order, carrier=carrier, track_number=str(next(_tracks)), recipient_name=recipient,
        delivered_at=when if delivered else None,
    )  # fmt: skip
    TrackingEvent.objects.create(shipment=shipment, occurred_at=when - timedelta(days=3), status="Принято в отделении",
                                 location="Казань 420000")  # fmt: skip
    if delivered and delivery_event:
        TrackingEvent.objects.create(shipment=shipment, occurred_at=when, status="Вручение адресату",
                                     location=location, is_delivery=True)  # fmt: skip
    return shipment


def tracked_sale(shop, *, buyer=None, **parcel_kwargs) -> Order:
    """A shipped order whose Russian Post parcel reached the buyer (a guest's unless a buyer is given)."""
    order = order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    parcel(order, **parcel_kwargs)
    return order


def review(order, *, rating=5, author=None, published=True) -> Review:
    author = author or order.buyer or UserFactory()
    return Review.objects.create(
        item=order.items.first(), order=order, shop=order.shop, product=order.items.first().product, author=author,
        rating=rating, text="Всё пришло вовремя, спасибо!", is_published=published,
    )  # fmt: skip


def complaint(shop, *, status=ComplaintStatus.CONFIRMED, author=None) -> Complaint:
    return Complaint.objects.create(shop=shop, author=author, kind=ComplaintKind.QUALITY, text="Товар с браком",
                                    status=status)  # fmt: skip


def bulk_tracked_sales(shop, count: int) -> list[Order]:
    """Many delivered guest orders at once (query-budget tests): the same rows order_for + parcel make."""
    orders = Order.objects.bulk_create([
        Order(number=f"B{next(_numbers):07d}", shop=shop, idempotency_key=f"bulk-{shop.pk}-{index}", is_guest=True,
              status=OrderStatus.SHIPPED, buyer_name="Мария Иванова", phone="+79265550101", email="masha@example.com",
              address=ADDRESS, delivery_method="russian_post", contact_method="email", subtotal=Decimal("100"),
              total=Decimal("100"))
        for index in range(count)
    ])  # fmt: skip
    OrderItem.objects.bulk_create([
        OrderItem(order=order, title="Вигвам", quantity=1, base_unit=100, unit_price=100, line_total=100)
        for order in orders
    ])  # fmt: skip
    when = timezone.now() - timedelta(days=2)
    shipments = Shipment.objects.bulk_create([
        Shipment(order=order, carrier="russian_post", track_number=str(next(_tracks)), recipient_name="Иванова М.",
                 delivered_at=when)
        for order in orders
    ])  # fmt: skip
    TrackingEvent.objects.bulk_create([
        TrackingEvent(shipment=shipment, occurred_at=when, status="Вручение адресату", location="Екатеринбург 620000",
                      is_delivery=True)
        for shipment in shipments
    ])  # fmt: skip
    return orders
