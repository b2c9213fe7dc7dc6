"""Shipments: the seller's «separate shipment» form, notices with tracks, the tracking page and its refresh."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.notifications import site_url
from marketplace.tests.factories import PASSWORD, UserFactory
from orders import services
from orders.exceptions import ShipmentError
from orders.models import Order, OrderEvent, OrderStatus, Shipment
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db

RP_TRACK = "62001411001235"
RP_INTERNATIONAL = "RA123456785RU"
CDEK_TRACK = "1106207236"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.owner)
    return client


def add(seller, order, **data):
    payload = {"carrier": "russian_post", "carrier_name": "", "track_number": RP_TRACK, "new_status": "",
               **{key: value for key, value in data.items() if value is not None}}  # fmt: skip
    return seller.post(f"/cabinet/orders/{order.number}/shipments/", payload)


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def test_two_parcels_the_first_with_the_status_the_second_with_a_notice(
    seller, shop, django_capture_on_commit_callbacks
):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = add(seller, order, track_number="620014 1100123 5", new_status="shipped")
    assert response.status_code == 302 and response["Location"] == f"/cabinet/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    first = order.shipments.get()
    assert (first.carrier, first.track_number, first.created_by) == ("russian_post", RP_TRACK, shop.owner)
    [notice] = [m for m in mails_to("masha@example.com") if m.subject == f"Заказ {order.number}: Отправлен"]
    link = f"{site_url()}/orders/{order.number}/tracking/{first.pk}/?key={order.secret}"
    assert f"Почта России: {RP_TRACK} — {link}" in notice.body
    assert f'href="{link}"' in notice.alternatives[0][0]  # clickable in the HTML part

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add(seller, order, carrier="cdek", track_number=CDEK_TRACK, notify_buyer="on")
    second = order.shipments.get(carrier="cdek")
    [renotice] = mails_to("masha@example.com")
    assert renotice.subject == f"Заказ {order.number}: трек-номер"
    assert CDEK_TRACK in renotice.body and second.get_absolute_url() in renotice.body
    page = seller.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert RP_TRACK in page and CDEK_TRACK in page
    notes = list(OrderEvent.objects.filter(order=order).values_list("note", flat=True))
    assert f"Отгрузка: Почта России, трек {RP_TRACK}" in notes and f"Отгрузка: СДЭК, трек {CDEK_TRACK}" in notes


def test_shipped_without_a_track_then_the_track_later(shop, django_capture_on_commit_callbacks):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_status=OrderStatus.SHIPPED, actor=shop.owner)
    [notice] = mails_to("masha@example.com")
    assert "/tracking/" not in notice.body and "Трек-номера" not in notice.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=RP_TRACK)
    assert mails_to("masha@example.com") == []  # not asked to tell the buyer
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=RP_INTERNATIONAL,
                              notify_buyer=True)  # fmt: skip
    [renotice] = mails_to("masha@example.com")
    assert RP_INTERNATIONAL in renotice.body and "/tracking/" in renotice.body


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"track_number": "62001411001236"}, "последняя цифра"),
        ({"track_number": "RA123456789RU"}, "контрольная цифра"),
        ({"track_number": ""}, "Обязательное поле"),
        ({"track_number": "1" * 61}, "не более 60"),
        ({"carrier": "cdek", "track_number": "12"}, "от 7 до 12 цифр"),
        ({"carrier": "other", "track_number": "BB12345"}, "Укажите перевозчика"),
        ({"carrier": "pigeon"}, "Выберите корректный вариант"),
        ({"new_status": "cancelled"}, "Выберите корректный вариант"),
    ],
)
def test_a_bad_shipment_is_an_error_on_the_page_and_nothing_is_saved(seller, shop, data, field_error):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    mail.outbox.clear()
    response = add(seller, order, **{"new_status": "shipped", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error.lower() in page.lower()
    assert "Отгрузка не сохранена" in page
    if data.get("track_number"):
        assert f'value="{data["track_number"]}"' in page  # what the seller typed stays in the form
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and not Shipment.objects.exists() and mail.outbox == []


def test_the_same_track_twice_and_a_cancelled_order_are_refused(seller, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    add(seller, order)
    response = add(seller, order, track_number=RP_TRACK)
    assert response.status_code == 400 and "уже есть в этом заказе" in response.content.decode()
    cancelled = order_for(shop, statuses=[OrderStatus.CANCELLED])
    with pytest.raises(ShipmentError, match="отменён"):
        services.shipment_add(order=cancelled, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK)
    assert Shipment.objects.count() == 1


def test_another_carrier_by_name_links_nowhere(seller, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    add(seller, order, carrier="other", carrier_name="Boxberry", track_number="bb-0012345")
    shipment = order.shipments.get()
    assert (shipment.carrier_label, shipment.track_number, shipment.public_url) == ("Boxberry", "BB0012345", "")
    assert "Boxberry" in seller.get(f"/cabinet/orders/{order.number}/").content.decode()


def test_a_shipment_can_be_removed_until_delivered(seller, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    add(seller, order)
    shipment = order.shipments.get()
    response = seller.post(f"/cabinet/orders/{order.number}/shipments/{shipment.pk}/delete/")
    assert response.status_code == 302 and not Shipment.objects.exists()
    add(seller, order)
    Shipment.objects.update(delivered_at="2026-11-20T12:00:00Z")
    shipment = order.shipments.get()
    seller.post(f"/cabinet/orders/{order.number}/shipments/{shipment.pk}/delete/")
    assert Shipment.objects.filter(pk=shipment.pk).exists()


def test_cabinet_shipment_pages_belong_to_the_shop(client, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    url = f"/cabinet/orders/{order.number}/shipments/"
    data = {"carrier": "russian_post", "track_number": RP_TRACK}
    assert client.post(url, data).status_code == 302  # anonymous → log in
    client.force_login(ShopFactory().owner)
    assert client.post(url, data).status_code == 404
    client.force_login(UserFactory())
    assert client.post(url, data).status_code == 404
    assert not Shipment.objects.exists()


# --- The tracking page --------------------------------------------------------------------------


def test_tracking_page_without_credentials_links_to_the_carrier(client, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=RP_TRACK)
    page = client.get(shipment.get_absolute_url()).content.decode()
    assert RP_TRACK in page and f"https://www.pochta.ru/tracking?barcode={RP_TRACK}" in page
    assert "Открыть на сайте перевозчика" in page


def test_tracking_page_access(client, shop):
    buyer = UserFactory(email="buyer@example.com")
    order = order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK)
    url = shipment.get_absolute_url()
    assert "key=" not in url
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(buyer)
    assert client.get(url).status_code == 200
    client.force_login(shop.owner)
    assert client.get(url).status_code == 200
    client.logout()
    guest_order = order_for(shop, statuses=[OrderStatus.PAID])
    guest_shipment = services.shipment_add(order=guest_order, actor=shop.owner, carrier="cdek",
                                           track_number=CDEK_TRACK)  # fmt: skip
    assert client.get(guest_shipment.get_absolute_url()).status_code == 200
    assert client.get(f"/orders/{guest_order.number}/tracking/{guest_shipment.pk}/?key=wrong").status_code == 404
    # The secret of one order opens no other order's parcels.
    other = f"/orders/{guest_order.number}/tracking/{shipment.pk}/?key={guest_order.secret}"
    assert client.get(other).status_code == 404


def test_registered_buyer_follows_the_e_mail_link_after_logging_in(client, shop):
    buyer = UserFactory(email="buyer@example.com")
    order = order_for(shop, buyer=buyer)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 302
    login = client.post(response["Location"], {"login": buyer.email, "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == order.get_absolute_url()


def _delivered_order(shop, **kwargs) -> Order:
    return order_for(shop, statuses=[OrderStatus.PAID], **kwargs)


# --- Tracking through the (fake) carriers ----------------------------------------------------------


def test_a_new_track_fetches_its_events_and_the_buyer_sees_them(
    client, shop, fake_carriers, django_capture_on_commit_callbacks
):
    fake_carriers.russian_post(RP_TRACK, "russian_post_in_transit.xml")
    buyer = UserFactory(email="buyer@example.com")
    order = order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID])
    with django_capture_on_commit_callbacks(execute=True):
        shipment = services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=RP_TRACK,
                                         new_status=OrderStatus.SHIPPED)  # fmt: skip
    shipment.refresh_from_db()
    assert shipment.events.count() > 1 and shipment.checked_at and shipment.delivered_at is None
    assert len(fake_carriers.requests_to("/rtm34")) == 1
    client.force_login(buyer)
    order_page = client.get(order.get_absolute_url()).content.decode()
    assert shipment.last_status in order_page and shipment.get_absolute_url() in order_page
    tracking = client.get(shipment.get_absolute_url()).content.decode()
    for event in shipment.events.all():
        assert event.status in tracking
    assert "В пути" in tracking
    assert len(fake_carriers.requests_to("/rtm34")) == 1  # fresh: the page didn't ask again


def test_the_tracking_page_asks_again_when_what_it_has_is_old(client, shop, fake_carriers):
    fake_carriers.cdek(CDEK_TRACK, "cdek_in_transit.json")
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK)
    Shipment.objects.filter(pk=shipment.pk).update(checked_at=timezone.now() - timedelta(hours=1))
    page = client.get(shipment.get_absolute_url()).content.decode()
    assert len(fake_carriers.requests_to("/v2/orders")) == 1
    shipment.refresh_from_db()
    assert shipment.events.exists() and shipment.last_status in page


def test_delivery_is_stored_and_the_buyer_is_asked_for_a_review_once(
    shop, fake_carriers, django_capture_on_commit_callbacks
):
    fake_carriers.russian_post(RP_TRACK, "russian_post_delivered.xml")
    buyer = UserFactory(email="buyer@example.com")
    order = order_for(shop, buyer=buyer, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="russian_post", track_number=RP_TRACK)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.shipment_refresh(shipment=shipment) is True
        assert services.shipment_refresh(shipment=shipment) is False  # nothing new the second time
    shipment.refresh_from_db()
    assert shipment.delivered_at is not None and shipment.recipient_name == "Иванова М. П."
    assert shipment.events.filter(is_delivery=True).count() == 1
    [asked] = mails_to("buyer@example.com")
    assert asked.subject == f"Заказ {order.number} доставлен: как вам покупка?"
    assert "оставьте отзыв" in asked.body


def test_a_guest_is_told_of_the_delivery_without_a_review_request(
    shop, fake_carriers, django_capture_on_commit_callbacks
):
    fake_carriers.cdek(CDEK_TRACK, "cdek_delivered.json")
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_refresh(shipment=shipment)
    [told] = mails_to("masha@example.com")
    assert told.subject == f"Заказ {order.number} доставлен" and "отзыв" not in told.body


def test_the_periodic_job_refreshes_what_is_due_and_survives_a_failing_carrier(shop, fake_carriers, settings):
    fake_carriers.russian_post(RP_TRACK, "russian_post_delivered.xml")
    fake_carriers.russian_post(RP_INTERNATIONAL, "russian_post_in_transit.xml")
    order = order_for(shop, statuses=[OrderStatus.PAID])

    def parcel(carrier, number, carrier_name="", **fields):
        shipment = services.shipment_add(order=order, actor=shop.owner, carrier=carrier, track_number=number,
                                         carrier_name=carrier_name)  # fmt: skip
        Shipment.objects.filter(pk=shipment.pk).update(**fields)
        return shipment

    due = parcel("russian_post", RP_TRACK)
    stale = parcel("russian_post", RP_INTERNATIONAL, checked_at=timezone.now() - timedelta(hours=3))
    fresh = parcel("russian_post", "10100011004572", checked_at=timezone.now() - timedelta(minutes=5))
    parcel("other", "BB12345", carrier_name="Boxberry")
    parcel("russian_post", "EE644000120RU", delivered_at=timezone.now())
    failing = parcel("cdek", CDEK_TRACK)
    settings.CDEK_API_URL = "http://127.0.0.1:9/v2"  # nothing listens there
    settings.CARRIER_RETRIES = 0
    counts = services.shipments_refresh_due()
    assert counts == {"checked": 3, "changed": 2, "failed": 1}
    due.refresh_from_db(), stale.refresh_from_db(), fresh.refresh_from_db(), failing.refresh_from_db()
    assert due.delivered_at and stale.events.exists() and not fresh.events.exists()
    assert failing.check_error and failing.checked_at


def test_tracking_pages_make_the_same_queries_for_more_events(client, shop, django_assert_max_num_queries):
    from orders.carriers import CarrierEvent, TrackingResult

    order = order_for(shop, statuses=[OrderStatus.PAID])
    for count in (1, 12):
        shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek",
                                         track_number=f"11062072{count:02d}")  # fmt: skip
        start = timezone.now() - timedelta(days=3)
        events = [CarrierEvent(start + timedelta(hours=step), f"Шаг {step}", "Москва", False) for step in range(count)]
        services.shipment_store_tracking(shipment_id=shipment.pk, result=TrackingResult(events=events))
        with django_assert_max_num_queries(8):
            assert client.get(shipment.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(order.get_absolute_url()).status_code == 200


def test_a_broker_outage_does_not_break_saving_a_track(
    seller, shop, fake_carriers, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from orders import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.shipment_refresh_task, "delay", broker_down)
    order = order_for(shop, statuses=[OrderStatus.PAID])
    with django_capture_on_commit_callbacks(execute=True):
        response = add(seller, order, new_status="shipped")
    assert response.status_code == 302 and order.shipments.get().checked_at is None  # the periodic job will ask


def test_the_cabinet_list_shows_tracks_and_finds_shipped_orders_without_one(seller, shop):
    with_track = order_for(shop, statuses=[OrderStatus.PAID])
    add(seller, with_track, new_status="shipped")
    without = order_for(shop, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    waiting = order_for(shop, statuses=[OrderStatus.PAID])
    page = seller.get("/cabinet/orders/?status=shipped&track=none").content.decode()
    assert without.number in page and with_track.number not in page and waiting.number not in page
    assert "без трека" in page
    page = seller.get("/cabinet/orders/?track=yes").content.decode()
    assert with_track.number in page and without.number not in page


def test_a_track_error_stands_beside_the_track_field(seller, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    page = add(seller, order, track_number="62001411001236").content.decode()
    form = page[page.index("data-shipment-form") :]
    field = form[form.index('name="track_number"') :]
    assert "не сходится с остальными" in field[: field.index('name="new_status"')]
    assert 'class="alert alert-danger"' not in form[: form.index('name="track_number"')]  # not a form-wide error


def test_a_status_the_order_cannot_take_saves_no_shipment(shop):
    from orders.exceptions import CartError

    order = order_for(shop, statuses=[OrderStatus.PAID])
    with pytest.raises(CartError, match="не может стать «Оплачен»"):
        services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK,
                              new_status=OrderStatus.PAID)  # fmt: skip
    with pytest.raises(ShipmentError, match="не может отменить"):
        services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK,
                              new_status=OrderStatus.CANCELLED)  # fmt: skip
    order.refresh_from_db()
    assert (
        order.status == OrderStatus.PAID
        and not Shipment.objects.exists()
        and list(order.events.values_list("status", flat=True)) == [OrderStatus.OPEN, OrderStatus.PAID]
    )


def test_another_seller_cannot_remove_a_shipment(client, shop):
    order = order_for(shop, statuses=[OrderStatus.PAID])
    shipment = services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK)
    client.force_login(ShopFactory().owner)
    assert client.post(f"/cabinet/orders/{order.number}/shipments/{shipment.pk}/delete/").status_code == 404
    assert Shipment.objects.filter(pk=shipment.pk).exists()
