"""Order e-mails: one outbox row per recipient, each with its own links and nobody else's address."""

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage
from marketplace.notifications import site_url
from marketplace.tests.factories import UserFactory
from orders import services
from orders.models import Order, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db

SELLER, GUEST, BUYER = "anna@example.com", "guest@example.com", "masha@example.com"
ADMINS = ["admin@lavka.test", "boss@lavka.test"]
CDEK_TRACK = "1106207236"


@pytest.fixture(autouse=True)
def two_admins(settings):
    settings.ADMINS = [("Lavka", address) for address in ADMINS]


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email=SELLER))


def place(shop, django_capture_on_commit_callbacks, **kwargs) -> Order:
    with django_capture_on_commit_callbacks(execute=True):
        return order_for(shop, product=ProductFactory(shop=shop, stock=5), **kwargs)


def rows_by_address(template: str) -> dict[str, OutboxMessage]:
    """The event's rows keyed by their one address (and exactly one row per address)."""
    rows = list(OutboxMessage.objects.filter(template=template).order_by("pk"))
    assert all(len(row.to) == 1 for row in rows), [row.to for row in rows]
    by_address = {row.to[0]: row for row in rows}
    assert len(by_address) == len(rows)
    return by_address


def text(row: OutboxMessage) -> str:
    return row.subject + row.body_text + row.body_html


def links(order: Order) -> dict[str, str]:
    return {
        "buyer": site_url() + order.get_absolute_url(),
        "seller": site_url() + reverse("orders:cabinet-detail", kwargs={"number": order.number}),
        "admin": site_url() + reverse("admin:orders_order_change", args=[order.pk]),
    }


def assert_split(rows: dict[str, OutboxMessage], order: Order, buyer: str) -> None:
    """Buyer, seller and each admin: one row each, own link only, no other recipient's address,
    the order's secret only in the buyer's."""
    assert set(rows) == {buyer, SELLER, *ADMINS}
    url = links(order)
    buyer_row, seller_row = rows[buyer], rows[SELLER]
    assert url["buyer"] in buyer_row.body_text and url["buyer"] in buyer_row.body_html
    assert url["seller"] not in text(buyer_row) and url["admin"] not in text(buyer_row)
    assert url["seller"] in seller_row.body_text and f'href="{url["seller"]}"' in seller_row.body_html
    assert url["admin"] not in text(seller_row) and url["buyer"] not in text(seller_row)
    for admin in ADMINS:
        assert url["admin"] in rows[admin].body_text and f'href="{url["admin"]}"' in rows[admin].body_html
        assert url["seller"] not in text(rows[admin]) and url["buyer"] not in text(rows[admin])
    for address, row in rows.items():
        # The seller and admins need the buyer's own address to reach them; nobody needs anyone else's.
        foreign = {SELLER, *ADMINS} - {address}
        assert not [other for other in foreign if other in text(row)], (address, row.body_text)
        if address != buyer:
            assert order.secret not in text(row)


def test_guest_order_invoice_one_row_per_recipient_secret_only_to_the_guest(
    shop, django_capture_on_commit_callbacks, mailoutbox
):
    order = place(shop, django_capture_on_commit_callbacks, email=GUEST)

    rows = rows_by_address("order_invoice")
    assert_split(rows, order, GUEST)
    assert f"?key={order.secret}" in rows[GUEST].body_text
    assert rows[GUEST].subject == f"Ваш заказ {order.number} в магазине «Мастерская Анны»"
    assert rows[SELLER].subject == f"Новый заказ {order.number}: Мария Иванова"
    for admin in ADMINS:
        assert rows[admin].subject == f"Новый заказ {order.number} в магазине «Мастерская Анны»: Мария Иванова"
    assert "Свяжитесь с покупателем" in rows[SELLER].body_text
    assert "На сайте не проводятся платежи" in rows[GUEST].body_text
    # What the seller needs to reach the buyer: the phone formatted, tel:/mailto: links in the HTML part.
    assert "+7 926 555-01-01" in rows[SELLER].body_text
    assert 'href="tel:+79265550101"' in rows[SELLER].body_html
    assert f'href="mailto:{GUEST}"' in rows[SELLER].body_html
    assert sorted(mail.to for mail in mailoutbox) == sorted([address] for address in rows)


def test_registered_buyer_invoice_one_row_per_recipient(shop, django_capture_on_commit_callbacks):
    order = place(shop, django_capture_on_commit_callbacks, buyer=UserFactory(email=BUYER))

    rows = rows_by_address("order_invoice")
    assert_split(rows, order, BUYER)
    assert "?key=" not in text(rows[BUYER])
    assert rows[BUYER].subject == f"Ваш заказ {order.number} в магазине «Мастерская Анны»"


def test_status_change_one_row_per_recipient_with_tracks_each_may_follow(shop, django_capture_on_commit_callbacks):
    order = place(shop, django_capture_on_commit_callbacks, email=GUEST, statuses=[OrderStatus.PAID])
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK,
                              new_status=OrderStatus.SHIPPED)  # fmt: skip

    rows = rows_by_address("order_status")
    assert_split(rows, order, GUEST)
    for row in rows.values():
        assert row.subject == f"Заказ {order.number}: Отправлен"
        assert CDEK_TRACK in row.body_text
    shipment = order.shipments.get()
    assert site_url() + shipment.get_absolute_url() in rows[GUEST].body_text  # our tracking page, with the secret
    assert shipment.public_url in rows[SELLER].body_text  # the carrier's own page: no secret to leak


def test_shipment_notice_one_row_per_recipient(shop, django_capture_on_commit_callbacks):
    order = place(shop, django_capture_on_commit_callbacks, email=GUEST, statuses=[OrderStatus.PAID])
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number=CDEK_TRACK,
                              notify_buyer=True)  # fmt: skip

    rows = rows_by_address("order_shipment")
    assert_split(rows, order, GUEST)
    assert rows[GUEST].subject == f"Заказ {order.number}: трек-номер"
    sent = f"Магазин «Мастерская Анны» отправил посылку по вашему заказу {order.number}."
    assert rows[GUEST].body_text.startswith(sent)
    for address in (SELLER, *ADMINS):
        assert rows[address].subject == f"Заказ {order.number}: покупатель получил трек-номер"
        assert CDEK_TRACK in rows[address].body_text


def test_an_admin_who_is_the_seller_gets_the_sellers_copy_only(shop, settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("Lavka", SELLER.upper()), ("Lavka", ADMINS[0])]
    place(shop, django_capture_on_commit_callbacks, email=GUEST)

    assert set(rows_by_address("order_invoice")) == {GUEST, SELLER, ADMINS[0]}
