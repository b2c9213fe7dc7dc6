"""Reason 5 (seed 001, «Фальсификация заказов»): the owner's own order is refused at checkout; the admin's
queue of back-dated orders (a carrier event earlier than the order); «cancel as fake» cancels the order
with a warning, and the shop's second fake order switches it off."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.tests.factories import UserFactory
from moderation.exceptions import SanctionError
from moderation.models import Sanction, SanctionKind
from moderation.services import order_cancel_as_fake
from orders.exceptions import CartError
from orders.models import CancelReason, Order, OrderStatus, Shipment, TrackingEvent
from orders.tests.factories import order_for
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

from .complaint_builders import SELLER, buyer_user, seller_shop
from .factories import bulk_tracked_sales

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/ordertocheck/"
DETAILS = "Посылка принята почтой за три дня до оформления заказа: заказ оформлен задним числом."


@pytest.fixture
def shop():
    return seller_shop()


@pytest.fixture
def buyer():
    return buyer_user()


def backdated(shop, buyer, *, statuses=()):
    """An order whose parcel the carrier took in before the order was placed."""
    order = order_for(shop, buyer=buyer, statuses=statuses)
    shipment = Shipment.objects.create(order=order, carrier="russian_post", track_number=f"8008{order.pk:010d}")
    TrackingEvent.objects.create(shipment=shipment, occurred_at=order.created_at - timedelta(days=3),
                                 status="Приём", location="Казань 420000")  # fmt: skip
    return order


def test_the_owner_cannot_order_from_their_own_shop(client, shop):
    with pytest.raises(CartError, match="own shop|собствен|своём|своем|своего"):
        order_for(shop, buyer=shop.owner)
    assert not Order.objects.exists()


def test_the_queue_finds_back_dated_orders(admin_client, shop, buyer):
    fake = backdated(shop, buyer)
    honest = order_for(shop, buyer=buyer)
    later = Shipment.objects.create(order=honest, carrier="cdek", track_number="1234567890")
    TrackingEvent.objects.create(shipment=later, occurred_at=honest.created_at + timedelta(hours=5), status="Приём")
    listed = admin_client.get(f"{QUEUE}?check=backdated").context["cl"].result_list
    assert [order.pk for order in listed] == [fake.pk]
    page = admin_client.get(f"{QUEUE}{fake.pk}/change/").content.decode()
    assert "color:#b42318" in page and fake.number in page  # the earlier event stands out


def test_cancel_as_fake_asks_for_the_text_then_cancels_with_a_warning(
    admin_client, admin_user, shop, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    order = backdated(shop, buyer)
    data = {"action": "cancel_as_fake", ACTION_CHECKBOX_NAME: [order.pk]}
    response = admin_client.post(QUEUE, data)
    assert response.status_code == 200 and 'name="details"' in response.content.decode()
    assert admin_client.post(QUEUE, {**data, "details": " "}).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not Sanction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(QUEUE, {**data, "details": DETAILS})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    # orders.CancelReason has no «fake» reason yet: the nearest one, and the history says what happened.
    assert order.cancel_reason == CancelReason.FAKE_ORDER
    assert "fake" in order.events.last().note or "фиктив" in order.events.last().note
    [warning] = Sanction.objects.all()
    assert (warning.kind, warning.reason, warning.order, warning.created_by, warning.details) == (
        SanctionKind.WARNING, "fake_orders", order, admin_user, DETAILS)
    assert "Приём" in warning.evidence
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.ACTIVE
    assert any(mail.to == [SELLER] and DETAILS in mail.body for mail in mailoutbox)
    assert all(len(mail.to) == 1 for mail in mailoutbox)
    assert [order.pk for order in admin_client.get(f"{QUEUE}?check=fake").context["cl"].result_list] == [order.pk]


def test_the_second_fake_order_switches_the_shop_off(shop, buyer, mailoutbox, django_capture_on_commit_callbacks):
    admin = UserFactory(is_staff=True)
    first, second = backdated(shop, buyer), backdated(shop, buyer)
    outcome = order_cancel_as_fake(order=first, actor=admin, details=DETAILS)
    assert outcome.cancelled and outcome.switch_off is None
    with django_capture_on_commit_callbacks(execute=True):
        outcome = order_cancel_as_fake(order=second, actor=admin, details=DETAILS)
    assert outcome.switch_off is not None
    assert (outcome.switch_off.kind, outcome.switch_off.reason) == (SanctionKind.SWITCH_OFF, "fake_orders")
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.SWITCHED_OFF
    assert Sanction.objects.filter(kind=SanctionKind.WARNING, reason="fake_orders").count() == 2
    seller_mails = [mail for mail in mailoutbox if mail.to == [SELLER]]
    assert len(seller_mails) >= 2  # the warning and the switch-off, each its own e-mail


def test_an_order_is_dealt_with_as_fake_once(shop, buyer):
    order = backdated(shop, buyer)
    order_cancel_as_fake(order=order, actor=UserFactory(is_staff=True), details=DETAILS)
    with pytest.raises(SanctionError):
        order_cancel_as_fake(order=order, actor=UserFactory(is_staff=True), details=DETAILS)
    assert Sanction.objects.count() == 1


def test_a_shipped_fake_order_keeps_its_status_but_the_warning_is_given(shop, buyer):
    order = backdated(shop, buyer, statuses=[OrderStatus.SHIPPED])
    outcome = order_cancel_as_fake(order=order, actor=UserFactory(is_staff=True), details=DETAILS)
    order.refresh_from_db()
    assert not outcome.cancelled and order.status == OrderStatus.SHIPPED
    assert outcome.warning.reason == "fake_orders"


def test_the_queue_has_a_query_budget(admin_client, shop):
    bulk_tracked_sales(shop, 3)
    admin_client.get(QUEUE)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(QUEUE).status_code == 200
    bulk_tracked_sales(ShopFactory(), 297)  # the bulk builder numbers per shop
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(QUEUE).status_code == 200
    assert len(many) == len(few)
