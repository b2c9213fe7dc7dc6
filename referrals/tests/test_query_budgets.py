"""Query budget of the seller's «Промо-акции и скидки»: the same count of queries for 3 and 300 promo codes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from referrals.models import DiscountKind, PromoBonus, PromoCode
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

PROMO_LIST_QUERIES = 6


@pytest.mark.parametrize("count", [3, 300])
def test_the_promo_list_makes_the_same_queries_for_3_and_300_codes(client, count, django_assert_max_num_queries):
    shop = ShopFactory(name="Мастерская Анны")
    now = timezone.now()
    promos = PromoCode.objects.bulk_create(
        PromoCode(shop=shop, name=f"Акция {n}", code=f"CODE{n:04d}", bonus=PromoBonus.PRODUCTS if n % 2 else
                  PromoBonus.ORDER, discount_kind=DiscountKind.RUBLES if n % 3 == 0 else DiscountKind.PERCENT,
                  value=Decimal("15"), is_enabled=n % 4 != 1, max_uses=5, uses_count=5 if n % 5 == 4 else n % 5,
                  revenue=Decimal("1000") * (n % 5), discount_given=Decimal("150") * (n % 5),
                  ends_at=now + timedelta(days=30), created_at=now - timedelta(minutes=count - n))
        for n in range(count)
    )  # fmt: skip
    products = [ProductFactory(shop=shop, title=f"Свеча {n}") for n in range(2)]
    for promo in promos[1::2]:  # the products a code applies to are not on the list: they cost nothing
        promo.products.set(products)
    client.force_login(shop.owner)
    with django_assert_max_num_queries(PROMO_LIST_QUERIES):
        response = client.get("/cabinet/promos/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="promo-row"') == count  # not paged: every code is there
    assert page.index(f">CODE{count - 1:04d}<") < page.index(">CODE0000<")  # the newest first
    assert f"Акция {count - 1}<" in page
    used_up = sum(1 for n in range(count) if n % 4 != 1 and n % 5 == 4)
    switched_off = sum(1 for n in range(count) if n % 4 == 1)
    assert page.count('data-testid="promo-state">исчерпана<') == used_up
    assert page.count('data-testid="promo-state">выключена<') == switched_off
