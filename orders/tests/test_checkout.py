from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage
from marketplace.tests.factories import UserFactory
from orders.models import Cart, CartLine, Order, OrderStatus
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "buyer_name": "Мария Иванова",
    "phone": "+7 926 555-01-01",
    "email": "masha@example.com",
    "address": "620000, Екатеринбург, ул. Ленина, 1, кв. 2",
    "delivery_method": "cdek",
    "contact_method": "email",
    "notes": "Позвоните перед отправкой",
    "idempotency_key": "key-1",
}


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", city="Казань")


def fill_cart(client, product, quantity=1):
    client.post(f"/cart/add/{product.pk}/", {"quantity": str(quantity)})


def test_guest_places_an_order_stock_is_taken_and_invoices_are_queued(
    client, shop, mailoutbox, django_capture_on_commit_callbacks
):
    product = ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"), discount_percent=10, stock=3)
    other = ProductFactory(title="Из другого магазина")
    fill_cart(client, product, 2)
    fill_cart(client, other)
    page = client.get("/checkout/anna/").content.decode()
    assert "Курьер (Казань)" in page
    assert "Чат на сайте" not in page  # guests have no site chat
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/anna/", DETAILS)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.is_guest and order.status == OrderStatus.OPEN and order.subtotal == Decimal("3600.00")
    item = order.items.get()
    assert (item.title, item.quantity, item.unit_price, item.discount) == (
        "Вигвам",
        2,
        Decimal("1800.00"),
        "Скидка 10%",
    )
    product.refresh_from_db()
    assert product.stock == 1
    assert list(CartLine.objects.values_list("product__title", flat=True)) == ["Из другого магазина"]
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert subjects == [
        f"Ваш заказ {order.number} в магазине «Мастерская Анны»",
        f"Новый заказ {order.number} в магазине «Мастерская Анны»: Мария Иванова",
        f"Новый заказ {order.number}: Мария Иванова",
    ]
    seller_mail = next(mail for mail in mailoutbox if mail.subject == f"Новый заказ {order.number}: Мария Иванова")
    assert seller_mail.to == [shop.owner.email]  # the admins get their own copy (orders/tests/test_emails.py)
    assert "620000, Екатеринбург" in seller_mail.body and "+7 926 555-01-01" in seller_mail.body
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Вигвам" in page and "Открытый" in page


def test_the_last_piece_goes_to_one_buyer_only(client, shop):
    product = ProductFactory(shop=shop, title="Последний", stock=1)
    first, second = Cart.objects.create(), Cart.objects.create()
    CartLine.objects.create(cart=first, product=product, quantity=1)
    CartLine.objects.create(cart=second, product=product, quantity=1)
    from orders.services import order_place

    details = {k: v for k, v in DETAILS.items()}
    order_place(cart=first, shop=shop, buyer=None, **details)
    from orders.exceptions import CartError

    details["idempotency_key"] = "key-2"
    with pytest.raises(CartError, match="Последний"):
        order_place(cart=second, shop=shop, buyer=None, **details)
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == 1
    assert second.lines.count() == 1  # the second buyer's cart is kept


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("address", "", "Обязательное поле."),
        ("phone", "123", "Введите корректный номер телефона"),
        ("email", "masha", "Введите правильный адрес электронной почты."),
        ("contact_method", "chat", "Выберите корректный вариант."),
        ("delivery_method", "teleport", "Выберите корректный вариант."),
    ],
)
def test_bad_checkout_input_keeps_the_form_and_the_cart(client, shop, field, value, error):
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    response = client.post("/checkout/anna/", {**DETAILS, field: value})
    page = response.content.decode()
    assert response.status_code == 200 and error in page
    assert "Позвоните перед отправкой" in page  # what was typed stays
    assert not Order.objects.exists() and CartLine.objects.count() == 1


def test_rules_consent_when_the_shop_asks_for_it(client, shop):
    shop.rules_consent_required = True
    shop.save()
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    response = client.post("/checkout/anna/", DETAILS)
    assert "Обязательное поле." in response.content.decode()
    assert not Order.objects.exists()
    client.post("/checkout/anna/", {**DETAILS, "rules_accepted": "on"})
    assert Order.objects.get().rules_accepted


def test_a_registered_buyer_may_choose_site_chat_and_sees_the_order_in_their_list(client, shop):
    user = UserFactory(name="Мария", email="masha@example.com")
    client.force_login(user)
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    assert "Чат на сайте" in client.get("/checkout/anna/").content.decode()
    client.post("/checkout/anna/", {**DETAILS, "contact_method": "chat"})
    order = Order.objects.get()
    assert order.buyer == user and not order.is_guest
    assert order.number in client.get("/orders/").content.decode()


def test_an_order_page_needs_its_owner_or_the_secret_link(client, shop):
    fill_cart(client, ProductFactory(shop=shop, stock=5))
    client.post("/checkout/anna/", DETAILS)
    order = Order.objects.get()
    stranger = client.__class__()
    response = stranger.get(f"/orders/{order.number}/")
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next=/orders/{order.number}/"
    assert stranger.get("/orders/0000-00000/").status_code == 302  # the same answer for a number that doesn't exist
    assert stranger.get(f"/orders/{order.number}/?key=wrong").status_code == 404
    assert stranger.get(order.get_absolute_url()).status_code == 200
    stranger.force_login(UserFactory())
    assert stranger.get(f"/orders/{order.number}/").status_code == 404


def test_checkout_without_this_shops_products_goes_back_to_the_cart(client, shop):
    response = client.get("/checkout/anna/")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("lines", [1, 12])
def test_placing_an_order_makes_the_same_queries_for_any_cart_size(shop, lines, django_assert_max_num_queries):
    from orders.services import order_place

    cart = Cart.objects.create()
    for _ in range(lines):
        CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, stock=5), quantity=2)
    # One outbox row per recipient: the buyer, the seller and (here) one admin; the cart's row
    # lock and the lines' options checked again (one query for all lines); the sales counted (one UPDATE).
    with django_assert_max_num_queries(19):
        order = order_place(cart=cart, shop=shop, buyer=None, **DETAILS)
    assert order.items.count() == lines
    assert set(Product.objects.filter(shop=shop).values_list("stock", flat=True)) == {3}


def test_applying_a_promo_code_on_the_checkout_page_keeps_what_was_typed(client, shop):
    from referrals.tests.factories import PromoCodeFactory

    PromoCodeFactory(shop=shop, code="vesna", value=Decimal("10"))
    fill_cart(client, ProductFactory(shop=shop, price=Decimal("1000"), stock=5))
    page = client.get("/checkout/anna/").content.decode()
    assert 'form="checkout-form" formaction="/cart/promo/anna/"' in page
    typed = {**DETAILS, "next": "checkout", "code": "VESNA"}
    response = client.post("/cart/promo/anna/", typed, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/checkout/anna/"
    assert 'value="Мария Иванова"' in page and "620000, Екатеринбург, ул. Ленина, 1, кв. 2" in page
    assert "Позвоните перед отправкой" in page and 'data-testid="promo-applied"' in page
    assert "900" in page.split('data-testid="checkout-total"')[1][:40]
    # Only once: the next visit starts from the account's details again.
    assert "Позвоните перед отправкой" not in client.get("/checkout/anna/").content.decode()
