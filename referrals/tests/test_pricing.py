"""The order pipeline walked through the seed's examples: lines → one promo code → the total."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import TierKind, WholesaleTier
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Cart, CartLine
from orders.pricing import groups_priced
from orders.tests.factories import order_for
from referrals.models import DiscountKind, PersonalOffer, PromoBonus
from referrals.tests.factories import PromoCodeFactory
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna")


def priced(shop, lines, code="", buyer=None):
    """The shop's OrderPrice for a cart of (product, quantity) with ``code`` typed."""
    cart = Cart.objects.create(user=buyer, promo_codes={str(shop.pk): code} if code else {})
    for product, quantity in lines:
        CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    return groups_priced(cart, buyer=buyer)[0].pricing


def test_seed_ten_percent_of_1000_is_900(shop):
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    price = priced(shop, [(ProductFactory(shop=shop, price=Decimal("1000")), 1)], "VESNA")
    assert (price.subtotal, price.promo_discount, price.total) == (Decimal("1000"), Decimal("100"), Decimal("900"))
    assert price.promo.code == "vesna" and price.promo_explanation == "Промо-код vesna: скидка 10 % на заказ"


def test_seed_150_rubles_off_1000_is_850_and_never_below_zero(shop):
    PromoCodeFactory(shop=shop, code="stayhome", discount_kind=DiscountKind.RUBLES, value=150)
    assert priced(shop, [(ProductFactory(shop=shop, price=Decimal("1000")), 1)], "stayhome").total == Decimal("850")
    cheap = priced(shop, [(ProductFactory(shop=shop, price=Decimal("99")), 1)], "stayhome")
    assert (cheap.promo_discount, cheap.total) == (Decimal("99"), Decimal("0"))


def test_code_applies_after_the_product_discount(shop):
    PromoCodeFactory(shop=shop, code="vesna", value=10)
    price = priced(shop, [(ProductFactory(shop=shop, price=Decimal("1000"), discount_percent=20), 1)], "vesna")
    assert (price.line_savings, price.subtotal, price.promo_discount, price.total) == (
        Decimal("200"),
        Decimal("800"),
        Decimal("80"),
        Decimal("720"),
    )


def test_code_applies_after_a_wholesale_tier(shop):
    product = ProductFactory(shop=shop, price=Decimal("1000"))
    WholesaleTier.objects.create(product=product, min_quantity=3, kind=TierKind.TOTAL, value=Decimal("2600"))
    PromoCodeFactory(shop=shop, code="stayhome", discount_kind=DiscountKind.RUBLES, value=150)
    price = priced(shop, [(product, 3)], "stayhome")
    assert (price.subtotal, price.total) == (Decimal("2600"), Decimal("2450"))


def test_discount_on_chosen_products_only(shop):
    scarf, hat = ProductFactory(shop=shop, price=Decimal("1000")), ProductFactory(shop=shop, price=Decimal("500"))
    promo = PromoCodeFactory(shop=shop, code="scarf", bonus=PromoBonus.PRODUCTS, value=20)
    promo.products.set([scarf])
    price = priced(shop, [(scarf, 2), (hat, 1)], "scarf")
    assert (price.promo_discount, price.total) == (Decimal("400"), Decimal("2100"))
    rubles = PromoCodeFactory(shop=shop, code="minus", bonus=PromoBonus.PRODUCTS, discount_kind=DiscountKind.RUBLES,
                              value=300)  # fmt: skip
    rubles.products.set([hat])
    assert priced(shop, [(scarf, 1), (hat, 2)], "minus").promo_discount == Decimal("600")
    missing = priced(shop, [(hat, 1)], "scarf")
    assert missing.promo is None and "ни одного из них нет в заказе" in missing.promo_error


def test_gift_goes_in_the_order_at_zero_and_takes_stock(shop):
    mug, gift = ProductFactory(shop=shop, price=Decimal("800")), ProductFactory(shop=shop, title="Открытка", stock=2)
    promo = PromoCodeFactory(shop=shop, code="gift", bonus=PromoBonus.GIFTS, value=0)
    promo.products.set([mug])
    promo.gift_products.set([gift])
    price = priced(shop, [(mug, 1)], "gift")
    assert price.gifts == [gift] and price.total == Decimal("800")
    cart = Cart.objects.create(promo_codes={str(shop.pk): "gift"})
    CartLine.objects.create(cart=cart, product=mug, quantity=1)
    order = order_for_cart(cart, shop)
    item = order.items.get(is_gift=True)
    assert (item.title, item.line_total, item.discount) == ("Открытка", Decimal("0"), "Подарок (промо-код gift)")
    gift.refresh_from_db()
    assert gift.stock == 1 and order.total == Decimal("800") and order.promo_code_text == "gift"


def order_for_cart(cart, shop, buyer=None, email="masha@example.com", key="k"):
    from orders.services import order_place

    return order_place(cart=cart, shop=shop, buyer=buyer, idempotency_key=key, buyer_name="Мария",
                       phone="+79265550101", email=email, address="Казань", delivery_method="cdek",
                       contact_method="email", rules_accepted=True)  # fmt: skip


