"""The demo shows promo codes and an offer: two active codes, one ended, an offer made."""

import pytest
from django.core.management import call_command

from orders.models import Order
from referrals.models import PersonalOffer, PromoCode

pytestmark = pytest.mark.django_db


def test_demo_has_two_active_codes_one_ended_and_an_offer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--products-per-shop", "6")
    codes = PromoCode.objects.filter(shop__owner__email="seller@lavka.test")
    assert sorted(code.state for code in codes) == ["active", "active", "ended"]
    vesna = codes.get(code="vesna")
    assert vesna.uses_count == 1 and Order.objects.get(promo_code=vesna).promo_discount > 0
    offer = PersonalOffer.objects.get()
    assert offer.buyer.email == "buyer@lavka.test" and offer.is_active
    call_command("seed_demo", "--force", "--products-per-shop", "6")  # idempotent
    assert PromoCode.objects.count() == 3 and PersonalOffer.objects.count() == 1
