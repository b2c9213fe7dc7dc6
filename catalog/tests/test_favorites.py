"""«Избранное» (/favorites/), the «Недавно смотрели» fragment and the home page's category tiles."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product, ProductLike
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from marketplace.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _like(user, product, minutes_ago=0):
    return ProductLike.objects.create(
        user=user, product=product, created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def _copies(product, count):
    """``count`` more products like ``product`` in one query (the budget tests need hundreds)."""
    copies = []
    for index in range(count):
        copy = Product.objects.get(pk=product.pk)
        copy.pk = None
        copy.title = f"{product.title} {index}"
        copies.append(copy)
    return Product.objects.bulk_create(copies)


# --- «Избранное» -------------------------------------------------------------------------------------


def test_favorites_need_an_account(client):
    response = client.get("/favorites/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/favorites/")


def test_favorites_list_liked_products_latest_like_first(client):
    buyer = UserFactory()
    older, newer = ProductFactory(title="Плед в клетку"), ProductFactory(title="Кружка «Море»")
    _like(buyer, older, minutes_ago=60)
    _like(buyer, newer, minutes_ago=1)
    _like(UserFactory(), ProductFactory(title="Чужой лайк"))
    client.force_login(buyer)
    page = client.get("/favorites/").content.decode()
    assert "<h1" in page and "Избранное" in page
    assert "2 товара" in page
    assert page.index("Кружка «Море»") < page.index("Плед в клетку")
    assert "Чужой лайк" not in page


def test_favorites_leave_out_products_buyers_may_not_see(client):
    buyer = UserFactory()
    _like(buyer, ProductFactory(title="Снят с продажи", is_enabled=False))
    _like(buyer, ProductFactory(title="Скрыт модерацией", is_hidden_by_moderation=True))
    _like(buyer, ProductFactory(title="Виден всем"))
    client.force_login(buyer)
    page = client.get("/favorites/").content.decode()
    assert "Виден всем" in page
    assert "Снят с продажи" not in page and "Скрыт модерацией" not in page
    assert "1 товар" in page


def test_empty_favorites_invite_to_the_catalog(client):
    client.force_login(UserFactory())
    page = client.get("/favorites/").content.decode()
    assert 'data-testid="favorites-empty"' in page
    assert "Здесь пока пусто" in page
    assert 'href="/catalog/"' in page


def test_favorites_are_paginated(client):
    buyer = UserFactory()
    first = ProductFactory(title="Свеча")
    for minutes, product in enumerate([first, *_copies(first, 29)]):
        _like(buyer, product, minutes_ago=minutes)
    client.force_login(buyer)
    first_page = client.get("/favorites/").content.decode()
    assert first_page.count('class="card product-card') == 24
    assert "30 товаров" in first_page
    assert 'href="?page=2"' in first_page
    second_page = client.get("/favorites/?page=2").content.decode()
    assert second_page.count('class="card product-card') == 6


def _queries(client, url):
    cache.clear()  # every card is rendered again
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode()


def test_favorites_make_as_many_queries_for_300_likes_as_for_3(client):
    buyer = UserFactory()
    product = ProductFactory(title="Шарф")
    ProductImageFactory(product=product)
    liked = [product, *_copies(product, 299)]
    for minutes, each in enumerate(liked[:3]):
        _like(buyer, each, minutes_ago=minutes)
    client.force_login(buyer)
    few, page = _queries(client, "/favorites/")
    assert page.count('class="card product-card') == 3
    for minutes, each in enumerate(liked[3:], start=3):
        _like(buyer, each, minutes_ago=minutes)
    many, page = _queries(client, "/favorites/")
    assert page.count('class="card product-card') == 24
    assert many == few
    assert many <= 12  # session, user, the header's counters, count and page of likes, the cards


# --- «Недавно смотрели» ------------------------------------------------------------------------------


def test_recently_viewed_shows_visible_products_in_the_order_given(client):
    first, second = ProductFactory(title="Серьги"), ProductFactory(title="Браслет")
    hidden = ProductFactory(title="Скрытый товар", is_hidden_by_moderation=True)
    off = ProductFactory(title="Выключенный товар", is_enabled=False)
    response = client.get(f"/recently-viewed/?ids={second.pk},{hidden.pk},{off.pk},{first.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Браслет") < page.index("Серьги")
    assert "Скрытый товар" not in page and "Выключенный товар" not in page
    assert "<html" not in page  # a fragment for the home page, not a page


def test_recently_viewed_shows_at_most_eight(client):
    products = [ProductFactory(title=f"Кукла {n}") for n in range(12)]
    ids = ",".join(str(p.pk) for p in products)
    page = client.get(f"/recently-viewed/?ids={ids}").content.decode()
    assert page.count('class="card product-card') == 8
    assert "Кукла 0<" in page and "Кукла 7<" in page and "Кукла 8<" not in page


def test_recently_viewed_ignores_junk_and_answers_204_when_nothing_is_left(client):
    product = ProductFactory(title="Мыло", is_enabled=False)
    assert client.get("/recently-viewed/").status_code == 204
    assert client.get("/recently-viewed/?ids=abc,-1,,١٢,99999999999999").status_code == 204
    assert client.get(f"/recently-viewed/?ids={product.pk}").status_code == 204
    visible = ProductFactory(title="Чай")
    page = client.get(f"/recently-viewed/?ids=x,{visible.pk},{visible.pk}").content.decode()
    assert page.count('class="card product-card') == 1


def test_recently_viewed_makes_as_many_queries_for_16_ids_as_for_3(client):
    product = ProductFactory(title="Ночник")
    ProductImageFactory(product=product)
    ids = [str(p.pk) for p in [product, *_copies(product, 15)]]
    few, page = _queries(client, "/recently-viewed/?ids=" + ",".join(ids[:3]))
    assert page.count('class="card product-card') == 3
    many, page = _queries(client, "/recently-viewed/?ids=" + ",".join(ids))
    assert page.count('class="card product-card') == 8
    assert many == few <= 3  # the products with their shops and covers, and what the cards add


# --- the home page's category tiles --------------------------------------------------------------------


def test_home_category_tiles_each_have_a_picture_and_the_whole_catalog_tile(client):
    CategoryFactory(name="Украшения", slug="ukrasheniya")
    CategoryFactory(name="Новая категория", slug="novaya")
    ProductFactory()  # in a third category
    page = client.get("/").content.decode()
    tiles = re.findall(
        r'<a class="home-category[^"]*" href="([^"]+)">\s*<img class="home-category-pic" src="([^"]+)"', page
    )
    hrefs = [href for href, _src in tiles]
    assert "/catalog/ukrasheniya/" in hrefs and "/catalog/novaya/" in hrefs
    assert hrefs[-1] == "/catalog/"  # «Весь каталог» closes the grid
    pictures = dict(tiles)
    assert pictures["/catalog/ukrasheniya/"] == "/static/img/categories/ukrasheniya.webp"
    assert pictures["/catalog/novaya/"] == "/static/img/categories/default.webp"  # no picture drawn for it yet
    for src in pictures.values():
        assert finders.find(src.removeprefix("/static/")), src
    assert "Весь каталог" in page


def test_home_page_is_the_same_for_every_anonymous_visitor(client):
    """«Недавно смотрели» comes from the browser: the cached page has only an empty, hidden section."""
    ProductFactory()
    page = client.get("/").content.decode()
    section = re.search(r'<section[^>]*id="recently-viewed"[^>]*>', page).group(0)
    assert "hidden" in section and 'data-url="/recently-viewed/"' in section
    assert client.get("/")["X-Page-Cache"] == "hit"
