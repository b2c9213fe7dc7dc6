"""The seller cabinet's menu: on phones an off-canvas opened by a button naming the section, on desktop the side menu.

A product's and an order's own pages are checked in orders/tests/test_mobile_pages.py (factories above shops)."""

import pytest
from django.test.html import Element, parse_html

from shops.tests.factories import CollectionFactory, ShopFactory

pytestmark = pytest.mark.django_db


def descendants(element):
    for child in element.children:
        if isinstance(child, Element):
            yield child
            yield from descendants(child)


def text_of(element):
    return " ".join(text_of(child) if isinstance(child, Element) else str(child) for child in element.children).strip()


def by_id(root, value):
    (element,) = [e for e in descendants(root) if dict(e.attributes).get("id") == value]
    return element


def by_testid(root, value):
    (element,) = [e for e in descendants(root) if dict(e.attributes).get("data-testid") == value]
    return element


def classes(element):
    return (dict(element.attributes).get("class") or "").split()


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (lambda shop: "/cabinet/", "Сводка"),
        (lambda shop: "/cabinet/products/", "Товары"),
        (lambda shop: "/cabinet/options/", "Опции"),
        (lambda shop: "/cabinet/orders/", "Заказы"),
        (lambda shop: "/cabinet/reviews/", "Отзывы"),
        (lambda shop: "/cabinet/messages/", "Сообщения"),
        (lambda shop: "/cabinet/collections/new/", "Коллекции"),
        (lambda shop: f"/cabinet/collections/{CollectionFactory(shop=shop).pk}/products/", "Коллекции"),
        (lambda shop: "/cabinet/promos/", "Промо-акции и скидки"),
        (lambda shop: "/cabinet/marketing/", "Маркетинговый отчет"),
        (lambda shop: "/cabinet/shop/", "Профиль магазина"),
        (lambda shop: "/cabinet/shop/about/", "О нас"),
        (lambda shop: "/cabinet/shop/vacation/", "Отпуск продавца"),
    ],
)
def test_the_phone_button_names_the_section_the_menu_marks(owner_client, shop, url, section):
    response = owner_client.get(url(shop))
    assert response.status_code == 200
    root = parse_html(response.content.decode())
    assert text_of(by_testid(root, "cabinet-menu-current")) == section
    active = [e for e in descendants(by_testid(root, "cabinet-nav")) if "active" in classes(e)]
    assert [text_of(e) for e in active] == [section]


def test_the_menu_is_an_off_canvas_below_desktop_opened_by_its_button(owner_client):
    root = parse_html(owner_client.get("/cabinet/products/").content.decode())
    button = by_testid(root, "cabinet-menu-toggle")
    assert dict(button.attributes)["data-bs-toggle"] == "offcanvas"
    assert dict(button.attributes)["data-bs-target"] == "#cabinet-menu"
    assert "d-lg-none" in classes(button)
    assert text_of(button).startswith("Меню кабинета")
    panel = by_id(root, "cabinet-menu")
    assert "offcanvas-lg" in classes(panel)  # a panel on phones, the side menu in place from 992 px
    links = [text_of(e) for e in descendants(panel) if e.name == "a" and "list-group-item" in classes(e)]
    assert links[:4] == ["Сводка", "Товары", "Опции", "Заказы"] and "Способы связи" in links
