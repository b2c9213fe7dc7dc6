from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Availability, TierKind
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import PASSWORD, UserFactory
from orders import services
from orders.exceptions import CartError
from orders.models import Cart, CartLine
from shops.services import vacation_set
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


def colour_option(product, kind="radio", required=True):
    return catalog_services.option_group_save(
        product=product, name="Цвет", kind=kind, is_required=required,
        choices=[("Белый", Decimal("0")), ("Графит", Decimal("150"))],
    )  # fmt: skip


# --- services ---------------------------------------------------------------------------


def test_adding_twice_adds_up_and_other_variants_are_other_lines():
    cart = Cart.objects.create()
    product = ProductFactory(stock=10)
    white, graphite = colour_option(product).choices.all()
    services.cart_add(cart=cart, product=product, quantity=2, choice_ids=[white.pk])
    services.cart_add(cart=cart, product=product, quantity=1, choice_ids=[white.pk])
    services.cart_add(cart=cart, product=product, quantity=1, choice_ids=[graphite.pk])
    assert sorted(cart.lines.values_list("quantity", flat=True)) == [1, 3]


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda p: p.__class__.objects.filter(pk=p.pk).update(is_enabled=False), "Этот товар не продаётся."),
        (lambda p: p.__class__.objects.filter(pk=p.pk).update(stock=0), "нет в наличии"),
    ],
)
def test_disabled_and_sold_out_products_cannot_be_added(setup, error):
    product = ProductFactory(stock=3)
    setup(product)
    product.refresh_from_db()
    with pytest.raises(CartError, match=error):
        services.cart_add(cart=Cart.objects.create(), product=product, quantity=1)
    assert not CartLine.objects.exists()


def test_stock_caps_the_quantity_with_a_clear_message():
    cart = Cart.objects.create()
    product = ProductFactory(title="Плед", stock=2)
    services.cart_add(cart=cart, product=product, quantity=2)
    with pytest.raises(CartError, match="Осталось только 2 шт. товара «Плед»."):
        services.cart_add(cart=cart, product=product, quantity=1)
    assert cart.lines.get().quantity == 2


def test_made_to_order_is_not_capped_by_stock():
    product = ProductFactory(availability=Availability.MADE_TO_ORDER, stock=None, production_days=7)
    line = services.cart_add(cart=Cart.objects.create(), product=product, quantity=50)
    assert line.quantity == 50


def test_required_options_must_be_chosen_and_foreign_variants_are_refused():
    product = ProductFactory()
    colour_option(product)
    with pytest.raises(CartError, match="Выберите «Цвет»."):
        services.cart_add(cart=Cart.objects.create(), product=product, quantity=1)
    other = colour_option(ProductFactory())
    with pytest.raises(CartError, match="не предлагаются"):
        services.cart_add(
            cart=Cart.objects.create(), product=product, quantity=1, choice_ids=[other.choices.first().pk]
        )
    white, graphite = product.option_groups.get().choices.all()
    with pytest.raises(CartError, match="Выберите один вариант"):
        services.cart_add(cart=Cart.objects.create(), product=product, quantity=1, choice_ids=[white.pk, graphite.pk])


def test_vacation_without_cart_blocks_adding():
    product = ProductFactory()
    today = timezone.localdate()
    vacation_set(
        shop=product.shop, message="Отпуск", starts_on=today, ends_on=today + timedelta(days=3), allow_cart=False
    )
    product.shop.refresh_from_db()
    with pytest.raises(CartError, match="в отпуске"):
        services.cart_add(cart=Cart.objects.create(), product=product, quantity=1)


