import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services
from catalog.models import Attachment, Availability, CollectionItem, OptionGroup, Product, ProductImage, WholesaleTier
from marketplace.tests.factories import UserFactory
from shops.tests.factories import CollectionFactory, ShopFactory, image_upload

from .factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

REQUIRED = "Обязательное поле."


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def category():
    home = CategoryFactory(name="Дом и интерьер", slug="dom")
    return CategoryFactory(name="Текстиль", slug="tekstil", parent=home)


@pytest.fixture
def product(shop, category):
    return ProductFactory(shop=shop, category=category, title="Вигвам «Лесной»", price=Decimal("5000"))


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def other_client(client):
    client.force_login(ShopFactory(name="Столярка Петрова").owner)
    return client


def product_data(leaf, **overrides):
    data = {
        "title": "Плед из шерсти", "category": leaf.pk, "description": "Тёплый плед 150×200 см.",
        "price": "3500", "discount_percent": "0", "availability": "in_stock", "stock": "4", "production_days": "",
    }  # fmt: skip
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page_of(response) -> str:
    return response.content.decode()


def big_file(name, megabytes=11):
    return SimpleUploadedFile(name, b"\0" * (megabytes * 1024 * 1024))


# --- Permission matrix ----------------------------------------------------------------------


def product_pages(product):
    group = services.option_group_save(
        product=product, name="Цвет", kind="select", is_required=True,
        choices=[("Белый", Decimal("0")), ("Серый", Decimal("0"))],
    )  # fmt: skip
    base = f"/cabinet/products/{product.pk}/"
    return [
        base,
        f"{base}images/",
        f"{base}options/",
        f"{base}options/{group.pk}/",
        f"{base}wholesale/",
        f"{base}files/",
    ]


def test_owner_sees_every_product_page(owner_client, product):
    for url in ["/cabinet/products/", "/cabinet/products/new/", *product_pages(product)]:
        response = owner_client.get(url)
        assert response.status_code == 200, url
        assert "Мастерская Анны" in page_of(response)


def test_other_seller_gets_404_on_every_page_of_a_product(other_client, product):
    for url in product_pages(product):
        assert other_client.get(url).status_code == 404, url


def test_other_seller_sees_only_their_own_products(other_client, product):
    page = page_of(other_client.get("/cabinet/products/"))
    assert "Столярка Петрова" in page
    assert "Вигвам «Лесной»" not in page


def test_buyer_without_a_shop_gets_404(client, product):
    client.force_login(UserFactory())
    for url in ["/cabinet/products/", "/cabinet/products/new/", *product_pages(product)]:
        assert client.get(url).status_code == 404, url
    assert client.post("/cabinet/products/bulk/", {"ids": [product.pk], "action": "disable"}).status_code == 404
    assert Product.objects.get(pk=product.pk).is_enabled


