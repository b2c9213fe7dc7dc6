"""«Дружные скидки» pages: /referrals/ for each kind of visitor, the /r/ link with its cookie
round trip, sending invitations (bad input, limits), the home banner, the sign-up hook, the admin
round form, and the query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from marketplace.tests.factories import PASSWORD, UserFactory
from referrals.friends import address_key, new_browser_id
from referrals.models import FriendRule, Invitation, ReferralCode, ReferralLink, ReferralRound, ReferralVisit
from referrals.tests.factories import ReferralCodeFactory, ReferralLinkFactory, ReferralRoundFactory
from referrals.views.buyer import BROWSER_COOKIE

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PAGE = "/referrals/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the open round is cached for a minute
    yield
    cache.clear()


@pytest.fixture
def masha():
    return UserFactory(email="masha@example.com", name="Мария Иванова")


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&nbsp;", " ")


def follow(client, link, *, address="203.0.113.7"):
    """A friend's click as a browser makes it: the cookie round trip, then the home page."""
    first = client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address)
    assert first.status_code == 302
    return client.get(first["Location"], HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address, follow=True)


# The page --------------------------------------------------------------------------------------


def test_anonymous_visitor_reads_the_terms_and_is_asked_to_log_in(client):
    ReferralRoundFactory(title="Зимний раунд")
    page = text(client.get(PAGE))
    assert "Пригласите 10 друзей до" in page and "399" in page and "400" in page
    assert "Войдите, чтобы получить личную ссылку" in page
    assert "/r/" not in page


def test_signed_in_buyer_gets_a_link_progress_and_the_invitation_form(client, masha):
    round_ = ReferralRoundFactory()
    client.force_login(masha)
    response = client.get(PAGE)
    link = ReferralLink.objects.get(user=masha, round=round_)
    page = text(response)
    assert f"/r/{link.token}/" in page
    assert "0 из 10 друзей" in page
    assert "Пригласить друзей" in page
    # The page remembers this browser as the inviter's: its clicks never count.
    browser = response.cookies[BROWSER_COOKIE].value
    assert link.inviter_browsers and browser.startswith(link.inviter_browsers[0])


def test_the_code_shows_once_the_target_is_reached(client, masha):
    round_ = ReferralRoundFactory()
    ReferralLinkFactory(round=round_, user=masha, friends_count=10)
    code = ReferralCodeFactory(round=round_, owner=masha, code="LAVKA-ABC234")
    client.force_login(masha)
    page = text(client.get(PAGE))
    assert "LAVKA-ABC234" in page and "10 из 10 друзей" in page
    assert "Скидка 399 ₽ на заказ от 400 ₽" in page
    assert "Скопировать промо-код" in page
    assert 'data-testid="invite-form"' not in page  # nothing left to invite for
    code.used_at = timezone.now()
    code.save()
    assert "Использован" in text(client.get(PAGE))


def test_between_rounds_the_page_says_when_the_next_starts(client, masha):
    start = timezone.now() + timedelta(days=5)
    ReferralRoundFactory(starts_at=start, ends_at=start + timedelta(days=20))
    client.force_login(masha)
    page = text(client.get(PAGE))
    assert "Следующий начнётся" in page
    assert not ReferralLink.objects.exists()
    assert 'data-testid="invite-form"' not in page


def test_history_lists_earlier_rounds_with_their_codes(client, masha):
    now = timezone.now()
    old = ReferralRoundFactory(title="Осенний раунд", starts_at=now - timedelta(days=60),
                               ends_at=now - timedelta(days=30))  # fmt: skip
    older = ReferralRoundFactory(title="Летний раунд", starts_at=now - timedelta(days=120),
                                 ends_at=now - timedelta(days=90))  # fmt: skip
    ReferralLinkFactory(round=old, user=masha, friends_count=10)
    ReferralCodeFactory(round=old, owner=masha, code="LAVKA-OLD234", used_at=now - timedelta(days=40))
    ReferralLinkFactory(round=older, user=masha, friends_count=4)
    ReferralRoundFactory(title="Зимний раунд")
    client.force_login(masha)
    page = text(client.get(PAGE))
    assert "Прошлые раунды" in page
    assert "Осенний раунд" in page and "LAVKA-OLD234" in page and "использован" in page
    assert "Летний раунд" in page and "4 / 10" in page and "без промо-кода: мало друзей" in page


HISTORY_ROWS = 24  # referrals.selectors.history_for shows the latest 24 earlier rounds


