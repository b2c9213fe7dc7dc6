"""Checkout under abuse: replayed idempotency keys, guest scripts reserving stock or relaying
e-mails, and the seller's way out (cancelling unconfirmed guest orders in bulk)."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Cart, CartLine, Order, OrderStatus
from orders.services import order_place
from orders.tests.concurrency import at_once
from orders.tests.factories import order_for
from orders.tests.test_checkout import DETAILS, fill_cart
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", city="Казань", confirmation_days=3)


def test_the_same_key_twice_with_a_full_cart_places_one_order_and_takes_stock_once(client, shop):
    product = ProductFactory(shop=shop, stock=5)
    fill_cart(client, product)
    first = client.post("/checkout/anna/", DETAILS)
    fill_cart(client, product)  # the cart is full again, as after a back-button resubmit
    second = client.post("/checkout/anna/", DETAILS)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == order.get_absolute_url()
    product.refresh_from_db()
    assert product.stock == 4
    assert CartLine.objects.get().quantity == 1  # the refilled line stays in the cart


def test_a_double_click_after_the_cart_emptied_lands_on_the_order(client, shop):
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    client.post("/checkout/anna/", DETAILS)
    response = client.post("/checkout/anna/", DETAILS)
    assert response["Location"] == Order.objects.get().get_absolute_url()


def test_another_visitor_replaying_a_guest_orders_key_never_reaches_that_order(client, shop):
    product = ProductFactory(shop=shop, stock=5)
    fill_cart(client, product)
    client.post("/checkout/anna/", DETAILS)
    victim = Order.objects.get()

    attacker = Client()
    fill_cart(attacker, product)
    details = {**DETAILS, "buyer_name": "Злоумышленник", "email": "evil@example.com"}
    response = attacker.post("/checkout/anna/", details)
    assert victim.secret not in response["Location"]
    own = Order.objects.exclude(pk=victim.pk).get()
    assert own.buyer_name == "Злоумышленник" and response["Location"] == own.get_absolute_url()
    # With an empty cart the replay is a plain refusal, not a redirect to anybody's order.
    stranger = Client()
    response = stranger.post("/checkout/anna/", DETAILS)
    assert response["Location"] == "/cart/"


def test_a_signed_in_buyer_replaying_someone_elses_key_gets_a_fresh_order(client, shop):
    product = ProductFactory(shop=shop, stock=5)
    fill_cart(client, product)
    client.post("/checkout/anna/", DETAILS)
    buyer = UserFactory(email="other@example.com")
    other = Client()
    other.force_login(buyer)
    fill_cart(other, product)
    other.post("/checkout/anna/", {**DETAILS, "email": buyer.email})
    assert Order.objects.filter(buyer=buyer).count() == 1 and Order.objects.count() == 2


def test_demo_orders_have_unguessable_keys():
    from orders import demo

    assert 'f"demo-' not in open(demo.__file__).read()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not django_settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions")
def test_the_same_key_posted_in_parallel_places_one_order():
    shop = ShopFactory(slug="parallel")
    product = ProductFactory(shop=shop, stock=10)
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    placed = []
    outcomes = at_once([lambda: placed.append(order_place(cart=cart, shop=shop, buyer=None, **DETAILS).pk)] * 5)
    assert outcomes == ["ok"] * 5  # none refused, none an error (the unique key used to raise one)
    order = Order.objects.get()
    assert placed == [order.pk] * 5  # every submit answered with the one order
    product.refresh_from_db()
    assert product.stock == 9


def test_a_guest_order_holds_a_few_pieces_of_a_product(client, shop, settings):
    settings.GUEST_MAX_PIECES_PER_PRODUCT = 5
    product = ProductFactory(shop=shop, title="Свеча «Лаванда»", stock=50)
    fill_cart(client, product, 6)
    response = client.post("/checkout/anna/", DETAILS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Без аккаунта в заказе может быть не больше 5 шт. товара «Свеча «Лаванда»»" in page
    assert "Позвоните перед отправкой" in page  # the form keeps what was typed
    product.refresh_from_db()
    assert product.stock == 50 and not Order.objects.exists()

    buyer = UserFactory()
    registered = Client()
    registered.force_login(buyer)
    fill_cart(registered, product, 6)
    registered.post("/checkout/anna/", {**DETAILS, "email": buyer.email})
    product.refresh_from_db()
    assert product.stock == 44 and Order.objects.get().buyer == buyer


def test_guest_checkouts_are_limited_per_email(client, shop, settings):
    settings.GUEST_CHECKOUT_RATE_PER_EMAIL = "3/h"
    product = ProductFactory(shop=shop, stock=50)
    for attempt in range(3):
        fill_cart(client, product)
        client.post("/checkout/anna/", {**DETAILS, "idempotency_key": f"k{attempt}"})
    assert Order.objects.count() == 3
    other_client = Client(REMOTE_ADDR="203.0.113.9")
    fill_cart(other_client, product)
    response = other_client.post("/checkout/anna/", {**DETAILS, "email": "MASHA@example.com", "idempotency_key": "k9"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Слишком много заказов без аккаунта" in page and "Позвоните перед отправкой" in page
    assert Order.objects.count() == 3
    fill_cart(other_client, product)
    other_client.post("/checkout/anna/", {**DETAILS, "email": "someone@example.com", "idempotency_key": "k10"})
    assert Order.objects.count() == 4


def test_guest_checkouts_are_limited_per_client_behind_the_proxy(shop, settings):
    """Behind one trusted proxy the limit follows the client's address, not the proxy's."""
    settings.PROXY_COUNT = 1
    settings.GUEST_CHECKOUT_RATE_PER_ADDRESS = "2/h"
    product = ProductFactory(shop=shop, stock=50)

    def guest(client_address, forged=""):
        forwarded = f"{forged}, {client_address}" if forged else client_address
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    spammer = guest("198.51.100.7")
    for attempt in range(3):
        fill_cart(spammer, product)
        spammer.post("/checkout/anna/", {**DETAILS, "email": f"s{attempt}@example.com",
                                         "idempotency_key": f"s{attempt}"})  # fmt: skip
    assert Order.objects.count() == 2
    # A forged left-hand X-Forwarded-For entry doesn't give the spammer a new address.
    forging = guest("198.51.100.7", forged="192.0.2.55")
    fill_cart(forging, product)
    assert forging.post("/checkout/anna/", {**DETAILS, "email": "f@example.com"}).status_code == 429
    # Another client behind the same proxy is not affected.
    neighbour = guest("198.51.100.8")
    fill_cart(neighbour, product)
    neighbour.post("/checkout/anna/", {**DETAILS, "email": "n@example.com", "idempotency_key": "n"})
    assert Order.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "Ваш приз ждёт: https://lavka-prize.example/win"),
        ("buyer_name", "Заберите подарок на lavka-bonus.ru"),
        ("address", "Москва, ул. Ленина, 1 — подробности на www.evil.example"),
    ],
)
def test_checkout_texts_carry_no_links(client, shop, field, value, mailoutbox):
    product = ProductFactory(shop=shop, stock=5)
    fill_cart(client, product)
    response = client.post("/checkout/anna/", {**DETAILS, field: value})
    page = response.content.decode()
    assert response.status_code == 200 and "Ссылки здесь запрещены" in page
    assert not Order.objects.exists() and not mailoutbox
    product.refresh_from_db()
    assert product.stock == 5


def test_phones_and_addresses_without_links_pass(client, shop):
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    client.post("/checkout/anna/", {**DETAILS, "notes": "Позвоните: +7 900 123-45-67, д. 5 стр. 1 кв. 7"})
    assert Order.objects.count() == 1


def _age(order, days):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_seller_cancels_overdue_unconfirmed_guest_orders_in_bulk(client, shop, mailoutbox):
    product = ProductFactory(shop=shop, stock=10)
    overdue = [order_for(shop, product=product, quantity=2) for _ in range(3)]
    for order in overdue:
        _age(order, 10)
    fresh = order_for(shop, product=product)
    confirmed = order_for(shop, product=product)
    _age(confirmed, 10)
    Order.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())
    registered = order_for(shop, product=product, buyer=UserFactory())
    _age(registered, 10)
    elsewhere = order_for(ShopFactory(confirmation_days=3))
    _age(elsewhere, 10)
    product.refresh_from_db()
    assert product.stock == 1

    client.force_login(shop.owner)
    page = client.get("/cabinet/orders/").content.decode()
    assert "3 гостевых заказа не подтверждены покупателями" in page
    response = client.post("/cabinet/orders/cancel-unconfirmed-guest/", follow=True)
    assert "Отменено 3 неподтверждённых гостевых заказа" in response.content.decode()
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert [statuses[order.pk] for order in overdue] == [OrderStatus.CANCELLED] * 3
    assert {statuses[o.pk] for o in (fresh, confirmed, registered, elsewhere)} == {OrderStatus.OPEN}
    product.refresh_from_db()
    assert product.stock == 7
    assert all(order.events.filter(note__icontains="не подтвердил").exists() for order in overdue)
    assert "гостев" not in client.get("/cabinet/orders/").content.decode().split("<h1")[1].split("<form")[0]


def test_only_the_shops_owner_cancels_its_guest_orders(client, shop):
    order = order_for(shop)
    _age(order, 10)
    client.force_login(ShopFactory().owner)
    client.post("/cabinet/orders/cancel-unconfirmed-guest/")
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN
    anonymous = Client().post("/cabinet/orders/cancel-unconfirmed-guest/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get("/cabinet/orders/cancel-unconfirmed-guest/").status_code in (302, 405)
