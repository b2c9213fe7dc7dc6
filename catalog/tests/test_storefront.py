from datetime import timedelta

import pytest
from django.utils import timezone

from catalog import services as catalog_services
from catalog.tests.factories import ProductFactory
from shops import services
from shops.models import SanctionState
from shops.tests.factories import CollectionFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = ShopFactory(name="Мастерская Анны", slug="masterskaya-anny", city="Санкт-Петербург", tagline="Вигвамы")
    services.shop_update(
        shop=shop, payment_systems=["card", "sbp"], carriers=["russian_post", "courier"],
        confirmation_days=5, rules_returns="Возврат 14 дней", rules_consent_required=True,
    )  # fmt: skip
    return shop


def filled(collection, **product_fields):
    """A collection holding one product of its shop (on sale unless told otherwise)."""
    product = ProductFactory(shop=collection.shop, **product_fields)
    catalog_services.collection_items_set(collection=collection, product_ids=[product.pk])
    return collection


def test_storefront_shows_the_shop_and_its_collections(client, shop):
    filled(CollectionFactory(shop=shop, name="Вигвамы", position=1))
    filled(CollectionFactory(shop=shop, name="Постеры", position=2))
    filled(CollectionFactory(name="Чужая коллекция"))
    page = client.get("/shops/masterskaya-anny/").content.decode()
    assert "Мастерская Анны" in page
    assert "Санкт-Петербург" in page
    assert "Пока нет отзывов" in page
    assert page.index("Вигвамы</div>") < page.index("Постеры</div>")
    assert "Чужая коллекция" not in page


def test_delivery_and_rules_tabs(client, shop):
    delivery = client.get("/shops/masterskaya-anny/delivery/").content.decode()
    assert "Перевод на банковскую карту, Система быстрых платежей (СБП)" in delivery
    assert "Почта России, Курьер по городу магазина (Санкт-Петербург)" in delivery
    rules = client.get("/shops/masterskaya-anny/rules/").content.decode()
    assert "в течение 5 рабочих дней" in rules
    assert "Возврат 14 дней" in rules
    assert "нужно будет подтвердить согласие с этими правилами" in rules


def test_reviews_tab_is_an_honest_empty_state(client, shop):
    assert "Отзывов пока нет" in client.get("/shops/masterskaya-anny/reviews/").content.decode()


def test_vacation_notice_only_on_its_dates(client, shop):
    today = timezone.localdate()
    services.vacation_set(
        shop=shop, message="Уехала на ярмарку", starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=3), allow_cart=False,
    )  # fmt: skip
    assert "Уехала на ярмарку" not in client.get("/shops/masterskaya-anny/").content.decode()
    services.vacation_set(
        shop=shop, message="Уехала на ярмарку", starts_on=today, ends_on=today + timedelta(days=3), allow_cart=False
    )
    page = client.get("/shops/masterskaya-anny/about/").content.decode()
    assert "Уехала на ярмарку" in page
    assert "Продавец в отпуске" in page
    assert "товары нельзя добавить в корзину" in page


def test_switched_off_shop_shows_unavailable_and_nothing_else(client, shop):
    # Hidden products keep the shop's pages readable (test_storefront_sanctions.py); a switch-off does not.
    CollectionFactory(shop=shop, name="Ночники")
    shop.sanction_state = SanctionState.SWITCHED_OFF
    shop.save()
    for url in ["/shops/masterskaya-anny/", "/shops/masterskaya-anny/about/"]:
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 404
        assert "Магазин временно недоступен" in page
        assert "Ночники" not in page


def test_banned_and_unknown_shops_do_not_exist(client, shop):
    shop.sanction_state = SanctionState.BANNED
    shop.save()
    assert client.get("/shops/masterskaya-anny/").status_code == 404
    assert client.get("/shops/no-such-shop/").status_code == 404


def test_collection_page_belongs_to_its_shop(client, shop):
    mine = filled(CollectionFactory(shop=shop, name="Вигвамы"))
    other = filled(CollectionFactory(name="Чужая"))
    response = client.get(f"/shops/masterskaya-anny/collections/{mine.pk}/")
    assert response.status_code == 200
    assert "Вигвамы" in response.content.decode()
    assert client.get(f"/shops/masterskaya-anny/collections/{other.pk}/").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_storefront_query_budget_does_not_grow_with_collections(client, shop, count, django_assert_max_num_queries):
    for collection in CollectionFactory.create_batch(count, shop=shop):
        filled(collection)
    # The shop with its vacation, collections on sale, the product count, card keys, the cards.
    with django_assert_max_num_queries(5):
        response = client.get("/shops/masterskaya-anny/")
    assert response.status_code == 200


def test_empty_collections_are_not_shown_to_buyers(client, shop):
    """Seed 001 shows buyers the shop's «доступные коллекции»: one with nothing on sale is not one."""
    full = filled(CollectionFactory(shop=shop, name="Вигвамы"))
    empty = CollectionFactory(shop=shop, name="Постеры")
    switched_off = filled(CollectionFactory(shop=shop, name="Ночники"), is_enabled=False)
    page = client.get("/shops/masterskaya-anny/").content.decode()
    assert "Вигвамы</div>" in page
    assert "Постеры" not in page and "Ночники" not in page
    assert client.get(f"/shops/masterskaya-anny/collections/{full.pk}/").status_code == 200
    assert client.get(f"/shops/masterskaya-anny/collections/{empty.pk}/").status_code == 404
    assert client.get(f"/shops/masterskaya-anny/collections/{switched_off.pk}/").status_code == 404
