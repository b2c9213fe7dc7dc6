"""«Дружные скидки» under simultaneous requests (PostgreSQL: real concurrent transactions): one code, one discount;
friends racing the target, one code issued; admins and the rotation job at once, no overlapping rounds."""

import threading
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.conf import settings
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.exceptions import CartError
from orders.models import Cart, CartLine, Order
from orders.services import order_place
from orders.tests.concurrency import at_once
from referrals import rounds
from referrals.exceptions import ReferralError
from referrals.friends import Outcome, visit_record
from referrals.models import ReferralCode, ReferralRound, ReferralVisit
from referrals.rounds import referral_rounds_rotate, round_save
from referrals.tests.factories import ReferralCodeFactory, ReferralLinkFactory, ReferralRoundFactory
from shops.tests.factories import ShopFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions"),
]

T = timezone.now()
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          "Safari/537.36")  # fmt: skip


def checkouts_with_one_code(count):
    """The buyer's code applied in ``count`` carts (their own and guest carts of other sessions, each for
    its own shop), all checked out at the same moment."""
    buyer = UserFactory()
    code = ReferralCodeFactory(owner=buyer, code="LAVKA-RACE22")
    calls = []
    for index in range(count):
        shop = ShopFactory(slug=f"race-{index}")
        cart = Cart.objects.create(user=buyer if index == 0 else None, referral_code=code.code, referral_shop=shop)
        CartLine.objects.create(cart=cart, product=ProductFactory(shop=shop, price=Decimal("1000"), stock=5),
                                quantity=1)  # fmt: skip
        calls.append(partial(
            order_place, cart=cart, shop=shop, buyer=buyer, idempotency_key=f"race-{index}", buyer_name="Мария",
            phone="+79265550101", email=buyer.email, address="Казань", delivery_method="cdek",
            contact_method="email", rules_accepted=True,
        ))  # fmt: skip
    return code, at_once(calls)


@pytest.mark.parametrize("count", [2, 10])
def test_one_code_in_simultaneous_checkouts_gives_one_discount(count):
    code, outcomes = checkouts_with_one_code(count)

    assert sorted(outcomes) == ["ok"] + ["refused"] * (count - 1)
    order = Order.objects.get()  # the refused checkouts saved nothing
    assert (order.referral_code, order.platform_discount, order.total) == (code, Decimal("399"), Decimal("601"))
    code.refresh_from_db()
    assert code.used_at is not None
    assert Cart.objects.exclude(referral_code="").count() == count - 1  # the others keep it, refused with a reason


def visits_at_once(link, visitors):
    """``visitors`` (browser, address) follow the link at the same moment; their outcomes in order."""
    results: list = [None] * len(visitors)

    def follow(index, browser, address):
        results[index] = visit_record(token=link.token, browser=browser, user=None, address=address,
                                      user_agent=CHROME).outcome  # fmt: skip

    outcomes = at_once([partial(follow, index, *visitor) for index, visitor in enumerate(visitors)])
    assert outcomes == ["ok"] * len(visitors)
    return results


def test_thirty_friends_racing_the_target_issue_exactly_one_code():
    link = ReferralLinkFactory(friends_count=8)

    results = visits_at_once(link, [(f"browser-{index}", f"198.51.100.{index}") for index in range(30)])

    assert sorted(results) == sorted([Outcome.COUNTED] * 2 + [Outcome.TARGET_REACHED] * 28)
    link.refresh_from_db()
    assert link.friends_count == 10
    assert ReferralVisit.objects.filter(link=link).count() == 2
    assert list(ReferralCode.objects.values_list("owner", flat=True)) == [link.user_id]


@pytest.mark.parametrize(
    ("visitors", "refusal"),
    [
        ([("one-browser", f"198.51.100.{index}") for index in range(8)], Outcome.SAME_BROWSER),
        ([(f"browser-{index}", "203.0.113.7") for index in range(8)], Outcome.SAME_ADDRESS),
    ],
    ids=["one browser clicking fast", "one address, many browsers"],
)
def test_a_burst_at_once_counts_one_friend(visitors, refusal):
    link = ReferralLinkFactory()

    results = visits_at_once(link, visitors)

    assert sorted(results) == sorted([Outcome.COUNTED] + [refusal] * 7)
    link.refresh_from_db()
    assert link.friends_count == 1


@pytest.fixture
def held_after_check(monkeypatch):
    """Each round_save is held just after its overlap check for as long as the other one can get there too.

    Without a working lock both get there, and both save; with one the second waits for the first to commit,
    the hold times out and it then sees the first round. So the race is decided the same way every run."""
    checked = threading.Barrier(2, timeout=3)
    check = rounds.round_check

    def check_then_wait(**terms):
        check(**terms)
        try:
            checked.wait()
        except threading.BrokenBarrierError:
            pass

    monkeypatch.setattr(rounds, "round_check", check_then_wait)


def two_overlapping_saves():
    def december(index):
        return ReferralRound(title=f"Декабрь {index}", starts_at=T + timedelta(days=index),
                             ends_at=T + timedelta(days=30), code_value=Decimal("399"),
                             min_order_total=Decimal("400"))  # fmt: skip

    return [partial(saved_or_refused, december(index)) for index in range(2)]


def test_two_admins_saving_overlapping_rounds_at_once_save_one(held_after_check):
    ReferralRoundFactory(title="Прошлый", starts_at=T - timedelta(days=60), ends_at=T - timedelta(days=30))

    assert sorted(at_once(two_overlapping_saves())) == ["ok", "refused"]

    assert ReferralRound.objects.count() == 2


def test_the_first_two_rounds_saved_at_once_never_overlap(held_after_check):
    assert sorted(at_once(two_overlapping_saves())) == ["ok", "refused"]

    assert ReferralRound.objects.count() == 1


def test_two_rotation_jobs_at_once_schedule_one_repeat():
    ReferralRoundFactory(starts_at=T - timedelta(days=14), ends_at=T - timedelta(hours=1), repeat_after_days=7)

    assert at_once([partial(referral_rounds_rotate, now=T) for _ in range(2)]) == ["ok", "ok"]

    assert ReferralRound.objects.count() == 2


def saved_or_refused(round_):
    """round_save as at_once reports it: a refusal is «refused»."""
    try:
        round_save(round=round_)
    except ReferralError as error:
        raise CartError(str(error)) from error
