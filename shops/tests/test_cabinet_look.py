"""Issue 18 «Cabinet»: what a seller sees on the overview and the shop's profile pages, and what is saved."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.models import ProductViewDay
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from messaging.tests.factories import conversation_with
from orders.models import Order, OrderStatus
from orders.tests.factories import order_for
from shops import overview
from shops.models import Shop

from .factories import ShopFactory, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def tile(page: str, testid: str) -> str:
    """The overview tile's markup: one <a> from its start to its end."""
    match = re.search(rf'<a [^>]*data-testid="{testid}"[^>]*>.*?</a>', page, re.S)
    assert match, f"no tile {testid}"
    return match.group(0)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The overview


def test_every_tile_shows_its_figure_and_links_where_it_comes_from(owner_client, shop):
    product = ProductFactory(shop=shop, stock=50, price=Decimal("1000"))
    order_for(shop, product=product)  # open: new, and a sale of this week
    order_for(shop, product=product, quantity=2, statuses=[OrderStatus.PAID])  # a sale, not new
    order_for(shop, product=product, statuses=[OrderStatus.CANCELLED])  # neither
    old = order_for(shop, product=product)  # new, but placed three weeks ago: not this week's sale
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=21))
    today = timezone.localdate()
    ProductViewDay.objects.create(product=product, day=today, views=12)
    ProductViewDay.objects.create(product=product, day=today - timedelta(days=6), views=5)
    ProductViewDay.objects.create(product=product, day=today - timedelta(days=7), views=100)  # a week ago: out
    ProductViewDay.objects.create(product=ProductFactory(), day=today, views=1000)  # another shop's
    conversation_with(shop=shop)

    page = owner_client.get("/cabinet/").content.decode()

    new = tile(page, "tile-new-orders")
    assert 'href="/cabinet/orders/?status=open"' in new
    assert "Новые заказы 2 Ждут вашего ответа" in text_of(new)
    sales = tile(page, "tile-sales")
    assert 'href="/cabinet/marketing/?period=7"' in sales
    assert "Продажи за 7 дней 3 000 ₽ 2 заказа" in text_of(sales)
    views = tile(page, "tile-views")
    assert 'href="/cabinet/marketing/?period=7"' in views
    assert "Просмотры за 7 дней 17 " in text_of(views)
    messages = tile(page, "tile-messages")
    assert 'href="/cabinet/messages/"' in messages
    assert "Непрочитанные сообщения 1 " in text_of(messages)
    products = tile(page, "tile-products")
    assert 'href="/cabinet/products/"' in products and "1 / 0" in text_of(products)
    warnings = tile(page, "tile-warnings")
    assert 'href="/cabinet/sanctions/"' in warnings and "Предупреждения 0 Санкций нет." in text_of(warnings)


def test_the_seller_follows_the_new_orders_tile_to_the_open_orders(owner_client, shop):
    product = ProductFactory(shop=shop, stock=10)
    waiting = order_for(shop, product=product)
    paid = order_for(shop, product=product, statuses=[OrderStatus.PAID])
    page = owner_client.get("/cabinet/orders/?status=open").content.decode()
    assert waiting.number in page and paid.number not in page


def test_no_tile_for_a_figure_no_app_gives(owner_client, monkeypatch):
    monkeypatch.setattr(overview, "_providers", [])
    page = owner_client.get("/cabinet/").content.decode()
    for testid in ["tile-new-orders", "tile-sales", "tile-views", "tile-messages", "tile-products", "tile-warnings"]:
        assert f'data-testid="{testid}"' not in page
    assert "Добавьте первый товар" not in page  # nothing says products exist either


@pytest.mark.parametrize("orders", [3, 30])
def test_the_overview_makes_the_same_queries_however_many_orders(owner_client, shop, orders,
                                                                  django_assert_max_num_queries):  # fmt: skip
    product = ProductFactory(shop=shop, stock=100)
    for _ in range(orders):
        order_for(shop, product=product)
    with django_assert_max_num_queries(14):
        assert owner_client.get("/cabinet/").status_code == 200


