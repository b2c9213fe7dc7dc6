"""A guest and a registered buyer each buy from two shops; the seller marks paid and shipped."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Order
from shops.tests.factories import ShopFactory

from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def buy_everything(page, base, *, guest):
    """From the cart, check out each shop in turn; returns the order numbers shown."""
    numbers = []
    while True:
        page.goto(base + "/cart/")
        place = page.get_by_role("link", name="Оформить заказ")
        if not place.count():
            return numbers
        place.first.click()
        page.get_by_label("Имя и фамилия").fill("Мария Иванова")
        page.get_by_role("textbox", name="Телефон").fill("+7 926 555-01-01")
        if guest:
            page.get_by_role("textbox", name="Электронная почта").fill("guest@example.com")
        page.get_by_label("Полный адрес доставки").fill("620000, Екатеринбург, ул. Ленина, 1")
        page.get_by_label("СДЭК").check()
        if guest:
            expect(page.get_by_role("radio", name="Чат на сайте")).to_have_count(0)
        page.get_by_role("radio", name="Электронная почта").check()
        page.get_by_test_id("place-order").click()
        expect(page.get_by_text("оформлен. Магазин свяжется с вами.")).to_be_visible()
        numbers.append(page.get_by_role("heading", level=1).inner_text().removeprefix("Заказ "))


def test_two_buyers_two_shops_and_the_seller_ships(live_server, page, screenshot, mailoutbox):
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    igor = ShopFactory(name="Столярка Петрова", slug="igor")
    products = [ProductFactory(shop=anna, title="Вигвам", price=Decimal("3000"), stock=5),
                ProductFactory(shop=igor, title="Пирамидка", price=Decimal("900"), stock=5)]  # fmt: skip
    UserFactory(email="masha@example.com", name="Мария")

    # A guest buys from both shops.
    for product in products:
        page.goto(f"{live_server.url}/p/{product.pk}/")
        page.get_by_test_id("add-to-cart").click()
        expect(page.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page
    guest_numbers = buy_everything(page, live_server.url, guest=True)
    assert len(guest_numbers) == 2
    screenshot(page, "order-guest")

    # A registered buyer does the same; her details are prefilled from the profile.
    buyer = page.context.browser.new_page(locale="ru-RU")
    log_in(buyer, live_server.url, "masha@example.com")
    for product in products:
        buyer.goto(f"{live_server.url}/p/{product.pk}/")
        buyer.get_by_test_id("add-to-cart").click()
        expect(buyer.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page
    assert len(buy_everything(buyer, live_server.url, guest=False)) == 2
    buyer.goto(live_server.url + "/orders/")
    expect(buyer.locator(".list-group-item")).to_have_count(2)

    assert Order.objects.filter(is_guest=True).count() == 2 and Order.objects.filter(is_guest=False).count() == 2
    invoices = [mail for mail in mailoutbox if "заказ" in mail.subject.lower() and "Открытый" not in mail.subject]
    assert len([m for m in invoices if m.to == ["guest@example.com"]]) == 2
    assert len([m for m in invoices if "anna@example.com" in m.to]) == 2
    assert all(len(m.to) == 1 for m in mailoutbox)  # one message per recipient: nobody sees another's address

    # The seller marks the guest's order paid, then shipped; the guest is told each time.
    seller = page.context.browser.new_page(locale="ru-RU")
    log_in(seller, live_server.url, "anna@example.com")
    seller.goto(live_server.url + "/cabinet/orders/")
    order = Order.objects.get(shop=anna, is_guest=True)
    seller.get_by_role("link", name=order.number).click()
    recipient = seller.get_by_test_id("order-recipient")
    expect(recipient.get_by_role("link", name="+7 926 555-01-01")).to_have_attribute("href", "tel:+79265550101")
    mail_link = recipient.get_by_role("link", name="guest@example.com")
    expect(mail_link).to_have_attribute("href", "mailto:guest@example.com")
    seller.get_by_role("button", name="Отметить оплаченным").click()
    expect(seller.get_by_test_id("order-status")).to_have_text("Оплачен")
    seller.get_by_label("Комментарий (необязательно, его увидит покупатель)").fill("Отправим в пятницу")
    seller.get_by_role("button", name="Отметить отправленным").click()
    expect(seller.get_by_test_id("order-status")).to_have_text("Отправлен")
    screenshot(seller, "cabinet-order")
    status_mails = {m.to[0]: m for m in mailoutbox if m.subject == f"Заказ {order.number}: Отправлен"}
    assert set(status_mails) == {"guest@example.com", "anna@example.com", "admin@lavka.test"}
    assert all("Отправим в пятницу" in m.body for m in status_mails.values())
    assert order.secret in status_mails["guest@example.com"].body
    assert order.secret not in status_mails["anna@example.com"].body + status_mails["admin@lavka.test"].body

    # The guest follows the link from the e-mail and sees the new status.
    page.goto(live_server.url + order.get_absolute_url())
    expect(page.get_by_test_id("order-status")).to_have_text("Отправлен")
