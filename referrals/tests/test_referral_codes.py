"""«Дружные скидки» codes at checkout, through the cart and order_place: who may use one, on what, and once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.exceptions import CartError
from orders.models import CancelReason, Cart, CartLine, Order, OrderStatus
from orders.pricing import groups_priced
from orders.promos import cart_promo_set
from orders.services import order_place, order_transition
from referrals import services as referrals_services
from referrals.exceptions import PromoError
from referrals.models import DiscountKind, PromoBonus
from referrals.tests.factories import PromoCodeFactory, ReferralCodeFactory
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
MINIMUM = f"400{NBSP}₽"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


@pytest.fixture
def buyer():
    return UserFactory(name="Мария Иванова", email="maria@example.com")


@pytest.fixture
def code(buyer):
    """The seed's code: 399 ₽ on an order from 400 ₽."""
    return ReferralCodeFactory(owner=buyer, code="LAVKA-7KQ2M9")


def cart_of(buyer, shop, *prices, promo=""):
    """The buyer's cart with one product of each price from the shop (and the shop's code typed)."""
    cart = Cart.objects.create(user=buyer, promo_codes={str(shop.pk): promo} if promo else {})
    for price in prices:
        CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, price=Decimal(price), stock=5),
                                quantity=1)  # fmt: skip
    return cart


_keys = iter(range(1, 1000))


def place(cart, shop, buyer):
    return order_place(cart=cart, shop=shop, buyer=buyer, idempotency_key=f"key-{next(_keys)}",
                       buyer_name="Мария Иванова", phone="+79265550101",
                       email=buyer.email if buyer else "guest@example.com", address="Казань, ул. Баумана, 1",
                       delivery_method="cdek", contact_method="email", rules_accepted=True)  # fmt: skip


def test_a_399_code_on_a_400_order_makes_the_buyer_pay_1_ruble(shop, buyer, code):
    cart = cart_of(buyer, shop, "400")

    price = cart_promo_set(cart=cart, shop=shop, text=" lavka-7kq2m9 ", buyer=buyer)

    assert (price.shop_total, price.platform_discount, price.total) == (Decimal("400"), Decimal("399"), Decimal("1"))
    cart.refresh_from_db()
    assert (cart.referral_code, cart.referral_shop) == ("LAVKA-7KQ2M9", shop)

    order = place(cart, shop, buyer)

    assert (order.subtotal, order.promo_discount, order.platform_discount, order.total) == (
        Decimal("400"),
        Decimal("0"),
        Decimal("399"),
        Decimal("1"),
    )
    assert (order.referral_code, order.referral_code_text) == (code, "LAVKA-7KQ2M9")
    code.refresh_from_db()
    assert code.used_at is not None
    cart.refresh_from_db()
    assert (cart.referral_code, cart.referral_shop) == ("", None)  # placing takes the code off the cart


def test_the_shops_discount_and_lavkas_are_recorded_apart(shop, buyer, code):
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    cart = cart_of(buyer, shop, "500", promo="vesna")
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)

    order = place(cart, shop, buyer)

    assert (order.subtotal, order.promo_code_text, order.promo_discount, order.platform_discount, order.total) == (
        Decimal("500"),
        "vesna",
        Decimal("50"),
        Decimal("399"),
        Decimal("51"),
    )


def test_a_399_order_is_refused_with_the_minimum_named(shop, buyer, code):
    cart = cart_of(buyer, shop, "399")

    with pytest.raises(PromoError) as refused:
        cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)

    assert MINIMUM in str(refused.value) and code.code in str(refused.value)
    assert f"1{NBSP}₽" in str(refused.value)  # how much is missing
    cart.refresh_from_db()
    assert cart.referral_code == "" and cart.referral_shop is None


@pytest.mark.parametrize(
    ("price", "shop_code", "applies", "total"),
    [
        ("500", "", True, Decimal("101")),
        ("500", "vesna", True, Decimal("51")),  # 500 − 10 % = 450, from 400: it applies
        ("444.44", "vesna", True, Decimal("1.00")),  # 444,44 − 44,44 = 400 exactly
        ("440", "vesna", False, Decimal("396")),  # 440 − 10 % = 396 < 400: refused
        ("450", "minus100", False, Decimal("350")),
        ("600", "minus100", True, Decimal("101")),
    ],
)
def test_the_minimum_is_measured_after_the_shops_code(shop, buyer, code, price, shop_code, applies, total):
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    PromoCodeFactory(shop=shop, code="minus100", discount_kind=DiscountKind.RUBLES, value=100)
    cart = cart_of(buyer, shop, price, promo=shop_code)

    if applies:
        cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
        cart.refresh_from_db()
    else:
        with pytest.raises(PromoError, match=MINIMUM):
            cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
        cart.referral_code, cart.referral_shop = code.code, shop  # typed anyway: checkout checks again
        cart.save()

    pricing = groups_priced(cart, buyer=buyer)[0].pricing
    assert pricing.total == total and pricing.total >= 0
    assert pricing.platform_discount == (Decimal("399") if applies else 0)
    assert bool(pricing.referral_error) is not applies


