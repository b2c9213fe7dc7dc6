"""A seller lists a product with options, wholesale tiers and two photos; a buyer finds it."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from catalog.models import Product
from catalog.tests.factories import CategoryFactory
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

from .conftest import PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(path, color):
    Image.new("RGB", (900, 900), color).save(path)
    return str(path)


def test_seller_lists_a_product_and_a_buyer_finds_it(live_server, page, screenshot, tmp_path):
    kids = CategoryFactory(name="Детям", slug="detyam")
    CategoryFactory(name="Детская комната", slug="detskaya", parent=kids)
    seller = UserFactory(email="anna@example.com", name="Анна")
    ShopFactory(owner=seller, name="Мастерская Анны", slug="masterskaya-anny")
    log_in(page, live_server.url, "anna@example.com")

    # The product itself.
    page.goto(live_server.url + "/cabinet/products/new/")
    page.get_by_label("Название", exact=True).fill("Вигвам «Лесной» для детской")
    page.get_by_label("Категория", exact=True).select_option(label="Детская комната")
    page.get_by_label("Подробное описание").fill("Хлопковый вигвам с окошком.\n\nВысота 160 см.")
    page.get_by_label("Цена, ₽").fill("2000")
    page.get_by_label("Скидка, %").fill("10")
    page.get_by_label("Штук в наличии").fill("4")
    page.get_by_role("button", name="Создать товар").click()
    expect(page.get_by_text("Товар «Вигвам «Лесной» для детской» создан")).to_be_visible()
    product = Product.objects.get(title="Вигвам «Лесной» для детской")
    assert not product.is_enabled

    # Two photos.
    page.get_by_role("link", name="Фото", exact=True).click()
    page.locator("input[type=file]").set_input_files(
        [photo(tmp_path / "a.png", "#3b6e8f"), photo(tmp_path / "b.png", "#e9a47d")]
    )
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Добавлено 2 фото.")).to_be_visible()

    # An option with a price difference.
    page.locator(".product-tabs").get_by_role("link", name="Опции", exact=True).click()  # not the sidebar's «Опции»
    page.get_by_label("Название опции").fill("Цвет")
    page.locator("input[name='variants-0-name']").fill("Белый")
    page.locator("input[name='variants-1-name']").fill("Графит")
    page.locator("input[name='variants-1-price_delta']").fill("150")
    page.get_by_role("button", name="Сохранить опцию").click()
    expect(page.get_by_text("Опция «Цвет» сохранена.")).to_be_visible()

    # Wholesale: from 3 pieces −20 % (better than the product's −10 %).
    page.get_by_role("link", name="Оптовые скидки", exact=True).click()
    page.locator("input[name='tiers-0-min_quantity']").fill("3")
    page.locator("select[name='tiers-0-kind']").select_option("percent")
    page.locator("input[name='tiers-0-value']").fill("20")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Оптовые скидки сохранены.")).to_be_visible()

    # Enable it.
    page.get_by_role("link", name="Основное", exact=True).click()
    page.get_by_label("Включён").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()
    screenshot(page, "cabinet-product-edit")

    # A buyer (a guest) searches with another form of the word.
    buyer = page.context.browser.new_page(locale="ru-RU")
    buyer.goto(live_server.url + "/")
    buyer.get_by_role("searchbox", name="Поиск").fill("вигвамы")
    buyer.get_by_role("button", name="Найти").click()
    expect(buyer.get_by_test_id("result-count")).to_have_text("1 товар")
    card = buyer.locator(".product-card")
    expect(card).to_contain_text("1\u00a0800\u00a0₽")
    expect(card).to_contain_text("2\u00a0000\u00a0₽")
    expect(card).to_contain_text("−10\u00a0%")  # the one badge on the photo (issue 18: «−10 %»)
    cover = card.locator(".product-card-photo img")
    cover.scroll_into_view_if_needed()
    buyer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=cover.element_handle(), timeout=5000)
    screenshot(buyer, "catalog-search")
    card.get_by_role("link", name="Вигвам «Лесной» для детской").click()

    prices = buyer.get_by_test_id("price-block")
    expect(prices).to_contain_text("1\u00a0800\u00a0₽")
    expect(buyer.locator(".wholesale")).to_contain_text("от 3")
    expect(buyer.locator(".wholesale")).to_contain_text("1\u00a0600\u00a0₽")
    expect(buyer.locator(".wholesale")).to_contain_text("4\u00a0800\u00a0₽")
    expect(buyer.get_by_label("Цвет")).to_contain_text("Графит (+150\u00a0₽)")
    # Choosing «Графит (+150 ₽)» reprices the page (seed 001: «покупатель будет видеть, как меняется цена»).
    buyer.get_by_label("Цвет").select_option(index=1)
    expect(prices).to_contain_text("1\u00a0935\u00a0₽")  # (2000 + 150) − 10 %
    expect(prices).to_contain_text("2\u00a0150\u00a0₽")  # struck through
    expect(buyer.locator(".wholesale")).to_contain_text("5\u00a0160\u00a0₽")  # 3 × (2150 − 20 %)
    screenshot(buyer, "product-variant-price")
    buyer.get_by_label("Цвет").select_option(index=0)
    expect(prices).to_contain_text("1\u00a0800\u00a0₽")
    expect(buyer.get_by_test_id("availability")).to_contain_text("В наличии: 4 шт.")
    expect(buyer.locator(".product-thumb")).to_have_count(2)
    screenshot(buyer, "product-desktop")
    buyer.set_viewport_size(PHONE)
    assert buyer.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    screenshot(buyer, "product-phone")
