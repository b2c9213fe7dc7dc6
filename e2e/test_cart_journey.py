"""A guest fills a cart from two shops, changes a quantity without a reload, logs in: the cart stays."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Cart
from shops.tests.factories import ShopFactory

from .conftest import PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_guest_cart_from_two_shops_survives_log_in(live_server, page, screenshot):
    plaid = ProductFactory(title="Плед в клетку", price=Decimal("2000"), stock=5, shop=ShopFactory(name="Вязаный дом"))
    mug = ProductFactory(title="Кружка «Море»", price=Decimal("900"), discount_percent=10, stock=3,
                         shop=ShopFactory(name="Керамика Оли"))  # fmt: skip
    UserFactory(email="masha@example.com", name="Маша")

    for product in (plaid, mug):
        page.goto(f"{live_server.url}/p/{product.pk}/")
        page.get_by_test_id("add-to-cart").click()
        expect(page.get_by_text(f"«{product.title}» в корзине.")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("2")

    page.get_by_test_id("header-cart").click()
    expect(page.locator(".cart-shop")).to_have_count(2)
    mug_line = page.get_by_test_id("cart-line").filter(has_text="Кружка «Море»")
    expect(mug_line).to_contain_text("810\u00a0₽")
    expect(mug_line.get_by_test_id("discount-source")).to_have_text("Скидка 10%")

    # Quantity changes without a page reload (htmx); too many is refused with the stock left.
    mug_line.get_by_label("Количество").fill("2")
    mug_line.get_by_label("Количество").dispatch_event("change")
    expect(
        page.get_by_test_id("cart-line").filter(has_text="Кружка «Море»").get_by_test_id("line-total")
    ).to_contain_text("1\u00a0620\u00a0₽")
    expect(page.locator("#cart-count")).to_have_text("3")  # the header follows, still no reload
    line = page.get_by_test_id("cart-line").filter(has_text="Кружка «Море»")
    line.get_by_label("Количество").fill("7")
    line.get_by_role("button", name="Обновить").click()
    expect(page.get_by_text("Осталось только 3 шт. товара «Кружка «Море»».")).to_be_visible()
    screenshot(page, "cart-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    screenshot(page, "cart-phone")

    log_in(page, live_server.url, "masha@example.com")
    page.goto(live_server.url + "/cart/")
    expect(page.locator(".cart-shop")).to_have_count(2)
    expect(page.locator("#cart-count")).to_have_text("3")
    assert Cart.objects.get(user__email="masha@example.com").lines.count() == 2
