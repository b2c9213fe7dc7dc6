"""A seller ships an order in two parcels; the buyer follows the e-mail links and sees the carrier's events."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.notifications import site_url
from marketplace.tests.factories import UserFactory
from orders.models import OrderStatus, Shipment
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .conftest import PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def links_in(message, live_server):
    """The site's links in an e-mail, pointed at the test server."""
    return [url.replace(site_url(), live_server.url) for url in re.findall(r"https?://\S+", message.body)]


def test_two_parcels_with_tracks_reach_the_buyer(live_server, page, screenshot, mailoutbox, fake_carriers):
    fake_carriers.russian_post("62001411001235", "russian_post_delivered.xml")
    fake_carriers.cdek("1106207236", "cdek_in_transit.json")
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    masha = UserFactory(email="masha@example.com", name="Мария")
    order = order_for(anna, buyer=masha, statuses=[OrderStatus.PAID], quantity=2)

    log_in(page, live_server.url, "anna@example.com")
    page.goto(f"{live_server.url}/cabinet/orders/{order.number}/")
    form = page.locator("form[data-shipment-form]")
    expect(form.get_by_label("Название перевозчика")).to_be_hidden()  # only for another carrier
    expect(form.get_by_label("Номер для отслеживания")).to_have_attribute("placeholder", "RA123456785RU")

    # A typo in the track number: a clear error, the number kept, nothing saved, status unchanged.
    form.get_by_label("Номер для отслеживания").fill("6200 1411 0012 36")
    expect(form.get_by_label("Статус заказа")).to_have_value("shipped")
    form.get_by_role("button", name="Сохранить отгрузку").click()
    expect(page.get_by_text("Последняя цифра номера «62001411001236» не сходится")).to_be_visible()
    expect(page.locator("form[data-shipment-form]").get_by_label("Номер для отслеживания")).to_have_value(
        "6200 1411 0012 36"
    )
    expect(page.get_by_test_id("order-status")).to_have_text("Оплачен")
    screenshot(page, "shipment-bad-track")
    assert not Shipment.objects.exists()

    # The first parcel and «Отправлен» in one step.
    form = page.locator("form[data-shipment-form]")
    form.get_by_label("Номер для отслеживания").fill("6200 1411 0012 35")
    form.get_by_role("button", name="Сохранить отгрузку").click()
    expect(page.get_by_text("Трек 62001411001235 сохранён, заказ теперь «Отправлен»")).to_be_visible()
    # Russian Post already reports this parcel handed over: the status badge says so in green.
    expect(page.get_by_test_id("order-status")).to_have_text("Получен")

    # The second parcel by CDEK, the buyer told by e-mail.
    page.get_by_text("Создать отдельную отгрузку").click()
    form = page.locator("form[data-shipment-form]")
    form.get_by_label("Перевозчик", exact=True).select_option(label="СДЭК")
    expect(form.get_by_label("Номер для отслеживания")).to_have_attribute("placeholder", "1106207236")
    form.get_by_label("Номер для отслеживания").fill("1106207236")
    form.get_by_label("Уведомить покупателя").check()
    form.get_by_role("button", name="Сохранить отгрузку").click()
    expect(page.get_by_text("Трек 1106207236 сохранён; покупатель получит письмо с ним.")).to_be_visible()
    expect(page.get_by_test_id("shipments").locator(".shipment")).to_have_count(2)
    expect(page.get_by_test_id("shipments")).to_contain_text("получатель у перевозчика: Иванова М. П.")
    screenshot(page, "cabinet-order-shipments")

    # The buyer's e-mails carry clickable tracks to our tracking page.
    shipped = next(m for m in mailoutbox if m.to[0] == "masha@example.com" and m.subject.endswith("Отправлен"))
    renotice = next(m for m in mailoutbox if m.subject == f"Заказ {order.number}: трек-номер")
    delivered = next(m for m in mailoutbox if m.subject == f"Заказ {order.number} доставлен: как вам покупка?")
    rp_link = next(url for url in links_in(shipped, live_server) if "/tracking/" in url)
    cdek_link = next(url for url in links_in(renotice, live_server) if "/tracking/" in url)
    assert 'href="' in shipped.alternatives[0][0] and delivered.to == ["masha@example.com"]

    buyer = page.context.browser.new_page(locale="ru-RU", viewport=PHONE)
    buyer.goto(rp_link)  # logged out: log in first, then straight to the parcel
    buyer.get_by_label("Адрес электронной почты").fill("masha@example.com")
    buyer.get_by_label("Пароль").fill("correct-horse-42")
    buyer.get_by_role("button", name="Войти").click()
    expect(buyer.get_by_test_id("track-number")).to_have_text("62001411001235")
    expect(buyer.get_by_test_id("tracking-state")).to_contain_text("Вручено")
    events = buyer.get_by_test_id("tracking-events").locator("li")
    expect(events).to_have_count(6)
    expect(events.first).to_contain_text("Вручение адресату")
    expect(events.last).to_contain_text("Прием")
    screenshot(buyer, "tracking-delivered-phone")

    buyer.goto(cdek_link)
    expect(buyer.get_by_test_id("tracking-state")).to_have_text("В пути")
    expect(buyer.get_by_test_id("tracking-events")).to_contain_text("Встречен в г. получателе")
    expect(buyer.get_by_test_id("carrier-link")).to_have_attribute(
        "href", "https://www.cdek.ru/ru/tracking?order_id=1106207236"
    )

    buyer.set_viewport_size({"width": 1366, "height": 900})
    buyer.goto(f"{live_server.url}/orders/{order.number}/")
    parcels = buyer.get_by_test_id("shipments")
    expect(parcels.get_by_test_id("track-link")).to_have_count(2)
    expect(parcels).to_contain_text("Вручено")
    expect(parcels).to_contain_text("Встречен в г. получателе")
    screenshot(buyer, "order-parcels")

    # The delivery e-mail asks for a review; the buyer writes one on the order page.
    review_link = next(url for url in links_in(delivered, live_server) if url.startswith(live_server.url))
    buyer.goto(review_link)
    section = buyer.locator("#reviews")
    section.get_by_label("★★★★☆").check()
    section.get_by_label("Ваш отзыв").fill("Красиво, но шли долго")
    screenshot(buyer, "order-review-form")
    section.get_by_role("button", name="Опубликовать отзыв").click()
    title = order.items.get().title
    expect(buyer.get_by_text(f"Спасибо! Ваш отзыв о «{title}» опубликован.")).to_be_visible()
    expect(section.get_by_test_id("review-item")).to_contain_text("Ваш отзыв опубликован")
    buyer.goto(f"{live_server.url}/shops/anna/reviews/")
    expect(buyer.get_by_test_id("reviews")).to_contain_text("Красиво, но шли долго")
    expect(buyer.get_by_test_id("rating-avg")).to_contain_text("4,0")
    screenshot(buyer, "shop-reviews")
