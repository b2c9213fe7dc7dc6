"""The demo shows promo codes and an offer: two active codes, one ended, an offer made."""

import pytest
from django.core.management import call_command
from django.utils import timezone

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


def test_demo_shows_friends_discounts_in_every_state(client, settings, tmp_path):
    """An open round (399 on 400, 10 friends) with the buyer at 7 of 10 and a working link,
    another account holding an unused code, a closed round whose code paid part of an order."""
    from django.core.cache import cache

    from referrals.models import ReferralCode, ReferralLink, ReferralRound

    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    call_command("seed_demo", "--products-per-shop", "6")
    current = ReferralRound.objects.get(starts_at__lte=timezone.now(), ends_at__gt=timezone.now())
    assert (current.code_value, current.min_order_total, current.friends_needed) == (399, 400, 10)
    closed = ReferralRound.objects.exclude(pk=current.pk).get()
    assert closed.ends_at < current.starts_at and closed.closed_at is not None
    link = ReferralLink.objects.get(round=current, user__email="buyer@lavka.test")
    assert link.friends_count == link.visits.count() == 7
    unused = ReferralCode.objects.get(round=current)
    assert unused.owner.email != "buyer@lavka.test" and unused.used_at is None
    used = ReferralCode.objects.get(round=closed, owner__email="buyer@lavka.test")
    order = Order.objects.get(referral_code=used)
    assert order.platform_discount == used.value and order.total == order.subtotal - used.value > 0
    assert closed.starts_at < used.issued_at < order.created_at < used.used_at + timezone.timedelta(seconds=1)
    assert order.created_at < closed.ends_at
    # The link works: a friend following it lands on the home page welcomed by the buyer's name.
    agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"
    first = client.get(link.get_absolute_url(), HTTP_USER_AGENT=agent)
    response = client.get(first["Location"], HTTP_USER_AGENT=agent, follow=True)
    assert "Мария приглашает вас на Лавку" in response.content.decode()
    link.refresh_from_db()
    assert link.friends_count == 8
