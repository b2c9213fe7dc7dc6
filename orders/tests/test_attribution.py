import pytest
from django.http import QueryDict

from catalog.tests.factories import ProductFactory
from orders.attribution import OrderSource, classify
from orders.models import Order
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "referrer", "expected"),
    [
        ("", "", None),
        ("", "https://lavka.test/catalog/", None),  # moving around the site says nothing new
        ("", "https://yandex.ru/search/?text=вигвам", OrderSource.YANDEX_ORGANIC),
        ("", "https://www.google.com/", OrderSource.GOOGLE_ORGANIC),
        ("yclid=123", "https://yandex.ru/", OrderSource.YANDEX_DIRECT),
        ("utm_source=yandex&utm_medium=cpc", "", OrderSource.YANDEX_DIRECT),
        ("gclid=abc", "https://www.google.com/", OrderSource.GOOGLE_ADS),
        ("utm_source=google&utm_medium=cpc", "", OrderSource.GOOGLE_ADS),
        ("", "https://www.instagram.com/p/xyz/", OrderSource.REFERRAL),
    ],
)
def test_classify_landing_sources(query, referrer, expected):
    found = classify(params=QueryDict(query), referrer=referrer, own_host="lavka.test")
    assert (found[0] if found else None) == expected


DETAILS = {
    "buyer_name": "Мария", "phone": "+7 926 555-01-01", "email": "m@example.com", "address": "Москва",
    "delivery_method": "cdek", "contact_method": "email", "idempotency_key": "src-1",
}  # fmt: skip


def test_the_order_remembers_where_the_visit_came_from_and_the_seller_sees_it(client):
    shop = ShopFactory(slug="anna")
    product = ProductFactory(shop=shop, stock=5)
    client.get("/catalog/", HTTP_REFERER="https://www.instagram.com/p/xyz/")
    client.get(f"/p/{product.pk}/", HTTP_REFERER="http://testserver/catalog/")  # inside the site: kept
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    client.post("/checkout/anna/", DETAILS)
    order = Order.objects.get()
    assert order.source == OrderSource.REFERRAL
    assert order.source_referrer == "https://www.instagram.com/p/xyz/"
    client.force_login(shop.owner)
    page = client.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert "Соцсети и другие сайты" in page
    assert "instagram.com/p/xyz" in page


def test_a_direct_visit_is_direct(client):
    shop = ShopFactory(slug="anna")
    product = ProductFactory(shop=shop, stock=5)
    client.get("/")
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    client.post("/checkout/anna/", DETAILS)
    assert Order.objects.get().source == OrderSource.DIRECT