def test_anonymous_is_sent_to_log_in(client, product):
    for url in ["/cabinet/products/", "/cabinet/products/new/", *product_pages(product)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"
    response = client.post("/cabinet/products/bulk/", {"ids": [product.pk], "action": "disable"})
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Product.objects.get(pk=product.pk).is_enabled


def test_other_seller_cannot_change_anything_of_a_product(other_client, product, category):
    photo = ProductImageFactory(product=product)
    group = services.option_group_save(
        product=product, name="Цвет", kind="select", is_required=True,
        choices=[("Белый", Decimal("0")), ("Серый", Decimal("0"))],
    )  # fmt: skip
    services.wholesale_tiers_set(product=product, tiers=[(2, "percent", Decimal("10"))])
    attachment = services.attachment_add(
        product=product, title="Уход", file=SimpleUploadedFile("care.txt", b"wash cold")
    )
    base = f"/cabinet/products/{product.pk}/"
    attempts = [
        (base, product_data(category, title="Чужое")),
        (f"{base}images/", {"images": image_upload((600, 600))}),
        (f"{base}images/{photo.pk}/delete/", {}),
        (f"{base}images/{photo.pk}/move/", {"direction": "right"}),
        (f"{base}options/", {"name": "Размер", "kind": "select", "variants-TOTAL_FORMS": "0",
                             "variants-INITIAL_FORMS": "0"}),
        (f"{base}options/{group.pk}/", {"name": "Чужое", "kind": "select"}),
        (f"{base}options/{group.pk}/delete/", {}),
        (f"{base}wholesale/", {"tiers-TOTAL_FORMS": "0", "tiers-INITIAL_FORMS": "0"}),
        (f"{base}files/", {"title": "Чужой", "file": SimpleUploadedFile("x.txt", b"x")}),
        (f"{base}files/{attachment.pk}/delete/", {}),
    ]  # fmt: skip
    for url, data in attempts:
        assert other_client.post(url, data).status_code == 404, url
    product.refresh_from_db()
    assert product.title == "Вигвам «Лесной»"
    assert list(product.images.all()) == [photo]
    assert list(product.option_groups.values_list("name", flat=True)) == ["Цвет"]
    assert product.wholesale_tiers.count() == 1
    assert list(product.attachments.all()) == [attachment]


def test_another_products_photo_option_or_file_is_404_even_for_the_owner(owner_client, shop, product):
    sibling = ProductFactory(shop=shop)
    photo = ProductImageFactory(product=sibling)
    group = services.option_group_save(
        product=sibling, name="Цвет", kind="checkbox", is_required=False, choices=[("Упаковка", Decimal("100"))]
    )
    attachment = services.attachment_add(product=sibling, title="Уход", file=SimpleUploadedFile("c.txt", b"c"))
    base = f"/cabinet/products/{product.pk}/"
    assert owner_client.post(f"{base}images/{photo.pk}/delete/").status_code == 404
    assert owner_client.post(f"{base}images/{photo.pk}/move/", {"direction": "left"}).status_code == 404
    assert owner_client.get(f"{base}options/{group.pk}/").status_code == 404
    assert owner_client.post(f"{base}options/{group.pk}/delete/").status_code == 404
    assert owner_client.post(f"{base}files/{attachment.pk}/delete/").status_code == 404
    assert ProductImage.objects.filter(pk=photo.pk).exists()
    assert OptionGroup.objects.filter(pk=group.pk).exists()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_actions_refuse_get(owner_client, product):
    photo = ProductImageFactory(product=product)
    base = f"/cabinet/products/{product.pk}/"
    for url in ["/cabinet/products/bulk/", f"{base}images/{photo.pk}/delete/", f"{base}images/{photo.pk}/move/"]:
        assert owner_client.get(url).status_code == 405, url
    assert ProductImage.objects.filter(pk=photo.pk).exists()


# --- Product table --------------------------------------------------------------------------


def test_table_shows_what_a_seller_needs(owner_client, shop, category):
    discounted = ProductFactory(
        shop=shop, category=category, title="Плед", price=Decimal("2000"), discount_percent=10,
        views_count=42, likes_count=7,
    )  # fmt: skip
    ProductImageFactory(product=discounted)
    ProductFactory(shop=shop, title="Ночник", is_enabled=False, availability=Availability.MADE_TO_ORDER, stock=None,
                   production_days=5)  # fmt: skip
    ProductFactory(shop=shop, title="Постер", availability=Availability.NOT_TRACKED, stock=None)
    page = page_of(owner_client.get("/cabinet/products/"))
    assert f'href="/cabinet/products/{discounted.pk}/"' in page
    assert discounted.cover.thumb.url in page
    assert '<div class="price-old small">2\xa0000\xa0₽</div>' in page
    assert '<div class="price text-danger">1\xa0800\xa0₽</div>' in page
    assert "42</span> / <span" in page and ">7</span>" in page
    assert page.count("text-bg-secondary") == 1  # one disabled product
    assert "В наличии: 5" in page


def test_table_sorts_by_the_clicked_column(owner_client, shop):
    ProductFactory(shop=shop, title="Б-товар", price=Decimal("300"), views_count=1)
    ProductFactory(shop=shop, title="А-товар", price=Decimal("200"), views_count=3)
    ProductFactory(shop=shop, title="В-товар", price=Decimal("100"), views_count=2)

    def titles(sort):
        response = owner_client.get("/cabinet/products/", {"sort": sort})
        return [product.title for product in response.context["products"]]

    assert titles("title") == ["А-товар", "Б-товар", "В-товар"]
    assert titles("-title") == ["В-товар", "Б-товар", "А-товар"]
    assert titles("price") == ["В-товар", "А-товар", "Б-товар"]
    assert titles("-views") == ["А-товар", "В-товар", "Б-товар"]
    assert titles("-created") == ["В-товар", "А-товар", "Б-товар"]
    assert titles("password") == titles("-created")  # a bad value is ignored
    assert titles("--title") == titles("-created")


def test_sorting_by_price_uses_the_price_after_discount(owner_client, shop):
    ProductFactory(shop=shop, title="Дешевле со скидкой", price=Decimal("1000"), discount_percent=50)
    ProductFactory(shop=shop, title="Без скидки", price=Decimal("700"))
    response = owner_client.get("/cabinet/products/", {"sort": "price"})
    assert [p.title for p in response.context["products"]] == ["Дешевле со скидкой", "Без скидки"]


def test_header_link_turns_the_order_around(owner_client, shop):
    ProductFactory(shop=shop)
    page = page_of(owner_client.get("/cabinet/products/", {"sort": "title", "status": "on", "page": "1"}))
    assert 'href="?sort=-title&amp;status=on"' in page
    assert 'aria-sort="ascending"' in page


def test_table_filters_by_status_and_title(owner_client, shop):
    ProductFactory(shop=shop, title="Вигвам белый")
    ProductFactory(shop=shop, title="Вигвам серый", is_enabled=False)
    ProductFactory(shop=shop, title="Постер")

    def titles(**params):
        return sorted(p.title for p in owner_client.get("/cabinet/products/", params).context["products"])

    assert titles(status="on") == ["Вигвам белый", "Постер"]
    assert titles(status="off") == ["Вигвам серый"]
    assert titles(status="nonsense") == ["Вигвам белый", "Вигвам серый", "Постер"]
    assert titles(q="вигвам") == ["Вигвам белый", "Вигвам серый"]  # case folds in Cyrillic too
    assert titles(q="ВИГВАМ", status="off") == ["Вигвам серый"]
    assert titles(q="a.*") == []  # the search box is text, not a pattern


def test_nothing_found_is_not_the_empty_shop(owner_client, shop):
    ProductFactory(shop=shop, title="Постер")
    page = page_of(owner_client.get("/cabinet/products/", {"q": "вигвам"}))
    assert 'href="/cabinet/products/new/"' in page  # the header button is still there
    assert "js-bulk-form" not in page
    assert 'href="?sort=-created"' in page


def test_empty_shop_invites_to_add_a_product(owner_client):
    page = page_of(owner_client.get("/cabinet/products/"))
    assert "empty-state" in page
    assert page.count('href="/cabinet/products/new/"') == 2
    assert "js-bulk-form" not in page


def test_table_is_paginated_by_25(owner_client, shop):
    ProductFactory.create_batch(27, shop=shop)
    first = owner_client.get("/cabinet/products/")
    assert len(first.context["products"]) == 25
    assert 'href="?page=2"' in page_of(first)
    assert len(owner_client.get("/cabinet/products/", {"page": "2"}).context["products"]) == 2
    assert len(owner_client.get("/cabinet/products/", {"page": "abc"}).context["products"]) == 25


@pytest.mark.parametrize("count", [3, 30])
def test_table_makes_the_same_queries_for_3_and_30_products(
    owner_client, shop, category, count, django_assert_max_num_queries
):
    for product in ProductFactory.create_batch(count, shop=shop, category=category):
        ProductImageFactory(product=product)
    with django_assert_max_num_queries(6):
        response = owner_client.get("/cabinet/products/", {"sort": "price"})
    assert response.status_code == 200
    assert page_of(response).count("product-thumb") == min(count, 25)


def test_bulk_disable_and_enable(owner_client, shop):
    first, second, third = ProductFactory.create_batch(3, shop=shop)
    response = owner_client.post(
        "/cabinet/products/bulk/",
        {"ids": [first.pk, second.pk], "action": "disable", "next": "/cabinet/products/?status=on&sort=title"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/products/?status=on&sort=title"
    assert set(Product.objects.filter(is_enabled=False).values_list("pk", flat=True)) == {first.pk, second.pk}
    owner_client.post("/cabinet/products/bulk/", {"ids": [second.pk], "action": "enable"})
    assert set(Product.objects.filter(is_enabled=False).values_list("pk", flat=True)) == {first.pk}
    assert "alert-success" in page_of(owner_client.get("/cabinet/products/"))


def test_bulk_ignores_other_shops_products_and_garbage(owner_client, shop):
    mine = ProductFactory(shop=shop)
    theirs = ProductFactory()
    response = owner_client.post(
        "/cabinet/products/bulk/",
        {"ids": [mine.pk, theirs.pk, "x", "", "9" * 30], "action": "disable", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/cabinet/products/"
    assert not Product.objects.get(pk=mine.pk).is_enabled
    assert Product.objects.get(pk=theirs.pk).is_enabled


def test_bulk_with_nothing_ticked_or_no_action_changes_nothing(owner_client, shop):
    product = ProductFactory(shop=shop)
    assert owner_client.post("/cabinet/products/bulk/", {"action": "disable"}).status_code == 302
    assert owner_client.post("/cabinet/products/bulk/", {"ids": [product.pk]}).status_code == 302
    assert owner_client.post("/cabinet/products/bulk/", {"ids": [product.pk], "action": "delete"}).status_code == 302
    assert Product.objects.get(pk=product.pk).is_enabled


# --- Main form ------------------------------------------------------------------------------


def test_create_a_product_and_land_on_its_page(owner_client, shop, category):
    vigvamy = CollectionFactory(shop=shop, name="Вигвамы")
    CollectionFactory(shop=shop, name="Постеры")
    response = owner_client.post(
        "/cabinet/products/new/",
        product_data(category, price="1 990,50", discount_percent="10", free_shipping="on", collections=[vigvamy.pk]),
    )
    product = shop.products.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/products/{product.pk}/"
    assert (product.title, product.price, product.stock, product.is_enabled) == (
        "Плед из шерсти", Decimal("1990.50"), 4, False,
    )  # fmt: skip
    assert product.sale_price == Decimal("1791.45") and product.free_shipping
    assert list(CollectionItem.objects.filter(product=product).values_list("collection", flat=True)) == [vigvamy.pk]
    page = page_of(owner_client.get(response["Location"]))
    assert "alert-success" in page and "Плед из шерсти" in page
    assert f'href="/cabinet/products/{product.pk}/preview/"' in page


def test_made_to_order_product_keeps_no_stock(owner_client, shop, category):
    owner_client.post(
        "/cabinet/products/new/", product_data(category, availability="made_to_order", stock="3", production_days="7")
    )
    product = shop.products.get()
    assert (product.availability, product.stock, product.production_days) == ("made_to_order", None, 7)


def test_edit_a_product_and_its_collections(owner_client, shop, product, category):
    old, new = CollectionFactory(shop=shop, name="Старая"), CollectionFactory(shop=shop, name="Новая")
    services.product_set_collections(product=product, collection_ids=[old.pk])
    page = page_of(owner_client.get(f"/cabinet/products/{product.pk}/"))
    assert f'value="{old.pk}" id="id_collections_0" checked' in page
    response = owner_client.post(
        f"/cabinet/products/{product.pk}/",
        product_data(category, title="Вигвам «Лесной» XL", price="5500", availability="not_tracked", is_enabled="on",
                     collections=[new.pk]),
    )  # fmt: skip
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.price, product.availability, product.stock, product.is_enabled) == (
        "Вигвам «Лесной» XL", Decimal("5500"), "not_tracked", None, True,
    )  # fmt: skip
    assert list(product.collection_items.values_list("collection", flat=True)) == [new.pk]


def assert_not_saved(response, shop, count=0):
    assert response.status_code == 200
    assert shop.products.count() == count


def test_empty_form_says_what_is_required(owner_client, shop):
    response = owner_client.post("/cabinet/products/new/", {"discount_percent": "0", "availability": "in_stock"})
    form = response.context["form"]
    assert form.errors["title"] == [REQUIRED]
    assert form.errors["category"] == [REQUIRED]
    assert form.errors["price"] == [REQUIRED]
    assert_not_saved(response, shop)


def test_too_long_title_is_refused_and_what_was_typed_is_kept(owner_client, shop, category):
    response = owner_client.post(
        "/cabinet/products/new/", product_data(category, title="Я" * 121, description="Мой текст")
    )
    page = page_of(response)
    assert "Убедитесь, что это значение содержит не более 120 символов (сейчас 121)." in page
    assert "Мой текст</textarea>" in page and 'value="3500"' in page
    assert_not_saved(response, shop)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0", "Убедитесь, что это значение больше либо равно 1."),
        ("-5", "Убедитесь, что это значение больше либо равно 1."),
        ("abc", "Введите число."),
        ("10000000", "Убедитесь, что это значение меньше либо равно 9999999."),
    ],
)
def test_bad_price_is_refused(owner_client, shop, category, price, message):
    response = owner_client.post("/cabinet/products/new/", product_data(category, price=price))
    assert response.context["form"].errors["price"] == [message]
    assert_not_saved(response, shop)


@pytest.mark.parametrize(
    ("discount", "message"),
    [
        ("100", "Убедитесь, что это значение меньше либо равно 99."),
        ("-1", "Убедитесь, что это значение больше либо равно 0."),
        ("5.5", "Введите целое число."),
    ],
)
def test_bad_discount_is_refused(owner_client, shop, category, discount, message):
    response = owner_client.post("/cabinet/products/new/", product_data(category, discount_percent=discount))
    assert message in response.context["form"].errors["discount_percent"]
    assert_not_saved(response, shop)


def test_in_stock_needs_a_count_and_made_to_order_needs_days(owner_client, shop, category):
    response = owner_client.post("/cabinet/products/new/", product_data(category, stock=""))
    assert re.search(r'<input type="number" name="stock"[^>]* class="form-control is-invalid"', page_of(response))
    assert_not_saved(response, shop)
    response = owner_client.post(
        "/cabinet/products/new/", product_data(category, availability="made_to_order", production_days="")
    )
    assert "production_days" in response.context["form"].errors
    assert_not_saved(response, shop)
    response = owner_client.post(
        "/cabinet/products/new/", product_data(category, availability="made_to_order", production_days="400")
    )
    assert response.context["form"].errors["production_days"] == ["Убедитесь, что это значение меньше либо равно 365."]
    assert_not_saved(response, shop)


def test_another_shops_collection_is_refused(owner_client, shop, category):
    theirs = CollectionFactory(name="Чужая")
    response = owner_client.post("/cabinet/products/new/", product_data(category, collections=[theirs.pk]))
    assert response.context["form"].errors["collections"] == [
        f"Выберите корректный вариант. {theirs.pk} нет среди допустимых значений."
    ]
    assert_not_saved(response, shop)
    assert not CollectionItem.objects.exists()


def test_a_parent_category_or_unknown_one_is_refused(owner_client, shop, category):
    for value in [category.parent_id, 99999, "abc"]:
        response = owner_client.post("/cabinet/products/new/", product_data(category, category=value))
        assert response.context["form"].errors["category"] == [
            "Выберите корректный вариант. Вашего варианта нет среди допустимых значений."
        ]
    assert_not_saved(response, shop)


def test_category_select_groups_children_under_their_parent(owner_client, category):
    page = page_of(owner_client.get("/cabinet/products/new/"))
    assert f'<optgroup label="Дом и интерьер">\n  <option value="{category.pk}">Текстиль</option>' in page
    assert "js-category-filter" in page and "js/cabinet-products.js" in page


def test_contacts_in_title_or_description_are_refused(owner_client, shop, category):
    response = owner_client.post(
        "/cabinet/products/new/", product_data(category, title="Плед, пишите +7 900 123-45-67")
    )
    assert "title" in response.context["form"].errors
    assert_not_saved(response, shop)
    response = owner_client.post(
        "/cabinet/products/new/", product_data(category, description="Подробнее на https://example.com")
    )
    assert "description" in response.context["form"].errors
    assert_not_saved(response, shop)


def test_invalid_edit_changes_nothing_and_keeps_the_header(owner_client, product, category):
    response = owner_client.post(f"/cabinet/products/{product.pk}/", product_data(category, title="", price="0"))
    page = page_of(response)
    assert response.status_code == 200
    assert '<h1 class="h4 mb-1 text-break">Вигвам «Лесной»</h1>' in page
    product.refresh_from_db()
    assert (product.title, product.price) == ("Вигвам «Лесной»", Decimal("5000"))


# --- Photos ---------------------------------------------------------------------------------


def photos_url(product):
    return f"/cabinet/products/{product.pk}/images/"


def test_upload_photos_the_first_is_the_cover(owner_client, product):
    response = owner_client.post(photos_url(product), {"images": image_upload((1200, 800), name="front.png")})
    assert response.status_code == 302
    product.refresh_from_db()
    first = product.images.get()
    assert product.cover == first and (first.width, first.height) == (1200, 800)
    owner_client.post(
        photos_url(product),
        {"images": [image_upload((800, 800), name="a.png"), image_upload((900, 900), name="b.png")]},
    )
    assert product.images.count() == 3
    product.refresh_from_db()
    assert product.cover == first
    page = page_of(owner_client.get(photos_url(product)))
    assert page.count("photo-grid-img") == 3
    assert "Оригинал" in page or "1200×800" in page


def test_huge_photos_are_scaled_down_to_2000(owner_client, product):
    owner_client.post(photos_url(product), {"images": image_upload((3000, 1500))})
    photo = product.images.get()
    assert (photo.width, photo.height) == (2000, 1000)


def test_small_photo_is_refused_with_its_size(owner_client, product):
    response = owner_client.post(photos_url(product), {"images": image_upload((300, 300))})
    assert "Изображение: 300×300 пикселей, а нужно не меньше 500×500 пикселей." in page_of(response)
    assert not product.images.exists()


def test_not_an_image_is_refused(owner_client, product):
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = owner_client.post(photos_url(product), {"images": fake})
    assert "Файл «Изображение» не читается как изображение. Загрузите JPEG, PNG или WebP." in page_of(response)
    assert not product.images.exists()


def test_photo_over_10_mb_is_refused(owner_client, product):
    response = owner_client.post(photos_url(product), {"images": big_file("huge.jpg")})
    assert "Изображение: файл 11,0 МБ, а можно не больше 10 МБ." in page_of(response)
    assert not product.images.exists()


def test_decompression_bomb_is_refused(owner_client, product):
    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, "PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = owner_client.post(photos_url(product), {"images": bomb})
    assert "В изображении «Изображение» слишком много пикселей (больше 25 мегапикселей)." in page_of(response)
    assert not product.images.exists()


def test_one_bad_photo_among_several_saves_none_and_names_the_file(owner_client, product):
    response = owner_client.post(
        photos_url(product),
        {"images": [image_upload((800, 800), name="good.png"), image_upload((200, 200), name="bad.png")]},
    )
    assert "bad.png: 200×200 пикселей, а нужно не меньше 500×500 пикселей." in page_of(response)
    assert not product.images.exists()


def test_empty_upload_is_required(owner_client, product):
    response = owner_client.post(photos_url(product), {})
    assert REQUIRED in page_of(response)


def test_at_most_ten_photos(owner_client, product):
    for _ in range(9):
        ProductImageFactory(product=product)
    response = owner_client.post(
        photos_url(product),
        {"images": [image_upload((600, 600), name="a.png"), image_upload((600, 600), name="b.png")]},
    )
    assert response.status_code == 200 and "is-invalid" in page_of(response)
    assert product.images.count() == 9
    ProductImageFactory(product=product)
    assert 'type="file"' not in page_of(owner_client.get(photos_url(product)))  # no upload form at the limit


def test_move_and_delete_photos_keep_the_cover_right(owner_client, product):
    first, second, third = (ProductImageFactory(product=product) for _ in range(3))
    owner_client.post(f"{photos_url(product)}{third.pk}/move/", {"direction": "left"})
    assert list(product.images.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    owner_client.post(f"{photos_url(product)}{second.pk}/move/", {"direction": "first"})
    assert list(product.images.values_list("pk", flat=True)) == [second.pk, first.pk, third.pk]
    owner_client.post(f"{photos_url(product)}{second.pk}/move/", {"direction": "left"})  # already first
    owner_client.post(f"{photos_url(product)}{first.pk}/move/", {"direction": "right"})
    assert list(product.images.values_list("pk", flat=True)) == [second.pk, third.pk, first.pk]
    product.refresh_from_db()
    assert product.cover == second
    response = owner_client.post(f"{photos_url(product)}{second.pk}/delete/")
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.cover == third
    assert list(product.images.all()) == [third, first]


# --- Options --------------------------------------------------------------------------------


def option_data(name="Цвет", kind="select", required=True, variants=(), total=6, initial=0):
    """Variants are (name, delta) or (id, name, delta), as the edit form posts them."""
    data = {"name": name, "kind": kind, "variants-TOTAL_FORMS": str(total), "variants-INITIAL_FORMS": str(initial)}
    if required:
        data["is_required"] = "on"
    for index in range(total):
        row = variants[index] if index < len(variants) else ("", "")
        pk, variant_name, delta = row if len(row) == 3 else ("", *row)
        data[f"variants-{index}-id"] = pk
        data[f"variants-{index}-name"] = variant_name
        data[f"variants-{index}-price_delta"] = delta
    return data


def options_url(product):
    return f"/cabinet/products/{product.pk}/options/"


def test_add_an_option_with_price_differences(owner_client, product):
    response = owner_client.post(
        options_url(product), option_data(variants=[("Красный", "20"), ("", ""), ("Белый", "30"), ("Голубой", "")])
    )
    assert response.status_code == 302
    group = product.option_groups.get()
    assert (group.name, group.kind, group.is_required) == ("Цвет", "select", True)
    assert list(group.choices.values_list("name", "price_delta")) == [
        ("Красный", Decimal("20")), ("Белый", Decimal("30")), ("Голубой", Decimal("0")),
    ]  # fmt: skip
    page = page_of(owner_client.get(options_url(product)))
    assert "Красный" in page and "+20\xa0₽" in page


def test_editing_an_option_keeps_variant_ids_and_marks_removed_ones(owner_client, product):
    group = services.option_group_save(
        product=product, name="Размер", kind="radio", is_required=True,
        choices=[("S", Decimal("0")), ("M", Decimal("0")), ("L", Decimal("200"))],
    )  # fmt: skip
    s, m, large = group.choices.all()
    page = page_of(owner_client.get(f"{options_url(product)}{group.pk}/"))
    assert 'name="variants-2-name" value="L"' in page and 'name="variants-2-price_delta" value="200"' in page
    assert f'name="variants-2-id" value="{large.pk}"' in page
    response = owner_client.post(
        f"{options_url(product)}{group.pk}/",
        option_data(name="Размер", kind="radio", initial=3,
                    variants=[(s.pk, "S", "0"), (m.pk, "", "0"), (large.pk, "L (52)", "250"), ("", "XL", "-100")]),
    )  # fmt: skip
    assert response.status_code == 302
    # The edited variant keeps its id (carts hold it); the cleared one is marked, not deleted.
    assert list(group.choices.active().values_list("pk", "name", "price_delta")) == [
        (s.pk, "S", Decimal("0")), (large.pk, "L (52)", Decimal("250")),
        (group.choices.get(name="XL").pk, "XL", Decimal("-100")),
    ]  # fmt: skip
    m.refresh_from_db()
    assert m.is_removed and m.removed_at is not None
    assert group.choices.get(name="XL").pk > large.pk  # a new id, never a reused one
    page = page_of(owner_client.get(options_url(product)))
    assert "L (52)" in page and ">M<" not in page


def test_another_options_variant_id_is_refused(owner_client, product):
    other = services.option_group_save(
        product=product, name="Цвет", kind="select", is_required=True,
        choices=[("Белый", Decimal("0")), ("Серый", Decimal("0"))],
    )  # fmt: skip
    group = services.option_group_save(
        product=product, name="Размер", kind="select", is_required=True,
        choices=[("S", Decimal("0")), ("M", Decimal("0"))],
    )  # fmt: skip
    stolen = other.choices.first()
    response = owner_client.post(
        f"{options_url(product)}{group.pk}/",
        option_data(name="Размер", variants=[(stolen.pk, "S", "0"), ("", "M", "0")], initial=2),
    )
    assert response.status_code == 200
    assert "reload the page" in page_of(response) or "обновите страницу" in page_of(response)
    assert list(group.choices.active().values_list("name", flat=True)) == ["S", "M"]
    assert stolen.group_id == other.pk and OptionGroup.objects.get(pk=other.pk).choices.count() == 2


def test_a_radio_option_is_always_required(owner_client, product):
    response = owner_client.post(
        options_url(product), option_data(name="Размер", kind="radio", required=False, variants=[("S", ""), ("M", "")])
    )
    assert response.status_code == 302
    assert product.option_groups.get().is_required
    group = services.option_group_save(
        product=product, name="Рост", kind="radio", is_required=False, choices=[("A", Decimal(0)), ("B", Decimal(0))]
    )
    assert group.is_required


def test_the_database_refuses_an_optional_radio_option(product):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OptionGroup.objects.create(product=product, name="Размер", kind="radio", is_required=False)


def test_delete_an_option(owner_client, product):
    group = services.option_group_save(
        product=product, name="Упаковка", kind="checkbox", is_required=False, choices=[("Подарочная", Decimal("150"))]
    )
    assert owner_client.post(f"{options_url(product)}{group.pk}/delete/").status_code == 302
    assert not product.option_groups.exists()


def test_option_without_a_name_is_refused(owner_client, product):
    response = owner_client.post(options_url(product), option_data(name="", variants=[("A", ""), ("B", "")]))
    assert response.context["form"].errors["name"] == [REQUIRED]
    assert not product.option_groups.exists()


def test_option_with_one_variant_to_choose_from_is_refused(owner_client, product):
    response = owner_client.post(options_url(product), option_data(variants=[("Красный", "")]))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "alert-danger" in page_of(response)
    assert not product.option_groups.exists()


def test_variant_that_makes_the_price_zero_is_refused(owner_client, product):
    response = owner_client.post(options_url(product), option_data(variants=[("Мини", "-5000"), ("Макси", "0")]))
    assert response.context["form"].non_field_errors()
    assert not product.option_groups.exists()


def test_variant_rows_with_bad_values_are_marked(owner_client, product):
    response = owner_client.post(
        options_url(product), option_data(variants=[("Красный", "abc"), ("", "50"), ("Я" * 61, "")])
    )
    rows = response.context["variants"].forms
    assert rows[0].errors["price_delta"] == ["Введите число."]
    assert "name" in rows[1].errors
    assert rows[2].errors["name"] == ["Убедитесь, что это значение содержит не более 60 символов (сейчас 61)."]
    page = page_of(response)
    assert 'name="variants-0-price_delta" value="abc"' in page  # what was typed stays
    assert not product.option_groups.exists()


def test_duplicate_variant_names_are_refused(owner_client, product):
    response = owner_client.post(options_url(product), option_data(variants=[("Белый", ""), ("белый", "")]))
    assert response.context["form"].non_field_errors()
    assert not product.option_groups.exists()


# --- Wholesale ------------------------------------------------------------------------------


def tier_data(*tiers, total=6, initial=0):
    data = {"tiers-TOTAL_FORMS": str(total), "tiers-INITIAL_FORMS": str(initial)}
    for index in range(total):
        quantity, kind, value = tiers[index] if index < len(tiers) else ("", "percent", "")
        data.update({f"tiers-{index}-min_quantity": quantity, f"tiers-{index}-kind": kind,
                     f"tiers-{index}-value": value})  # fmt: skip
    return data


@pytest.fixture
def thousand(shop):
    return ProductFactory(shop=shop, title="Кружка", price=Decimal("1000"))


def wholesale_url(product):
    return f"/cabinet/products/{product.pk}/wholesale/"


def test_percent_tiers_and_their_preview(owner_client, thousand):
    response = owner_client.post(wholesale_url(thousand), tier_data(("3", "percent", "20"), ("2", "percent", "10")))
    assert response.status_code == 302
    assert list(thousand.wholesale_tiers.values_list("min_quantity", "kind", "value")) == [
        (2, "percent", Decimal("10")), (3, "percent", Decimal("20")),
    ]  # fmt: skip
    page = page_of(owner_client.get(wholesale_url(thousand)))
    assert '<td class="text-end price">900\xa0₽</td>' in page
    assert '<span class="price">1\xa0800\xa0₽</span> <span class="price-old small">2\xa0000\xa0₽</span>' in page
    assert '<span class="price">2\xa0400\xa0₽</span>' in page


def test_rubles_tier_is_the_price_of_that_many_pieces(owner_client, thousand):
    """Seed 001: «2 – 1800 рублей, 3 товара – 2600 рублей»; the preview shows the exact totals."""
    response = owner_client.post(wholesale_url(thousand), tier_data(("2", "total", "1800"), ("3", "total", "2600")))
    assert response.status_code == 302
    assert list(thousand.wholesale_tiers.values_list("min_quantity", "kind", "value")) == [
        (2, "total", Decimal("1800")), (3, "total", Decimal("2600")),
    ]  # fmt: skip
    page = page_of(owner_client.get(wholesale_url(thousand)))
    assert '<span class="price">1\xa0800\xa0₽</span> <span class="price-old small">2\xa0000\xa0₽</span>' in page
    assert '<span class="price">2\xa0600\xa0₽</span> <span class="price-old small">3\xa0000\xa0₽</span>' in page
    assert "≈&nbsp;866,67\xa0₽" in page


def test_preview_says_when_the_product_discount_wins(owner_client, shop):
    product = ProductFactory(shop=shop, price=Decimal("1000"), discount_percent=30)
    services.wholesale_tiers_set(product=product, tiers=[(2, "percent", Decimal("10"))])
    response = owner_client.get(wholesale_url(product))
    assert response.context["preview"][0]["product_discount_wins"]


def test_preview_shows_what_the_cart_charges_when_the_product_discount_wins(owner_client, shop):
    """The buyer pays 700 ₽ a piece (−30 %), never the tier's 900 ₽: the table says 700 and 1 400."""
    product = ProductFactory(shop=shop, price=Decimal("1000"), discount_percent=30)
    services.wholesale_tiers_set(product=product, tiers=[(2, "percent", Decimal("10"))])
    page = page_of(owner_client.get(wholesale_url(product)))
    assert '<td class="text-end price">700\xa0₽</td>' in page  # one piece, with the product discount
    assert '<span class="price">1\xa0400\xa0₽</span>' in page
    assert "900\xa0₽" not in page and "1\xa0800\xa0₽" not in page


def test_clearing_every_row_removes_the_tiers(owner_client, thousand):
    services.wholesale_tiers_set(product=thousand, tiers=[(2, "percent", Decimal("10"))])
    response = owner_client.post(wholesale_url(thousand), tier_data(initial=1))
    assert response.status_code == 302
    assert not thousand.wholesale_tiers.exists()


@pytest.mark.parametrize(
    "tiers",
    [
        [("1", "percent", "10")],  # tiers start from 2 pieces
        [("2", "percent", "100")],
        [("2", "percent", "10.5")],
        [("2", "total", "2000")],  # not below the full price of 2 pieces
        [("2", "total", "0")],
        [("2", "total", "1800"), ("3", "total", "2800")],  # 933 a piece from 3 is worse than 900 from 2
        [("2", "percent", "20"), ("3", "percent", "10")],  # more pieces must not cost more
        [("2", "percent", "10"), ("2", "percent", "20")],
    ],
)
def test_invalid_tiers_are_refused_with_the_services_message(owner_client, thousand, tiers):
    services.wholesale_tiers_set(product=thousand, tiers=[(5, "percent", Decimal("5"))])
    response = owner_client.post(wholesale_url(thousand), tier_data(*tiers))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert "alert-danger" in page_of(response)
    assert list(WholesaleTier.objects.values_list("min_quantity", "value")) == [(5, Decimal("5"))]


def test_half_filled_or_mistyped_rows_are_marked(owner_client, thousand):
    response = owner_client.post(
        wholesale_url(thousand),
        tier_data(("2", "percent", ""), ("", "percent", "10"), ("три", "percent", "5"), ("4", "bogus", "5"),
                  ("5", "total", "-1,5a")),
    )  # fmt: skip
    rows = response.context["formset"].forms
    assert "value" in rows[0].errors and "min_quantity" in rows[1].errors
    assert rows[2].errors["min_quantity"] == ["Введите целое число."]
    assert rows[3].errors["kind"] == ["Выберите корректный вариант. bogus нет среди допустимых значений."]
    assert rows[4].errors["value"] == ["Введите число."]
    assert 'value="три"' in page_of(response)
    assert not thousand.wholesale_tiers.exists()


def test_more_than_six_rows_are_refused(owner_client, thousand):
    tiers = [(str(q), "percent", str(q)) for q in range(2, 9)]
    response = owner_client.post(wholesale_url(thousand), tier_data(*tiers, total=7))
    assert response.status_code == 200
    assert not thousand.wholesale_tiers.exists()


# --- Files ----------------------------------------------------------------------------------


def files_url(product):
    return f"/cabinet/products/{product.pk}/files/"


def test_attach_and_delete_a_file(owner_client, product):
    pdf = SimpleUploadedFile("razmery.pdf", b"%PDF-1.4 size chart", content_type="application/pdf")
    response = owner_client.post(files_url(product), {"title": "Таблица размеров", "file": pdf})
    assert response.status_code == 302
    attachment = product.attachments.get()
    assert (attachment.title, attachment.size) == ("Таблица размеров", 19)
    page = page_of(owner_client.get(files_url(product)))
    assert "Таблица размеров" in page and "19" in page
    assert owner_client.post(f"{files_url(product)}{attachment.pk}/delete/").status_code == 302
    assert not product.attachments.exists()


def test_file_without_a_title_is_named_after_the_file(owner_client, product):
    owner_client.post(files_url(product), {"title": "", "file": SimpleUploadedFile("uhod.txt", b"wash cold")})
    assert product.attachments.get().title == "uhod"


def test_disallowed_file_type_is_refused_naming_the_allowed_ones(owner_client, product):
    response = owner_client.post(
        files_url(product), {"title": "Программа", "file": SimpleUploadedFile("setup.exe", b"MZ")}
    )
    assert (
        "Расширение файлов “exe” не поддерживается. Разрешенные расширения: "
        "pdf, jpg, jpeg, png, webp, txt, doc, docx, xls, xlsx, zip." in page_of(response)
    )
    assert 'value="Программа"' in page_of(response)
    assert not product.attachments.exists()


def test_file_over_10_mb_is_refused(owner_client, product):
    response = owner_client.post(files_url(product), {"title": "Схема", "file": big_file("big.pdf")})
    assert "big.pdf: файл 11,0 МБ, а можно не больше 10 МБ." in page_of(response)
    assert not product.attachments.exists()


def test_missing_or_empty_file_and_long_title_are_refused(owner_client, product):
    response = owner_client.post(files_url(product), {"title": "Схема"})
    assert response.context["form"].errors["file"] == [REQUIRED]
    response = owner_client.post(files_url(product), {"title": "Схема", "file": SimpleUploadedFile("a.txt", b"")})
    assert response.context["form"].errors["file"] == ["Отправленный файл пуст."]
    response = owner_client.post(files_url(product), {"title": "Я" * 101, "file": SimpleUploadedFile("a.txt", b"a")})
    assert "is-invalid" in page_of(response) and "title" in response.context["form"].errors
    assert not product.attachments.exists()


def test_at_most_five_files(owner_client, product):
    for number in range(5):
        services.attachment_add(product=product, title=f"Файл {number}", file=SimpleUploadedFile(f"{number}.txt", b"x"))
    page = page_of(owner_client.get(files_url(product)))
    assert 'name="file"' not in page
    response = owner_client.post(files_url(product), {"title": "Ещё", "file": SimpleUploadedFile("6.txt", b"x")})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert product.attachments.count() == 5
