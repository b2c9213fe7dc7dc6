"""Signed-in pages read the account, the badges, the likes and the product from the cache (issue 19),
and every change shows on the next request: nothing a person does is hidden by a cache."""

import re

import pytest
from django.contrib.auth import get_user_model

from catalog import services as catalog_services
from catalog.models import OptionChoice, OptionGroup
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Cart, CartLine
from orders.services import cart_line_remove, cart_line_set_quantity
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(name="Маша Петрова")


@pytest.fixture
def product():
    return ProductFactory(title="Плед из шерсти", stock=5)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def badge(html) -> int:
    """The number on the header's cart badge (0 when it is hidden)."""
    found = re.search(r'class="[^"]*cart-count( d-none)?"[^>]*>(\d+)<', html)
    assert found, "no cart badge"
    return 0 if found.group(1) else int(found.group(2))


def test_a_signed_in_product_page_asks_the_database_nothing_once_warm(
    client, buyer, product, django_assert_num_queries
):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    page(client, f"/p/{product.pk}/")
    with django_assert_num_queries(0):
        html = page(client, f"/p/{product.pk}/")
    assert "Плед из шерсти" in html and "Маша" in html


def test_the_header_follows_the_account_at_once(client, buyer, product):
    client.force_login(buyer)
    assert "Маша" in page(client, f"/p/{product.pk}/")
    buyer.name = "Даша Иванова"
    buyer.save()
    html = page(client, f"/p/{product.pk}/")
    assert "Даша" in html and "Маша" not in html


def test_opening_a_shop_shows_the_cabinet_link_on_the_next_page(client, buyer, product):
    client.force_login(buyer)
    assert 'href="/cabinet/"' not in page(client, f"/p/{product.pk}/").split("<main")[0]
    ShopFactory(owner=buyer)
    assert 'href="/cabinet/"' in page(client, f"/p/{product.pk}/").split("<main")[0]


def test_a_password_changed_elsewhere_logs_the_session_out(client, buyer, product):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    account = get_user_model().objects.get(pk=buyer.pk)
    account.set_password("another-password-42")
    account.save()
    html = page(client, f"/p/{product.pk}/")
    assert "Маша" not in html and 'data-testid="user-menu"' not in html


def test_a_deactivated_account_is_signed_out(client, buyer, product):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    get_user_model().objects.filter(pk=buyer.pk).update(
        is_active=False
    )  # no signal: the cached copy still says active…
    buyer.refresh_from_db()
    buyer.save()  # …until the account is saved, as the admin does
    assert 'data-testid="user-menu"' not in page(client, f"/p/{product.pk}/")


def test_the_cart_badge_counts_each_change(client, buyer, product):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": 2})
    assert response.status_code in (200, 302)
    assert badge(page(client, f"/p/{product.pk}/")) == 2
    cart_line_set_quantity(line=CartLine.objects.get(cart__user=buyer), quantity=3)
    assert badge(page(client, f"/p/{product.pk}/")) == 3
    cart_line_remove(line=CartLine.objects.get(cart__user=buyer))
    assert badge(page(client, f"/p/{product.pk}/")) == 0
    client.post(f"/cart/add/{product.pk}/", {"quantity": 1})
    assert badge(page(client, f"/p/{product.pk}/")) == 1
    buyer.delete()  # the account and its cart go: a new account with the same id would not inherit the count
    assert Cart.objects.count() == 0


def test_a_guests_cart_badge_follows_the_cart(client, product):
    client.post(f"/cart/add/{product.pk}/", {"quantity": 1})
    assert badge(page(client, "/catalog/")) == 1
    line = CartLine.objects.get()
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 4})
    assert badge(page(client, "/catalog/")) == 4
    client.post(f"/cart/lines/{line.pk}/remove/")
    assert badge(page(client, "/catalog/")) == 0


