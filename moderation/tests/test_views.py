"""/cabinet/trust/ and the «Стать надежным продавцом» form, in the cabinet and at the bottom of the home page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.tests.factories import UserFactory
from moderation.models import ApplicationStatus, ReliableApplication
from moderation.selectors import NotCounted
from moderation.services import reliable_refuse, reliable_withdraw
from orders.models import OrderStatus
from orders.tests.factories import order_for
from shops.tests.factories import ShopFactory

from .factories import bulk_tracked_sales, parcel, tracked_sale

pytestmark = pytest.mark.django_db

TRUST = "/cabinet/trust/"
APPLY = "/cabinet/trust/apply/"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def seller(client, shop):
    client.force_login(shop.owner)
    return client


def find_testids(page, name):
    return re.findall(rf'data-testid="{name}"', page)


# --- who sees the page --------------------------------------------------------------------------


def test_the_owner_sees_their_criteria_and_orders(seller, shop):
    counted = tracked_sale(shop)
    differs = tracked_sale(shop, recipient="Петров Иван")
    response = seller.get(TRUST)
    assert response.status_code == 200
    page = response.content.decode()
    assert counted.number in page and differs.number in page
    assert 'data-counted="yes" data-reason=""' in page
    assert f'data-counted="no" data-reason="{NotCounted.RECIPIENT_DIFFERS}"' in page
    assert 'data-testid="criterion-tracked_sales" data-met="no"' in page
    assert 'data-testid="cabinet-trust"' in page  # the cabinet's menu links here


def test_another_seller_sees_only_their_own_orders(client, shop):
    theirs = tracked_sale(shop)
    other = ShopFactory()
    mine = tracked_sale(other)
    client.force_login(other.owner)
    page = client.get(TRUST).content.decode()
    assert mine.number in page and theirs.number not in page


def test_a_buyer_without_a_shop_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(TRUST).status_code == 404
    assert client.post(APPLY).status_code == 404
    assert not ReliableApplication.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (TRUST, APPLY):
        response = client.post(url) if url == APPLY else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- what the page says ------------------------------------------------------------------------


def test_the_page_shows_figures_and_what_is_missing_in_english(seller, shop, english):
    bulk_tracked_sales(shop, 7)
    order_for(shop, statuses=[OrderStatus.CANCELLED])
    page = seller.get(TRUST).content.decode()
    assert "3 more tracked sales" in page and "3 more positive reviews from other buyers" in page
    assert 'aria-valuenow="70"' in page  # the progress bar of 7 of 10
    assert "No reviews yet" in page and "Sales confirmed by tracking" in page
    assert 'data-reason="cancelled"' in page and "The order was cancelled" in page
    assert find_testids(page, "apply-warning")  # criteria unmet: the form warns


def test_the_orders_are_paginated_fifty_a_page(seller, shop):
    bulk_tracked_sales(shop, 120)
    first = seller.get(TRUST).content.decode()
    third = seller.get(TRUST + "?page=3").content.decode()
    assert len(find_testids(first, "trust-order")) == 50 and len(find_testids(third, "trust-order")) == 20
    assert seller.get(TRUST + "?page=99").status_code == 200  # past the end: the last page


def page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TRUST).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_10_and_1000_orders(client):
    few, many = ShopFactory(), ShopFactory()
    bulk_tracked_sales(few, 10)
    bulk_tracked_sales(many, 1000)
    for shop in (few, many):
        parcel(order_for(shop, statuses=[OrderStatus.PAID, OrderStatus.SHIPPED]), recipient="Петров Иван")
    client.force_login(few.owner)
    page_queries(client)  # warm-up: the session, the site's one-off lookups
    counted_few = page_queries(client)
    client.force_login(many.owner)
    page_queries(client)
    assert page_queries(client) == counted_few


@pytest.mark.parametrize(
    ("state", "testid"),
    [("pending", "badge-pending"), ("refused", "badge-refused"), ("holder", "badge-holder"),
     ("withdrawn", "badge-withdrawn")],
)  # fmt: skip
def test_the_badge_state(seller, shop, state, testid):
    admin = UserFactory(is_staff=True)
    if state != "holder":
        application = ReliableApplication.objects.create(shop=shop, applicant=shop.owner)
    if state == "refused":
        reliable_refuse(application=application, actor=admin, reason="Мало отслеживаемых продаж")
    if state in ("holder", "withdrawn"):
        shop.is_reliable = True
        shop.save(update_fields=["is_reliable", "updated_at"])
    if state == "withdrawn":
        application.status = ApplicationStatus.APPROVED
        application.save()
        reliable_withdraw(shop=shop, actor=admin, reason="Подтверждённая жалоба покупателя")
    page = seller.get(TRUST).content.decode()
    assert find_testids(page, testid)
    if state in ("refused", "withdrawn"):
        assert "Мало отслеживаемых продаж" in page or "Подтверждённая жалоба покупателя" in page
    assert bool(find_testids(page, "apply-form")) is (state in ("refused", "withdrawn"))


# --- applying ------------------------------------------------------------------------------------


def test_applying_from_the_cabinet(seller, shop):
    response = seller.post(APPLY, {"message": "  Продаю давно, все посылки с треками.  "}, follow=True)
    assert response.redirect_chain == [(TRUST, 302)]
    application = ReliableApplication.objects.get()
    assert (application.shop, application.applicant, application.status) == (shop, shop.owner, "pending")
    assert application.message == "Продаю давно, все посылки с треками."
    assert application.criteria["met"] is False and len(application.criteria["criteria"]) == 4
    page = response.content.decode()
    assert find_testids(page, "badge-pending") and not find_testids(page, "apply-form")


def test_a_second_pending_application_is_refused_with_a_message(seller, shop, english):
    seller.post(APPLY, {"message": ""})
    response = seller.post(APPLY, {"message": "Ещё раз"}, follow=True)
    assert response.redirect_chain == [(TRUST, 302)]
    assert "Your application is already being considered" in response.content.decode()
    assert ReliableApplication.objects.count() == 1


def test_a_too_long_message_is_an_error_and_nothing_is_saved(seller, shop):
    response = seller.post(APPLY, {"message": "я" * 1001})
    assert response.status_code == 400
    assert "1000" in response.content.decode()
    assert not ReliableApplication.objects.exists()


def test_the_apply_url_takes_only_post(seller):
    assert seller.get(APPLY).status_code == 405


# --- the home page ---------------------------------------------------------------------------------


def test_a_seller_gets_the_form_at_the_bottom_of_the_home_page(seller, shop):
    page = seller.get("/").content.decode()
    card = page[page.index('data-testid="home-reliable"') :]
    assert 'data-testid="home-reliable-form"' in card and 'action="/cabinet/trust/apply/"' in card
    assert "csrfmiddlewaretoken" in card
    assert page.rindex('data-testid="home-reliable"') > page.index('id="how-title"')  # below everything else
    response = seller.post(APPLY, {"message": ""}, follow=True)
    assert response.redirect_chain == [(TRUST, 302)] and ReliableApplication.objects.filter(shop=shop).exists()
    page = seller.get("/").content.decode()
    assert 'data-testid="home-reliable"' in page and 'data-testid="home-reliable-form"' not in page  # pending


def test_anonymous_visitors_get_only_the_note_and_no_csrf_token(client):
    response = client.get("/")
    page = response.content.decode()
    assert find_testids(page, "home-reliable-note") and f'href="{TRUST}"' in page
    assert not find_testids(page, "home-reliable-form") and "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in response.cookies  # the page stays cacheable for everyone
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_buyer_gets_the_note(client):
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert find_testids(page, "home-reliable-note") and not find_testids(page, "home-reliable-form")
