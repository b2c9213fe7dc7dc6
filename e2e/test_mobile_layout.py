"""Phones first: at 390 px the search stays in sight, the cart and checkout keep the total next to the button,
the cabinet menu waits behind «Меню кабинета», the storefront tabs slide; no page is wider than the phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders import services
from orders.models import Cart
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, PHONE, SCREENSHOTS
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def assert_fits(page):
    """Nothing sticks out sideways: the page is no wider than the screen."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def box(locator):
    return locator.bounding_box()


def dismiss_cookie_notice(page):
    """A person taps «Понятно» on the cookie bar first; it would cover the bottom of the phone's screen."""
    ok = page.get_by_test_id("cookie-notice-ok")
    if ok.count() and ok.is_visible():
        ok.click()


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def anna():
    shop = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com", name="Анна"))
    ProductFactory(shop=shop, title="Вигвам «Звёзды»", price=Decimal("3200"), stock=5)
    ProductFactory(shop=shop, title="Подушка-облако", price=Decimal("900"), discount_percent=10, stock=5)
    return shop


def test_buyer_on_a_phone_searches_and_checks_out(live_server, page, screenshot, console_errors, anna):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    dismiss_cookie_notice(page)
    search = page.get_by_role("searchbox", name="Поиск")
    expect(search).to_be_visible()  # not folded into the ☰ menu
    assert box(search)["width"] > 300
    expect(page.locator("#main-nav")).to_be_hidden()
    assert_fits(page)
    screenshot(page, "mobile-home-390")
    search.fill("Вигвам")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/catalog/\?q=%D0%92%D0%B8%D0%B3%D0%B2%D0%B0%D0%BC$"))
    expect(page.get_by_role("link", name="Вигвам «Звёзды»").first).to_be_visible()

    buyer = UserFactory(email="masha@example.com", name="Маша")
    cart = Cart.objects.create(user=buyer)
    for product in anna.products.all():
        services.cart_add(cart=cart, product=product, quantity=1)
    log_in(page, live_server.url, "masha@example.com")
    page.goto(live_server.url + "/cart/")
    bar = page.get_by_test_id("cart-sticky")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("4\u00a0010\u00a0₽")  # 3 200 + 810
    assert abs(box(bar)["y"] + box(bar)["height"] - PHONE["height"]) <= 1  # held at the bottom of the screen
    assert_fits(page)
    page.screenshot(path=str(SCREENSHOTS / "mobile-cart-390.png"))  # the first screen, with the bar held at its bottom

    bar.get_by_role("link", name="Оформить").click()
    expect(page).to_have_url(live_server.url + "/checkout/anna/")
    total = page.get_by_test_id("checkout-total")
    place = page.get_by_test_id("place-order")
    expect(total).to_have_text("4\u00a0010\u00a0₽")
    assert box(page.get_by_role("heading", name="Ваш заказ"))["y"] < box(place)["y"]
    assert box(total)["y"] + box(total)["height"] <= box(place)["y"]  # the total comes before the button
    assert box(page.get_by_label("Полный адрес доставки"))["y"] < box(total)["y"]  # after the details
    assert_fits(page)
    screenshot(page, "mobile-checkout-390")

    page.set_viewport_size(DESKTOP)  # two columns: the order, its total and the button on the right
    assert box(total)["x"] > box(page.get_by_label("Полный адрес доставки"))["x"] + 500
    assert box(total)["y"] < box(place)["y"]
    page.goto(live_server.url + "/cart/")
    expect(page.get_by_test_id("cart-sticky")).to_be_hidden()
    assert not console_errors


def test_seller_on_a_phone_opens_the_cabinet_menu(live_server, page, screenshot, console_errors, anna):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "anna@example.com")
    page.goto(live_server.url + "/cabinet/")
    dismiss_cookie_notice(page)
    toggle = page.get_by_role("button", name="Меню кабинета")
    expect(toggle).to_contain_text("Сводка")
    menu = page.get_by_role("navigation", name="Кабинет продавца")
    expect(menu).to_be_hidden()  # no screen of links above the page
    expect(page.locator("main h1").first).to_be_in_viewport()  # the page itself starts on the first screen
    assert_fits(page)
    screenshot(page, "mobile-cabinet-390")

    toggle.click()
    expect(menu).to_be_visible()
    expect(page.locator("#cabinet-menu")).to_have_class(re.compile(r"^(?!.*showing).*\bshow\b"))  # slid in
    for section in ("Сводка", "Товары", "Заказы", "Сообщения", "Промо-акции и скидки", "Отпуск продавца"):
        expect(menu.get_by_role("link", name=section)).to_be_attached()
    page.screenshot(path=str(SCREENSHOTS / "mobile-cabinet-menu-390.png"))  # the panel over the first screen
    menu.get_by_role("link", name="Товары").click()
    expect(page).to_have_url(live_server.url + "/cabinet/products/")
    expect(page.get_by_role("button", name="Меню кабинета")).to_contain_text("Товары")
    expect(page.get_by_role("navigation", name="Кабинет продавца")).to_be_hidden()
    assert_fits(page)

    page.set_viewport_size(DESKTOP)  # the side menu stays in place, no button
    expect(page.get_by_role("navigation", name="Кабинет продавца")).to_be_visible()
    expect(page.get_by_role("button", name="Меню кабинета")).to_be_hidden()
    assert not console_errors


def test_storefront_tabs_slide_to_the_current_one(live_server, page, screenshot, console_errors, anna):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/shops/anna/")
    tabs = page.get_by_role("navigation", name="Разделы магазина")
    expect(tabs).to_have_class(re.compile(r"\bfade-end\b"))  # more tabs behind the right edge
    assert_fits(page)

    page.goto(live_server.url + "/shops/anna/reviews/")
    current = tabs.get_by_role("link", name="Отзывы")
    expect(current).to_have_attribute("aria-current", "page")
    tab = box(current)
    assert tab["x"] >= 0 and tab["x"] + tab["width"] <= PHONE["width"]  # scrolled into view
    expect(tabs).to_have_class(re.compile(r"\bfade-start\b"))
    assert_fits(page)
    screenshot(page, "mobile-storefront-tabs-390")
    assert not console_errors
