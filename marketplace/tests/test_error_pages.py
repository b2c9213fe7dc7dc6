"""The site's frame: the Russian 404 and 500 pages, the footer's links and the cookie notice."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from django.utils import translation

from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a deliberate failure")


# The 500 test's URLs: the site's plus one view that fails.
urlpatterns = [path("boom/", _boom)]


def _hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


# --- 404 ---------------------------------------------------------------------------------------------


def test_unknown_address_gets_the_russian_404_page_in_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Такой страницы нет" in page
    assert "<title>Страница не найдена — Лавка</title>" in page
    assert 'data-testid="site-footer"' in page  # the site's header and footer around it
    links = _hrefs(page[page.index('data-testid="error-404"') :])
    assert "/" in links and "/catalog/" in links
    assert re.search(r'<form[^>]*action="/catalog/"[^>]*>\s*<div class="input-group">\s*<input[^>]*name="q"', page)


def test_a_signed_in_buyer_gets_the_same_404_page(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory())
    response = client.get("/shops/no-such-shop/about/x/")
    assert response.status_code == 404
    assert "Такой страницы нет" in response.content.decode()


# --- 500 ---------------------------------------------------------------------------------------------


def test_500_template_renders_without_any_context():
    with translation.override("ru"):
        page = render_to_string("500.html")
    assert "Что-то пошло не так" in page
    assert "{%" not in page and "{{" not in page
    assert {"/", "/catalog/", "/static/css/site.css"} <= set(_hrefs(page))
    assert 'action="/catalog/"' in page


@pytest.mark.urls(__name__)
def test_a_failing_view_answers_with_the_500_page(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()


# --- the footer ----------------------------------------------------------------------------------------


def _footer(html):
    return html[html.index('data-testid="site-footer"') : html.index("</footer>")]


def test_footer_columns_for_buyers_sellers_and_help(client):
    footer = _footer(client.get("/rules/").content.decode())
    for title in ("Покупателям", "Продавцам", "Помощь"):
        assert f">{title}</h2>" in footer
    for text, href in [
        ("Как купить", "/rules/"),
        ("Мои заказы", "/orders/"),
        ("Мои файлы", "/downloads/"),
        ("Избранное", "/favorites/"),
        ("Кабинет продавца", "/cabinet/"),
        ("Написать нам", "/contact/"),
        ("Правила сайта", "/rules/"),
    ]:
        assert f'<a href="{href}">{text}</a>' in footer, text
    assert "Открыть свой магазин" in footer
    assert "English" in footer  # the language switch


@pytest.mark.parametrize("who", ["guest", "buyer", "seller"])
def test_every_footer_link_leads_somewhere(client, who):
    """Each link ends on a page (the log-in page for an account's pages), never a 404 or an error."""
    if who != "guest":
        user = UserFactory()
        if who == "seller":
            ShopFactory(owner=user)
        client.force_login(user)
    footer = _footer(client.get("/").content.decode())
    links = [href.replace("&amp;", "&") for href in _hrefs(footer)]
    assert len(links) >= 9
    for href in links:
        response = client.get(href, follow=True)
        assert response.status_code == 200, href
        if who == "guest" and href in ("/orders/", "/downloads/", "/favorites/", "/cabinet/"):
            assert response.redirect_chain[-1][0].startswith("/accounts/login/"), href


def test_a_seller_is_not_offered_to_open_a_shop_and_a_buyer_not_the_cabinet(client):
    seller = UserFactory()
    ShopFactory(owner=seller)
    client.force_login(seller)
    footer = _footer(client.get("/rules/").content.decode())
    assert "Открыть свой магазин" not in footer and "Кабинет продавца" in footer
    client.force_login(UserFactory())
    footer = _footer(client.get("/rules/").content.decode())
    assert "Открыть свой магазин" in footer and "Кабинет продавца" not in footer


# --- the cookie notice -----------------------------------------------------------------------------------


def test_cookie_notice_is_in_every_page_hidden_until_the_script_shows_it(client):
    page = client.get("/").content.decode()
    notice = re.search(r'<div class="cookie-notice"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert notice
    assert " hidden>" in notice.group(0).split("\n")[0]
    assert "Сайт «Лавка» использует cookies." in notice.group(1)
    assert '<a href="/rules/">Правила использования</a>' in notice.group(1)
    assert '<script src="/static/js/home.js" defer></script>' in page


def test_cookie_notice_keeps_anonymous_pages_cacheable(client):
    """Dismissing is remembered by the browser (localStorage): no cookie, so the page stays cached."""
    client.get("/")
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert not any("cookie" in name or "notice" in name for name in client.cookies)
