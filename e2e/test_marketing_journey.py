"""A seller reads the marketing report: orders by source, the chart, a source's orders, a bad period."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import ProductViewDay
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .conftest import PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = [
    ("direct", ""), ("yandex_organic", "https://yandex.ru/search/?text=свеча"), ("yandex_organic", ""),
    ("google_organic", "https://www.google.com/"), ("yandex_direct", ""), ("google_ads", ""),
    ("referral", "https://www.instagram.com/anna.candles/"), ("referral", "https://www.instagram.com/anna.candles/"),
    ("referral", "https://vk.com/wall-1_7"),
]  # fmt: skip


def test_the_seller_sees_orders_by_source_and_opens_them(live_server, page, screenshot):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    candle = ProductFactory(shop=anna, title="Свеча «Лаванда»", stock=50)
    now, today = timezone.now(), timezone.localdate()
    numbers = {}
    for n, (source, referrer) in enumerate(SOURCES):
        order = order_for(anna, product=candle, statuses=[OrderStatus.CANCELLED] if n == 8 else [])
        Order.objects.filter(pk=order.pk).update(source=source, source_referrer=referrer,
                                                 created_at=now - timedelta(days=2 * n + 1))  # fmt: skip
        numbers.setdefault(source, []).append(order.number)
    ProductViewDay.objects.bulk_create(
        ProductViewDay(product=candle, day=today - timedelta(days=back), views=5 + (back * 7) % 13)
        for back in range(30)
    )

    log_in(page, live_server.url, "anna@example.com")
    page.goto(f"{live_server.url}/cabinet/")
    page.get_by_role("link", name="Маркетинговый отчет").click()
    expect(page.get_by_role("heading", name="Маркетинговый отчет", level=1)).to_be_visible()
    table = page.get_by_test_id("source-table")
    expect(table.locator('[data-source="yandex_organic"] td').first).to_have_text("2")
    expect(table.locator('[data-source="referral"] td').first).to_contain_text("3")
    expect(table.locator('[data-source="referral"] td').first).to_contain_text("1 отменён")
    expect(page.get_by_test_id("stat-orders")).to_have_text("9")
    expect(page.get_by_test_id("source-chart")).to_be_visible()
    expect(page.get_by_test_id("day-chart")).to_be_visible()
    expect(page.get_by_test_id("referral-hosts")).to_contain_text("instagram.com")
    screenshot(page, "marketing-report-desktop")

    # A shorter preset: the old orders drop out.
    page.get_by_role("link", name="7 дней").click()
    expect(page.get_by_test_id("stat-orders")).to_have_text("3")

    # A period that ends before it starts: a clear error, the dates kept.
    page.get_by_label("С", exact=True).fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("По", exact=True).fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("period-error")).to_contain_text("Период начинается позже")
    expect(page.get_by_label("С", exact=True)).to_have_value((today - timedelta(days=1)).isoformat())

    # Back to 30 days, then a click on a source opens exactly its orders.
    page.get_by_role("link", name="30 дней").click()
    page.get_by_test_id("source-table").get_by_role("link", name="Яндекс, поиск").click()
    expect(page.get_by_test_id("source-filter")).to_contain_text("Яндекс, поиск")
    expect(page.get_by_test_id("cabinet-order")).to_have_count(2)
    for number in numbers["yandex_organic"]:
        expect(page.get_by_text(number)).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/cabinet/marketing/?period=90")
    expect(page.get_by_test_id("source-chart")).to_be_visible()
    screenshot(page, "marketing-report-phone")
