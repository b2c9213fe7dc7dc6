"""«Надежный продавец» in the catalog: the badge on every card of the shop's products, and a filter."""

import pytest
from django.core.cache import cache

from catalog.tests.factories import ProductFactory
from marketplace.pagecache import bump_generation
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_cards():
    cache.clear()


def test_cards_of_a_reliable_shop_carry_the_badge_and_the_filter_keeps_only_them(client):
    trusted = ShopFactory(name="Мастерская Анны", is_reliable=True)
    other = ShopFactory(name="Столярка Петрова")
    ProductFactory(shop=trusted, title="Кружка «Сова»")
    ProductFactory(shop=other, title="Пирамидка")
    page = client.get("/catalog/").content.decode()
    assert page.count('data-testid="card-reliable"') == 1
    filtered = client.get("/catalog/?reliable=on").content.decode()
    assert "Кружка «Сова»" in filtered and "Пирамидка" not in filtered
    assert 'name="reliable"' in filtered and "checked" in filtered.split('name="reliable"')[1][:80]


def test_a_badge_given_later_shows_on_the_cached_card(client):
    shop = ShopFactory(name="Мастерская Анны")
    ProductFactory(shop=shop, title="Кружка «Сова»")
    assert 'data-testid="card-reliable"' not in client.get("/catalog/").content.decode()
    shop.is_reliable = True
    shop.save(update_fields=["is_reliable", "updated_at"])  # as moderation's services save it…
    bump_generation()  # …and forget the cached pages
    assert 'data-testid="card-reliable"' in client.get("/catalog/").content.decode()