@pytest.mark.parametrize("situation", ["guest", "another buyer", "used", "round ended", "no such code"])
def test_codes_that_do_not_apply_are_refused(shop, buyer, code, situation):
    who = {"guest": None, "another buyer": UserFactory()}.get(situation, buyer)
    text = code.code
    if situation == "used":
        code.used_at = timezone.now()
        code.save()
    elif situation == "round ended":
        code.expires_at = timezone.now() - timedelta(minutes=1)
        code.save()
    elif situation == "no such code":
        text = "LAVKA-ZZZZZZ"
    cart = cart_of(who, shop, "1000")

    with pytest.raises(PromoError) as refused:
        cart_promo_set(cart=cart, shop=shop, text=text, buyer=who)

    assert text in str(refused.value) and refused.value.field == "code"
    cart.refresh_from_db()
    assert cart.referral_code == ""


@pytest.mark.parametrize("situation", ["guest", "another buyer", "used", "round ended"])
def test_checkout_checks_the_code_again_and_saves_nothing(shop, buyer, code, situation):
    who = {"guest": None, "another buyer": UserFactory()}.get(situation, buyer)
    cart = cart_of(who, shop, "1000")
    cart.referral_code, cart.referral_shop = code.code, shop  # applied earlier, when it still worked
    cart.save()
    if situation == "used":
        code.used_at = timezone.now()
        code.save()
    elif situation == "round ended":
        code.expires_at = timezone.now() - timedelta(minutes=1)
        code.save()
    product = cart.lines.get().product

    with pytest.raises(CartError) as refused:
        place(cart, shop, who)

    assert code.code in str(refused.value)
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5 and cart.lines.count() == 1


def test_a_used_code_works_again_once_its_order_is_cancelled(shop, buyer, code):
    cart = cart_of(buyer, shop, "400")
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
    order = place(cart, shop, buyer)
    CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, price=Decimal("700")), quantity=1)
    with pytest.raises(PromoError):
        cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)

    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                     cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip

    code.refresh_from_db()
    assert code.used_at is None
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
    again = place(cart, shop, buyer)
    assert (again.platform_discount, again.total) == (Decimal("399"), Decimal("301"))
    order.refresh_from_db()
    assert order.platform_discount == Decimal("399")  # the cancelled order keeps its history


def test_a_cancelled_order_after_the_round_ended_gives_back_nothing_usable(shop, buyer, code):
    cart = cart_of(buyer, shop, "400")
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
    order = place(cart, shop, buyer)
    code.expires_at = timezone.now() - timedelta(minutes=1)
    code.save()

    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                     cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip

    CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, price=Decimal("700")), quantity=1)
    with pytest.raises(PromoError):
        cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)


def test_the_cart_dropping_below_the_minimum_before_checkout_is_refused_and_nothing_is_saved(shop, buyer, code):
    cart = cart_of(buyer, shop, "300", "200")
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
    scarf, hat = [line.product for line in cart.lines.order_by("pk")]
    cart.lines.get(product=hat).delete()

    with pytest.raises(CartError) as refused:
        place(cart, shop, buyer)

    assert MINIMUM in str(refused.value) and f"100{NBSP}₽" in str(refused.value)
    assert not Order.objects.exists()
    scarf.refresh_from_db()
    assert scarf.stock == 5
    code.refresh_from_db()
    cart.refresh_from_db()
    assert code.used_at is None and cart.referral_code == code.code and cart.lines.count() == 1


def test_the_code_applies_to_the_shop_it_was_applied_to_only(shop, buyer, code):
    other_shop = ShopFactory(slug="other")
    cart = cart_of(buyer, shop, "1000")
    CartLine.objects.create(cart=cart, product=ProductFactory(shop=other_shop, price=Decimal("1000")), quantity=1)
    cart_promo_set(cart=cart, shop=shop, text=code.code, buyer=buyer)
    cart_promo_set(cart=cart, shop=other_shop, text=code.code, buyer=buyer)  # moved: one order takes it

    first = place(cart, shop, buyer)
    second = place(cart, other_shop, buyer)

    assert (first.platform_discount, first.total) == (Decimal("0"), Decimal("1000"))
    assert (second.platform_discount, second.total) == (Decimal("399"), Decimal("601"))


def test_a_shop_may_not_create_a_code_that_looks_like_lavkas(shop):
    with pytest.raises(PromoError) as refused:
        referrals_services.promo_create(shop=shop, actor=shop.owner, name="Акция", code="lavka-sale",
                                        bonus=PromoBonus.ORDER, discount_kind=DiscountKind.PERCENT,
                                        value=10)  # fmt: skip

    assert refused.value.field == "code" and "LAVKA-" in str(refused.value)
    assert not shop.promo_codes.exists()


@pytest.mark.parametrize(
    ("prices", "shop_code", "total"),
    [
        (["400"], "", Decimal("1")),
        (["1"], "", Decimal("1")),
        (["400"], "all", Decimal("0")),  # the shop gives everything: Lavka's code has nothing to apply to
        (["500"], "minus150", Decimal("350")),
        (["1000", "0.01"], "minus150", Decimal("451.01")),
    ],
)
def test_the_total_is_never_negative(shop, buyer, code, prices, shop_code, total):
    PromoCodeFactory(shop=shop, code="all", value=100)
    PromoCodeFactory(shop=shop, code="minus150", discount_kind=DiscountKind.RUBLES, value=150)
    cart = cart_of(buyer, shop, *prices, promo=shop_code)
    cart.referral_code, cart.referral_shop = code.code, shop
    cart.save()

    pricing = groups_priced(cart, buyer=buyer)[0].pricing

    assert pricing.total == total and pricing.total >= 0
    assert pricing.total == pricing.shop_total - pricing.platform_discount
