"""The storefront and the product page under moderation's stored facts (``Shop.sanction_state`` and
``Product.is_hidden_by_moderation``, which moderation derives from its sanctions): hidden products keep the
shop's pages readable; a switched-off or banned shop is unavailable; a product a buyer may not see answers
404 with «Товар недоступен» and a way to the catalog, while its seller can still preview it."""

import pytest

from catalog import services as catalog_services
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from shops import services
from shops.models import SanctionState
from shops.tests.factories import CollectionFactory, ShopFactory

from .test_storefront import filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = ShopFactory(name="Мастерская Анны", slug="anna", tagline="Вигвамы и ночники")
    services.shop_update(shop=shop, about="Шьём вигвамы с 2015 года", carriers=["russian_post"],
                         delivery_info="Отправляем за два дня", rules_returns="Возврат 14 дней")  # fmt: skip
    return shop


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, title="Вигвам из льна")


def set_state(shop, state):
    shop.sanction_state = state
    shop.save(update_fields=["sanction_state"])


def page_of(response) -> str:
    return response.content.decode()


# --- products hidden: the shop's pages stay readable --------------------------------------------------------


def test_hidden_products_leave_about_delivery_rules_and_reviews_readable(client, shop, product):
    set_state(shop, SanctionState.HIDDEN)
    expected = {"about/": "Шьём вигвамы с 2015 года", "delivery/": "Отправляем за два дня",
                "rules/": "Возврат 14 дней", "reviews/": 'data-testid="shop-rating"'}  # fmt: skip
    for tab, text in expected.items():
        response = client.get(f"/shops/anna/{tab}")
        assert response.status_code == 200, tab
        page = page_of(response)
        assert text in page, tab
        assert "Вигвам из льна" not in page
        assert 'class="nav nav-tabs storefront-tabs' in page  # the tabs stay
        assert 'data-testid="shop-unavailable"' not in page


def test_the_products_tab_and_collections_say_the_products_are_hidden(client, shop, product):
    collection = filled(CollectionFactory(shop=shop, name="Ночники"))
    set_state(shop, SanctionState.HIDDEN)
    response = client.get("/shops/anna/")
    page = page_of(response)
    assert response.status_code == 200
    assert 'data-testid="products-hidden"' in page
    assert "Вигвам из льна" not in page and "Ночники" not in page
    assert "/cart/add/" not in page
    # A collection's own link: nothing of it is on sale, as for any collection without products on sale.
    assert client.get(f"/shops/anna/collections/{collection.pk}/").status_code == 404


def test_hidden_products_leave_the_catalog_and_their_pages(client, shop, product):
    set_state(shop, SanctionState.HIDDEN)
    assert "Вигвам из льна" not in page_of(client.get("/catalog/"))
    response = client.get(f"/p/{product.pk}/")
    assert response.status_code == 404
    page = page_of(response)
    assert 'data-testid="product-unavailable"' in page
    assert 'data-testid="product-unavailable-catalog"' in page and 'href="/catalog/"' in page
    assert "Вигвам из льна" not in page


# --- switched off or banned: unavailable, as before -----------------------------------------------------------


def test_a_switched_off_shop_is_unavailable_on_every_tab(client, shop, product):
    set_state(shop, SanctionState.SWITCHED_OFF)
    for url in ["/shops/anna/", "/shops/anna/about/", "/shops/anna/delivery/", "/shops/anna/rules/",
                "/shops/anna/reviews/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        page = page_of(response)
        assert 'data-testid="shop-unavailable"' in page and "Шьём вигвамы" not in page, url
    assert 'data-testid="product-unavailable"' in page_of(client.get(f"/p/{product.pk}/"))


def test_a_banned_shop_does_not_exist_for_buyers(client, shop, product):
    set_state(shop, SanctionState.BANNED)
    for url in ["/shops/anna/", "/shops/anna/about/", "/shops/anna/reviews/", f"/p/{product.pk}/"]:
        assert client.get(url).status_code == 404, url


# --- one product --------------------------------------------------------------------------------------------


def test_one_hidden_product_leaves_the_rest_of_the_storefront(client, shop, product):
    ProductFactory(shop=shop, title="Ночник-облако")
    Product.objects.filter(pk=product.pk).update(is_hidden_by_moderation=True)
    page = page_of(client.get("/shops/anna/"))
    assert "Ночник-облако" in page and "Вигвам из льна" not in page
    assert 'data-testid="products-hidden"' not in page
    assert client.get(f"/p/{product.pk}/").status_code == 404


@pytest.mark.parametrize("change", [{"is_enabled": False}, {"is_hidden_by_moderation": True}])
def test_a_product_not_visible_says_it_is_unavailable_but_its_seller_previews_it(client, shop, product, change):
    Product.objects.filter(pk=product.pk).update(**change)
    response = client.get(f"/p/{product.pk}/")
    assert response.status_code == 404 and 'data-testid="product-unavailable"' in page_of(response)
    client.force_login(shop.owner)
    preview = client.get(f"/cabinet/products/{product.pk}/preview/")
    assert preview.status_code == 200 and "Вигвам из льна" in page_of(preview)


def test_an_unknown_product_gets_the_same_answer(client):
    response = client.get("/p/999999/")
    assert response.status_code == 404 and 'data-testid="product-unavailable"' in page_of(response)


def test_the_unavailable_page_is_not_cached_for_later_visitors(client, shop, product):
    Product.objects.filter(pk=product.pk).update(is_enabled=False)
    assert client.get(f"/p/{product.pk}/").status_code == 404
    # The seller switches it back on (the catalog's write path forgets cached pages).
    catalog_services.product_update(product=Product.objects.get(pk=product.pk), is_enabled=True)
    assert client.get(f"/p/{product.pk}/").status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_hidden_storefront_query_budget_does_not_grow(client, shop, count, django_assert_max_num_queries):
    for collection in CollectionFactory.create_batch(count, shop=shop):
        filled(collection)
    set_state(shop, SanctionState.HIDDEN)
    with django_assert_max_num_queries(5):
        response = client.get("/shops/anna/")
    assert response.status_code == 200
