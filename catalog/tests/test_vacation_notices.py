"""The seller's vacation notice on product cards, in the cart and at checkout (issue 11, seed 001)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shops.services import vacation_end, vacation_set
from shops.tests.factories import ShopFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db


def away(shop, *, allow_cart=True, starts_in=0):
    today = timezone.localdate()
    return vacation_set(shop=shop, message="Уехала на ярмарку", starts_on=today + timedelta(days=starts_in),
                        ends_on=today + timedelta(days=starts_in + 5), allow_cart=allow_cart)  # fmt: skip


def test_cards_show_the_vacation_and_the_cached_cards_follow_it(client, django_capture_on_commit_callbacks):
    shop = ShopFactory(slug="masterskaya-anny")
    ProductFactory(shop=shop, title="Плед")
    ProductFactory(title="Ваза")  # another shop, not away
    assert 'data-testid="card-vacation"' not in client.get("/catalog/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        away(shop)
    page = client.get("/catalog/").content.decode()
    assert page.count('data-testid="card-vacation"') == 1
    assert 'data-testid="card-vacation"' in client.get("/shops/masterskaya-anny/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        vacation_end(shop=shop)
    assert 'data-testid="card-vacation"' not in client.get("/catalog/").content.decode()


def test_a_vacation_that_has_not_started_is_not_on_the_cards(client):
    shop = ShopFactory()
    ProductFactory(shop=shop)
    away(shop, starts_in=2)
    assert 'data-testid="card-vacation"' not in client.get("/catalog/").content.decode()


@pytest.mark.parametrize("count", [3, 300])
def test_catalog_queries_do_not_grow_with_shops_on_vacation(client, count, django_assert_max_num_queries):
    for _ in range(min(count, 24)):  # one page of cards, each from its own shop on vacation
        shop = ShopFactory()
        ProductFactory(shop=shop)
        away(shop)
    ProductFactory.create_batch(max(0, count - 24))
    # the count, card keys (with each shop's vacation dates, joined), the cards, the cached sidebar…
    with django_assert_max_num_queries(5):
        response = client.get("/catalog/")
    assert response.status_code == 200


def cart_with(client, products):
    for product in products:
        assert client.post(f"/cart/add/{product.pk}/", {"quantity": "1"}).status_code in (200, 302)


def test_cart_and_checkout_show_the_shops_vacation(client):
    away_shop, open_shop = ShopFactory(slug="masterskaya-anny"), ShopFactory(slug="stolyarka")
    away(away_shop)
    cart_with(client, [ProductFactory(shop=away_shop), ProductFactory(shop=open_shop)])
    cart = client.get("/cart/").content.decode()
    assert cart.count('data-testid="vacation-notice"') == 1 and "Уехала на ярмарку" in cart
    checkout = client.get("/checkout/masterskaya-anny/").content.decode()
    assert 'data-testid="vacation-notice"' in checkout and "Уехала на ярмарку" in checkout
    assert 'data-testid="vacation-notice"' not in client.get("/checkout/stolyarka/").content.decode()


@pytest.mark.parametrize("shops", [3, 30])
def test_cart_queries_do_not_grow_with_shops_on_vacation(client, shops, django_assert_max_num_queries):
    products = []
    for _ in range(shops):
        shop = ShopFactory()
        away(shop)
        products.append(ProductFactory(shop=shop))
    cart_with(client, products)
    # session, cart, lines (+ tiers), variants, vacations, header count…: the same for any number of shops
    with django_assert_max_num_queries(8):
        response = client.get("/cart/")
    assert response.content.decode().count('data-testid="vacation-notice"') == shops
