"""Reason 1 (seed 001): an «Открытый» order without any seller action for 24 hours — the hourly job warns
the seller and each admin once; a buyer's «заказ не обработан» complaint on such an order hides the shop's
products at once, and rejecting that complaint (or an admin lifting the hiding) brings them back.

Time is frozen by passing ``now=`` to the services: the job and the complaint take it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from marketplace.tests.factories import UserFactory
from messaging.models import Side
from moderation.exceptions import ComplaintError
from moderation.models import Complaint, OrderNotice, Sanction, SanctionKind
from moderation.services import (
    complaint_confirm,
    complaint_file,
    complaint_reject,
    orders_unprocessed_notify,
    sanction_lift,
)
from moderation.services.complaints import order_is_unprocessed, orders_unprocessed
from moderation.tasks import orders_unprocessed_task
from orders import services as order_services
from orders.models import Order, OrderEvent, OrderStatus, Shipment
from shops.models import SanctionState

from .complaint_builders import BUYER, SELLER, buyer_user, conversation, placed, say, seller_shop

pytestmark = pytest.mark.django_db

ADMINS = [("Ольга", "olga@lavka.test"), ("Пётр", "petr@lavka.test")]
TEXT = "Заказ оформлен позавчера, продавец молчит и не отвечает на сообщения."


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = ADMINS


@pytest.fixture
def shop():
    return seller_shop()


@pytest.fixture
def buyer():
    return buyer_user()


@pytest.fixture
def order(shop, buyer):
    """Placed at a fixed moment; the tests move ``now`` around it."""
    order = placed(shop, buyer)
    placed_at = timezone.now().replace(microsecond=0) - timedelta(days=2)
    Order.objects.filter(pk=order.pk).update(created_at=placed_at, status_changed_at=placed_at)
    order.events.update(created_at=placed_at)
    order.refresh_from_db()
    return order


def hours_after(order, hours):
    return order.created_at + timedelta(hours=hours)


def run(capture, now):
    with capture(execute=True):
        return orders_unprocessed_notify(now=now)


# --- the job ----------------------------------------------------------------------------------------------


def test_the_job_warns_the_seller_and_each_admin_once(order, mailoutbox, django_capture_on_commit_callbacks):
    assert run(django_capture_on_commit_callbacks, hours_after(order, 23)) == 0
    assert not mailoutbox and not OrderNotice.objects.exists()
    assert run(django_capture_on_commit_callbacks, hours_after(order, 25)) == 1
    assert sorted(tuple(mail.to) for mail in mailoutbox) == [(SELLER,), ("olga@lavka.test",), ("petr@lavka.test",)]
    assert all(order.number in mail.subject for mail in mailoutbox)
    [to_seller] = [mail for mail in mailoutbox if mail.to == [SELLER]]
    assert f"/cabinet/orders/{order.number}/" in to_seller.body
    [to_admin] = [mail for mail in mailoutbox if mail.to == ["olga@lavka.test"]]
    assert f"/admin/moderation/ordertocheck/{order.pk}/change/" in to_admin.body
    notice = OrderNotice.objects.get()
    assert (notice.order, notice.sent_at) == (order, hours_after(order, 25))
    # Twice, and a day later: nothing more.
    assert run(django_capture_on_commit_callbacks, hours_after(order, 25)) == 0
    assert run(django_capture_on_commit_callbacks, hours_after(order, 49)) == 0
    assert len(mailoutbox) == 3 and OrderNotice.objects.count() == 1
    assert not Sanction.objects.exists()  # only a notice, never a warning


def test_the_task_and_the_command_run_the_job(order, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_unprocessed_task.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("orders_unprocessed")
    assert len(mailoutbox) == 3 and OrderNotice.objects.count() == 1


def test_a_message_from_the_shop_after_the_order_is_an_action(shop, buyer, order):
    conv = conversation(shop, buyer)
    say(conv, Side.SHOP, "Спасибо за интерес!", when=order.created_at - timedelta(hours=1))  # before: does not count
    say(conv, Side.BUYER, "Где заказ?", when=hours_after(order, 2))  # the buyer's: does not count
    assert order_is_unprocessed(order=order, now=hours_after(order, 25))
    say(conv, Side.SHOP, "Здравствуйте! Отправим завтра.", when=hours_after(order, 30))
    assert not order_is_unprocessed(order=order, now=hours_after(order, 31))
    assert orders_unprocessed_notify(now=hours_after(order, 31)) == 0


def test_a_message_about_the_order_from_a_guests_order_counts(shop):
    guest_order = placed(shop, None, hours_ago=30)
    assert order_is_unprocessed(order=guest_order)
    other = buyer_user("other@example.com")
    say(conversation(shop, other), Side.SHOP, "Это про ваш заказ", order=guest_order)
    assert not order_is_unprocessed(order=guest_order)


def test_a_parcel_or_a_status_change_is_an_action(shop, buyer):
    shipped = placed(shop, buyer, hours_ago=30)
    Shipment.objects.create(order=shipped, carrier="russian_post", track_number="80080012345678")
    paid = placed(shop, buyer, hours_ago=30)
    order_services.order_transition(order=paid, to_status=OrderStatus.PAID, actor=shop.owner)
    noted = placed(shop, buyer, hours_ago=30)
    OrderEvent.objects.create(order=noted, status=OrderStatus.OPEN, actor=shop.owner, note="Связался с покупателем")
    confirmed = placed(shop, buyer, hours_ago=30)
    order_services.order_confirm(order=confirmed)  # the buyer's own action is not the seller's
    assert list(orders_unprocessed()) == [confirmed]


def test_old_orders_before_the_lookback_are_left_alone(shop, buyer, mailoutbox):
    placed(shop, buyer, hours_ago=24 * 40)
    assert orders_unprocessed().count() == 1
    assert orders_unprocessed_notify() == 0


# --- the buyer's complaint ----------------------------------------------------------------------------------


def test_the_complaint_on_an_unprocessed_order_hides_the_products_at_once(
    shop, order, mailoutbox, django_capture_on_commit_callbacks
):
    product = order.items.get().product
    second = placed(shop, buyer_user("second@example.com"))  # placed while the shop still takes orders
    Order.objects.filter(pk=second.pk).update(created_at=order.created_at)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_file(author=order.buyer, order=order, kind="not_processed", text=TEXT,
                                   now=hours_after(order, 26))  # fmt: skip
    [hiding] = Sanction.objects.all()
    assert (hiding.kind, hiding.reason, hiding.created_by, hiding.complaint, hiding.order) == (
        SanctionKind.HIDE_PRODUCTS, "not_processed", None, complaint, order)
    assert hiding.lifted_at is None and order.number in hiding.details
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.HIDDEN
    assert not Product.objects.visible().filter(pk=product.pk).exists()
    seller_mails = [mail for mail in mailoutbox if mail.to == [SELLER]]
    assert len(seller_mails) == 2  # the complaint, and the hiding with the way back
    assert not [mail for mail in mailoutbox if mail.to == [BUYER]]
    # A second buyer's complaint does not hide twice.
    second.refresh_from_db()
    complaint_file(author=second.buyer, order=second, kind="not_processed", text=TEXT, now=hours_after(order, 27))
    assert Sanction.objects.count() == 1


def test_an_admin_lifts_the_hiding_with_a_reason(shop, order, admin_user):
    complaint_file(author=order.buyer, order=order, kind="not_processed", text=TEXT, now=hours_after(order, 26))
    hiding = Sanction.objects.get()
    sanction_lift(sanction=hiding, actor=admin_user, reason="Продавец связался с покупателем и отправил заказ.")
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.ACTIVE
    assert Product.objects.visible().filter(shop=shop).exists()


def test_rejecting_the_complaint_shows_the_products_again(shop, order, mailoutbox,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    complaint = complaint_file(author=order.buyer, order=order, kind="not_processed", text=TEXT,
                               now=hours_after(order, 26))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        complaint_reject(complaint=complaint, actor=UserFactory(is_staff=True),
                         reason="Продавец звонил покупателю: есть запись разговора.")  # fmt: skip
    hiding = Sanction.objects.get()
    assert hiding.lifted_at is not None and "есть запись разговора" in hiding.lift_reason
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.ACTIVE
    assert [mail.to for mail in mailoutbox].count([BUYER]) == 1


def test_confirming_keeps_one_hiding(shop, order):
    complaint = complaint_file(author=order.buyer, order=order, kind="not_processed", text=TEXT,
                               now=hours_after(order, 26))  # fmt: skip
    complaint_confirm(complaint=complaint, actor=UserFactory(is_staff=True), decision="Подтверждено: 3 дня тишины.")
    assert Sanction.objects.filter(kind=SanctionKind.HIDE_PRODUCTS).count() == 1


def test_a_complaint_before_24_hours_is_refused(order):
    with pytest.raises(ComplaintError, match="24"):
        complaint_file(author=order.buyer, order=order, kind="not_processed", text=TEXT, now=hours_after(order, 20))
    assert not Complaint.objects.exists() and not Sanction.objects.exists()


def test_a_complaint_after_the_seller_got_in_touch_waits_for_an_admin(shop, buyer, order):
    say(conversation(shop, buyer), Side.SHOP, "Отправим в понедельник.", when=hours_after(order, 25))
    complaint = complaint_file(author=buyer, order=order, kind="not_processed", text=TEXT, now=hours_after(order, 30))
    assert complaint.pk and not Sanction.objects.exists()
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.ACTIVE


def test_only_an_open_order_can_be_unprocessed(shop, buyer):
    cancelled = placed(shop, buyer, hours_ago=30, statuses=[OrderStatus.CANCELLED])
    with pytest.raises(ComplaintError):
        complaint_file(author=buyer, order=cancelled, kind="not_processed", text=TEXT)


def test_the_complaint_through_the_page_hides_the_products(client, shop, buyer):
    order = placed(shop, buyer, hours_ago=30)
    client.force_login(buyer)
    response = client.post(f"/complaints/new/?order={order.number}", {"kind": "not_processed", "text": TEXT})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.sanction_state == SanctionState.HIDDEN
