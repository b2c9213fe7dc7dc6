"""Orders in the admin: lists, the order with items, history and shipments, tracking events read-only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import services
from orders.carriers import CarrierEvent, TrackingResult
from orders.models import OrderStatus, Shipment
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    shop = ShopFactory()
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="russian_post",
                                     track_number="62001411001235", new_status=OrderStatus.SHIPPED)  # fmt: skip
    event = CarrierEvent(timezone.now() - timedelta(days=1), "Прибыло в место вручения", "Москва 101000", False)
    services.shipment_store_tracking(shipment_id=shipment.pk, result=TrackingResult(events=[event]))
    return order, shipment


def test_order_pages_in_the_admin(admin_client, shipped):
    order, shipment = shipped
    listing = admin_client.get("/admin/orders/order/?q=62001411001235").content.decode()
    assert order.number in listing  # found by its track number
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "62001411001235" in page and order.items.get().title in page and "Отгрузка: Почта России" in page
    shipment_page = admin_client.get(f"/admin/orders/shipment/{shipment.pk}/change/").content.decode()
    assert "Прибыло в место вручения" in shipment_page
    assert 'name="events-0-status"' not in shipment_page  # events are the carrier's: read-only


def test_a_bad_track_in_the_admin_is_refused(admin_client, shipped):
    order, shipment = shipped
    response = admin_client.post(f"/admin/orders/shipment/{shipment.pk}/change/", {
        "carrier": "russian_post", "carrier_name": "", "track_number": "62001411001236",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert response.status_code == 200 and "не сходится с остальными" in response.content.decode()
    assert Shipment.objects.get().track_number == "62001411001235"
