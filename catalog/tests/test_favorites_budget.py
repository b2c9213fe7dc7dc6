"""Query budgets of «Избранное» (3 and 300 likes) and of «Недавно смотрели» (3 and 300 ids asked for)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.models import Product, ProductLike
from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

ROWS = [3, 300]
CARD = 'class="card product-card'
FAVORITES_PAGE_SIZE = 24  # catalog.views.favorites
RECENTLY_VIEWED_MAX = 8


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def products(count: int) -> list[Product]:
    """``count`` visible products of three shops sharing one cover photo, in a few queries."""
    shops = [ShopFactory(name=f"Лавка {n}") for n in range(3)]
    first = ProductFactory(shop=shops[0], title="Шарф 0")
    ProductImageFactory(product=first)
    first.refresh_from_db()
    fields = {f.attname: getattr(first, f.attname) for f in Product._meta.concrete_fields if not f.primary_key}
    copies = [Product(**{**fields, "title": f"Шарф {n}", "shop_id": shops[n % 3].pk}) for n in range(1, count)]
    return [first, *Product.objects.bulk_create(copies)]


FAVORITES_QUERIES = 10  # session, user, the header, the count and the page of likes, the cards


@pytest.mark.parametrize("count", ROWS)
def test_favorites_make_the_same_queries_for_3_and_300_likes(client, count, django_assert_max_num_queries):
    buyer = UserFactory()
    liked = products(count)
    now = timezone.now()
    ProductLike.objects.bulk_create(  # the last product liked last
        ProductLike(user=buyer, product=product, created_at=now - timedelta(minutes=count - n))
        for n, product in enumerate(liked)
    )  # fmt: skip
    client.force_login(buyer)
    cache.clear()  # every card is rendered afresh
    with django_assert_max_num_queries(FAVORITES_QUERIES):
        response = client.get("/favorites/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(CARD) == min(count, FAVORITES_PAGE_SIZE)
    assert page.index(f"Шарф {count - 1}<") < page.index(f"Шарф {count - 2}<")  # the latest like first
    assert f'data-testid="favorites-count">{count} товар' in page
    assert ('href="?page=2"' in page) == (count > FAVORITES_PAGE_SIZE)


RECENTLY_VIEWED_QUERIES = 3  # the products with their shops and covers, and what the cards add


@pytest.mark.parametrize("count", ROWS)
def test_recently_viewed_makes_the_same_queries_for_3_and_300_ids(client, count, django_assert_max_num_queries):
    """The browser may send any number of ids: only the first 16 are read, 8 shown."""
    seen = products(count)
    ids = ",".join(str(product.pk) for product in reversed(seen))  # the latest viewed first
    cache.clear()
    with django_assert_max_num_queries(RECENTLY_VIEWED_QUERIES):
        response = client.get(f"/recently-viewed/?ids={ids}")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(CARD) == min(count, RECENTLY_VIEWED_MAX)
    assert page.index(f"Шарф {count - 1}<") < page.index(f"Шарф {count - 2}<")
    assert f"Шарф {count - 1 - RECENTLY_VIEWED_MAX}<" not in page
