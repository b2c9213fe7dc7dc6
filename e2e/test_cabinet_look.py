"""Issue 18 «Cabinet»: a new seller follows the overview's checklist, lists a product with its photos,
drags the cover into place, orders and deletes options, previews «О нас» and crops a wide logo."""

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from catalog.models import Product
from catalog.tests.factories import CategoryFactory
from marketplace.tests.factories import UserFactory
from shops.models import Shop
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, PHONE
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def picture(path, size, colors):
    """Vertical stripes of the given colours, so a crop or an order can be seen."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width = size[0] // len(colors)
    for index, color in enumerate(colors):
        draw.rectangle((index * width, 0, (index + 1) * width, size[1]), fill=color)
    image.save(path)
    return str(path)


def no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def both_widths(page, screenshot, name):
    """The page at 1366 and 390 px, without sideways scrolling, saved for people to look at."""
    for width, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        no_overflow(page)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the picture
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(DESKTOP)


def test_a_seller_makes_the_shop_look_complete(live_server, page, screenshot, tmp_path):
    CategoryFactory(name="Текстиль", slug="tekstil", parent=CategoryFactory(name="Дом", slug="dom"))
    seller = UserFactory(email="anna@example.com", name="Анна")
    shop = ShopFactory(owner=seller, name="Мастерская Анны", slug="masterskaya-anny")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, live_server.url, "anna@example.com")

    # The overview: tiles that link somewhere, and the checklist starting with the first product.
    page.goto(live_server.url + "/cabinet/")
    notice = page.get_by_test_id("cookie-notice")
    if notice.count() and notice.is_visible():  # dismissed once, it stays away from the screenshots
        notice.get_by_role("button").click()
    expect(page.get_by_test_id("tile-new-orders")).to_contain_text("Новые заказы")
    expect(page.get_by_test_id("tile-sales")).to_contain_text("Продажи за 7 дней")
    expect(page.get_by_test_id("tile-views")).to_contain_text("Просмотры за 7 дней")
    checklist = page.get_by_test_id("storefront-checklist")
    expect(checklist.locator("li").first).to_have_text("Добавьте первый товар")
    expect(checklist).to_contain_text("Готово 0 из 6")
    both_widths(page, screenshot, "cabinet-overview")
    checklist.get_by_role("link", name="Добавьте первый товар").click()

    # The create page takes the photos too; the first chosen is marked as the cover.
    expect(page.get_by_role("heading", name="Новый товар")).to_be_visible()
    page.get_by_label("Название", exact=True).fill("Плед «Клетка»")
    page.get_by_label("Категория", exact=True).select_option(label="Текстиль")
    page.get_by_label("Подробное описание").fill("Шерстяной плед 150×200 см.")
    page.get_by_label("Цена, ₽").fill("3500")
    page.get_by_label("Штук в наличии").fill("2")
    page.get_by_label("Фото", exact=True).set_input_files(
        [picture(tmp_path / f"{name}.png", (900, 900), [color]) for name, color in
         (("blue", "#3b6e8f"), ("peach", "#e9a47d"), ("green", "#6b8f3b"))]
    )  # fmt: skip
    picks = page.locator(".photo-picks li")
    expect(picks).to_have_count(3)
    expect(picks.first).to_contain_text("Обложка")
    both_widths(page, screenshot, "cabinet-product-new")
    page.get_by_role("button", name="Создать товар").click()
    expect(page.get_by_text("Товар «Плед «Клетка»» создан, фото: 3.")).to_be_visible()
    product = Product.objects.get(shop=shop)
    blue, peach, green = product.images.all()

    # «Фото»: drag the green photo to the front; it becomes the cover.
    page.locator(".product-tabs").get_by_role("link", name="Фото", exact=True).click()
    expect(page.get_by_test_id("drag-hint")).to_be_visible()
    with page.expect_navigation():
        page.locator(f'[data-photo="{green.pk}"]').drag_to(page.locator(f'[data-photo="{blue.pk}"]'),
                                                           target_position={"x": 10, "y": 100})  # fmt: skip
    expect(page.locator(".photo-grid-item").first).to_have_attribute("data-photo", str(green.pk))
    assert list(product.images.values_list("pk", flat=True)) == [green.pk, blue.pk, peach.pk]
    product.refresh_from_db()
    assert product.cover_id == green.pk
    both_widths(page, screenshot, "cabinet-photos")

    # «Опции»: two options, the second moved up; deleting asks first.
    page.locator(".product-tabs").get_by_role("link", name="Опции", exact=True).click()
    for name, variants in (("Цвет", ("Серый", "Синий")), ("Размер", ("150×200", "200×220"))):
        page.get_by_label("Название опции").fill(name)
        page.locator("input[name='variants-0-name']").fill(variants[0])
        page.locator("input[name='variants-1-name']").fill(variants[1])
        page.get_by_role("button", name="Сохранить опцию").click()
        expect(page.get_by_text(f"Опция «{name}» сохранена.")).to_be_visible()
    rows = page.get_by_test_id("option-row")
    expect(rows.first).to_contain_text("Цвет")
    page.get_by_role("button", name="Переместить «Размер» выше").click()
    expect(rows.first).to_contain_text("Размер")
    both_widths(page, screenshot, "cabinet-options")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    rows.first.get_by_role("button", name="Удалить").click()
    expect(rows).to_have_count(2)  # dismissed: nothing deleted
    assert dialogs == ["Удалить опцию «Размер» со всеми вариантами? Покупатели больше не смогут её выбрать."]
    page.once("dialog", lambda dialog: dialog.accept())
    rows.first.get_by_role("button", name="Удалить").click()
    expect(page.get_by_text("Опция «Размер» удалена.")).to_be_visible()
    assert list(product.option_groups.values_list("name", flat=True)) == ["Цвет"]

    # «О нас»: the preview shows the text as the storefront will, before saving.
    page.goto(live_server.url + "/cabinet/shop/about/")
    page.locator("textarea[name=about]").fill("## Кто мы\n\nШьём **пледы** с 2015 года.\n\n- шерсть\n- лён")
    page.get_by_role("button", name="Предпросмотр").click()
    preview = page.get_by_test_id("about-preview")
    expect(preview.get_by_role("heading", name="Кто мы")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("пледы")
    expect(page.locator("textarea[name=about]")).to_be_hidden()
    both_widths(page, screenshot, "cabinet-about-preview")
    page.get_by_role("button", name="Текст", exact=True).click()
    expect(page.locator("textarea[name=about]")).to_be_visible()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()
    shop.refresh_from_db()
    assert "<strong>пледы</strong>" in shop.about_html

    # A wide logo: previewed as a square, the left edge kept.
    page.goto(live_server.url + "/cabinet/shop/images/")
    expect(page.get_by_test_id("logo-crop")).to_be_hidden()
    page.get_by_label("Логотип", exact=True).set_input_files(
        picture(tmp_path / "wide.png", (900, 300), ["#c81e1e", "#1ea01e", "#1e1ec8"])
    )
    expect(page.get_by_test_id("logo-crop-preview")).to_be_visible()
    expect(page.get_by_test_id("logo-crop")).to_contain_text("Картинка — 900×300 пикселей, не квадрат")
    page.get_by_label("Левый край").check()
    both_widths(page, screenshot, "cabinet-logo-crop")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Логотип был 900×300 пикселей, поэтому мы обрезали его до квадрата")).to_be_visible()
    shop = Shop.objects.get(pk=shop.pk)
    with Image.open(shop.logo.path) as logo:
        assert logo.size == (200, 200)
        red, green_, blue_ = logo.convert("RGB").getpixel((100, 100))
        assert red > 150 and green_ < 80 and blue_ < 80  # the red left edge was kept

    # The order list's date filters say «с» and «по».
    page.goto(live_server.url + "/cabinet/orders/")
    expect(page.locator("label[for=date-from]")).to_have_text("с")
    expect(page.locator("label[for=date-to]")).to_have_text("по")
    expect(page.locator("label[for=date-from]")).to_be_visible()

    # The checklist counts what is done (it disappears once all is: shops/tests/test_cabinet_look.py).
    page.goto(live_server.url + "/cabinet/")
    expect(page.get_by_test_id("storefront-checklist")).to_contain_text("Готово 3 из 6")
    assert not errors, errors
