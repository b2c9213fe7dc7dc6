"""Checkout takes every cart line as it is *now*: whatever the seller or moderation changed since
the buyer added it is refused with a message naming the line, and nothing is half-placed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import OptionChoice, OptionGroup, OptionKind, Product
from catalog.tests.factories import ProductFactory
from orders.exceptions import CartError
from orders.models import Cart, CartLine, Order
from orders.services import order_place
from shops.models import SanctionState, Vacation
from shops.tests.factories import ShopFactory

from .test_checkout import DETAILS

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="anna", name="Мастерская Анны")


def _cart(*lines):
    cart = Cart.objects.create()
    for product, quantity, choices in lines:
        ids = sorted(choice.pk for choice in choices)
        CartLine.objects.create(
            cart=cart, product=product, quantity=quantity, choice_ids=ids, options_key=",".join(map(str, ids))
        )
    return cart


def _place(cart, shop, **changes):
    return order_place(cart=cart, shop=shop, buyer=None, **{**DETAILS, **changes})


def _refused(cart, shop, message, **changes):
    with pytest.raises(CartError) as error:
        _place(cart, shop, **changes)
    assert message in str(error.value)
    assert not Order.objects.exists()
    return error


def _sized(product, *names, kind=OptionKind.SELECT, required=True):
    group = OptionGroup.objects.create(product=product, name="Размер", kind=kind, is_required=required)
    return [OptionChoice.objects.create(group=group, name=name, price_delta=Decimal("150")) for name in names]


def test_a_variant_removed_since_is_refused_by_name(shop):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    small, big = _sized(product, "S", "XL")
    cart = _cart((product, 1, [big]))
    OptionChoice.objects.filter(pk=big.pk).update(is_removed=True)
    _refused(cart, shop, "«Вигвам»: вариант «XL» больше не продаётся")


def test_an_option_made_required_since_is_refused_by_name(shop):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    cart = _cart((product, 1, []))
    _sized(product, "S", "XL", kind=OptionKind.RADIO)
    _refused(cart, shop, "«Вигвам»: выберите «Размер»")


def test_a_product_disabled_since_is_refused_by_name(shop):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    cart = _cart((product, 1, []))
    Product.objects.filter(pk=product.pk).update(is_enabled=False)
    _refused(cart, shop, "«Вигвам» больше не продаётся")


def test_a_product_hidden_by_moderation_since_is_refused_by_name(shop):
    product = ProductFactory(shop=shop, title="Вигвам", stock=5)
    cart = _cart((product, 1, []))
    Product.objects.filter(pk=product.pk).update(is_hidden_by_moderation=True)
    _refused(cart, shop, "«Вигвам» больше не продаётся")


def test_a_shop_sanctioned_since_is_refused(shop):
    cart = _cart((ProductFactory(shop=shop, stock=5), 1, []))
    shop.sanction_state = SanctionState.HIDDEN
    shop.save(update_fields=["sanction_state"])
    _refused(cart, shop, "Этот магазин сейчас не принимает заказы.")


def test_a_vacation_closing_the_cart_since_is_refused(shop):
    cart = _cart((ProductFactory(shop=shop, stock=5), 1, []))
    today = timezone.localdate()
    Vacation.objects.create(shop=shop, message="Уехала на ярмарку", starts_on=today, ends_on=today + timedelta(days=7),
                            allow_cart=False)  # fmt: skip
    _refused(cart, shop, "Продавец в отпуске до")


def test_a_contact_method_the_shop_no_longer_offers_is_refused(shop):
    cart = _cart((ProductFactory(shop=shop, stock=5), 1, []))
    shop.contact_methods = ["call"]
    shop.save(update_fields=["contact_methods"])
    _refused(cart, shop, "Выберите один из способов связи", contact_method="email")


def test_a_quantity_above_the_stock_left_reaches_the_conditional_update(shop):
    product = ProductFactory(shop=shop, title="Свеча", stock=2)
    cart = _cart((product, 3, []))
    _refused(cart, shop, "осталось только 2 шт. товара «Свеча»")
    product.refresh_from_db()
    assert product.stock == 2 and cart.lines.get().quantity == 3


def test_one_short_product_rolls_the_whole_order_back(shop):
    plenty = ProductFactory(shop=shop, title="Кружка", stock=10)
    short = ProductFactory(shop=shop, title="Свеча", stock=1)
    cart = _cart((plenty, 4, []), (short, 2, []))
    _refused(cart, shop, "«Свеча»")
    plenty.refresh_from_db()
    short.refresh_from_db()
    assert (plenty.stock, short.stock) == (10, 1)
    assert cart.lines.count() == 2