def test_the_overview_permission_matrix(client, shop):
    assert client.get("/cabinet/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get("/cabinet/")["Location"] == "/cabinet/open/"  # no shop yet: open one
    client.force_login(ShopFactory().owner)
    assert "Мастерская Анны" not in client.get("/cabinet/").content.decode()


# The storefront checklist


def test_a_new_shop_is_first_asked_to_add_a_product(owner_client):
    page = owner_client.get("/cabinet/").content.decode()
    checklist = page[page.index('data-testid="storefront-checklist"') :]
    steps = re.findall(r'<li class="py-1[^"]*">(.*?)</li>', checklist, re.S)
    assert text_of(steps[0]) == "Добавьте первый товар"
    assert '<a href="/cabinet/products/new/">Добавьте первый товар</a>' in checklist
    assert "Готово 0 из 6" in checklist


def test_done_steps_are_ticked_and_the_checklist_disappears_when_all_are_done(owner_client, shop):
    from shops import services

    ProductFactory(shop=shop, is_enabled=False)
    services.shop_update(shop=shop, about="Шьём с 2015 года.", delivery_info="Почтой России",
                         rules_returns="14 дней")  # fmt: skip
    page = owner_client.get("/cabinet/").content.decode()
    assert "Готово 4 из 6" in page
    assert '<a href="/cabinet/products/new/">' not in page.split('data-testid="storefront-checklist"')[1]
    assert "Загрузите логотип" in page and "Добавьте баннер" in page

    logo = image_upload((300, 300))
    banner = image_upload((1600, 400), fmt="JPEG", name="b.jpg")
    assert owner_client.post("/cabinet/shop/images/", {"logo": logo, "banner": banner}).status_code == 302
    page = owner_client.get("/cabinet/").content.decode()
    assert 'data-testid="storefront-checklist"' not in page
    assert "Оформите витрину полностью" not in page


# «О нас» with a preview


def test_preview_shows_the_text_as_the_storefront_will_and_saves_nothing(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/about/", {"about": "## Кто мы\n\nШьём **вигвамы**.\n\n- лён\n- хлопок", "preview": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    preview = page[page.index('data-testid="about-preview"') :]
    assert "<h2>Кто мы</h2>" in preview and "<strong>вигвамы</strong>" in preview and "<li>лён</li>" in preview
    assert "Он ещё не сохранён" in preview
    assert "## Кто мы" in page  # the text stays in the box to go on editing
    shop.refresh_from_db()
    assert shop.about == "" and shop.about_html == ""


def test_htmx_preview_answers_with_the_preview_alone(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/about/", {"about": "Шьём *с любовью*", "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<em>с любовью</em>" in page
    assert "<html" not in page and "<textarea" not in page
    shop.refresh_from_db()
    assert shop.about == ""


def test_preview_points_out_contacts_before_saving(owner_client, shop):
    response = owner_client.post(
        "/cabinet/shop/about/", {"about": "Звоните +7 912 345-67-89", "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "Сохранить текст в таком виде нельзя" in page and "+7 912 345-67-89" in page
    shop.refresh_from_db()
    assert shop.about == ""


def test_preview_of_nothing_says_so_and_a_script_is_not_run(owner_client):
    empty = owner_client.post("/cabinet/shop/about/", {"about": "  ", "preview": "1"}, HTTP_HX_REQUEST="true")
    assert "Пока нечего показать" in empty.content.decode()
    script = owner_client.post(
        "/cabinet/shop/about/", {"about": "<script>alert(1)</script>Привет", "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "<script>alert(1)" not in script.content.decode()


def test_the_about_page_has_the_text_and_preview_buttons_and_saving_still_works(owner_client, shop):
    page = owner_client.get("/cabinet/shop/about/").content.decode()
    assert ">Текст</button>" in page
    assert 'name="preview"' in page and "Предпросмотр</button>" in page
    assert 'data-testid="about-preview"' in page and "hidden>" in page  # nothing to preview yet
    assert owner_client.post("/cabinet/shop/about/", {"about": "## Кто мы"}).status_code == 302
    shop.refresh_from_db()
    assert shop.about_html == "<h2>Кто мы</h2>"


def test_other_seller_cannot_preview_in_someone_elses_cabinet(client, shop):
    client.force_login(UserFactory())
    assert client.post("/cabinet/shop/about/", {"about": "x", "preview": "1"}).status_code == 404


# The storefront address


def test_the_address_field_says_it_is_the_storefronts_in_latin_letters(client):
    client.force_login(UserFactory())
    page = client.get("/cabinet/open/").content.decode()
    assert '<label class="form-label" for="id_slug">Адрес витрины (латиницей)</label>' in page


def test_the_profile_shows_the_fixed_storefront_address(owner_client):
    page = owner_client.get("/cabinet/shop/").content.decode()
    block = page[page.index('data-testid="storefront-address"') :]
    assert "Адрес витрины (латиницей)" in block and "/shops/masterskaya-anny/" in block
    assert 'name="slug"' not in page


# A logo that is not square is cut to a square


def stripes(size, colors, *, vertical=True, fmt="PNG", name="logo.png"):
    """A picture of three equal stripes (left to right, or top to bottom)."""
    image = Image.new("RGB", size)
    width, height = size
    for index, color in enumerate(colors):
        box = (
            (width * index // 3, 0, width * (index + 1) // 3, height)
            if vertical
            else (0, height * index // 3, width, height * (index + 1) // 3)
        )
        image.paste(color, box)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


RED, GREEN, BLUE = (200, 30, 30), (30, 160, 30), (30, 30, 200)


def logo_color(shop) -> tuple:
    shop.refresh_from_db()
    with Image.open(shop.logo.path) as image:
        assert image.size == (200, 200)
        return image.convert("RGB").getpixel((100, 100))


def close(color, expected) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(color, expected, strict=True))


@pytest.mark.parametrize(("keep", "expected"), [("start", RED), ("center", GREEN), ("end", BLUE), ("", GREEN)])
def test_a_wide_logo_is_cut_to_the_square_the_seller_chose(owner_client, shop, keep, expected):
    response = owner_client.post(
        "/cabinet/shop/images/", {"logo": stripes((900, 300), [RED, GREEN, BLUE]), "logo_crop": keep}, follow=True
    )
    assert "Логотип был 900×300 пикселей, поэтому мы обрезали его до квадрата" in response.content.decode()
    assert close(logo_color(shop), expected)


@pytest.mark.parametrize(("keep", "expected"), [("start", RED), ("end", BLUE)])
def test_a_tall_logo_keeps_its_top_or_bottom(owner_client, shop, keep, expected):
    upload = stripes((300, 900), [RED, GREEN, BLUE], vertical=False, fmt="JPEG", name="tall.jpg")
    owner_client.post("/cabinet/shop/images/", {"logo": upload, "logo_crop": keep})
    assert close(logo_color(shop), expected)
    assert shop.logo.name.endswith(".jpg")


def test_a_square_logo_is_saved_without_a_word_about_cutting(owner_client, shop):
    response = owner_client.post("/cabinet/shop/images/", {"logo": image_upload((640, 640))}, follow=True)
    page = response.content.decode()
    assert "Сохранено." in page and "обрезали" not in page
    shop.refresh_from_db()
    assert (shop.logo.width, shop.logo.height) == (200, 200)


def test_the_crop_choice_is_offered_with_the_logo(owner_client):
    page = owner_client.get("/cabinet/shop/images/").content.decode()
    assert "Если логотип не квадратный, оставить" in page
    assert 'value="center" class="form-check-input" id="id_logo_crop_1" checked' in page
    for label in ["верх или левый край", "середину", "низ или правый край"]:
        assert label in page
    assert "картинку другой формы мы обрежем до квадрата" in page


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (lambda: image_upload((600, 150)), "Логотип: 600×150 пикселей, а нужно не меньше 200×200 пикселей."),
        (lambda: image_upload((150, 150)), "Логотип: 150×150 пикселей, а нужно не меньше 200×200 пикселей."),
    ],
)
def test_a_logo_too_small_to_cut_is_still_refused(owner_client, shop, upload, error):
    response = owner_client.post("/cabinet/shop/images/", {"logo": upload(), "logo_crop": "start"})
    assert error in response.content.decode()
    shop.refresh_from_db()
    assert not shop.logo


def test_an_unknown_crop_is_refused_and_nothing_saved(owner_client, shop):
    response = owner_client.post("/cabinet/shop/images/", {"logo": image_upload((600, 300)), "logo_crop": "diagonal"})
    assert "Выберите корректный вариант" in response.content.decode()
    shop.refresh_from_db()
    assert not shop.logo


# Payment terms asked once


def test_payment_terms_are_one_field_of_delivery_and_payment(owner_client):
    delivery = owner_client.get("/cabinet/shop/delivery/").content.decode()
    assert delivery.count("Условия оплаты и предоплаты") == 1
    assert "за готовые изделия и за изделия на заказ" in delivery
    assert 'name="prepayment_terms"' in delivery and 'name="made_to_order_terms"' not in delivery
    rules = owner_client.get("/cabinet/shop/rules/").content.decode()
    assert 'name="rules_payment"' not in rules
    assert "Условия оплаты и предоплаты указываются один раз — в разделе «Доставка и оплата»." in rules


def test_what_the_other_payment_fields_said_moves_into_the_one_field_when_saved(owner_client, shop):
    Shop.objects.filter(pk=shop.pk).update(
        prepayment_terms="Готовые — 100 %.", made_to_order_terms="На заказ — 50 %.",
        rules_payment="Оплата в течение 3 дней.",
    )  # fmt: skip
    merged = "Готовые — 100 %.\n\nНа заказ — 50 %.\n\nОплата в течение 3 дней."
    page = owner_client.get("/cabinet/shop/delivery/").content.decode()
    assert f"{merged}</textarea>" in page
    response = owner_client.post("/cabinet/shop/delivery/", {"payment_systems": ["card"], "prepayment_terms": merged})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.prepayment_terms, shop.made_to_order_terms, shop.rules_payment) == (merged, "", "")
    storefront = owner_client.get("/shops/masterskaya-anny/delivery/").content.decode()
    assert storefront.count("На заказ — 50 %.") == 1
    assert "Оплата в течение 3 дней." not in owner_client.get("/shops/masterskaya-anny/rules/").content.decode()


def test_text_already_in_the_payment_terms_is_not_repeated(owner_client, shop):
    Shop.objects.filter(pk=shop.pk).update(prepayment_terms="Предоплата 50 %.", rules_payment="Предоплата 50 %.")
    page = owner_client.get("/cabinet/shop/delivery/").content.decode()
    assert ">\nПредоплата 50 %.</textarea>" in page


def test_a_contact_in_the_payment_terms_is_refused_and_nothing_is_saved(owner_client, shop):
    Shop.objects.filter(pk=shop.pk).update(made_to_order_terms="На заказ — 50 %.")
    response = owner_client.post("/cabinet/shop/delivery/", {"prepayment_terms": "Пишите на anna@example.com"})
    assert "Здесь нельзя указывать контакты и ссылки" in response.content.decode()
    shop.refresh_from_db()
    assert shop.made_to_order_terms == "На заказ — 50 %." and shop.prepayment_terms == ""


def test_saving_the_rules_keeps_the_payment_terms(owner_client, shop):
    Shop.objects.filter(pk=shop.pk).update(prepayment_terms="Предоплата 50 %.")
    assert (
        owner_client.post("/cabinet/shop/rules/", {"confirmation_days": "3", "rules_returns": "14 дней"}).status_code
        == 302
    )
    shop.refresh_from_db()
    assert shop.prepayment_terms == "Предоплата 50 %." and shop.rules_returns == "14 дней"


# Date filters


def test_the_order_lists_date_filters_have_visible_labels(owner_client):
    page = owner_client.get("/cabinet/orders/").content.decode()
    assert '<label class="input-group-text" for="date-from">с</label>' in page
    assert '<label class="input-group-text" for="date-to">по</label>' in page
    assert 'class="visually-hidden" for="date-from"' not in page