def test_a_like_shows_on_the_product_page_and_the_cards(client, buyer, product):
    other = ProductFactory(shop=product.shop, title="Шарф")
    client.force_login(buyer)
    html = page(client, f"/p/{other.pk}/")
    assert "is-liked" not in html
    client.post(f"/p/{product.pk}/like/")
    html = page(client, f"/p/{other.pk}/")  # the liked product is among «Ещё от магазина»
    assert html.count("is-liked") == 1
    assert "is-liked" in page(client, f"/p/{product.pk}/")
    client.post(f"/p/{product.pk}/like/")
    assert "is-liked" not in page(client, f"/p/{other.pk}/")


def test_product_changes_show_on_the_next_signed_in_request(client, buyer, product):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    product.title = "Плед из альпаки"
    product.save()  # as the admin saves it, without the services
    assert "Плед из альпаки" in page(client, f"/p/{product.pk}/")
    catalog_services.product_update(product=product, title="Плед клетчатый")
    assert "Плед клетчатый" in page(client, f"/p/{product.pk}/")


def test_a_variant_renamed_in_the_admin_shows_on_the_next_request(client, buyer, product):
    group = OptionGroup.objects.create(product=product, name="Цвет")
    choice = OptionChoice.objects.create(group=group, name="Синий")
    client.force_login(buyer)
    assert "Синий" in page(client, f"/p/{product.pk}/")
    choice.name = "Изумрудный"
    choice.save()  # as the admin saves it: only the model's signal tells the cached pages
    assert "Изумрудный" in page(client, f"/p/{product.pk}/")


def test_a_sanctioned_shop_hides_its_product_page_at_once(client, buyer, product):
    client.force_login(buyer)
    page(client, f"/p/{product.pk}/")
    shop = product.shop
    shop.sanction_state = SanctionState.BANNED
    shop.save()
    assert client.get(f"/p/{product.pk}/").status_code == 404


def test_two_people_never_see_each_others_values(client, product):
    masha, dasha = UserFactory(name="Маша Петрова"), UserFactory(name="Даша Иванова")
    Cart.objects.create(user=masha).lines.create(product=product, quantity=2)
    from django.test import Client

    masha_client, dasha_client = Client(), Client()
    masha_client.force_login(masha)
    dasha_client.force_login(dasha)
    for _ in range(3):  # alternate, warm, in the same process
        masha_html = page(masha_client, f"/p/{product.pk}/")
        dasha_html = page(dasha_client, f"/p/{product.pk}/")
        assert "Маша" in masha_html and "Даша" not in masha_html
        assert "Даша" in dasha_html and "Маша" not in dasha_html
        assert badge(masha_html) == 2 and badge(dasha_html) == 0


def test_logging_out_and_in_as_someone_else_shows_the_new_account(client, product):
    masha, dasha = UserFactory(name="Маша Петрова"), UserFactory(name="Даша Иванова")
    client.force_login(masha)
    assert "Маша" in page(client, f"/p/{product.pk}/")
    client.post("/accounts/logout/")
    assert 'data-testid="user-menu"' not in page(client, f"/p/{product.pk}/")
    client.force_login(dasha)
    html = page(client, f"/p/{product.pk}/")
    assert "Даша" in html and "Маша" not in html


def test_a_signed_in_catalog_page_asks_nothing_once_warm_and_follows_every_change(
    client, buyer, product, django_assert_num_queries
):
    client.force_login(buyer)
    page(client, "/catalog/")
    page(client, "/catalog/")
    with django_assert_num_queries(0):  # the count, the rows and the cards come from the cache
        html = page(client, "/catalog/")
    assert "Плед из шерсти" in html
    ProductFactory(title="Шарф из альпаки")
    assert "Шарф из альпаки" in page(client, "/catalog/")
    catalog_services.product_update(product=product, is_enabled=False)
    assert "Плед из шерсти" not in page(client, "/catalog/")


def test_without_kept_rows_a_catalog_page_asks_the_database_for_its_rows(client, buyer, product, settings):
    settings.LISTING_ROWS_SECONDS = 0
    client.force_login(buyer)
    page(client, "/catalog/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page(client, "/catalog/")
    assert len(queries) == 1 and "catalog_product" in queries[0]["sql"]
