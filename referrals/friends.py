"""«Дружные скидки»: personal links, who counts as a friend, and the code the target earns.

``visit_record`` is the one counting rule (seed 000 «после того как 10 друзей перейдут по
ссылке», hardened): a distinct person following the link while the round is open. Never the
inviter (their account, or a browser they opened «Дружные скидки» in), one count per browser
(a signed first-party cookie) and per account, one per client address in a short time, no bots
(no cookie, a crawler's user agent). The link's row is locked while counting, so visits racing
the target issue exactly one code.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.notifications import notify, site_url

from .models import (
    REFERRAL_CODE_PREFIX,
    FriendRule,
    ReferralCode,
    ReferralLink,
    ReferralRound,
    ReferralVisit,
    VisitStatus,
)
from .rounds import round_terms

MAX_INVITER_BROWSERS = 20
# Link previews of messengers and social networks, search crawlers, scripts and headless browsers.
# («Cubot» phones are people: isbot's exclusion.)
BOT_AGENTS = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|preview|facebookexternalhit|vkshare|whatsapp|curl|wget|python|httpclient|"
    r"http-client|java/|go-http|okhttp|axios|node-fetch|headless|phantom|lighthouse|archiver",
    re.IGNORECASE,
)


class Outcome(StrEnum):
    COUNTED = "counted"
    AWAITING_SIGNUP = "awaiting_signup"
    UNKNOWN_LINK = "unknown_link"
    ROUND_CLOSED = "round_closed"
    BOT = "bot"
    NO_COOKIE = "no_cookie"
    INVITER = "inviter"
    SAME_BROWSER = "same_browser"
    SAME_ACCOUNT = "same_account"
    SAME_ADDRESS = "same_address"
    REGISTERED_ALREADY = "registered_already"
    TARGET_REACHED = "target_reached"


@dataclass
class VisitResult:
    outcome: Outcome
    link: ReferralLink | None = None
    code: ReferralCode | None = None  # issued by this very visit

    @property
    def counted(self) -> bool:
        return self.outcome == Outcome.COUNTED


def new_browser_id() -> str:
    return secrets.token_hex(16)


def address_key(address: str) -> str:
    """A keyed hash of the client's address: visits keep it, never the address itself."""
    return hmac.new(settings.SECRET_KEY.encode(), f"referrals:{address}".encode(), hashlib.sha256).hexdigest()


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_AGENTS.search(user_agent))


def link_for(*, user, round: ReferralRound, browser: str = "") -> ReferralLink:  # noqa: A002
    """The user's personal link for the round, made on their first visit to «Дружные скидки»;
    ``browser`` is remembered as one of the inviter's own (their clicks from it never count)."""
    link = ReferralLink.objects.filter(user=user, round=round).first()
    if link is None:
        try:
            with transaction.atomic():
                link = ReferralLink.objects.create(user=user, round=round, token=secrets.token_urlsafe(9),
                                                   inviter_browsers=[browser] if browser else [])  # fmt: skip
        except IntegrityError:  # the same person's two tabs at once
            link = ReferralLink.objects.get(user=user, round=round)
    if browser and browser not in link.inviter_browsers:
        with transaction.atomic():
            locked = ReferralLink.objects.select_for_update().get(pk=link.pk)
            locked.inviter_browsers = [*locked.inviter_browsers, browser][-MAX_INVITER_BROWSERS:]
            locked.save(update_fields=["inviter_browsers"])
            link.inviter_browsers = locked.inviter_browsers
    return link


def visit_record(*, token: str, browser: str, user, address: str, user_agent: str,
                 now: datetime | None = None) -> VisitResult:  # fmt: skip
    """Count (or not) one person following ``/r/<token>/``; the result says why."""
    now = now or timezone.now()
    link = ReferralLink.objects.select_related("round", "user").filter(token=token).first()
    if link is None:
        return VisitResult(Outcome.UNKNOWN_LINK)
    user = user if user is not None and user.is_authenticated else None
    if not link.round.is_open_at(now):
        return VisitResult(Outcome.ROUND_CLOSED, link)
    if user is not None and user.pk == link.user_id:
        if browser and browser not in link.inviter_browsers:  # their clicks from here never count, signed out too
            link_for(user=link.user, round=link.round, browser=browser)
        return VisitResult(Outcome.INVITER, link)
    if browser and browser in link.inviter_browsers:
        return VisitResult(Outcome.INVITER, link)
    if is_bot(user_agent):
        return VisitResult(Outcome.BOT, link)
    if not browser:
        return VisitResult(Outcome.NO_COOKIE, link)
    with transaction.atomic():
        link = ReferralLink.objects.select_for_update().select_related("round", "user").get(pk=link.pk)
        refusal = _refusal(link, browser=browser, user=user, address=address_key(address), now=now)
        if refusal == Outcome.SAME_BROWSER and user is not None:
            _attach_account(link, browser=browser, user=user)
        if refusal is not None:
            return VisitResult(refusal, link)
        waiting = link.round.friend_rule == FriendRule.SIGNUP
        if waiting and user is not None:
            # The round counts new members: someone who already has an account is not one.
            return VisitResult(Outcome.REGISTERED_ALREADY, link)
        ReferralVisit.objects.create(
            link=link, browser=browser, user=user, address=address_key(address), created_at=now,
            status=VisitStatus.AWAITING_SIGNUP if waiting else VisitStatus.COUNTED, counted_at=None if waiting else now,
        )  # fmt: skip
        if waiting:
            return VisitResult(Outcome.AWAITING_SIGNUP, link)
        return VisitResult(Outcome.COUNTED, link, _count(link, now=now))


