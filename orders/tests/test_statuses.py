from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders import services
from orders.exceptions import CartError
from orders.models import Order, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db


def place(shop, product, quantity=2, buyer=None):
    return order_for(shop, product=product, quantity=quantity, buyer=buyer, delivery_method="cdek")


@pytest.fixture
def shop():
    return ShopFactory(slug="anna", name="Мастерская Анны")


def test_open_paid_shipped_with_history_and_emails(shop, mailoutbox, django_capture_on_commit_callbacks):
    order = place(shop, ProductFactory(shop=shop, stock=5))
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
        services.order_transition(order=order, to_status=OrderStatus.SHIPPED, actor=shop.owner, note="Трек завтра")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert list(order.events.values_list("status", flat=True)) == ["open", "paid", "shipped"]
    shipped = [m for m in mailoutbox if "Отправлен" in m.subject]
    assert sorted(m.to for m in shipped) == sorted([["masha@example.com"], [shop.owner.email], ["admin@lavka.test"]])
    assert all("Трек завтра" in m.body for m in shipped)


@pytest.mark.parametrize(
    ("path", "target"),
    [([OrderStatus.SHIPPED], OrderStatus.PAID), ([OrderStatus.CANCELLED], OrderStatus.PAID),
     ([OrderStatus.PAID, OrderStatus.SHIPPED], OrderStatus.CANCELLED)],
)  # fmt: skip
def test_the_state_machine_refuses_other_moves(shop, path, target):
    order = place(shop, ProductFactory(shop=shop, stock=5))
    for status in path:
        services.order_transition(order=order, to_status=status, actor=shop.owner, cancel_reason="buyer_asked")
    with pytest.raises(CartError, match="не может стать"):
        services.order_transition(order=order, to_status=target, actor=shop.owner)


def test_cancelling_returns_the_stock(shop):
    product = ProductFactory(shop=shop, stock=5)
    order = place(shop, product, quantity=2)
    product.refresh_from_db()
    assert product.stock == 3
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                              cancel_reason="buyer_asked")  # fmt: skip
    product.refresh_from_db()
    assert product.stock == 5


def test_unconfirmed_cancel_date_counts_working_days(shop):
    order = place(shop, ProductFactory(shop=shop, stock=5))
    order.created_at = datetime(2025, 10, 31, 12, tzinfo=ZoneInfo("Europe/Moscow"))  # Friday before 3–4 Nov
    assert order.unconfirmed_cancel_from == date(2025, 11, 6)


def test_the_buyer_confirms_by_the_secret_link(client, shop):
    order = place(shop, ProductFactory(shop=shop, stock=5))
    response = client.post(f"/orders/{order.number}/confirm/")
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next=/orders/{order.number}/"
    assert client.post(f"/orders/{order.number}/confirm/", {"key": "wrong"}).status_code == 404
    client.post(f"/orders/{order.number}/confirm/", {"key": order.secret})
    order.refresh_from_db()
    assert order.confirmed_at is not None


# --- the seller's pages -----------------------------------------------------------------


def test_permission_matrix_for_cabinet_orders(client, shop):
    order = place(shop, ProductFactory(shop=shop, stock=5))
    pages = ["/cabinet/orders/", f"/cabinet/orders/{order.number}/"]
    client.force_login(shop.owner)
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(ShopFactory().owner)
    assert client.get(pages[1]).status_code == 404
    assert client.post(f"/cabinet/orders/{order.number}/status/", {"status": "paid"}).status_code == 404
    client.force_login(UserFactory())
    assert all(client.get(url).status_code == 404 for url in pages)
    client.logout()
    assert all(client.get(url)["Location"].startswith("/accounts/login/") for url in pages)
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_the_seller_marks_paid_and_sees_counts_and_filters(client, shop):
    first = place(shop, ProductFactory(shop=shop, stock=5, price=Decimal("100")))
    place(shop, ProductFactory(shop=shop, stock=5))
    client.force_login(shop.owner)
    response = client.post(f"/cabinet/orders/{first.number}/status/", {"status": "paid"}, follow=True)
    assert "Заказ теперь «Оплачен»" in response.content.decode()
    page = client.get("/cabinet/orders/?status=paid").content.decode()
    assert first.number in page and page.count('data-testid="cabinet-order"') == 1
    bad = client.post(f"/cabinet/orders/{first.number}/status/", {"status": "open"}, follow=True).content.decode()
    assert "Оплачен» не может стать «Открытый»" in bad
    assert '<div class="stat-value">1</div>' in client.get("/cabinet/").content.decode()  # one open order left


def test_orders_of_another_shop_are_not_listed(client, shop):
    other = ShopFactory()
    foreign = place(other, ProductFactory(shop=other, stock=5))
    client.force_login(shop.owner)
    assert foreign.number not in client.get("/cabinet/orders/").content.decode()
    assert Order.objects.count() == 1


def test_cabinet_orders_filter_by_date_and_guest(client, shop):
    from datetime import timedelta

    from django.utils import timezone

    old = place(shop, ProductFactory(shop=shop, stock=5))
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = place(shop, ProductFactory(shop=shop, stock=5), buyer=UserFactory())
    client.force_login(shop.owner)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    page = client.get(f"/cabinet/orders/?from={since}").content.decode()
    assert new.number in page and old.number not in page
    page = client.get("/cabinet/orders/?guest=1").content.decode()
    assert old.number in page and new.number not in page
    page = client.get("/cabinet/orders/?from=yesterday").content.decode()
    assert "не распознана" in page and old.number in page


def test_only_staff_may_cancel_an_order_as_fake():
    """«Отменён Лавкой как фиктивный» (moderation, seed 001 reason 5) is never a seller's reason."""
    from marketplace.tests.factories import UserFactory
    from orders.exceptions import CartError
    from orders.models import CancelReason, Order, OrderStatus
    from orders.services import order_transition
    from orders.tests.factories import order_for
    from shops.tests.factories import ShopFactory

    shop = ShopFactory()
    order = order_for(shop)
    with pytest.raises(CartError):
        order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                         cancel_reason=CancelReason.FAKE_ORDER)  # fmt: skip
    assert Order.objects.get(pk=order.pk).status == OrderStatus.OPEN
    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=UserFactory(is_staff=True),
                     cancel_reason=CancelReason.FAKE_ORDER)  # fmt: skip
    assert Order.objects.get(pk=order.pk).cancel_reason == CancelReason.FAKE_ORDER
