"""How the home page looks and behaves at 1366 and 390 px: category tiles with pictures that fill
the grid, «Недавно смотрели» after looking at products, the cookie notice shown once, «Избранное»,
the 404 page; no sideways scrolling and no console errors anywhere."""

import pytest
from playwright.sync_api import expect

from catalog.models import ProductLike
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The demo's top-level categories (catalog/demo.py), each with its picture.
ROOTS = [("Дом и интерьер", "dom-i-interer"), ("Детям", "detyam"), ("Украшения", "ukrasheniya"),
         ("Одежда и аксессуары", "odezhda"), ("Цифровые макеты", "cifrovye"), ("Косметика и травы", "kosmetika"),
         ("Хобби", "hobbi")]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def catalog():
    categories = [CategoryFactory(name=name, slug=slug, position=n) for n, (name, slug) in enumerate(ROOTS)]
    shop = ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")
    products = []
    for n, title in enumerate(["Кружка ручной лепки", "Плед в клетку", "Серьги с жемчугом", "Шарф из мериноса"]):
        product = ProductFactory(shop=shop, category=categories[n], title=title)
        ProductImageFactory(product=product)
        products.append(product)
    return products


def watch_console(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def tiles_fill_the_grid(page):
    """Every tile shows its picture, and each row of tiles runs from the grid's left edge to its right."""
    grid = page.get_by_test_id("home-categories")
    expect(grid.locator(".home-category")).to_have_count(len(ROOTS) + 1)  # and «Весь каталог»
    pictures = grid.locator("img.home-category-pic")
    for index in range(pictures.count()):
        pictures.nth(index).scroll_into_view_if_needed()
        expect(pictures.nth(index)).to_have_js_property("complete", True)
        assert pictures.nth(index).evaluate("img => img.naturalWidth") > 0
    box = grid.bounding_box()
    rows = {}
    for tile in grid.locator(".home-category").all():
        tile_box = tile.bounding_box()
        rows.setdefault(round(tile_box["y"]), []).append(tile_box)
    for tiles in rows.values():
        assert abs(min(t["x"] for t in tiles) - box["x"]) < 2
        assert abs(max(t["x"] + t["width"] for t in tiles) - (box["x"] + box["width"])) < 2
    return len(rows)


def test_home_page_tiles_recently_viewed_and_the_cookie_notice(live_server, page, screenshot, catalog):
    errors = watch_console(page)
    home = live_server.url + "/"

    # A first visit: the notice is shown once, and not again after «Понятно», even after a reload.
    page.goto(home)
    notice = page.get_by_test_id("cookie-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Сайт «Лавка» использует cookies.")
    expect(notice.get_by_role("link", name="Правила использования")).to_have_attribute("href", "/rules/")
    assert tiles_fill_the_grid(page) == 1  # eight tiles in one row at 1366
    expect(page.get_by_test_id("recently-viewed")).to_be_hidden()  # nothing viewed yet
    no_sideways_scroll(page)
    screenshot(page, "home-look-1366")
    page.set_viewport_size(PHONE)
    assert tiles_fill_the_grid(page) == 2  # two rows of four on a phone
    no_sideways_scroll(page)
    screenshot(page, "home-look-390")
    page.set_viewport_size(DESKTOP)
    notice.get_by_role("button", name="Понятно").click()
    expect(notice).to_be_hidden()
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(notice).to_be_hidden()

    # Having looked at two products, the visitor finds them on the home page, the latest first.
    mug, plaid = catalog[0], catalog[1]
    for product in (mug, plaid):
        page.goto(f"{live_server.url}/p/{product.pk}/")
        expect(page.get_by_role("heading", name=product.title)).to_be_visible()
    page.goto(home)
    recent = page.get_by_test_id("recently-viewed")
    expect(recent).to_be_visible()
    expect(recent.get_by_role("heading", name="Недавно смотрели")).to_be_visible()
    cards = recent.locator(".product-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Плед в клетку")
    expect(cards.nth(1)).to_contain_text("Кружка ручной лепки")
    for size, name in ((DESKTOP, "home-recently-viewed-1366"), (PHONE, "home-recently-viewed-390")):
        page.set_viewport_size(size)
        no_sideways_scroll(page)
        screenshot(page, name)
    page.set_viewport_size(DESKTOP)

    # «Очистить» forgets them.
    recent.get_by_role("button", name="Очистить").click()
    expect(recent).to_be_hidden()
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("recently-viewed")).to_be_hidden()
    assert errors == []


def test_favorites_and_the_404_page(live_server, page, screenshot, catalog):
    buyer = UserFactory(email="maria@example.com", name="Мария")
    for product in catalog[:3]:
        ProductLike.objects.create(user=buyer, product=product)
    errors = watch_console(page)
    log_in(page, live_server.url, "maria@example.com")

    page.goto(live_server.url + "/favorites/")
    expect(page.get_by_role("heading", name="Избранное")).to_be_visible()
    expect(page.locator(".product-card")).to_have_count(3)
    expect(page.get_by_text("3 товара")).to_be_visible()
    page.get_by_test_id("cookie-notice").get_by_role("button", name="Понятно").click()
    for size, name in ((DESKTOP, "favorites-1366"), (PHONE, "favorites-390")):
        page.set_viewport_size(size)
        no_sideways_scroll(page)
        screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    assert errors == []

    # A mistyped address: the Russian 404 page with a way back.
    response = page.goto(live_server.url + "/catalog/no-such-category/x/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Такой страницы нет")).to_be_visible()
    expect(page.get_by_test_id("error-404").get_by_role("link", name="На главную")).to_have_attribute("href", "/")
    for size, name in ((DESKTOP, "error-404-1366"), (PHONE, "error-404-390")):
        page.set_viewport_size(size)
        no_sideways_scroll(page)
        screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("error-404").get_by_role("searchbox").fill("плед")
    page.get_by_test_id("error-404").get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Плед в клетку").first).to_be_visible()
    # Only the 404 document itself is reported by the browser.
    assert [error for error in errors if "404" not in error] == []
