"""Issue 18 «Cabinet»: photos on the create page, photo order by drag and drop, options' order and deletion."""

import re
from decimal import Decimal

import pytest

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import OptionGroup, Product, ProductImage
from shops.tests.factories import ShopFactory, image_upload

from .factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

NEW = "/cabinet/products/new/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def category():
    return CategoryFactory(name="Текстиль", slug="tekstil", parent=CategoryFactory(name="Дом", slug="dom"))


@pytest.fixture
def product(shop, category):
    return ProductFactory(shop=shop, category=category, title="Вигвам «Лесной»", price=Decimal("5000"))


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


def product_data(category, **overrides):
    data = {"title": "Плед из шерсти", "category": category.pk, "description": "Тёплый плед.", "price": "3500",
            "discount_percent": "0", "availability": "in_stock", "stock": "4", "production_days": ""}  # fmt: skip
    return {**data, **overrides}


def photos(*sizes):
    return [image_upload(size, name=f"photo{index}.png") for index, size in enumerate(sizes, start=1)]


# --- Photos on the create page ----------------------------------------------------------------


def test_the_create_page_takes_photos(owner_client):
    page = owner_client.get(NEW).content.decode()
    assert 'enctype="multipart/form-data"' in page
    field = re.search(r'<input type="file" name="images"[^>]*>', page).group(0)
    assert "multiple" in field and 'accept="image/jpeg,image/png,image/webp"' in field
    assert "Первое фото станет обложкой." in page
    assert "Фото можно добавить прямо здесь" in page


def test_a_product_is_created_with_its_photos_the_first_the_cover(owner_client, shop, category):
    response = owner_client.post(
        NEW, {**product_data(category), "images": photos((1200, 800), (600, 600))}, follow=True
    )
    product = Product.objects.get(shop=shop)
    images = list(product.images.all())
    assert [(image.width, image.height) for image in images] == [(1200, 800), (600, 600)]
    assert product.cover == images[0]
    assert "Товар «Плед из шерсти» создан, фото: 2. Включите его, когда всё будет готово." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/cabinet/products/{product.pk}/"


def test_a_product_without_photos_is_created_as_before(owner_client, shop, category):
    response = owner_client.post(NEW, product_data(category), follow=True)
    assert "Товар «Плед из шерсти» создан. Добавьте фотографии и включите его" in response.content.decode()
    assert not Product.objects.get(shop=shop).images.exists()


