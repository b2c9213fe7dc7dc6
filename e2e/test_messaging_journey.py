"""A buyer asks a shop before ordering; the seller answers with quick replies; the rules refuse
contacts and keep the text; both header badges update without a reload; the seller writes from
an order page, and a guest order's «Написать покупателю» is disabled with the reason."""

import re

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, both_widths
from .test_shop_journey import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)



def test_ask_before_ordering_answer_refusals_badges_and_order_chat(live_server, page, screenshot, settings):
    settings.MESSAGING_POLL_SECONDS = 1
    base = live_server.url
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com", name="Анна"))
    product = ProductFactory(shop=anna, title="Вигвам «Лес»", stock=5)
    UserFactory(email="masha@example.com", name="Мария Иванова")
    guest_order = order_for(anna)

    # A guest presses «Сообщение» on the product page: log in, and back to the same product.
    page.goto(f"{base}/p/{product.pk}/")
    page.get_by_test_id("message-shop").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Адрес электронной почты").fill("masha@example.com")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Сообщение магазину «Мастерская Анны»")).to_be_visible()
    expect(page.get_by_role("link", name="Вигвам «Лес»").first).to_be_visible()
    page.get_by_label("Сообщение").fill("Здравствуйте! Есть ли вигвам в сером цвете?")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Есть ли вигвам в сером цвете?")
    conversation_url = page.url.split("#")[0]
    page.goto(f"{base}/messages/")
    both_widths(page, screenshot, "messages-buyer-list")

    # The seller's header badge shows the new message; she answers with a quick reply.
    seller = page.context.browser.new_page(locale="ru-RU", viewport=DESKTOP)
    log_in(seller, base, "anna@example.com")
    seller.goto(f"{base}/cabinet/")
    expect(seller.get_by_test_id("messages-unread")).to_have_text("1")
    seller.get_by_test_id("cabinet-messages").click()
    expect(seller.get_by_text("ждёт ответа")).to_be_visible()
    both_widths(seller, screenshot, "messages-cabinet-list")
    seller.get_by_test_id("conversation").first.click()
    seller.get_by_role("link", name="Уточнить цвет").click()
    expect(seller.get_by_label("Сообщение")).to_have_value("Уточните, пожалуйста, желаемый цвет товара")
    seller.get_by_test_id("send").click()
    expect(seller.get_by_test_id("thread")).to_contain_text("Уточните, пожалуйста, желаемый цвет товара")

    # The buyer's badge updates without a reload.
    expect(page.get_by_test_id("messages-unread")).to_have_text("1", timeout=10_000)
    page.goto(conversation_url)
    expect(page.get_by_test_id("thread")).to_contain_text("Уточните, пожалуйста")
    expect(page.get_by_test_id("messages-unread")).to_be_hidden(timeout=10_000)

    # She tries to pass her phone and move to Telegram: refused, the text stays, the reason names both.
    attempt = "Мой номер +7 912 345-67-89, пишите в телегу"
    page.get_by_label("Сообщение").fill(attempt)
    page.get_by_test_id("send").click()
    composer = page.get_by_test_id("composer")
    expect(composer).to_contain_text("номер телефона «+7 912 345-67-89»")
    expect(composer).to_contain_text("мессенджер или соцсеть «телегу»")
    expect(page.get_by_label("Сообщение")).to_have_value(attempt)
    expect(page.get_by_test_id("thread")).not_to_contain_text("+7 912")
    both_widths(page, screenshot, "messages-refused")

    # The seller, on her overview, sees the buyer's next message arrive without a reload.
    seller.goto(f"{base}/cabinet/")
    expect(seller.get_by_test_id("messages-unread")).to_be_hidden()
    page.get_by_label("Сообщение").fill("Хорошо, тогда серый, спасибо!")
    page.get_by_test_id("send").click()
    expect(seller.get_by_test_id("messages-unread")).to_have_text("1", timeout=10_000)

    # She places an order; the seller writes from the order page with the order's quick reply.
    from marketplace.models import User

    order = order_for(anna, buyer=User.objects.get(email="masha@example.com"), product=product)
    seller.goto(f"{base}/cabinet/orders/{order.number}/")
    seller.get_by_test_id("write-buyer").click()
    seller.get_by_role("link", name="Заказ собран").click()
    expect(seller.get_by_label("Сообщение")).to_have_value(f"Ваш заказ №{order.number} собран и передан в доставку")
    seller.get_by_test_id("send").click()
    expect(seller.get_by_test_id("order-chip").last).to_have_text(f"Заказ {order.number}")
    both_widths(seller, screenshot, "messages-cabinet-conversation")

    # The buyer's open conversation shows it with the order chip, without a reload.
    expect(page.get_by_test_id("thread")).to_contain_text(f"Ваш заказ №{order.number} собран", timeout=10_000)
    expect(page.get_by_test_id("order-chip").last).to_have_text(f"Заказ {order.number}")
    both_widths(page, screenshot, "messages-buyer-conversation")

    # A guest's order: the button is disabled and says why.
    seller.goto(f"{base}/cabinet/orders/{guest_order.number}/")
    expect(seller.get_by_test_id("write-buyer")).to_be_disabled()
    expect(seller.get_by_text("Гости не могут пользоваться чатом на сайте")).to_be_visible()
    both_widths(seller, screenshot, "messages-guest-order")
