"""Seed 001's order rules: why and when a seller may cancel, shipping unpaid, «Получен», the
seller told of a confirmation, the order list newest first."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders import services
from orders.carriers import CarrierEvent, TrackingResult
from orders.exceptions import CartError
from orders.models import CancelReason, Order, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def shop():
    return ShopFactory(slug="anna", name="Мастерская Анны", confirmation_days=3)


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.owner)
    return client


def _placed_on(order, when):
    Order.objects.filter(pk=order.pk).update(created_at=when)
    order.refresh_from_db()
    return order


def _today(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_cancelling_for_silence_waits_for_the_confirmation_period_in_working_days(shop):
    product = ProductFactory(shop=shop, stock=5)
    # Friday 31 October 2025; 3 and 4 November are days off: three working days end on 6 November.
    order = _placed_on(order_for(shop, product=product, quantity=2), datetime(2025, 10, 31, 12, tzinfo=MSK))
    with _today(date(2025, 11, 5)), pytest.raises(CartError, match="можно с 6 ноября"):
        services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                                  cancel_reason=CancelReason.NO_CONFIRMATION)  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN
    with _today(date(2025, 11, 6)):
        services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                                  cancel_reason=CancelReason.NO_CONFIRMATION)  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == CancelReason.NO_CONFIRMATION
    assert order.events.last().note == "Покупатель не подтвердил заказ в срок."
    product.refresh_from_db()
    assert product.stock == 5


def test_the_buyer_asking_allows_a_cancel_at_once_and_the_history_says_so(shop):
    order = order_for(shop)
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                              cancel_reason=CancelReason.BUYER_ASKED, note="Передумала")  # fmt: skip
    assert order.events.last().note == "Покупатель попросил отменить заказ. Передумала"


def test_a_cancel_needs_a_reason(shop):
    order = order_for(shop)
    with pytest.raises(CartError, match="Выберите причину отмены"):
        services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


@pytest.mark.parametrize("how", ["confirmed", "paid"])
def test_a_confirmed_or_paid_order_is_never_cancelled_as_unconfirmed(shop, how):
    order = _placed_on(order_for(shop), timezone.now() - timedelta(days=30))
    if how == "confirmed":
        services.order_confirm(order=order)
    else:
        services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
    with pytest.raises(CartError, match="только по просьбе покупателя"):
        services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                                  cancel_reason=CancelReason.NO_CONFIRMATION)  # fmt: skip


def test_the_sellers_cancel_form_offers_silence_only_when_the_period_is_over(seller, shop):
    fresh = order_for(shop)
    page = seller.get(f"/cabinet/orders/{fresh.number}/").content.decode()
    form = page[page.index('data-testid="cancel-form"') :]
    assert 'value="no_confirmation" id="reason-silent" disabled' in form
    assert "Покупатель ещё может подтвердить или оплатить заказ" in form
    response = seller.post(f"/cabinet/orders/{fresh.number}/status/",
                           {"status": "cancelled", "cancel_reason": "no_confirmation"}, follow=True)  # fmt: skip
    assert "отменить заказ как неподтверждённый можно с" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.status == OrderStatus.OPEN

    old = _placed_on(order_for(shop), timezone.now() - timedelta(days=20))
    page = seller.get(f"/cabinet/orders/{old.number}/").content.decode()
    assert 'value="no_confirmation" id="reason-silent">' in page
    seller.post(f"/cabinet/orders/{old.number}/status/", {"status": "cancelled", "cancel_reason": "no_confirmation"})
    old.refresh_from_db()
    assert old.status == OrderStatus.CANCELLED


def test_a_posted_cancel_without_a_reason_is_refused_on_the_page(seller, shop):
    order = order_for(shop)
    response = seller.post(f"/cabinet/orders/{order.number}/status/", {"status": "cancelled"}, follow=True)
    assert "Выберите причину отмены заказа." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_an_open_order_ships_unpaid_and_the_seller_sees_it_unpaid(seller, shop, mailoutbox,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    order = order_for(shop)
    page = seller.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert "Отметить отправленным без оплаты" in page and "Заказ ещё не оплачен" in page
    with django_capture_on_commit_callbacks(execute=True):
        seller.post(f"/cabinet/orders/{order.number}/status/", {"status": "shipped"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.paid_at is None
    assert not any("Оплачен" in mail.subject for mail in mailoutbox)  # nobody is told it was paid
    assert any("Отправлен" in mail.subject for mail in mailoutbox)
    listing = seller.get("/cabinet/orders/").content.decode()
    assert 'data-testid="badge-unpaid"' in listing
    detail = seller.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert 'data-testid="badge-unpaid"' in detail


def test_a_paid_order_records_when_it_was_paid_and_loses_the_unpaid_badge(seller, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    assert order.paid_at is not None
    assert 'data-testid="badge-unpaid"' not in seller.get(f"/cabinet/orders/{order.number}/").content.decode()


def test_the_buyer_confirms_receipt_and_both_sides_see_received(client, shop):
    buyer = UserFactory()
    order = order_for(shop, buyer=buyer, statuses=[OrderStatus.SHIPPED])
    client.force_login(buyer)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Я получил заказ" in page
    client.post(f"/orders/{order.number}/received/")
    order.refresh_from_db()
    assert order.received_at is not None and order.status == OrderStatus.SHIPPED
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="order-received"' in page and "Я получил заказ" not in page
    assert order.events.last().note == "Получен: покупатель подтвердил получение"
    client.force_login(shop.owner)
    assert 'data-status="received"' in client.get("/cabinet/orders/").content.decode()  # the green «Получен»


def test_receipt_needs_a_shipped_order_and_the_buyer(client, shop):
    buyer = UserFactory()
    order = order_for(shop, buyer=buyer)
    client.force_login(UserFactory())
    assert client.post(f"/orders/{order.number}/received/").status_code == 404
    client.force_login(buyer)
    response = client.post(f"/orders/{order.number}/received/", follow=True)
    assert "Получить можно только отправленный заказ." in response.content.decode()
    order.refresh_from_db()
    assert order.received_at is None


def test_a_guest_confirms_receipt_by_the_secret_link(client, shop):
    order = order_for(shop, statuses=[OrderStatus.SHIPPED])
    assert client.post(f"/orders/{order.number}/received/", {"key": "wrong"}).status_code == 404
    client.post(f"/orders/{order.number}/received/", {"key": order.secret})
    order.refresh_from_db()
    assert order.received_at is not None


def test_the_carrier_reporting_delivery_marks_the_order_received(shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number="1106207236",
                                     new_status=OrderStatus.SHIPPED)  # fmt: skip
    delivered = timezone.now()
    services.shipment_store_tracking(
        shipment_id=shipment.pk,
        result=TrackingResult(events=[CarrierEvent(occurred_at=delivered, status="Вручен", location="Москва",
                                                   is_delivery=True)]),
    )  # fmt: skip
    order.refresh_from_db()
    assert order.received_at is not None
    assert order.events.last().note == "Получен: перевозчик доставил заказ"


def test_the_seller_is_emailed_when_the_buyer_confirms(client, shop, mailoutbox, django_capture_on_commit_callbacks):
    order = order_for(shop)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/orders/{order.number}/confirm/", {"key": order.secret})
    mail = next(mail for mail in mailoutbox if "подтвердил" in mail.subject)
    assert mail.to == [shop.owner.email]
    assert mail.subject.endswith(f"Покупатель подтвердил заказ {order.number}")
    assert f"/cabinet/orders/{order.number}/" in mail.body and order.secret not in mail.body


def test_the_sellers_list_is_newest_first_and_marks_confirmed_orders(seller, shop):
    older = _placed_on(order_for(shop), timezone.now() - timedelta(days=2))
    newer = order_for(shop)
    services.order_confirm(order=older)
    page = seller.get("/cabinet/orders/").content.decode()
    assert page.index(newer.number) < page.index(older.number)
    older_row = page[page.index(older.number) : page.index("</a>", page.index(older.number))]
    assert 'data-testid="badge-confirmed"' in older_row
    newer_row = page[page.index(newer.number) : page.index("</a>", page.index(newer.number))]
    assert 'data-testid="badge-confirmed"' not in newer_row


def test_cancelling_a_paid_order_with_a_parcel_keeps_the_stock_taken(shop):
    product = ProductFactory(shop=shop, stock=5)
    order = order_for(shop, product=product, quantity=2, statuses=[OrderStatus.PAID])
    services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number="1106207236")
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                              cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip
    product.refresh_from_db()
    assert product.stock == 3
    assert "Остаток не возвращён: посылка уже отправлена." in order.events.last().note
