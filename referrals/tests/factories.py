"""Factories of the referrals app."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from referrals.models import DiscountKind, PromoBonus, PromoCode, ReferralCode, ReferralLink, ReferralRound
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


class ReferralRoundFactory(factory.django.DjangoModelFactory):
    """An open round on the seed's terms: a 399 ₽ code on orders from 400 ₽ for 10 friends.

    Made directly, not through round_save: a test that needs two rounds chooses dates that don't overlap."""

    class Meta:
        model = ReferralRound

    title = factory.Sequence(lambda n: f"Раунд {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda round_: round_.starts_at + timedelta(days=30))
    code_value = Decimal("399")
    min_order_total = Decimal("400")
    friends_needed = 10


class ReferralLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralLink

    round = factory.SubFactory(ReferralRoundFactory)
    user = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"link-{n}")


class ReferralCodeFactory(factory.django.DjangoModelFactory):
    """A code as code_issue makes it: the round's value, minimum and end copied onto it."""

    class Meta:
        model = ReferralCode

    round = factory.SubFactory(ReferralRoundFactory)
    owner = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"LAVKA-T{n:05d}")
    value = factory.LazyAttribute(lambda code: code.round.code_value)
    min_order_total = factory.LazyAttribute(lambda code: code.round.min_order_total)
    expires_at = factory.LazyAttribute(lambda code: code.round.ends_at)
