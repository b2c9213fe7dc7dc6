"""Issue 18 «Orders»: a buyer follows the progress of orders in every state (coloured badges, the stepper,
«Что дальше», item photos and links), confirms one and receives another; the seller sees the same badges."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from catalog import sold_files
from catalog.models import Activation
from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from orders.models import OrderStatus
from orders.tests.factories import order_for
from orders.tests.test_order_pages_look import place
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 2048


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def with_photo(product):
    ProductImageFactory(product=product)
    product.refresh_from_db()
    return product


def both_widths(page, screenshot, name):
    """The page at 1366 and 390 px, without sideways scrolling, saved for people to look at."""
    for width, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(DESKTOP)


def dismiss_cookies(page):
    button = page.get_by_role("button", name="Понятно")
    if button.count():
        button.first.click()


def test_the_buyer_follows_orders_in_every_state_and_the_seller_sees_the_same_badges(live_server, page, screenshot):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    masha = UserFactory(email="masha@example.com", name="Мария")
    mug = with_photo(ProductFactory(shop=anna, title="Кружка «Утро»", price=Decimal("900"), stock=10))
    wigwam = with_photo(ProductFactory(shop=anna, title="Вигвам «Лесной»", price=Decimal("3200"), stock=10))
    cards = with_photo(ProductFactory(shop=anna, title="Открытки «Зима»", price=Decimal("300"), is_digital=True,
                                      activation=Activation.MANUAL))  # fmt: skip
    sold_files.sold_file_add(product=cards, title="Открытки, PDF", upload=SimpleUploadedFile("zima.pdf", PDF))
    open_order = place(anna, [mug, wigwam], buyer=masha)
    shipped = order_for(anna, buyer=masha, product=mug, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED])
    cancelled = order_for(anna, buyer=masha, product=wigwam, statuses=[OrderStatus.CANCELLED])
    files = place(anna, [cards], buyer=masha)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    log_in(page, live_server.url, "masha@example.com")
    dismiss_cookies(page)
    page.goto(live_server.url + "/orders/")
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text=open_order.number).locator(".status-badge")).to_have_text("Открытый")
    expect(rows.filter(has_text=shipped.number).locator(".status-badge")).to_have_text("Отправлен")
    expect(rows.filter(has_text=cancelled.number).locator(".status-badge")).to_have_text("Отменён")
    expect(rows.filter(has_text=open_order.number).locator("img")).to_have_count(2)  # the items' photos
    both_widths(page, screenshot, "orders-list")

    # An open order: where it stands, what happens next, one payment notice; the buyer confirms it.
    rows.filter(has_text=open_order.number).click()
    expect(page.get_by_test_id("order-status")).to_have_text("Открытый")
    stepper = page.get_by_test_id("order-stepper")
    expect(stepper.locator("[aria-current=step]")).to_contain_text("Открытый")
    expect(stepper.locator("li")).to_have_count(4)
    following = page.get_by_test_id("whats-next")
    expect(following.get_by_role("heading")).to_have_text("Что дальше")
    expect(following).to_contain_text("в течение 3 рабочих дней, чтобы договориться об оплате и доставке")
    expect(page.get_by_test_id("payment-notice")).to_have_count(1)
    items = page.get_by_test_id("order-item")
    expect(items).to_have_count(2)
    expect(items.get_by_test_id("item-photo")).to_have_count(2)
    both_widths(page, screenshot, "order-open")
    following.get_by_role("button", name="Подтвердить заказ").click()
    expect(page.get_by_text("Спасибо! Магазин видит, что вы подтвердили заказ.")).to_be_visible()
    expect(page.get_by_test_id("next-confirm")).to_contain_text("Вы подтвердили заказ")
    page.get_by_test_id("item-link").filter(has_text="Кружка «Утро»").click()
    expect(page).to_have_url(f"{live_server.url}/p/{mug.pk}/")

    # A shipped order: the buyer says it arrived, the badge turns green and the stepper reaches «Получен».
    page.goto(live_server.url + shipped.get_absolute_url())
    expect(page.get_by_test_id("order-stepper").locator("[aria-current=step]")).to_contain_text("Отправлен")
    expect(page.get_by_test_id("whats-next")).to_have_count(0)
    both_widths(page, screenshot, "order-shipped")
    page.get_by_test_id("confirm-receipt").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Получен")
    expect(page.get_by_test_id("order-stepper").locator("[aria-current=step]")).to_contain_text("Получен")
    expect(page.get_by_test_id("order-received")).to_be_visible()
    both_widths(page, screenshot, "order-received")

    # A cancelled order says so instead of the stepper.
    page.goto(live_server.url + cancelled.get_absolute_url())
    expect(page.get_by_test_id("order-status")).to_have_text("Отменён")
    expect(page.get_by_test_id("order-stepper")).to_have_count(0)
    expect(page.get_by_test_id("order-cancelled")).to_contain_text("Заказ отменён")
    expect(page.get_by_test_id("payment-notice")).to_have_text("Платить за отменённый заказ не нужно.")
    both_widths(page, screenshot, "order-cancelled")

    # Files only: no shipping steps; the files wait for the payment.
    page.goto(live_server.url + files.get_absolute_url())
    steps = page.get_by_test_id("order-stepper").locator("li")
    expect(steps).to_have_count(3)
    expect(steps.last).to_contain_text("Файлы открыты")
    expect(page.get_by_test_id("next-files")).to_contain_text("Файлы откроются после оплаты")
    expect(page.get_by_test_id("order-files").get_by_role("heading", name="Файлы для скачивания")).to_be_visible()
    both_widths(page, screenshot, "order-digital")

    # The seller's list and page show the same badges and the items' photos.
    seller = page.context.browser.new_page(locale="ru-RU", viewport=DESKTOP)
    seller.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(seller, live_server.url, "anna@example.com")
    dismiss_cookies(seller)
    seller.goto(live_server.url + "/cabinet/orders/")
    listed = seller.get_by_test_id("cabinet-order")
    expect(listed.filter(has_text=shipped.number).locator(".status-badge")).to_have_text("Получен")
    expect(listed.filter(has_text=open_order.number).get_by_test_id("badge-confirmed")).to_be_visible()
    both_widths(seller, screenshot, "cabinet-orders-list")
    listed.filter(has_text=open_order.number).click()
    expect(seller.get_by_test_id("order-status")).to_have_text("Открытый")
    expect(seller.get_by_test_id("order-item").get_by_test_id("item-photo")).to_have_count(2)
    both_widths(seller, screenshot, "cabinet-order-page")
    assert not errors, errors