def test_a_bad_photo_saves_neither_the_product_nor_any_photo(owner_client, shop, category):
    response = owner_client.post(NEW, {**product_data(category), "images": photos((900, 900), (300, 300))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "photo2.png: 300×300 пикселей, а нужно не меньше 500×500 пикселей." in page
    assert "Выберите фото ещё раз" in page
    assert 'value="Плед из шерсти"' in page  # what was typed stays
    assert not Product.objects.exists() and not ProductImage.objects.exists()


def test_a_mistake_in_the_product_asks_to_choose_the_photos_again(owner_client, category):
    response = owner_client.post(NEW, {**product_data(category, title=""), "images": photos((900, 900))})
    page = response.content.decode()
    assert "Обязательное поле." in page and 'data-testid="photos-lost"' in page
    assert not Product.objects.exists() and not ProductImage.objects.exists()


def test_more_photos_than_one_upload_takes_are_refused_on_the_create_page(owner_client, category):
    response = owner_client.post(NEW, {**product_data(category), "images": photos(*[(500, 500)] * 11)})
    assert "За один раз можно загрузить не больше 10 файлов." in response.content.decode()
    assert not Product.objects.exists()


def test_a_photo_refused_while_saving_rolls_the_new_product_back(owner_client, category, monkeypatch):
    real = services.product_image_add
    calls = []

    def second_fails(*, product, image):
        calls.append(image)
        if len(calls) == 2:
            raise CatalogError("Фото не сохранилось.")
        return real(product=product, image=image)

    monkeypatch.setattr(services, "product_image_add", second_fails)
    response = owner_client.post(NEW, {**product_data(category), "images": photos((900, 900), (900, 900))})
    assert "Фото не сохранилось." in response.content.decode()
    assert not Product.objects.exists() and not ProductImage.objects.exists()


def test_the_edit_page_has_no_photo_field(owner_client, product):
    page = owner_client.get(f"/cabinet/products/{product.pk}/").content.decode()
    assert 'name="images"' not in page and "multipart" not in page


# --- Photo order: dragging a photo ------------------------------------------------------------


def move_url(product, photo):
    return f"/cabinet/products/{product.pk}/images/{photo.pk}/move/"


def order_of(product):
    return list(product.images.values_list("pk", flat=True))


def test_a_dragged_photo_lands_where_it_was_dropped_and_may_become_the_cover(owner_client, product):
    first, second, third, fourth = (ProductImageFactory(product=product) for _ in range(4))
    response = owner_client.post(move_url(product, fourth), {"position": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 204
    assert order_of(product) == [first.pk, fourth.pk, second.pk, third.pk]
    owner_client.post(move_url(product, third), {"position": "0"}, HTTP_X_REQUESTED_WITH="fetch")
    assert order_of(product) == [third.pk, first.pk, fourth.pk, second.pk]
    product.refresh_from_db()
    assert product.cover == third
    owner_client.post(move_url(product, third), {"position": "99"}, HTTP_X_REQUESTED_WITH="fetch")  # to the end
    assert order_of(product) == [first.pk, fourth.pk, second.pk, third.pk]
    product.refresh_from_db()
    assert product.cover == first


def test_a_position_without_script_redirects_back_to_the_photos(owner_client, product):
    first, second = ProductImageFactory(product=product), ProductImageFactory(product=product)
    response = owner_client.post(move_url(product, second), {"position": "0"})
    assert response.status_code == 302 and response["Location"] == f"/cabinet/products/{product.pk}/images/"
    assert order_of(product) == [second.pk, first.pk]


@pytest.mark.parametrize("position", ["-1", "abc", ""])
def test_a_bad_position_moves_nothing(owner_client, product, position):
    first, second = ProductImageFactory(product=product), ProductImageFactory(product=product)
    owner_client.post(move_url(product, second), {"position": position}, HTTP_X_REQUESTED_WITH="fetch")
    assert order_of(product) == [first.pk, second.pk]


def test_another_seller_cannot_drag_a_photo(client, product):
    first, second = ProductImageFactory(product=product), ProductImageFactory(product=product)
    client.force_login(ShopFactory().owner)
    assert client.post(move_url(product, second), {"position": "0"}, HTTP_X_REQUESTED_WITH="fetch").status_code == 404
    assert order_of(product) == [first.pk, second.pk]


def test_the_photos_tab_can_be_dragged_and_keeps_its_buttons(owner_client, product):
    photos_ = [ProductImageFactory(product=product) for _ in range(3)]
    page = owner_client.get(f"/cabinet/products/{product.pk}/images/").content.decode()
    assert page.count('data-testid="photo-item"') == 3
    for photo in photos_:
        assert f'data-move-url="{move_url(product, photo)}"' in page
    assert "Перетащите фото на другое место" in page
    assert page.count('name="direction" value="left"') == 2 and page.count('name="direction" value="right"') == 2
    assert page.count('name="direction" value="first"') == 2
    assert "/static/js/cabinet.js" in page


@pytest.mark.parametrize("count", [3, 10])
def test_the_photos_tab_makes_the_same_queries_for_3_and_10_photos(owner_client, product, count,
                                                                   django_assert_max_num_queries):  # fmt: skip
    for _ in range(count):
        ProductImageFactory(product=product)
    with django_assert_max_num_queries(12):
        assert owner_client.get(f"/cabinet/products/{product.pk}/images/").status_code == 200


# --- Options: order and deletion --------------------------------------------------------------


def option(product, name):
    return services.option_group_save(product=product, name=name, kind="select", is_required=True,
                                      choices=[("А", Decimal("0")), ("Б", Decimal("0"))])  # fmt: skip


def names(product):
    return list(product.option_groups.values_list("name", flat=True))


def test_options_move_up_and_down_and_the_product_page_follows(owner_client, product):
    colour, size, wrap = option(product, "Цвет"), option(product, "Размер"), option(product, "Упаковка")
    url = f"/cabinet/products/{product.pk}/options/"
    response = owner_client.post(f"{url}{wrap.pk}/", {"direction": "up"})
    assert response.status_code == 302 and response["Location"] == f"{url}#option-{wrap.pk}"
    assert names(product) == ["Цвет", "Упаковка", "Размер"]
    owner_client.post(f"{url}{colour.pk}/", {"direction": "down"})
    assert names(product) == ["Упаковка", "Цвет", "Размер"]
    owner_client.post(f"{url}{size.pk}/", {"direction": "down"})  # already last
    assert names(product) == ["Упаковка", "Цвет", "Размер"]
    page = owner_client.get(product.get_absolute_url()).content.decode()
    assert page.index("Упаковка") < page.index("Цвет") < page.index("Размер")
    size.refresh_from_db()
    assert size.name == "Размер" and size.choices.count() == 2  # a move changes nothing else


def test_a_global_options_copy_moves_too(owner_client, shop, product):
    option(product, "Цвет")
    wrap = services.global_option_save(shop=shop, name="Упаковка", kind="checkbox", is_required=False,
                                       choices=[("Коробка", Decimal("100"))])  # fmt: skip
    copy = services.global_option_add_to_product(product=product, option=wrap)
    owner_client.post(f"/cabinet/products/{product.pk}/options/{copy.pk}/", {"direction": "up"})
    assert names(product) == ["Упаковка", "Цвет"]


def test_the_options_tab_shows_arrows_and_asks_before_deleting(owner_client, product):
    option(product, "Цвет"), option(product, "Размер")
    page = owner_client.get(f"/cabinet/products/{product.pk}/options/").content.decode()
    assert "Покупатели видят опции в этом порядке." in page
    assert page.count('name="direction" value="up"') == 2 and page.count("disabled") >= 2  # first up, last down
    assert "Переместить «Цвет» ниже" in page
    assert 'data-confirm="Удалить опцию «Размер» со всеми вариантами? Покупатели больше не смогут её выбрать."' in page


def test_one_option_has_no_arrows(owner_client, product):
    option(product, "Цвет")
    page = owner_client.get(f"/cabinet/products/{product.pk}/options/").content.decode()
    assert 'name="direction"' not in page


def test_another_seller_cannot_move_an_option(client, product):
    option(product, "Цвет")
    size = option(product, "Размер")
    client.force_login(ShopFactory().owner)
    assert client.post(f"/cabinet/products/{product.pk}/options/{size.pk}/", {"direction": "up"}).status_code == 404
    assert names(product) == ["Цвет", "Размер"]


def test_an_option_of_another_product_cannot_be_moved_through_this_one(owner_client, shop, product):
    option(product, "Цвет")
    theirs = option(ProductFactory(shop=shop), "Размер")
    response = owner_client.post(f"/cabinet/products/{product.pk}/options/{theirs.pk}/", {"direction": "up"})
    assert response.status_code == 404


def test_reordering_with_a_stale_list_is_refused(product):
    colour, size = option(product, "Цвет"), option(product, "Размер")
    with pytest.raises(CatalogError, match="Список опций устарел"):
        services.option_groups_reorder(product=product, ordered_ids=[size.pk])
    with pytest.raises(CatalogError):
        services.option_groups_reorder(product=product, ordered_ids=[size.pk, size.pk])
    services.option_groups_reorder(product=product, ordered_ids=[size.pk, colour.pk])
    assert list(OptionGroup.objects.filter(product=product).values_list("pk", flat=True)) == [size.pk, colour.pk]
