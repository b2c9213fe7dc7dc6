"""A new seller opens a shop, fills in its profile, uploads a logo and a banner, sees the storefront."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from marketplace.tests.factories import PASSWORD, UserFactory
from shops.models import Shop

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_image(path, size, color):
    Image.new("RGB", size, color).save(path)
    return str(path)


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_open_a_shop_and_make_the_storefront_complete(live_server, page, screenshot, tmp_path):
    UserFactory(email="anna@example.com", name="Анна", city="Санкт-Петербург")
    log_in(page, live_server.url, "anna@example.com")

    page.locator("#main").get_by_role("link", name="Открыть свой магазин").click()  # not the footer's
    page.get_by_label("Название магазина").fill("Мастерская Анны")
    page.get_by_label("Подзаголовок").fill("Вигвамы и текстиль для детской")
    page.get_by_role("button", name="Открыть магазин").click()
    expect(page.get_by_text("Магазин «Мастерская Анны» открыт")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("link", name="Кабинет продавца")).to_be_visible()
    screenshot(page, "cabinet-home")

    cabinet_nav = page.get_by_role("navigation", name="Кабинет продавца")
    cabinet_nav.get_by_role("link", name="Доставка и оплата").click()
    page.get_by_label("Перевод на банковскую карту").check()
    page.get_by_label("СДЭК").check()
    page.get_by_label("Подробности доставки").fill("Пишите мне в ватсап +7 912 345-67-89")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Здесь нельзя указывать контакты и ссылки")).to_be_visible()
    page.get_by_label("Подробности доставки").fill("Отправляем за 2 рабочих дня после оплаты.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()

    cabinet_nav.get_by_role("link", name="Логотип и баннер").click()
    page.wait_for_load_state()  # the crop preview's script is attached once the page has loaded
    # A logo that is not square is offered a crop (see e2e/test_cabinet_look.py); this one is square.
    page.get_by_label("Логотип", exact=True).set_input_files(make_image(tmp_path / "wide.png", (640, 480), "#3b6e8f"))
    expect(page.get_by_test_id("logo-crop-preview")).to_be_visible()
    page.get_by_label("Логотип", exact=True).set_input_files(make_image(tmp_path / "logo.png", (500, 500), "#3b6e8f"))
    page.get_by_label("Баннер", exact=True).set_input_files(make_image(tmp_path / "banner.jpg", (1600, 400), "#e9a47d"))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("current-logo")).to_be_visible()
    expect(page.get_by_test_id("current-banner")).to_be_visible()

    page.get_by_role("link", name="Открыть витрину").click()
    expect(page.get_by_role("heading", name="Мастерская Анны")).to_be_visible()
    expect(page.get_by_test_id("shop-logo")).to_be_visible()
    expect(page.get_by_text("Вигвамы и текстиль для детской")).to_be_visible()
    page.get_by_role("link", name="Доставка и оплата").click()
    expect(page.get_by_text("Отправляем за 2 рабочих дня после оплаты.")).to_be_visible()
    screenshot(page, "storefront-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    screenshot(page, "storefront-phone")

    shop = Shop.objects.get(slug="masterskaya-anny")
    assert shop.logo.width == 200
    assert shop.carriers == ["cdek"]
