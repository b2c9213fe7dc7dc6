import pytest

from catalog.models import CollectionItem
from marketplace.tests.factories import UserFactory
from shops.tests.factories import CollectionFactory, ShopFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    shop = ShopFactory(slug="anna")
    collection = CollectionFactory(shop=shop, name="Вигвамы")
    first, second = ProductFactory(shop=shop, title="Первый"), ProductFactory(shop=shop, title="Второй")
    client.force_login(shop.owner)
    return client, collection, first, second


def order(collection):
    return list(collection.items.order_by("position").values_list("product__title", flat=True))


def test_add_move_and_remove_products_shown_in_that_order_on_the_storefront(setup):
    client, collection, first, second = setup
    url = f"/cabinet/collections/{collection.pk}/products/"
    client.post(url, {"action": "add", "product": first.pk})
    client.post(url, {"action": "add", "product": second.pk})
    assert order(collection) == ["Первый", "Второй"]
    client.post(url, {"action": "up", "product": second.pk})
    assert order(collection) == ["Второй", "Первый"]
    page = client.get(f"/shops/anna/collections/{collection.pk}/").content.decode()
    assert page.index("Второй") < page.index("Первый")
    client.post(url, {"action": "remove", "product": second.pk})
    assert order(collection) == ["Первый"]


def test_another_shops_product_cannot_be_added(setup):
    client, collection, first, _second = setup
    foreign = ProductFactory(title="Чужой")
    response = client.post(f"/cabinet/collections/{collection.pk}/products/", {"action": "add", "product": foreign.pk},
                           follow=True)  # fmt: skip
    assert "В коллекцию можно добавлять только товары вашего магазина." in response.content.decode()
    assert not CollectionItem.objects.exists()


def test_permission_matrix(client, setup):
    _client, collection, _first, _second = setup
    url = f"/cabinet/collections/{collection.pk}/products/"
    assert _client.get(url).status_code == 200
    other = ShopFactory().owner
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "remove", "product": _first.pk}).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_cabinet_overview_counts_products_on_and_off(client):
    shop = ShopFactory()
    ProductFactory.create_batch(2, shop=shop)
    ProductFactory(shop=shop, is_enabled=False)
    ProductFactory()  # another shop's
    client.force_login(shop.owner)
    page = client.get("/cabinet/").content.decode()
    assert '<div class="stat-value">2 / 1</div>' in page
