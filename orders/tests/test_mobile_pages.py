"""Phones first (issue 18): the header's search and heart, the cart's sticky bar, the checkout's order of things."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.html import Element, parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import CartLine
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


def descendants(element):
    for child in element.children:
        if isinstance(child, Element):
            yield child
            yield from descendants(child)


def find(html, **wanted):
    """Elements of the page whose attributes have the wanted values (``class_`` is one of their classes)."""
    found = []
    for element in descendants(parse_html(html)):
        attributes = dict(element.attributes)
        if all(
            name == "class_" and value in (attributes.get("class") or "").split() or attributes.get(name) == value
            for name, value in wanted.items()
        ):
            found.append(element)
    return found


def text_of(element):
    return " ".join(text_of(child) if isinstance(child, Element) else str(child) for child in element.children)


def fill_cart(client, *products):
    for product in products:
        assert client.post(f"/cart/add/{product.pk}/", {"quantity": "1"}).status_code == 302


# --- header ----------------------------------------------------------------------------------------------


def test_the_search_box_is_not_folded_into_the_phone_menu(client):
    page = client.get("/").content.decode()
    (menu,) = find(page, id="main-nav")
    (search,) = find(page, **{"data-testid": "site-search"})
    assert "collapse" in dict(menu.attributes)["class"].split()
    assert not [e for e in descendants(menu) if dict(e.attributes).get("name") == "q"]
    assert [e for e in descendants(search) if dict(e.attributes).get("name") == "q"]
    assert dict(search.attributes)["action"] == "/catalog/"


def test_signed_in_buyer_gets_the_favourites_heart_next_to_cart_and_messages(client):
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    (heart,) = find(page, **{"data-testid": "header-favorites"})
    assert dict(heart.attributes)["href"] == reverse("catalog:favorites")
    assert dict(heart.attributes)["aria-label"] == "Избранное"
    assert find(page, id="cart-count") and find(page, id="messages-unread")


def test_a_guest_gets_no_heart_in_the_header(client):
    page = client.get("/").content.decode()
    assert not find(page, **{"data-testid": "header-favorites"})
    assert find(page, id="cart-count")


# --- cart ------------------------------------------------------------------------------------------------


def test_one_shop_cart_has_a_sticky_bar_with_its_total_and_checkout(client):
    shop = ShopFactory(slug="anna")
    fill_cart(client, ProductFactory(shop=shop, price=Decimal("1200")), ProductFactory(shop=shop, price=Decimal("300")))
    page = client.get("/cart/").content.decode()
    (bar,) = find(page, **{"data-testid": "cart-sticky"})
    assert "d-lg-none" in dict(bar.attributes)["class"].split()  # phones and tablets only
    assert "1\xa0500\xa0₽" in text_of(bar)
    (button,) = [e for e in descendants(bar) if e.name == "a"]
    assert dict(button.attributes)["href"] == "/checkout/anna/"
    assert text_of(button).strip() == "Оформить"


def test_several_shops_cart_bar_leads_to_the_first_shops_checkout(client):
    fill_cart(client, ProductFactory(shop=ShopFactory()), ProductFactory(shop=ShopFactory()))
    page = client.get("/cart/").content.decode()
    (bar,) = find(page, **{"data-testid": "cart-sticky"})
    assert "2 магазина" in text_of(bar)
    (button,) = [e for e in descendants(bar) if e.name == "a"]
    assert dict(button.attributes)["href"] == "#cart-checkout"
    assert text_of(button).strip() == "К оформлению"
    (target,) = find(page, id="cart-checkout")
    assert "Оформить заказ" in text_of(target)


def test_an_empty_cart_has_no_sticky_bar(client):
    assert not find(client.get("/cart/").content.decode(), **{"data-testid": "cart-sticky"})


def test_the_quantity_fragment_brings_the_new_total_to_the_bar(client):
    product = ProductFactory(price=Decimal("400"), stock=5)
    fill_cart(client, product)
    line = CartLine.objects.get()
    fragment = client.post(f"/cart/lines/{line.pk}/", {"quantity": "3"}, HTTP_HX_REQUEST="true").content.decode()
    (total,) = find(fragment, **{"data-testid": "cart-sticky-total"})
    assert text_of(total).strip() == "1\xa0200\xa0₽"


def test_cart_page_queries_do_not_grow_with_lines(client):
    shop = ShopFactory()
    counts = []
    for lines in (3, 30):
        fill_cart(client, *[ProductFactory(shop=shop) for _ in range(lines - len(counts) * 3)])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cart/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- checkout --------------------------------------------------------------------------------------------


def test_checkout_shows_the_order_and_total_inside_the_form_and_enter_places_the_order(client):
    shop = ShopFactory(slug="anna")
    fill_cart(client, ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000")))
    page = client.get("/checkout/anna/").content.decode()
    (form,) = find(page, id="checkout-form")
    inside = list(descendants(form))
    testids = [dict(e.attributes).get("data-testid") for e in inside]
    assert {"checkout-summary", "checkout-total", "place-order"} <= set(testids)
    (summary,) = find(page, **{"data-testid": "checkout-summary"})
    assert "Ваш заказ" in text_of(summary) and "Вигвам" in text_of(summary)
    # The first submit button of the form is the one Enter presses: placing the order, not the promo code's.
    submits = [e for e in inside if e.name == "button" and dict(e.attributes).get("type") == "submit"]
    assert dict(submits[0].attributes).get("data-testid") == "place-order"
    assert any(text_of(e).strip() == "Применить" for e in submits[1:])


def test_checkout_page_queries_do_not_grow_with_lines(client):
    shop = ShopFactory(slug="anna")
    counts = []
    for lines in (3, 30):
        fill_cart(client, *[ProductFactory(shop=shop) for _ in range(lines - len(counts) * 3)])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/checkout/anna/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the cabinet menu on a product's and an order's own pages (shops/tests/test_cabinet_menu.py has the rest) --


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (lambda shop: f"/cabinet/products/{ProductFactory(shop=shop).pk}/", "Товары"),
        (lambda shop: f"/cabinet/orders/{order_for(shop).number}/", "Заказы"),
    ],
)
def test_a_cabinet_sub_page_names_its_section_on_the_phone_button(client, url, section):
    shop = ShopFactory()
    client.force_login(shop.owner)
    page = client.get(url(shop)).content.decode()
    (current,) = find(page, **{"data-testid": "cabinet-menu-current"})
    assert text_of(current).strip() == section
    (nav,) = find(page, **{"data-testid": "cabinet-nav"})
    active = [e for e in descendants(nav) if "active" in (dict(e.attributes).get("class") or "").split()]
    assert [text_of(e).strip() for e in active] == [section]
