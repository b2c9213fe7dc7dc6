"""The seller makes the code «vesna» 10 %, a buyer applies it to a 1 000 ₽ cart and pays 900 ₽;
the seller offers 15 % on a product in a registered buyer's cart and the buyer sees it at checkout."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Order
from shops.tests.factories import ShopFactory

from .conftest import PHONE, both_widths
from .test_order_journey import buy_everything
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)



def test_seller_makes_vesna_and_a_buyer_pays_900(live_server, page, screenshot):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    lamp = ProductFactory(shop=anna, title="Ночник «Луна»", price=Decimal("1000"), stock=5)
    ProductFactory(shop=anna, title="Открытка", price=Decimal("150"), stock=5)

    log_in(page, live_server.url, "anna@example.com")
    page.goto(live_server.url + "/cabinet/")
    page.get_by_test_id("cabinet-promos").click()
    page.get_by_test_id("promo-new").click()
    page.get_by_label("Название промо-акции").fill("Весенняя рассылка")
    page.get_by_label("Промо-код", exact=True).fill("vesna")
    page.get_by_label("Скидка на заказ").check()
    page.get_by_label("в %").check()
    page.get_by_label("Размер скидки").fill("10")
    screenshot(page, "promo-form-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "promo-form-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("promo-save").click()
    expect(page.get_by_text("Промо-акция «Весенняя рассылка» с промо-кодом vesna сохранена.")).to_be_visible()
    expect(page.get_by_test_id("promo-row")).to_have_count(1)

    # A guest, in another browser context, buys the lamp with the code.
    buyer = page.context.browser.new_page(locale="ru-RU")
    buyer.goto(f"{live_server.url}/p/{lamp.pk}/")
    buyer.get_by_test_id("add-to-cart").click()
    expect(buyer.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page
    buyer.goto(live_server.url + "/cart/")
    buyer.get_by_label("Есть промо-код?").fill("VESNA")
    buyer.get_by_role("button", name="Применить").click()
    expect(buyer.get_by_test_id("promo-discount")).to_have_text("−100\u00a0₽")
    expect(buyer.get_by_test_id("shop-total")).to_have_text("900\u00a0₽")
    both_widths(buyer, screenshot, "promo-cart")
    buyer.get_by_role("link", name="Оформить заказ").first.click()
    expect(buyer.get_by_test_id("checkout-total")).to_have_text("900\u00a0₽")
    both_widths(buyer, screenshot, "promo-checkout")
    numbers = buy_everything(buyer, live_server.url, guest=True)
    assert len(numbers) == 1
    order = Order.objects.get(number=numbers[0])
    buyer.goto(live_server.url + order.get_absolute_url())
    expect(buyer.get_by_test_id("order-total")).to_have_text("900\u00a0₽")
    assert (order.promo_code_text, order.promo_discount, order.total) == ("vesna", Decimal("100"), Decimal("900"))

    # The seller sees the use, the revenue and the discount given; and the code on the order.
    page.goto(live_server.url + "/cabinet/promos/")
    expect(page.get_by_test_id("promo-uses")).to_have_text("1")
    expect(page.get_by_test_id("promo-revenue")).to_have_text("900\u00a0₽")
    expect(page.get_by_test_id("promo-discount-given")).to_have_text("100\u00a0₽")
    both_widths(page, screenshot, "promo-list")
    page.goto(f"{live_server.url}/cabinet/orders/{order.number}/")
    expect(page.get_by_test_id("order-promo")).to_contain_text("Промо-код vesna")
    screenshot(page, "promo-seller-order-1366")


def test_seller_offers_15_percent_on_an_abandoned_cart(live_server, page, screenshot, mailoutbox):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    scarf = ProductFactory(shop=anna, title="Шарф из льна", price=Decimal("2000"), stock=5)
    UserFactory(email="masha@example.com", name="Мария Иванова")

    buyer = page.context.browser.new_page(locale="ru-RU")
    log_in(buyer, live_server.url, "masha@example.com")
    buyer.goto(f"{live_server.url}/p/{scarf.pk}/")
    buyer.get_by_test_id("add-to-cart").click()
    expect(buyer.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page

    log_in(page, live_server.url, "anna@example.com")
    page.goto(live_server.url + "/cabinet/")
    page.get_by_test_id("cabinet-carts").click()
    row = page.get_by_test_id("abandoned-line").filter(has_text="Мария Иванова")
    expect(row).to_contain_text("Шарф из льна")
    both_widths(page, screenshot, "carts")
    row.get_by_label("Скидка, %").fill("15")
    row.get_by_role("button", name="Предложить скидку").click()
    expect(page.get_by_text("Мария Иванова получит письмо: скидка 15% на «Шарф из льна»")).to_be_visible()
    expect(page.get_by_test_id("offer-made")).to_have_text("−15 %")
    screenshot(page, "carts-offered-1366")

    buyer.goto(live_server.url + "/cart/")
    expect(buyer.get_by_test_id("personal-offer")).to_contain_text("Магазин предлагает вам скидку 15% на этот товар")
    expect(buyer.get_by_test_id("shop-total")).to_have_text("1\u00a0700\u00a0₽")
    both_widths(buyer, screenshot, "offer-cart")
    buyer.get_by_role("link", name="Оформить заказ").first.click()
    expect(buyer.get_by_test_id("line-discount")).to_have_text("Персональная скидка 15%")
    expect(buyer.get_by_test_id("checkout-total")).to_have_text("1\u00a0700\u00a0₽")
    screenshot(buyer, "offer-checkout-1366")