def test_merge_adds_quantities_capped_by_stock():
    product, other = ProductFactory(stock=5), ProductFactory(stock=5)
    guest, account = Cart.objects.create(), Cart.objects.create(user=UserFactory())
    services.cart_add(cart=guest, product=product, quantity=4)
    services.cart_add(cart=guest, product=other, quantity=1)
    services.cart_add(cart=account, product=product, quantity=3)
    services.cart_merge(source=guest, target=account)
    assert dict(account.lines.values_list("product_id", "quantity")) == {product.pk: 5, other.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()


# --- pages ------------------------------------------------------------------------------


def test_guest_adds_from_the_product_page_and_sees_the_cart_priced(client):
    product = ProductFactory(title="Вигвам", price=Decimal("1000"), stock=10)
    catalog_services.wholesale_tiers_set(product=product, tiers=[(3, TierKind.PERCENT, Decimal("20"))])
    white, graphite = colour_option(product).choices.all()
    response = client.post(
        f"/cart/add/{product.pk}/", {"quantity": "3", f"option_{product.option_groups.get().pk}": graphite.pk}
    )
    assert response.status_code == 302
    page = client.get("/cart/").content.decode()
    assert "Вигвам" in page and "Цвет: Графит (+150\xa0₽)" in page
    assert "920\xa0₽" in page  # (1000 + 150) − 20 %
    assert "2\xa0760\xa0₽" in page  # × 3
    assert "Опт: скидка 20% от 3 шт." in page
    assert 'id="cart-count">3</span>' in page  # the header counts pieces


def test_bad_add_says_why_on_the_product_page(client):
    product = ProductFactory(title="Вигвам", stock=1)
    colour_option(product)
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": "2"}, follow=True)
    assert "Выберите «Цвет»." in response.content.decode()
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": "abc"}, follow=True)
    assert "Введите количество целым числом." in response.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("origin", ["https://evil.example.com", "null", "http://testserver.evil.com"])
def test_a_foreign_origin_cannot_add(client, origin):
    product = ProductFactory()
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": "1"}, HTTP_ORIGIN=origin)
    assert response.status_code == 403
    assert not CartLine.objects.exists()
    assert (
        client.post(f"/cart/add/{product.pk}/", {"quantity": "1"}, HTTP_ORIGIN="http://testserver").status_code == 302
    )


def test_quantity_change_with_htmx_and_without(client):
    product = ProductFactory(stock=5)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    line = CartLine.objects.get()
    fragment = client.post(f"/cart/lines/{line.pk}/", {"quantity": "4"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'value="4"' in fragment
    fragment = client.post(f"/cart/lines/{line.pk}/", {"quantity": "9"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Осталось только 5 шт." in fragment
    line.refresh_from_db()
    assert line.quantity == 4
    assert client.post(f"/cart/lines/{line.pk}/", {"quantity": "0"}).status_code == 302
    assert not CartLine.objects.exists()


def test_someone_elses_cart_line_is_a_404(client):
    line = services.cart_add(cart=Cart.objects.create(user=UserFactory()), product=ProductFactory(), quantity=1)
    client.force_login(UserFactory())
    assert client.post(f"/cart/lines/{line.pk}/", {"quantity": "5"}).status_code == 404
    assert client.post(f"/cart/lines/{line.pk}/remove/").status_code == 404
    line.refresh_from_db()
    assert line.quantity == 1


def test_guest_cart_joins_the_account_at_log_in(client):
    user = UserFactory(email="anna@example.com")
    product = ProductFactory(stock=5)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "2"})
    client.post("/accounts/login/", {"login": "anna@example.com", "password": PASSWORD})
    assert Cart.objects.get(user=user).lines.get().quantity == 2
    assert Cart.objects.count() == 1


def test_cart_groups_by_shop_with_subtotals(client, django_assert_max_num_queries):
    shops = [ShopFactory(name="Первая"), ShopFactory(name="Вторая")]
    for shop in shops:
        for _ in range(3):
            client.post(f"/cart/add/{ProductFactory(shop=shop, price=Decimal('100')).pk}/", {"quantity": "1"})
    with django_assert_max_num_queries(10):
        response = client.get("/cart/")
    page = response.content.decode()
    assert page.count('data-testid="shop-subtotal">300\xa0₽') == 2
    assert "Первая" in page and "Вторая" in page


def test_empty_cart(client):
    assert "Корзина пуста." in client.get("/cart/").content.decode()


@pytest.mark.parametrize(
    ("quantity", "error"),
    [("0", "Количество должно быть не меньше 1."), ("-3", "Количество должно быть не меньше 1."),
     ("100000", "Не больше 999 штук в одной строке."), ("2.5", "Введите количество целым числом.")],
)  # fmt: skip
def test_bad_quantities_are_refused_and_nothing_is_added(client, quantity, error):
    product = ProductFactory(availability=Availability.NOT_TRACKED, stock=None)
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": quantity}, follow=True)
    assert error in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_posted_price_is_ignored(client):
    product = ProductFactory(price=Decimal("1000"), stock=5)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1", "price": "1", "unit_price": "1"})
    assert "1\xa0000\xa0₽" in client.get("/cart/").content.decode()


def test_my_orders_needs_log_in(client):
    response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