@pytest.mark.parametrize("rows", [3, 300])
def test_page_query_budget_does_not_grow(client, masha, django_assert_max_num_queries, rows):
    """As many earlier rounds (with their links and codes) and friends' visits as ``rows``."""
    now = timezone.now()
    current = ReferralRoundFactory()
    link = ReferralLinkFactory(round=current, user=masha, friends_count=min(rows, 9))
    ReferralVisit.objects.bulk_create(ReferralVisit(link=link, browser=f"b{n}", address=f"a{n}") for n in range(rows))
    past = ReferralRound.objects.bulk_create(
        ReferralRound(title=f"Прошлый раунд {n}", starts_at=now - timedelta(days=40 * (n + 1)),
                      ends_at=now - timedelta(days=40 * (n + 1) - 30), code_value=Decimal("399"),
                      min_order_total=Decimal("400"))
        for n in range(rows)
    )  # fmt: skip
    ReferralLink.objects.bulk_create(
        ReferralLink(round=round_, user=masha, token=f"past-{n}", friends_count=10 if n % 2 else 4)
        for n, round_ in enumerate(past)
    )  # fmt: skip
    ReferralCode.objects.bulk_create(  # a code where the target was reached
        ReferralCode(round=round_, owner=masha, code=f"LAVKA-P{n:05d}", value=round_.code_value,
                     min_order_total=round_.min_order_total, expires_at=round_.ends_at)
        for n, round_ in enumerate(past)
        if n % 2
    )  # fmt: skip
    client.force_login(masha)
    client.get(PAGE)  # the link exists and this browser is remembered
    with django_assert_max_num_queries(12):
        response = client.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    shown = min(rows, HISTORY_ROWS)
    history = page[page.index('data-testid="referral-history"') :]
    assert history.count("Прошлый раунд ") == shown
    assert "Прошлый раунд 0<" in history and f"Прошлый раунд {shown - 1}<" in history  # the latest first
    assert f"Прошлый раунд {shown}<" not in history
    assert history.count("LAVKA-P") == shown // 2 and history.count("без промо-кода: мало друзей") == -(-shown // 2)
    assert f"{min(rows, 9)} из 10 друзей" in page


# The link ----------------------------------------------------------------------------------------


def test_a_friend_follows_the_link_lands_on_home_welcomed_and_counts(client, masha):
    link = ReferralLinkFactory(user=masha)
    response = follow(client, link)
    assert response.redirect_chain[-1][0] == reverse("catalog:home")
    assert "Мария приглашает вас на Лавку" in text(response)
    link.refresh_from_db()
    assert link.friends_count == 1


def test_a_client_without_cookies_is_welcomed_but_not_counted(client, masha):
    link = ReferralLinkFactory(user=masha)
    first = client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME)
    client.cookies.pop(BROWSER_COOKIE)  # a client that keeps no cookies
    response = client.get(first["Location"], HTTP_USER_AGENT=CHROME, follow=True)
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.friends_count == 0


def test_a_tampered_cookie_counts_as_none(client, masha):
    link = ReferralLinkFactory(user=masha)
    client.cookies[BROWSER_COOKIE] = "forged-value"
    response = client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302 and "?c=1" in response["Location"]  # treated as a first visit


def test_the_inviters_own_click_is_explained_and_not_counted(client, masha):
    link = ReferralLinkFactory(user=masha)
    client.force_login(masha)
    response = follow(client, link)
    assert "Это ваша собственная ссылка" in text(response)
    link.refresh_from_db()
    assert link.friends_count == 0


def test_an_unknown_link_goes_home_quietly(client):
    response = client.get("/r/no-such-token/?c=1", HTTP_USER_AGENT=CHROME, follow=True)
    assert response.redirect_chain[-1][0] == reverse("catalog:home")
    assert "приглашает вас" not in text(response)


