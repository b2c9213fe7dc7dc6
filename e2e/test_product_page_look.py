"""Issue 18, product cards and the product page at 1366 and 390 px: «В корзину» shows a toast with
«Перейти в корзину» and «Оформить» without leaving the page, a required option left unchosen is
outlined with its message, phones get a sticky «В корзину» bar, the cards' heart likes, the shop's
rules open in place; no horizontal scrolling and no console errors."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog import services
from catalog.models import ProductLike
from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from orders.models import Cart
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, PHONE, SCREENSHOTS
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def doll():
    shop = ShopFactory(name="Столярка Петрова", slug="stolyarka-petrova", carriers=["russian_post", "cdek"],
                       payment_systems=["card", "sbp"], rules_returns="Обмен и возврат в течение 14 дней.")  # fmt: skip
    product = ProductFactory(shop=shop, title="Кукла тильда в платье", price=Decimal("990"), discount_percent=30,
                             stock=5, free_shipping=True, likes_count=3)  # fmt: skip
    ProductImageFactory(product=product)
    services.option_group_save(product=product, name="Цвет", kind="radio", is_required=True,
                               choices=[("Белый", Decimal("0")), ("Графит", Decimal("150"))])  # fmt: skip
    for title in ("Шкатулка из дерева", "Машинка из дерева"):
        ProductFactory(shop=shop, title=title, is_new=True, rating_avg=Decimal("4.5"), review_count=4)
    return product


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_add_to_cart_outlines_a_missing_option_then_shows_the_toast(live_server, page, console_errors, doll, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/p/{doll.pk}/")
    no_horizontal_scroll(page)
    phone = viewport == PHONE
    bar = page.get_by_test_id("buy-bar")
    if phone:
        expect(bar).to_be_visible()
        expect(bar).to_contain_text("693\u00a0₽")
        add = bar.get_by_role("button", name="В корзину")
    else:
        expect(bar).to_be_hidden()
        add = page.get_by_test_id("add-to-cart")

    # No colour chosen: the group is outlined with its message, nothing is sent.
    SCREENSHOTS.mkdir(exist_ok=True)
    add.click()
    group = page.locator("fieldset.option-group").filter(has_text="Цвет")
    expect(group).to_have_class("option-group mb-2 is-invalid")
    expect(group.get_by_text("Выберите «Цвет».")).to_be_visible()
    expect(page.get_by_test_id("cart-toast")).to_be_hidden()
    assert not Cart.objects.exists()
    page.screenshot(path=str(SCREENSHOTS / f"product-option-missing-{viewport['width']}.png"))

    # The colour chosen (the price follows, in the bar too), the toast offers the cart and the checkout.
    page.get_by_label("Графит (+150\u00a0₽)").check()
    expect(group.get_by_text("Выберите «Цвет».")).to_be_hidden()
    if phone:
        expect(bar).to_contain_text("798\u00a0₽")  # (990 + 150) − 30 %
    add.click()
    toast = page.get_by_test_id("cart-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("«Кукла тильда в платье» в корзине.")
    expect(toast.get_by_role("link", name="Перейти в корзину")).to_have_attribute("href", "/cart/")
    expect(toast.get_by_role("link", name="Оформить")).to_have_attribute("href", "/checkout/stolyarka-petrova/")
    expect(page.locator("#cart-count")).to_have_text("1")
    assert page.url.endswith(f"/p/{doll.pk}/")  # still on the product page
    no_horizontal_scroll(page)
    # What the buyer sees on the screen (a full-page picture would move the fixed toast and bar).
    page.screenshot(path=str(SCREENSHOTS / f"product-toast-{viewport['width']}.png"))

    toast.get_by_role("link", name="Оформить").click()
    expect(page).to_have_url(f"{live_server.url}/checkout/stolyarka-petrova/")
    assert Cart.objects.get().lines.get().product == doll
    assert console_errors == []


def test_the_servers_refusal_is_shown_without_leaving_the_page(live_server, page, console_errors, doll):
    page.goto(f"{live_server.url}/p/{doll.pk}/")
    page.get_by_label("Белый").check()
    page.get_by_label("Количество").fill("5")
    doll.stock = 2  # another buyer took three meanwhile
    doll.save(update_fields=["stock"])
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("cart-error")).to_contain_text("Осталось только 2 шт.")
    expect(page.get_by_test_id("cart-toast")).to_be_hidden()
    assert console_errors == []


def test_cards_and_the_page_for_a_guest_and_a_buyer(live_server, page, screenshot, console_errors, doll):
    UserFactory(email="masha@example.com", name="Маша")
    page.goto(f"{live_server.url}/p/{doll.pk}/")
    # A guest's like button is a heart too, leading to the log-in.
    like = page.get_by_test_id("like-button")
    expect(like).to_have_text("Нравится · 3")
    expect(like.locator(".bi-heart")).to_have_count(1)
    # The shop's rules in a few lines, the whole text one click away.
    rules = page.get_by_test_id("policy-rules-summary")
    expect(rules).to_contain_text("Возврат: Обмен и возврат в течение 14 дней.")
    expect(page.locator("#policy-rules")).to_be_hidden()
    page.get_by_test_id("policy-rules-more").click()
    expect(page.locator("#policy-rules")).to_be_visible()
    expect(page.locator("#policy-rules")).to_contain_text("Обмен и возврат в течение 14 дней.")
    # «Скидка» is not repeated next to the «−30 %».
    expect(page.get_by_test_id("price-discount")).to_have_text("−30\u00a0%")
    expect(page.locator(".product-area-buy .label-discount")).to_have_count(0)

    cards = page.locator(".product-card")
    expect(cards).to_have_count(2)
    card = cards.filter(has_text="Шкатулка из дерева")
    expect(card.get_by_test_id("card-badge")).to_have_text("Новинка")
    expect(card.get_by_test_id("card-rating")).to_contain_text("4,5 (4)")
    expect(card.get_by_test_id("card-like")).to_have_attribute("href", f"/accounts/login/?next=/p/{card_pk(card)}/")
    both_sizes(page, screenshot, "product-page-guest")

    # Signed in, the heart on a card likes the product without a reload.
    log_in(page, live_server.url, "masha@example.com")
    page.goto(f"{live_server.url}/catalog/")
    card = page.locator(".product-card").filter(has_text="Шкатулка из дерева")
    heart = card.get_by_test_id("card-like")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(card.get_by_test_id("card-like")).to_have_attribute("aria-pressed", "true")
    assert ProductLike.objects.filter(user__email="masha@example.com", product__title="Шкатулка из дерева").exists()
    page.reload()
    card = page.locator(".product-card").filter(has_text="Шкатулка из дерева")
    expect(card.get_by_test_id("card-like")).to_have_attribute("aria-pressed", "true")
    both_sizes(page, screenshot, "catalog-cards-buyer")
    assert console_errors == []


def card_pk(card) -> int:
    return int(card.locator(".product-card-title a").get_attribute("href").strip("/").split("/")[-1])


def both_sizes(page, screenshot, name):
    """Screenshots at 1366 and 390 px, each without horizontal scrolling; the page left at 1366."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        no_horizontal_scroll(page)
        screenshot(page, f"{name}-{viewport['width']}")
    page.set_viewport_size(DESKTOP)
