"""«Надежный продавец»: a seller two tracked sales short sees what is missing; a qualifying seller
applies from the home page; the admin approves; the badge shows on the shop's product cards and
the catalog filter keeps only its products."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from moderation.models import ReliableApplication
from moderation.tests.factories import review, tracked_sale
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, both_widths
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)



def shop_with_sales(email, name, slug, sales):
    shop = ShopFactory(name=name, slug=slug, owner=UserFactory(email=email))
    ProductFactory(shop=shop, title=f"Скатерть льняная ({name})", price=Decimal("1900"), stock=50)
    buyers = [UserFactory(name=buyer) for buyer in ("Мария Иванова", "Ольга Лебедева", "Денис Орлов")]
    for number in range(sales):
        buyer = buyers[number % 3]
        order = tracked_sale(shop, buyer=buyer, recipient="Иванова М.")  # order_for names every order «Мария Иванова»
        if number < 3:
            review(order, rating=5, author=buyer)
    return shop


def test_short_seller_sees_the_gap_and_a_qualifying_one_gets_the_badge(live_server, page, browser, screenshot):
    shop_with_sales("anna@example.com", "Мастерская Анны", "anna", 8)
    elena = shop_with_sales("elena@example.com", "Лён и хлопок", "len", 10)
    UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)

    # Two tracked sales short: the cabinet says exactly that.
    log_in(page, live_server.url, "anna@example.com")
    page.goto(live_server.url + "/cabinet/")
    page.get_by_role("link", name="Надёжный продавец").click()
    expect(page.get_by_text("ещё 2 отслеживаемые продажи").first).to_be_visible()
    both_widths(page, screenshot, "trust-short")

    # The qualifying seller applies from the bottom of the home page.
    seller = browser.new_page(locale="ru-RU", viewport=DESKTOP)
    log_in(seller, live_server.url, "elena@example.com")
    seller.goto(live_server.url + "/")
    card = seller.get_by_test_id("home-reliable")
    card.scroll_into_view_if_needed()
    both_widths(seller, screenshot, "trust-home-form")
    card.get_by_role("button", name="Стать надёжным продавцом").click()
    expect(seller.get_by_text("Заявка отправлена").first).to_be_visible()
    application = ReliableApplication.objects.get(shop=elena)
    assert application.status == "pending" and application.criteria

    # The admin approves it.
    admin = browser.new_page(locale="ru-RU", viewport=DESKTOP)
    log_in(admin, live_server.url, "admin@example.com")
    admin.goto(f"{live_server.url}/admin/moderation/reliableapplication/{application.pk}/change/")
    screenshot(admin, "trust-admin-application-1366")
    admin.get_by_role("button", name="Одобрить").click()
    application.refresh_from_db()
    assert application.status == "approved"

    # The badge is on the shop's cards, and the filter keeps only its products.
    buyer = browser.new_page(locale="ru-RU", viewport=DESKTOP)
    buyer.goto(live_server.url + "/catalog/")
    card = buyer.get_by_role("article").filter(has_text="Скатерть льняная (Лён и хлопок)")
    expect(card.get_by_test_id("card-reliable")).to_be_visible()
    other = buyer.get_by_role("article").filter(has_text="Скатерть льняная (Мастерская Анны)")
    expect(other.get_by_test_id("card-reliable")).to_have_count(0)
    buyer.get_by_label("Только надёжные продавцы").check()
    buyer.get_by_role("button", name="Показать").click()
    expect(buyer.get_by_role("article").filter(has_text="Мастерская Анны")).to_have_count(0)
    expect(buyer.get_by_role("article").filter(has_text="Скатерть льняная (Лён и хлопок)")).to_have_count(1)
    cards = buyer.get_by_role("article")
    assert cards.count() == cards.filter(has=buyer.get_by_test_id("card-reliable")).count() > 0
    both_widths(buyer, screenshot, "trust-catalog-filter")