@pytest.mark.parametrize("rows", [3, 300])
def test_link_query_budget_does_not_grow(client, masha, django_assert_max_num_queries, rows):
    link = ReferralLinkFactory(user=masha, round=ReferralRoundFactory(friends_needed=100))
    ReferralVisit.objects.bulk_create(
        ReferralVisit(link=link, browser=new_browser_id(), address=address_key(f"10.0.{n // 250}.{n % 250}"))
        for n in range(rows)
    )  # fmt: skip
    first = client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME)
    with django_assert_max_num_queries(10):
        response = client.get(first["Location"], HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.friends_count == 1


# Invitations --------------------------------------------------------------------------------------


def _invite(client, **data):
    return client.post(reverse("referrals:invite"), {"addresses": "", "own_text": "", **data})


def test_invitations_go_by_mail_to_strangers_and_as_messages_to_members(
    client,
    masha,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    ReferralRoundFactory(invitation_text="Загляните на Лавку!")
    friend = UserFactory(email="olga@example.com")
    client.force_login(masha)
    client.get(PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, addresses="olga@example.com, ivan@example.com\npetr@example.com",
                           own_text="Там классные кружки.")  # fmt: skip
    assert response.status_code == 302
    assert "Приглашения отправлены 3 друзьям." in text(client.get(PAGE))
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ivan@example.com", "petr@example.com"]
    mail = mailoutbox[0]
    assert len(mail.to) == 1 and "Мария приглашает вас на Лавку" in mail.subject
    assert "Загляните на Лавку!" in mail.body and "Там классные кружки." in mail.body and "/r/" in mail.body
    assert "masha@example.com" not in mail.body
    invitation = Invitation.objects.get(recipient=friend)
    assert invitation.text == "Загляните на Лавку!\n\nТам классные кружки."
    # The same addresses again are skipped, not sent twice.
    response = _invite(client, addresses="ivan@example.com")
    assert "1 адрес пропущен" in text(client.get(PAGE))
    assert Invitation.objects.count() == 3


@pytest.mark.parametrize(
    ("addresses", "own_text", "error"),
    [
        ("", "", "Обязательное поле."),
        ("anna@example.com, not-an-address", "", "Это не адреса электронной почты: not-an-address."),
        (", ".join(f"friend{n}@example.com" for n in range(21)), "", "Похоже на рассылку"),
        (", ".join(f"anna{n}@example.com" for n in range(6)), "", "Похоже на рассылку"),
        ("anna@example.com", "Смотри https://evil.example/win", "Ссылки здесь запрещены"),
        ("anna@example.com", "я" * 501, "не более 500"),
    ],
)
def test_bad_invitations_are_refused_with_the_reason_and_the_input_kept(client, masha, addresses, own_text, error):
    ReferralRoundFactory()
    client.force_login(masha)
    response = _invite(client, addresses=addresses, own_text=own_text)
    page = text(response)
    assert response.status_code == 400
    assert error in page
    if addresses:
        assert addresses.split(",")[0] in page  # what was typed is still in the form
    assert not Invitation.objects.exists()


def test_the_days_allowance_is_enforced(client, masha, settings):
    settings.REFERRAL_INVITES_PER_DAY = 3
    ReferralRoundFactory()
    client.force_login(masha)
    _invite(client, addresses="a@example.com, b@example.com")
    response = _invite(client, addresses="c@example.com, d@example.com")
    assert response.status_code == 400
    assert "Сегодня можно отправить ещё 1 приглашение" in text(response)
    assert Invitation.objects.count() == 2


def test_sending_is_rate_limited(client, masha):
    ReferralRoundFactory()
    client.force_login(masha)
    for n in range(10):
        assert _invite(client, addresses=f"x{n}@example.org").status_code == 302
    response = _invite(client, addresses="late@example.org")
    assert response.status_code == 429
    assert "Попробуйте через час" in text(response)


def test_no_invitations_without_an_open_round_or_signed_out(client, masha):
    assert _invite(client, addresses="a@example.com").status_code == 302
    client.force_login(masha)
    _invite(client, addresses="a@example.com")
    assert not Invitation.objects.exists()


# Around the site ---------------------------------------------------------------------------------


def test_home_page_and_user_menu_lead_to_the_programme(client, masha):
    assert "home-referrals" not in text(client.get("/"))  # no round, no banner
    ReferralRoundFactory()
    cache.clear()
    home = text(client.get("/"))
    assert "Дружные скидки" in home and "Пригласите 10 друзей на Лавку" in home and PAGE in home
    client.force_login(masha)
    assert 'data-testid="menu-referrals"' in text(client.get("/catalog/"))


def test_a_sign_up_after_following_counts_in_a_signup_round(client, masha, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    link = ReferralLinkFactory(user=masha, round=ReferralRoundFactory(friend_rule=FriendRule.SIGNUP))
    follow(client, link)
    link.refresh_from_db()
    assert link.friends_count == 0
    client.post("/accounts/signup/", {"email": "new@example.com", "name": "Ольга", "password1": PASSWORD,
                                        "password2": PASSWORD})  # fmt: skip
    link.refresh_from_db()
    assert link.friends_count == 1


def test_admin_round_form_refuses_overlaps_and_a_value_above_the_minimum(admin_client):
    existing = ReferralRoundFactory(title="Зимний раунд")
    start = existing.starts_at + timedelta(days=3)
    data = {"title": "Пересекается", "starts_at_0": start.strftime("%d.%m.%Y"), "starts_at_1": "00:00",
            "ends_at_0": (start + timedelta(days=10)).strftime("%d.%m.%Y"), "ends_at_1": "00:00",
            "code_value": "500", "min_order_total": "400", "friends_needed": "10", "friend_rule": "visit",
            "invitation_text": "Привет!"}  # fmt: skip
    response = admin_client.post(reverse("admin:referrals_referralround_add"), data)
    page = text(response)
    assert response.status_code == 200
    assert "меньше минимальной суммы заказа" in page
    data["code_value"] = "399"
    page = text(admin_client.post(reverse("admin:referrals_referralround_add"), data))
    assert "пересекаются с раундом «Зимний раунд»" in page
    assert ReferralRound.objects.count() == 1
    later = existing.ends_at + timedelta(days=14)
    data.update(starts_at_0=later.strftime("%d.%m.%Y"), ends_at_0=(later + timedelta(days=10)).strftime("%d.%m.%Y"))
    response = admin_client.post(reverse("admin:referrals_referralround_add"), data)
    assert response.status_code == 302
    assert ReferralRound.objects.count() == 2