def test_personal_offer_beats_a_smaller_product_discount_but_never_stacks(shop):
    buyer = UserFactory()
    product = ProductFactory(shop=shop, price=Decimal("1000"), discount_percent=10)
    PersonalOffer.objects.create(shop=shop, buyer=buyer, product=product, percent=15,
                                 expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    price = priced(shop, [(product, 1)], buyer=buyer)
    line = price.group.lines[0]
    assert line.price.source == "personal" and line.price.total == Decimal("850")
    assert priced(shop, [(product, 1)]).group.lines[0].price.total == Decimal("900")  # a guest: no offer


def test_personal_offer_smaller_than_product_discount_loses_and_an_expired_one_is_gone(shop):
    buyer = UserFactory()
    product = ProductFactory(shop=shop, price=Decimal("1000"), discount_percent=20)
    offer = PersonalOffer.objects.create(shop=shop, buyer=buyer, product=product, percent=15,
                                         expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    line = priced(shop, [(product, 1)], buyer=buyer).group.lines[0]
    assert line.price.source == "product" and line.price.total == Decimal("800") and line.offer == offer
    offer.expires_at = timezone.now() - timedelta(minutes=1)
    offer.save()
    assert Cart.objects.filter(user=buyer).delete()
    assert priced(shop, [(product, 1)], buyer=buyer).group.lines[0].offer is None


def test_order_snapshots_the_code_and_its_amount_and_uses_the_offer(shop):
    buyer = UserFactory()
    product = ProductFactory(shop=shop, price=Decimal("1000"))
    offer = PersonalOffer.objects.create(shop=shop, buyer=buyer, product=product, percent=15,
                                         expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    promo = PromoCodeFactory(shop=shop, code="vesna", value=10)
    cart = Cart.objects.create(user=buyer, promo_codes={str(shop.pk): "vesna"})
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    order = order_for_cart(cart, shop, buyer=buyer, email=buyer.email)
    assert (order.subtotal, order.promo_discount, order.total) == (Decimal("1700"), Decimal("170"), Decimal("1530"))
    assert order.promo_code == promo and order.promo_code_text == "vesna"
    assert order.items.get().discount == "Персональная скидка 15%"
    promo.refresh_from_db()
    offer.refresh_from_db()
    assert (promo.uses_count, promo.revenue, promo.discount_given) == (1, Decimal("1530"), Decimal("170"))
    assert offer.used_at is not None
    cart.refresh_from_db()
    assert cart.promo_codes == {}
    promo.code, promo.value = "leto", 50
    promo.save()
    order.refresh_from_db()
    assert (order.promo_code_text, order.total) == ("vesna", Decimal("1530"))  # a snapshot


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"code": "other"}, "Промо-кода «vesna» в этом магазине нет. Проверьте написание."),
        ({"starts_at": "future"}, "Промо-код «vesna» начнёт действовать "),
        ({"ends_at": "past"}, "Срок действия промо-кода «vesna» закончился "),
        ({"max_uses": 0}, "Промо-код «vesna» исчерпан: все его использования уже заняты."),
        (
            {"min_order_total": Decimal("1500")},
            "Промо-код «vesna» действует на заказ от 1\u00a0500\u00a0₽; добавьте ещё на 500\u00a0₽.",
        ),
        ({"is_enabled": False}, "Промо-код «vesna» отключён магазином."),
    ],
)
def test_a_code_that_does_not_apply_says_why(shop, setup, message):
    fields = {**setup}
    if fields.get("starts_at") == "future":
        fields["starts_at"] = timezone.now() + timedelta(days=2)
    if fields.get("ends_at") == "past":
        fields["ends_at"] = timezone.now() - timedelta(days=2)
    PromoCodeFactory(shop=shop, **{"code": "vesna", **fields})
    price = priced(shop, [(ProductFactory(shop=shop, price=Decimal("1000")), 1)], "vesna")
    assert price.promo is None and price.total == Decimal("1000")
    assert price.promo_error.startswith(message)


def test_another_shops_code_names_that_shop(shop):
    PromoCodeFactory(shop=ShopFactory(name="Керамика Льва"), code="vesna")
    price = priced(shop, [(ProductFactory(shop=shop), 1)], "vesna")
    assert price.promo_error == ("Промо-код «vesna» относится к другому магазину — «Керамика Льва». "
                                 "Введите его, когда будете заказывать там.")  # fmt: skip


def test_per_buyer_limit_counts_a_guests_orders_by_e_mail(shop):
    PromoCodeFactory(shop=shop, code="vesna", max_uses_per_buyer=1)
    product = ProductFactory(shop=shop, stock=10)
    first = Cart.objects.create(promo_codes={str(shop.pk): "vesna"})
    CartLine.objects.create(cart=first, product=product, quantity=1)
    assert order_for_cart(first, shop, email="Masha@example.com", key="a").promo_code_text == "vesna"
    second = Cart.objects.create(promo_codes={str(shop.pk): "vesna"})
    CartLine.objects.create(cart=second, product=product, quantity=1)
    from orders.exceptions import CartError

    with pytest.raises(CartError, match="Вы уже использовали промо-код «vesna» 1 раз"):
        order_for_cart(second, shop, email="masha@example.com", key="b")
    assert order_for_cart(second, shop, email="other@example.com", key="c").promo_code_text == "vesna"


def test_an_order_without_a_code_pays_its_subtotal(shop):
    order = order_for(shop)
    assert order.total == order.subtotal and order.promo_code is None and order.promo_discount == 0
