"""Deep catalog pages (issue 19): listings reach MAX_PAGES pages, say «более N» past them, and
never read or count further, whatever the sort; a shop's storefront keeps every page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import services
from catalog.filters import SORTS
from catalog.models import Product
from catalog.pagination import MAX_PAGES
from catalog.views import storefront
from shops.tests.factories import ShopFactory

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db

PAGE = storefront.PAGE_SIZE


def make_products(count, *, shop=None, category=None, title="Плед", searchable=False):
    """``count`` enabled products in one go (factories would take minutes for thousands)."""
    shop = shop or ShopFactory()
    category = category or CategoryFactory(slug="tekstil", name="Текстиль")
    now = timezone.now()
    products = Product.objects.bulk_create(
        Product(shop=shop, category=category, title=f"{title} {i}", price=Decimal(100 + i * 7 % 90),
                sale_price=Decimal(100 + i * 7 % 90), discount_percent=i % 4 * 10, popularity=i * 13 % 101,
                is_enabled=True, stock=3, created_at=now - timedelta(minutes=i))
        for i in range(count)
    )  # fmt: skip
    if searchable:
        services.products_refresh_search(queryset=Product.objects.filter(pk__in=[p.pk for p in products]))
    return products


def text(response):
    return " ".join(response.content.decode().split()).replace("\xa0", " ")


def result_count(response):
    """The «N товаров» beside the listing's title."""
    found = re.search(r'data-testid="result-count">(.*?)</span>', response.content.decode())
    return found.group(1).replace("\xa0", " ")


def titles(response):
    return [product.title for product in response.context["page"].object_list]


def expected_titles(sort, page):
    """The titles the page should list: the visible products in the sort's order, sliced in Python."""
    ordered = list(Product.objects.order_by(*SORTS[sort]).values_list("title", flat=True))
    return ordered[(page - 1) * PAGE : page * PAGE]


@pytest.fixture
def two_pages_cap(monkeypatch):
    """Listings reach two pages (48 products), so the tests need dozens of products, not thousands."""
    monkeypatch.setattr(storefront, "MAX_PAGES", 2)


def test_page_2000_of_a_big_catalog_shows_page_100_and_says_more_than_2400(client):
    make_products(MAX_PAGES * PAGE + 1)

    response = client.get("/catalog/?page=2000")

    assert response.status_code == 200
    assert result_count(response) == "более 2 400 товаров"
    assert response.context["page"].number == 100
    assert titles(response) == expected_titles("new", 100)
    assert "Показаны только первые 2 400 товаров" in text(response)
    assert 'href="?page=101"' not in response.content.decode()


def test_exactly_the_reachable_products_are_counted_exactly_and_need_no_note(client, two_pages_cap):
    make_products(2 * PAGE)

    response = client.get("/catalog/?page=9")

    assert result_count(response) == "48 товаров"
    assert response.context["page"].number == 2
    assert "Показаны только первые" not in text(response)


def test_one_product_past_the_cap_makes_the_count_more_than(client, two_pages_cap):
    make_products(2 * PAGE + 1)

    response = client.get("/catalog/")

    assert result_count(response) == "более 48 товаров"
    assert "Показаны только первые" not in text(response)  # only on the last reachable page


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_sort_far_past_the_cap_shows_its_last_reachable_page(client, two_pages_cap, sort):
    make_products(70)

    response = client.get(f"/catalog/?sort={sort}&page=500")

    assert response.status_code == 200
    assert titles(response) == expected_titles(sort, 2)
    assert result_count(response) == "более 48 товаров"
    assert "Показаны только первые 48 товаров" in text(response)
    assert f'href="?sort={sort}&amp;page=1"' in response.content.decode()  # «Назад» keeps the sort


def test_a_category_and_a_search_are_capped_too(client, two_pages_cap):
    category = CategoryFactory(slug="pledy", name="Пледы")
    make_products(70, category=category, searchable=True)

    for url in ("/catalog/pledy/?page=40", "/catalog/?q=плед&page=40"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["page"].number == 2
        assert result_count(response) == "более 48 товаров"


def test_a_capped_listing_neither_reads_nor_counts_past_the_cap(client, two_pages_cap):
    make_products(200)

    with CaptureQueriesContext(connection) as queries:
        client.get("/catalog/?sort=price&page=2000")

    product_queries = [q["sql"] for q in queries.captured_queries if '"catalog_product"' in q["sql"]]
    assert any("LIMIT 49" in sql and "COUNT(" in sql.upper() for sql in product_queries)  # counted up to 49
    assert not any("OFFSET 48" in sql or "OFFSET 1992" in sql for sql in product_queries)
    assert any("LIMIT 24 OFFSET 24" in sql for sql in product_queries)  # page 2, the last reachable


def test_a_storefront_keeps_every_page_and_the_exact_count(client, two_pages_cap):
    shop = ShopFactory(slug="big-shop")
    make_products(3 * PAGE + 5, shop=shop)

    response = client.get("/shops/big-shop/?page=4")

    assert response.context["page"].number == 4
    assert len(titles(response)) == 5
    assert "Все товары 77" in re.sub(r"<[^>]+>", "", text(response))
