"""«Дружные скидки»: who counts as a friend (visit_record, the one counting rule) and the code the target earns."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.tests.factories import UserFactory
from referrals.friends import MAX_INVITER_BROWSERS, Outcome, code_issue, friend_signed_up, link_for, visit_record
from referrals.models import FriendRule, ReferralCode, ReferralLink, ReferralVisit, VisitStatus
from referrals.tests.factories import ReferralLinkFactory, ReferralRoundFactory

pytestmark = pytest.mark.django_db

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          "Safari/537.36")  # fmt: skip
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.1 Mobile/15E148 Safari/604.1")  # fmt: skip
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
TELEGRAM = "TelegramBot (like TwitterBot)"
VK_SHARE = "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)"
CURL = "curl/8.4.0"
HEADLESS = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 "
            "Safari/537.36")  # fmt: skip

INVITER_BROWSER = "inviter-laptop"
WINDOW = 600  # settings.REFERRAL_SAME_ADDRESS_SECONDS


@pytest.fixture
def inviter():
    return UserFactory(name="Мария Иванова", email="maria@example.com")


@pytest.fixture
def link(inviter):
    now = timezone.now()
    round_ = ReferralRoundFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30))
    return ReferralLinkFactory(round=round_, user=inviter, token="maria-link", inviter_browsers=[INVITER_BROWSER])


def visit(link, *, browser="friend-1", user=None, address="203.0.113.1", user_agent=CHROME, now=None, token=None):
    return visit_record(token=token or link.token, browser=browser, user=user, address=address,
                        user_agent=user_agent, now=now or timezone.now())  # fmt: skip


def friends_of(link, count, *, now=None, prefix="friend"):
    """``count`` distinct friends (own browser, own address) follow the link."""
    return [visit(link, browser=f"{prefix}-{index}", address=f"198.51.100.{index}", now=now) for index in range(count)]


# One row a situation: the visits before (browser, who, address, seconds after T), the visit judged, what it gives
# and how many friends the link has then. T is a moment inside the round; «before start» / «at end» are its edges.
COUNTING_RULE = [
    ("inviter's own account", [], dict(browser="phone-1", user="inviter"), Outcome.INVITER, 0),
    ("inviter's browser signed out", [], dict(browser=INVITER_BROWSER), Outcome.INVITER, 0),
    ("first friend", [], dict(), Outcome.COUNTED, 1),
    ("same browser twice", [dict(browser="b1", address="203.0.113.1")],
     dict(browser="b1", address="203.0.113.2"), Outcome.SAME_BROWSER, 1),
    ("same browser signed in later", [dict(browser="b1", address="203.0.113.1")],
     dict(browser="b1", user="friend", address="203.0.113.2"), Outcome.SAME_BROWSER, 1),
    ("same account from two browsers", [dict(browser="b1", user="friend", address="203.0.113.1")],
     dict(browser="b2", user="friend", address="203.0.113.2"), Outcome.SAME_ACCOUNT, 1),
    ("two accounts, two browsers", [dict(browser="b1", user="friend", address="203.0.113.1")],
     dict(browser="b2", user="other friend", address="203.0.113.2"), Outcome.COUNTED, 2),
    ("burst from one address", [dict(browser="b1", address="203.0.113.9", at=0)],
     dict(browser="b2", address="203.0.113.9", at=1), Outcome.SAME_ADDRESS, 1),
    ("same address at the end of the window", [dict(browser="b1", address="203.0.113.9", at=0)],
     dict(browser="b2", address="203.0.113.9", at=WINDOW - 1), Outcome.SAME_ADDRESS, 1),
    ("same address after the window", [dict(browser="b1", address="203.0.113.9", at=0)],
     dict(browser="b2", address="203.0.113.9", at=WINDOW + 1), Outcome.COUNTED, 2),
    ("another address at once", [dict(browser="b1", address="203.0.113.9", at=0)],
     dict(browser="b2", address="203.0.113.10", at=1), Outcome.COUNTED, 2),
    ("no user agent", [], dict(user_agent=""), Outcome.BOT, 0),
    ("blank user agent", [], dict(user_agent="   "), Outcome.BOT, 0),
    ("Googlebot", [], dict(user_agent=GOOGLEBOT), Outcome.BOT, 0),
    ("Telegram's link preview", [], dict(user_agent=TELEGRAM), Outcome.BOT, 0),
    ("VK's link preview", [], dict(user_agent=VK_SHARE), Outcome.BOT, 0),
    ("curl", [], dict(user_agent=CURL), Outcome.BOT, 0),
    ("headless Chrome", [], dict(user_agent=HEADLESS), Outcome.BOT, 0),
    ("Chrome", [], dict(user_agent=CHROME), Outcome.COUNTED, 1),
    ("Firefox", [], dict(user_agent=FIREFOX), Outcome.COUNTED, 1),
    ("Safari on an iPhone", [], dict(user_agent=SAFARI_IPHONE), Outcome.COUNTED, 1),
    ("no cookie", [], dict(browser=""), Outcome.NO_COOKIE, 0),
    ("round not started yet", [], dict(at="before start"), Outcome.ROUND_CLOSED, 0),
    ("the round's last second", [], dict(at="last second"), Outcome.COUNTED, 1),
    ("round ended", [], dict(at="at end"), Outcome.ROUND_CLOSED, 0),
    ("round ended, signed in", [], dict(at="at end", user="friend"), Outcome.ROUND_CLOSED, 0),
    ("unknown link", [], dict(token="no-such-link"), Outcome.UNKNOWN_LINK, 0),
]  # fmt: skip


@pytest.mark.parametrize(("situation", "before", "judged", "outcome", "friends"), COUNTING_RULE,
                         ids=[row[0] for row in COUNTING_RULE])  # fmt: skip
def test_counting_rule(link, inviter, situation, before, judged, outcome, friends):
    users = {"inviter": inviter, "friend": UserFactory(), "other friend": UserFactory(), None: None}
    moment = timezone.now()

    def when(at):
        edges = {"before start": link.round.starts_at - timedelta(seconds=1), "at end": link.round.ends_at,
                 "last second": link.round.ends_at - timedelta(seconds=1)}  # fmt: skip
        return edges[at] if isinstance(at, str) else moment + timedelta(seconds=at)

    def follow(browser="friend-1", user=None, address="203.0.113.1", user_agent=CHROME, at=0, token=None):
        return visit(link, browser=browser, user=users[user], address=address, user_agent=user_agent, now=when(at),
                     token=token)  # fmt: skip

    for earlier in before:
        assert follow(**earlier).outcome == Outcome.COUNTED

    result = follow(**judged)

    assert result.outcome == outcome
    link.refresh_from_db()
    assert link.friends_count == friends
    # A refused visit stores nothing.
    assert ReferralVisit.objects.filter(link=link, status=VisitStatus.COUNTED).count() == friends
    assert result.code is None and not ReferralCode.objects.exists()


def test_a_phone_whose_brand_ends_in_bot_is_a_person(link):
    cubot_in_telegram = ("Mozilla/5.0 (Linux; Android 11; CUBOT NOTE 20 PRO Build/RP1A.200720.011; wv) "
                         "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile "
                         "Safari/537.36 Telegram-Android/10.5.0")  # fmt: skip

    assert visit(link, user_agent=cubot_in_telegram).counted


def test_a_signed_in_visit_remembers_the_account(link):
    friend = UserFactory()
    assert visit(link, browser="b1", user=friend).counted
    assert ReferralVisit.objects.get(link=link).user == friend


def test_the_tenth_friend_issues_one_code_and_emails_the_inviter_only(
    link, inviter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nine = friends_of(link, 9)
    assert [result.outcome for result in nine] == [Outcome.COUNTED] * 9
    assert all(result.code is None for result in nine)
    assert not ReferralCode.objects.exists() and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        tenth = visit(link, browser="friend-10", address="198.51.100.200")

    assert tenth.counted
    code = ReferralCode.objects.get()
    assert tenth.code == code
    assert (code.owner, code.round, code.value, code.min_order_total, code.expires_at, code.used_at) == (
        inviter,
        link.round,
        Decimal("399"),
        Decimal("400"),
        link.round.ends_at,
        None,
    )
    assert code.code.startswith("LAVKA-") and len(code.code) == len("LAVKA-") + 6
    link.refresh_from_db()
    assert link.friends_count == 10 and link.is_reached
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["maria@example.com"]
    assert code.code in mail.body


def test_an_eleventh_friend_changes_nothing(link, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        friends_of(link, 10)
        eleventh = visit(link, browser="friend-11", address="192.0.2.11")

    assert eleventh.outcome == Outcome.TARGET_REACHED and eleventh.code is None
    link.refresh_from_db()
    assert link.friends_count == 10
    assert ReferralVisit.objects.filter(link=link).count() == 10
    assert ReferralCode.objects.count() == 1 and len(mailoutbox) == 1


def test_a_second_code_in_the_same_round_is_never_issued(link):
    friends_of(link, 10)
    link.refresh_from_db()
    assert code_issue(link=link) is None
    assert ReferralCode.objects.count() == 1


def test_every_round_gives_a_new_link_and_a_new_code(inviter):
    now = timezone.now()
    december = ReferralRoundFactory(title="Декабрь", starts_at=now - timedelta(days=40),
                                    ends_at=now - timedelta(days=10))  # fmt: skip
    january = ReferralRoundFactory(title="Январь", starts_at=now - timedelta(days=1),
                                   ends_at=now + timedelta(days=20), code_value=Decimal("499"),
                                   min_order_total=Decimal("1500"), friends_needed=3)  # fmt: skip
    first = link_for(user=inviter, round=december)
    friends_of(first, 10, now=december.starts_at + timedelta(days=1))

    second = link_for(user=inviter, round=january)
    assert second.pk != first.pk and second.token != first.token and second.friends_count == 0
    results = friends_of(second, 3, now=now, prefix="january")

    assert [result.outcome for result in results] == [Outcome.COUNTED] * 3
    codes = {code.round.title: code for code in ReferralCode.objects.filter(owner=inviter)}
    assert set(codes) == {"Декабрь", "Январь"}
    assert codes["Декабрь"].code != codes["Январь"].code
    assert (codes["Январь"].value, codes["Январь"].min_order_total, codes["Январь"].expires_at) == (
        Decimal("499"),
        Decimal("1500"),
        january.ends_at,
    )
    assert (codes["Декабрь"].value, codes["Декабрь"].expires_at) == (Decimal("399"), december.ends_at)


def test_a_friend_of_an_earlier_round_may_count_again_in_the_next(inviter):
    now = timezone.now()
    december = ReferralRoundFactory(starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=10))
    january = ReferralRoundFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=20))
    visit(link_for(user=inviter, round=december), browser="b1", now=december.starts_at + timedelta(hours=1))
    assert visit(link_for(user=inviter, round=january), browser="b1", now=now).counted


# --- Rounds that count a friend only once they sign up ---


@pytest.fixture
def signup_link(inviter):
    round_ = ReferralRoundFactory(friend_rule=FriendRule.SIGNUP)
    return ReferralLinkFactory(round=round_, user=inviter, inviter_browsers=[INVITER_BROWSER])


def test_signup_rule_counts_a_friend_once_they_sign_up_in_that_browser(signup_link):
    followed = visit(signup_link, browser="b1")
    assert followed.outcome == Outcome.AWAITING_SIGNUP
    signup_link.refresh_from_db()
    assert signup_link.friends_count == 0
    assert ReferralVisit.objects.get().status == VisitStatus.AWAITING_SIGNUP

    newcomer = UserFactory()
    assert friend_signed_up(browser="b1", user=newcomer) == [signup_link]

    signup_link.refresh_from_db()
    assert signup_link.friends_count == 1
    counted = ReferralVisit.objects.get()
    assert (counted.status, counted.user, counted.counted_at is not None) == (VisitStatus.COUNTED, newcomer, True)


def test_signup_rule_signing_up_twice_or_elsewhere_changes_nothing(signup_link):
    newcomer = UserFactory()
    visit(signup_link, browser="b1", address="203.0.113.1")
    visit(signup_link, browser="b3", address="203.0.113.3")
    friend_signed_up(browser="b1", user=newcomer)

    assert friend_signed_up(browser="b1", user=newcomer) == []  # the same sign-up reported again
    assert friend_signed_up(browser="b3", user=newcomer) == []  # the same person in their other browser
    assert friend_signed_up(browser="never-followed", user=UserFactory()) == []
    assert friend_signed_up(browser="", user=UserFactory()) == []
    signup_link.refresh_from_db()
    assert signup_link.friends_count == 1


def test_signup_rule_the_inviter_signing_in_that_browser_does_not_count(signup_link, inviter):
    visit(signup_link, browser="shared-pc")

    assert friend_signed_up(browser="shared-pc", user=inviter) == []

    signup_link.refresh_from_db()
    assert signup_link.friends_count == 0
    assert ReferralVisit.objects.get().status == VisitStatus.AWAITING_SIGNUP


def test_signup_rule_an_existing_account_is_not_a_new_friend(signup_link):
    result = visit(signup_link, browser="b1", user=UserFactory())

    assert result.outcome == Outcome.REGISTERED_ALREADY
    signup_link.refresh_from_db()
    assert signup_link.friends_count == 0 and not ReferralVisit.objects.exists()


def test_signup_rule_a_sign_up_after_the_round_ended_does_not_count(signup_link):
    visit(signup_link, browser="b1")

    assert friend_signed_up(browser="b1", user=UserFactory(), now=signup_link.round.ends_at) == []

    signup_link.refresh_from_db()
    assert signup_link.friends_count == 0


def test_signup_rule_the_sign_up_reaching_the_target_issues_the_code(inviter):
    round_ = ReferralRoundFactory(friend_rule=FriendRule.SIGNUP, friends_needed=2)
    link = ReferralLinkFactory(round=round_, user=inviter)
    for index in range(3):
        visit(link, browser=f"b{index}", address=f"203.0.113.{index}")

    for index in range(3):
        friend_signed_up(browser=f"b{index}", user=UserFactory())

    link.refresh_from_db()
    assert link.friends_count == 2
    assert list(ReferralCode.objects.values_list("owner", flat=True)) == [inviter.pk]
    assert ReferralVisit.objects.filter(status=VisitStatus.AWAITING_SIGNUP).count() == 1  # the third came too late


# --- The inviter's own browsers ---


def test_link_for_makes_one_link_per_round_and_remembers_the_inviters_browsers(inviter):
    round_ = ReferralRoundFactory()

    first = link_for(user=inviter, round=round_, browser="laptop")
    again = link_for(user=inviter, round=round_, browser="laptop")
    phone = link_for(user=inviter, round=round_, browser="phone")
    no_cookie = link_for(user=inviter, round=round_)

    assert first.pk == again.pk == phone.pk == no_cookie.pk and ReferralLink.objects.count() == 1
    assert first.token and len(first.token) <= 24
    first.refresh_from_db()
    assert first.inviter_browsers == ["laptop", "phone"]
    assert visit(first, browser="phone").outcome == Outcome.INVITER


def test_link_for_keeps_only_the_latest_browsers(inviter):
    round_ = ReferralRoundFactory()
    for index in range(MAX_INVITER_BROWSERS + 5):
        link = link_for(user=inviter, round=round_, browser=f"browser-{index}")

    link.refresh_from_db()
    assert len(link.inviter_browsers) == MAX_INVITER_BROWSERS
    assert link.inviter_browsers[0] == "browser-5"
    assert link.inviter_browsers[-1] == f"browser-{MAX_INVITER_BROWSERS + 4}"


def test_the_inviter_clicking_signed_in_then_signed_out_in_that_browser_never_counts(link, inviter):
    assert visit(link, browser="work-pc", user=inviter).outcome == Outcome.INVITER

    signed_out = visit(link, browser="work-pc", user=None)

    assert signed_out.outcome == Outcome.INVITER
    link.refresh_from_db()
    assert link.friends_count == 0


def test_an_account_seen_in_a_counted_browser_does_not_count_again_elsewhere(link):
    friend = UserFactory()
    assert visit(link, browser="phone", address="203.0.113.1").counted  # before logging in
    assert visit(link, browser="phone", user=friend, address="203.0.113.1").outcome == Outcome.SAME_BROWSER

    laptop = visit(link, browser="laptop", user=friend, address="198.51.100.7")

    assert laptop.outcome == Outcome.SAME_ACCOUNT
    link.refresh_from_db()
    assert link.friends_count == 1