def _refusal(link: ReferralLink, *, browser: str, user, address: str, now: datetime) -> Outcome | None:
    if link.friends_count >= link.round.friends_needed:
        return Outcome.TARGET_REACHED
    visits = ReferralVisit.objects.filter(link=link)
    if visits.filter(browser=browser).exists():
        return Outcome.SAME_BROWSER
    if user is not None and visits.filter(user=user).exists():
        return Outcome.SAME_ACCOUNT
    window = timedelta(seconds=settings.REFERRAL_SAME_ADDRESS_SECONDS)
    if visits.filter(address=address, created_at__gt=now - window).exists():
        return Outcome.SAME_ADDRESS
    return None


def _attach_account(link: ReferralLink, *, browser: str, user) -> None:
    """A browser counted anonymously, now seen signed in: the account is that friend, so it can't
    count again from another browser."""
    if not ReferralVisit.objects.filter(link=link, user=user).exists():
        ReferralVisit.objects.filter(link=link, browser=browser, user__isnull=True).update(user=user)


def _count(link: ReferralLink, *, now: datetime) -> ReferralCode | None:
    """One more friend on the locked link; the one that reaches the target issues the code."""
    link.friends_count += 1
    link.save(update_fields=["friends_count"])
    if link.friends_count < link.round.friends_needed:
        return None
    return code_issue(link=link, now=now)


def friend_signed_up(*, browser: str, user, now: datetime | None = None) -> list[ReferralLink]:
    """A person who followed links (in rounds that count sign-ups) has signed up in this browser:
    each of those links gets its friend, if the rules still allow it."""
    now = now or timezone.now()
    if not browser:
        return []
    counted = []
    waiting = ReferralVisit.objects.filter(browser=browser, status=VisitStatus.AWAITING_SIGNUP,
                                           link__round__starts_at__lte=now, link__round__ends_at__gt=now)  # fmt: skip
    for link_id in waiting.values_list("link_id", flat=True):
        with transaction.atomic():
            link = ReferralLink.objects.select_for_update().select_related("round", "user").get(pk=link_id)
            visit = ReferralVisit.objects.filter(link=link, browser=browser, status=VisitStatus.AWAITING_SIGNUP).first()
            if visit is None or link.user_id == user.pk or link.friends_count >= link.round.friends_needed:
                continue
            if ReferralVisit.objects.filter(link=link, user=user).exclude(pk=visit.pk).exists():
                continue
            visit.status, visit.user, visit.counted_at = VisitStatus.COUNTED, user, now
            visit.save(update_fields=["status", "user", "counted_at"])
            _count(link, now=now)
            counted.append(link)
    return counted


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def _new_code() -> str:
    return REFERRAL_CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def code_issue(*, link: ReferralLink, now: datetime | None = None) -> ReferralCode | None:
    """The round's code for the link's owner (once per user per round); they are e-mailed it."""
    now = now or timezone.now()
    existing = ReferralCode.objects.filter(round=link.round, owner=link.user).first()
    if existing is not None:
        return None
    round = link.round  # noqa: A001
    while True:
        code = _new_code()
        if not ReferralCode.objects.filter(code=code).exists():
            break
    issued = ReferralCode.objects.create(round=round, owner=link.user, code=code, value=round.code_value,
                                         min_order_total=round.min_order_total, expires_at=round.ends_at,
                                         issued_at=now)  # fmt: skip
    notify(template="referral_code", to=[link.user.email], context={
        "code": issued, "round": round, "user": link.user, "terms": round_terms(round),
        "page_url": site_url() + reverse("referrals:page"),
    })  # fmt: skip
    return issued
