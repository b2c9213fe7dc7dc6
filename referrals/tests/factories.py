"""Factories of the referrals app."""

from decimal import Decimal

import factory

from referrals.models import DiscountKind, PromoBonus, PromoCode
from shops.tests.factories import ShopFactory


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoCode

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Акция {n}")
    code = factory.Sequence(lambda n: f"code{n}")
    bonus = PromoBonus.ORDER
    discount_kind = DiscountKind.PERCENT
    value = Decimal("10")
