"""The buyer's promo code in the cart and at checkout; the seller's promo pages and abandoned carts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage, User
from marketplace.tests.factories import PASSWORD, UserFactory
from orders.models import Cart, CartLine, Order
from referrals.models import PersonalOffer, PromoBonus, PromoCode
from referrals.tests.factories import PromoCodeFactory
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "buyer_name": "Мария Иванова", "phone": "+7 926 555-01-01", "email": "masha@example.com",
    "address": "620000, Екатеринбург, ул. Ленина, 1", "delivery_method": "cdek", "contact_method": "email",
    "idempotency_key": "key-1",
}  # fmt: skip


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


def page(response):
    return response.content.decode()


# The buyer's side ---------------------------------------------------------------------------------


def test_guest_applies_a_code_in_the_cart_and_pays_900_at_checkout(client, shop, mailoutbox,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    product = ProductFactory(shop=shop, price=Decimal("1000"))
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    response = client.post("/cart/promo/anna/", {"code": " Vesna "}, follow=True)
    text = page(response)
    assert "Применён промо-код vesna: скидка 10 % на заказ." in text
    assert 'data-testid="promo-discount">−100\xa0₽' in text and 'data-testid="shop-total">900\xa0₽' in text
    assert 'data-testid="checkout-total">900\xa0₽' in page(client.get("/checkout/anna/"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/checkout/anna/", DETAILS)
    order = Order.objects.get()
    assert (order.subtotal, order.promo_code_text, order.promo_discount, order.total) == (
        Decimal("1000"), "vesna", Decimal("100"), Decimal("900"))  # fmt: skip
    invoice = next(mail for mail in mailoutbox if mail.to == ["masha@example.com"])
    assert "Промо-код vesna: −100\xa0₽" in invoice.body and "Сумма: 900\xa0₽" in invoice.body
    client.force_login(shop.owner)
    seller_page = page(client.get(f"/cabinet/orders/{order.number}/"))
    assert "Промо-код vesna" in seller_page and 'data-testid="order-total">900\xa0₽' in seller_page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Введите промо-код."),
        ("x" * 41, "Промо-код — не длиннее 40 символов."),
        ("nope", "Промо-кода «nope» в этом магазине нет. Проверьте написание."),
        ("leto", "Промо-код «leto» относится к другому магазину — «Керамика»."),
    ],
)
def test_a_wrong_code_gets_a_message_and_nothing_is_kept(client, shop, code, message):
    PromoCodeFactory(shop=ShopFactory(name="Керамика"), code="leto")
    client.post(f"/cart/add/{ProductFactory(shop=shop).pk}/", {"quantity": "1"})
    text = page(client.post("/cart/promo/anna/", {"code": code, "next": "checkout"}, follow=True))
    assert message in text and "Оформление" in text or message in text
    assert Cart.objects.get().promo_codes == {}


def test_the_code_is_checked_again_at_checkout(client, shop):
    promo = PromoCodeFactory(shop=shop, code="vesna", value=10)
    client.post(f"/cart/add/{ProductFactory(shop=shop).pk}/", {"quantity": "1"})
    client.post("/cart/promo/anna/", {"code": "vesna"})
    promo.ends_at = timezone.now() - timedelta(minutes=1)
    promo.save()
    text = page(client.get("/checkout/anna/"))
    assert 'data-testid="promo-error"' in text and "Срок действия промо-кода «vesna» закончился" in text
    response = client.post("/checkout/anna/", DETAILS)
    assert response.status_code == 200 and not Order.objects.exists()
    assert "Срок действия промо-кода «vesna» закончился" in page(response)
    client.post("/cart/promo/anna/", {"remove": "1", "next": "checkout"})
    client.post("/checkout/anna/", DETAILS)
    assert Order.objects.get().promo_code_text == ""


def test_a_registered_buyer_sees_the_offer_on_the_cart_line_and_at_checkout(client, shop):
    buyer = UserFactory()
    product = ProductFactory(shop=shop, price=Decimal("1000"))
    PersonalOffer.objects.create(shop=shop, buyer=buyer, product=product, percent=15,
                                 expires_at=timezone.now() + timedelta(days=7))  # fmt: skip
    client.force_login(buyer)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    cart_page = page(client.get("/cart/"))
    assert (
        'data-testid="personal-offer"' in cart_page and "Магазин предлагает вам скидку 15% на этот товар" in cart_page
    )
    assert "850\xa0₽" in page(client.get("/checkout/anna/"))


# The seller's promo codes -------------------------------------------------------------------------


PROMO = {"name": "Весенняя", "code": "vesna", "bonus": "order", "discount_kind": "percent", "value": "10",
         "is_enabled": "on"}  # fmt: skip


def test_promo_pages_permissions(client, shop):
    promo = PromoCodeFactory(shop=shop)
    urls = ["/cabinet/promos/", "/cabinet/promos/new/", f"/cabinet/promos/{promo.pk}/"]
    for url in urls:
        assert client.get(url)["Location"].startswith("/accounts/login/?next=")
    client.force_login(ShopFactory().owner)
    assert client.get(urls[0]).status_code == 200  # their own (empty) list
    assert client.get(urls[2]).status_code == 404
    assert client.post(f"/cabinet/promos/{promo.pk}/toggle/").status_code == 404
    assert client.post(f"/cabinet/promos/{promo.pk}/duplicate/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(urls[0]).status_code == 404
    client.force_login(shop.owner)
    assert all(client.get(url).status_code == 200 for url in urls)


def test_seller_creates_edits_switches_and_duplicates_a_code(client, shop):
    client.force_login(shop.owner)
    response = client.post("/cabinet/promos/new/", PROMO)
    assert response.status_code == 302
    promo = PromoCode.objects.get()
    assert (promo.code, promo.value, promo.is_enabled) == ("vesna", Decimal("10"), True)
    client.post(f"/cabinet/promos/{promo.pk}/", {**PROMO, "value": "15", "max_uses": "100"})
    promo.refresh_from_db()
    assert (promo.value, promo.max_uses) == (Decimal("15"), 100)
    client.post(f"/cabinet/promos/{promo.pk}/toggle/")
    promo.refresh_from_db()
    assert not promo.is_enabled
    response = client.post(f"/cabinet/promos/{promo.pk}/duplicate/")
    copy = PromoCode.objects.exclude(pk=promo.pk).get()
    assert response["Location"] == f"/cabinet/promos/{copy.pk}/"
    assert (copy.code, copy.is_enabled, copy.value, copy.uses_count) == ("vesna-2", False, Decimal("15"), 0)
    text = page(client.get("/cabinet/promos/"))
    assert text.count('data-testid="promo-row"') == 2


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"name": ""}, "Обязательное поле."),
        ({"code": ""}, "Обязательное поле."),
        ({"code": "x" * 41}, "не более 40"),
        ({"code": "two words"}, "Промо-код — одно слово, без пробелов."),
        ({"code": "OLD"}, "В вашем магазине уже есть промо-код «OLD»."),
        ({"value": "-5"}, "больше либо равно 0"),
        ({"value": ""}, "Укажите размер скидки."),
        ({"value": "150"}, "Скидка в процентах — не больше 100."),
        ({"value": "abc"}, "Введите число."),
        ({"min_order_total": "-1"}, "больше либо равно 0"),
        ({"max_uses": "0"}, "больше либо равно 1"),
        ({"starts_at": "2026-05-10T10:00", "ends_at": "2026-05-01T10:00"}, "Окончание должно быть позже начала."),
        ({"bonus": "products"}, "Выберите товары, на которые действует скидка по промо-коду."),
        ({"bonus": "gifts"}, "Выберите товары, которые будут подарком."),
        ({"bonus": "products", "products": "other"}, "Выберите корректный вариант."),
    ],
)
def test_promo_form_bad_inputs_save_nothing(client, shop, changes, field_error):
    PromoCodeFactory(shop=shop, code="old", name="Старая")
    if changes.get("products") == "other":
        changes = {**changes, "products": [ProductFactory().pk]}
    client.force_login(shop.owner)
    response = client.post("/cabinet/promos/new/", {**PROMO, **changes})
    assert response.status_code == 400
    assert field_error in page(response)
    assert PromoCode.objects.count() == 1


def test_products_and_gifts_are_saved(client, shop):
    scarf, card = ProductFactory(shop=shop), ProductFactory(shop=shop)
    client.force_login(shop.owner)
    client.post("/cabinet/promos/new/", {**PROMO, "code": "gift", "bonus": "gifts", "value": "", "products": [scarf.pk],
                                         "gift_products": [card.pk]})  # fmt: skip
    promo = PromoCode.objects.get()
    assert promo.bonus == PromoBonus.GIFTS and list(promo.products.all()) == [scarf]
    assert list(promo.gift_products.all()) == [card]


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_promo_list_makes_the_same_queries_for_3_and_300_orders(client, shop):
    promos = [PromoCodeFactory(shop=shop, code=f"c{index}") for index in range(3)]

    def add_orders(start, stop):
        Order.objects.bulk_create(
            Order(shop=shop, number=f"N{index}", idempotency_key=f"k{index}", buyer_name="А", phone="+79000000000",
                  email="a@example.com", address="Москва", delivery_method="cdek", contact_method="email",
                  subtotal=Decimal("1000"), total=Decimal("900"), promo_code=promos[index % 3], promo_code_text="c",
                  promo_discount=Decimal("100"))
            for index in range(start, stop)
        )  # fmt: skip

    client.force_login(shop.owner)
    add_orders(0, 3)
    few = queries(client, "/cabinet/promos/")
    add_orders(3, 300)
    PromoCodeFactory.create_batch(27, shop=shop)
    assert queries(client, "/cabinet/promos/") == few <= 12


# Abandoned carts ----------------------------------------------------------------------------------


def test_carts_page_shows_registered_buyers_only_and_offers_once(client, shop, mailoutbox,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    product = ProductFactory(shop=shop, title="Шарф", price=Decimal("1000"))
    buyer = UserFactory(name="Ольга Петрова")
    line = CartLine.objects.create(cart=Cart.objects.create(user=buyer), product=product, quantity=2)
    CartLine.objects.create(cart=Cart.objects.create(), product=product, quantity=1)  # a guest's
    client.force_login(shop.owner)
    text = page(client.get("/cabinet/carts/"))
    assert text.count('data-testid="abandoned-line"') == 1 and "Ольга Петрова" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cabinet/carts/offer/", {"line": line.pk, "percent": "15", "days": "7"})
    assert response.status_code == 302
    offer = PersonalOffer.objects.get()
    assert (offer.buyer, offer.product, offer.percent) == (buyer, product, 15)
    mail = OutboxMessage.objects.get(template="offer_made")
    assert mail.to == [buyer.email] and "15%" in mail.subject and "Шарф" in mail.body_text
    assert 'data-testid="offer-made"' in page(client.get("/cabinet/carts/"))
    again = client.post("/cabinet/carts/offer/", {"line": line.pk, "percent": "20", "days": "7"})
    assert again.status_code == 400 and "предложить скидку можно только один раз" in page(again)
    assert PersonalOffer.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"percent": ""}, "Обязательное поле."),
        ({"percent": "0"}, "больше либо равно 1"),
        ({"percent": "95"}, "меньше либо равно 90"),
        ({"percent": "-5"}, "больше либо равно 1"),
        ({"days": "31"}, "меньше либо равно 30"),
        ({"line": "other"}, "Этого товара уже нет в корзине покупателя."),
        ({"line": "guest"}, "Этого товара уже нет в корзине покупателя."),
    ],
)
def test_offer_bad_inputs(client, shop, data, error):
    line = CartLine.objects.create(cart=Cart.objects.create(user=UserFactory()), product=ProductFactory(shop=shop),
                                   quantity=1)  # fmt: skip
    if data.get("line") == "other":
        other = CartLine.objects.create(cart=Cart.objects.create(user=UserFactory()), product=ProductFactory(),
                                        quantity=1)  # fmt: skip
        data = {**data, "line": other.pk}
    if data.get("line") == "guest":
        data = {**data, "line": CartLine.objects.create(cart=Cart.objects.create(), product=line.product,
                                                        quantity=1).pk}  # fmt: skip
    client.force_login(shop.owner)
    response = client.post("/cabinet/carts/offer/", {"line": line.pk, "percent": "10", "days": "7", **data})
    assert response.status_code == 400 and error in page(response)
    assert not PersonalOffer.objects.exists()


def test_carts_page_permissions(client, shop):
    assert client.get("/cabinet/carts/")["Location"].startswith("/accounts/login/?next=")
    client.force_login(UserFactory())
    assert client.get("/cabinet/carts/").status_code == 404
    line = CartLine.objects.create(cart=Cart.objects.create(user=UserFactory()), product=ProductFactory(shop=shop),
                                   quantity=1)  # fmt: skip
    client.force_login(ShopFactory().owner)
    assert 'data-testid="abandoned-line"' not in page(client.get("/cabinet/carts/"))
    response = client.post("/cabinet/carts/offer/", {"line": line.pk, "percent": "10", "days": "7"})
    assert response.status_code == 400 and not PersonalOffer.objects.exists()


def test_carts_page_makes_the_same_queries_for_3_and_300_carts(client, shop):
    product = ProductFactory(shop=shop)

    def add_carts(start, stop):
        users = User.objects.bulk_create(User(email=f"b{index}@example.com", name=f"Покупатель {index}")
                                         for index in range(start, stop))  # fmt: skip
        carts = Cart.objects.bulk_create(Cart(user=user) for user in users)
        CartLine.objects.bulk_create(CartLine(cart=cart, product=product, quantity=1) for cart in carts)
        PersonalOffer.objects.create(shop=shop, buyer=users[0], product=product, percent=10,
                                     expires_at=timezone.now() + timedelta(days=1))  # fmt: skip

    client.force_login(shop.owner)
    add_carts(0, 3)
    few = queries(client, "/cabinet/carts/")
    add_carts(3, 300)
    assert queries(client, "/cabinet/carts/") == few <= 12


def test_a_code_typed_as_a_guest_survives_logging_in(client, shop):
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    buyer = UserFactory(email="olga@example.com")
    client.post(f"/cart/add/{ProductFactory(shop=shop).pk}/", {"quantity": "1"})
    client.post("/cart/promo/anna/", {"code": "vesna"})
    client.post("/accounts/login/", {"login": "olga@example.com", "password": PASSWORD})
    assert Cart.objects.get(user=buyer).promo_codes == {str(shop.pk): "vesna"}


@pytest.mark.django_db
def test_cancelling_an_order_gives_the_codes_use_back():
    from orders.models import CancelReason, OrderStatus
    from orders.services import order_transition
    from orders.tests.factories import order_for

    promo = PromoCodeFactory(code="vesna", value=Decimal("10"), max_uses=1)
    product = ProductFactory(shop=promo.shop, price=Decimal("1000"), stock=5)
    order = order_for(promo.shop, product=product, promo_code="vesna")
    promo.refresh_from_db()
    assert (promo.uses_count, promo.revenue, promo.discount_given) == (1, Decimal("900.00"), Decimal("100.00"))
    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=promo.shop.owner,
                     cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip
    promo.refresh_from_db()
    assert (promo.uses_count, promo.revenue, promo.discount_given) == (0, Decimal("0.00"), Decimal("0.00"))
    assert not promo.is_used_up
