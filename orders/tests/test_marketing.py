"""The seller's marketing report (issue 13): orders and revenue by source, views, likes, top products, CSV."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import services as catalog_services
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Order, OrderItem, OrderStatus
from orders.reports import PeriodForm
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db
URL = "/cabinet/marketing/"


@pytest.fixture
def shop():
    return ShopFactory(slug="anna", name="Мастерская Анны")


def sourced(order, source, referrer="", days_ago=0):
    Order.objects.filter(pk=order.pk).update(
        source=source, source_referrer=referrer, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return order


def bulk_orders(shop, product, count, source="direct"):
    """Many orders cheaply (the query budget needs 300; placing each through checkout is slow)."""
    start = Order.objects.count()
    orders = Order.objects.bulk_create(
        Order(shop=shop, number=f"B-{start + n}", idempotency_key=f"bulk-{start + n}", buyer_name="Покупатель",
              phone="+79265550101", email="b@example.com", address="Москва", delivery_method="cdek",
              contact_method="email", subtotal=Decimal("500"), source=source)
        for n in range(count)
    )  # fmt: skip
    OrderItem.objects.bulk_create(
        OrderItem(order=order, product=product, title=product.title, quantity=1, base_unit=Decimal("500"),
                  unit_price=Decimal("500"), line_total=Decimal("500"))
        for order in orders
    )  # fmt: skip


def test_permission_matrix(client, shop):
    client.force_login(shop.owner)
    assert client.get(URL).status_code == 200
    assert client.get(URL + "export.csv").status_code == 200
    client.force_login(UserFactory())  # a buyer without a shop
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert client.get(URL + "export.csv")["Location"].startswith("/accounts/login/")


def test_orders_and_revenue_by_source_with_referral_links(client, shop):
    product = ProductFactory(shop=shop, stock=50, price=Decimal("1000"))
    sourced(order_for(shop, product=product), "yandex_organic")
    sourced(order_for(shop, product=product, quantity=2), "referral", "https://www.instagram.com/anna.masterskaya/")
    sourced(order_for(shop, product=product), "referral", "https://vk.com/wall-1_2")
    sourced(order_for(shop, product=product, statuses=[OrderStatus.CANCELLED]), "referral",
            "https://www.instagram.com/anna.masterskaya/")  # fmt: skip
    sourced(order_for(shop, product=product), "google_ads", days_ago=40)  # outside the 30 days
    other = ShopFactory()
    sourced(order_for(other, product=ProductFactory(shop=other)), "referral", "https://ok.ru/x")  # another shop's

    client.force_login(shop.owner)
    response = client.get(URL)
    page = response.content.decode()
    report = response.context["report"]
    rows = {row.source: (row.orders, row.cancelled, row.revenue) for row in report.sources}
    assert rows["yandex_organic"] == (1, 0, Decimal("1000"))
    assert rows["referral"] == (3, 1, Decimal("3000"))  # the cancelled order is counted, its money is not
    assert rows["google_ads"] == (0, 0, Decimal("0"))
    assert report.orders == 4 and report.revenue == Decimal("4000")
    hosts = {host.host: host.orders for host in report.referral_hosts}
    assert hosts == {"instagram.com": 2, "vk.com": 1}
    assert "Яндекс, поиск" in page and "Google, реклама" in page and "instagram.com" in page
    assert "ok.ru" not in page
    assert 'data-testid="source-chart"' in page and "<title" in page


def test_a_source_row_opens_its_orders(client, shop):
    product = ProductFactory(shop=shop, stock=50)
    mine = sourced(order_for(shop, product=product), "referral", "https://vk.com/wall-1_2")
    other = sourced(order_for(shop, product=product), "direct")
    client.force_login(shop.owner)
    page = client.get(URL).content.decode()
    today = timezone.localdate()
    start = today - timedelta(days=29)
    link = f"/cabinet/orders/?source=referral&amp;from={start:%Y-%m-%d}&amp;to={today:%Y-%m-%d}"
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert mine.number in listed and other.number not in listed and "Соцсети и другие сайты" in listed
    by_link = client.get("/cabinet/orders/?source=referral&referrer=https://vk.com/wall-1_2").content.decode()
    assert mine.number in by_link
    assert other.number not in client.get("/cabinet/orders/?source=referral&referrer=https://x.ru/").content.decode()


def test_views_likes_and_conversion_come_from_the_period(client, shop):
    product = ProductFactory(shop=shop, stock=50)
    today = timezone.localdate()
    for address in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]:
        catalog_services.product_view_record(product_id=product.pk, day=today, address=address)
    catalog_services.product_view_record(product_id=product.pk, day=today - timedelta(days=60), address="10.0.0.9")
    catalog_services.product_like_toggle(user=UserFactory(), product=product)
    order_for(shop, product=product)
    client.force_login(shop.owner)
    report = client.get(URL + "?period=7").context["report"]
    assert (report.views, report.likes, report.orders) == (4, 1, 1)
    assert report.conversion == Decimal("25.00")
    assert report.days[-1][1:] == (4, 1)
    assert report.top_products[0]["product_id"] == product.pk and report.top_products[0]["views"] == 4


@pytest.mark.parametrize(
    ("query", "error"),
    [("date_from=2026-13-01&date_to=2026-01-01", "Введите правильную дату"),
     ("date_from=2026-02-01", "Укажите обе даты"),
     ("date_from=2026-02-10&date_to=2026-02-01", "начинается позже"),
     ("date_from=2020-01-01&date_to=2026-01-01", "не длиннее года")],
)  # fmt: skip
def test_bad_dates_are_refused_and_kept_in_the_form(client, shop, query, error):
    client.force_login(shop.owner)
    response = client.get(f"{URL}?{query}")
    page = response.content.decode()
    assert response.status_code == 400
    assert error in page and 'data-testid="period-error"' in page
    assert "2026-02-01" in page or "2026-13-01" in page or "2020-01-01" in page


def test_presets():
    today = date(2026, 3, 15)
    for period, start in [("7", date(2026, 3, 9)), ("90", date(2025, 12, 16)), ("month", date(2026, 3, 1))]:
        form = PeriodForm({"period": period}, today=today)
        assert form.is_valid()
        assert (form.cleaned_data["date_from"], form.cleaned_data["date_to"]) == (start, today)
    form = PeriodForm({"date_from": "2026-03-20", "date_to": "2026-03-25"}, today=today)
    assert not form.is_valid()  # the future


def test_csv_export_is_excel_friendly(client, shop):
    product = ProductFactory(shop=shop, stock=50, price=Decimal("1234.50"))
    sourced(order_for(shop, product=product), "referral", "https://vk.com/wall-1_2")
    client.force_login(shop.owner)
    response = client.get(URL + "export.csv?period=30")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="marketing-anna-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][0] == "Источник"
    assert ["Соцсети и другие сайты", "", "1", "0", "1234,50", "100"] in rows
    assert ["Соцсети и другие сайты: vk.com", "https://vk.com/wall-1_2", "1", "", "1234,50", ""] in rows
    assert client.get(URL + "export.csv?date_from=bad&date_to=2026-01-01").status_code == 400


def test_the_report_costs_the_same_queries_for_3_and_300_orders(client, shop):
    product = ProductFactory(shop=shop, stock=5)
    client.force_login(shop.owner)
    bulk_orders(shop, product, 3)
    client.get(URL)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    bulk_orders(shop, product, 297, source="referral")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).context["report"].orders == 300
    assert len(few) == len(many) <= 14


def test_the_sidebar_links_the_report(client, shop):
    client.force_login(shop.owner)
    assert 'href="/cabinet/marketing/"' in client.get("/cabinet/orders/").content.decode()
