"""Invitations from «Дружные скидки»: the round's text plus the inviter's own, to friends' addresses.

A friend who has an account here gets it as a site message (their messages page lists it; the
messaging app reads ``Invitation`` and registers a hook to refresh its unread badge); anyone else
gets an e-mail. Sending is limited per go and per day, and a list that looks like a mailing
(too many addresses, or many of one made-up pattern) is refused as a whole, so the programme
can't be used to relay spam.
"""

import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.notifications import notify, site_url
from marketplace.text_rules import validate_no_links

from .exceptions import ReferralError
from .models import Invitation, ReferralLink

MAX_OWN_TEXT = 500
SEPARATORS = re.compile(r"[\s,;]+")

_delivered_hooks: list[Callable[[list[int]], None]] = []


def register_delivered(hook: Callable[[list[int]], None]) -> None:
    """``hook(user_ids)`` runs after invitations reach registered users (messaging: unread badge)."""
    _delivered_hooks.append(hook)


def parse_addresses(text: str) -> list[str]:
    """The addresses typed, one per line or separated by commas, lower-cased, each once, in order."""
    seen: dict[str, None] = {}
    for part in SEPARATORS.split(text or ""):
        part = part.strip().strip("<>\"'").lower()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _looks_bulk(addresses: list[str]) -> bool:
    """Many addresses that differ only by a number (anna1@, anna2@, …): a generated list."""
    stems = [re.sub(r"\d+", "#", address) for address in addresses]
    return len(addresses) >= 5 and max(stems.count(stem) for stem in set(stems)) >= 5


def invitation_text(*, link: ReferralLink, own_text: str) -> str:
    return "\n\n".join(part for part in (link.round.invitation_text.strip(), own_text.strip()) if part)


def invitations_send(*, link: ReferralLink, actor, addresses_text: str, own_text: str = "") -> dict:
    """Send the invitation to every address typed; returns {"sent": n, "skipped": n}.

    Refuses with ReferralError (naming the field) when an address is malformed, the list is
    too long or looks generated, the daily allowance is spent, or the text carries links.
    """
    if actor.pk != link.user_id:
        raise ReferralError(_("This is not your link."))
    if not link.round.is_open:
        raise ReferralError(_("The round is over: invitations wait for the next one."))
    own_text = (own_text or "").strip()
    if len(own_text) > MAX_OWN_TEXT:
        raise ReferralError(_("Your text is at most %(count)d characters long.") % {"count": MAX_OWN_TEXT},
                            field="own_text")  # fmt: skip
    try:
        validate_no_links(own_text)
    except ValidationError as error:
        raise ReferralError(error.messages[0], field="own_text") from None
    addresses = parse_addresses(addresses_text)
    if not addresses:
        raise ReferralError(_("Enter your friends' e-mail addresses."), field="addresses")
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ReferralError(_("These are not e-mail addresses: %(list)s.") % {"list": ", ".join(bad[:5])},
                            field="addresses")  # fmt: skip
    per_send = settings.REFERRAL_INVITES_PER_SEND
    if len(addresses) > per_send or _looks_bulk(addresses):
        raise ReferralError(
            ngettext("That looks like a mailing list: invite friends you know, at most %(count)d address at a time.",
                     "That looks like a mailing list: invite friends you know, at most %(count)d addresses at a time.",
                     per_send) % {"count": per_send}, field="addresses",
        )  # fmt: skip
    return _send(link=link, actor=actor, addresses=addresses, text=invitation_text(link=link, own_text=own_text))


@transaction.atomic
def _send(*, link: ReferralLink, actor, addresses: list[str], text: str) -> dict:
    # The inviter's links locked: two sends at once can't both slip under the day's allowance.
    list(ReferralLink.objects.select_for_update().filter(user=actor).values_list("pk", flat=True))
    now = timezone.now()
    already = set(Invitation.objects.filter(link=link, email__in=addresses).values_list("email", flat=True))
    fresh = [address for address in addresses if address not in already and address != actor.email.lower()]
    sent_today = Invitation.objects.filter(link__user=actor, created_at__gt=now - timedelta(days=1)).count()
    left = settings.REFERRAL_INVITES_PER_DAY - sent_today
    if len(fresh) > left:
        raise ReferralError(
            ngettext("You can send %(count)d more invitation today. Invite fewer friends or come back tomorrow.",
                     "You can send %(count)d more invitations today. Invite fewer friends or come back tomorrow.",
                     max(left, 0)) % {"count": max(left, 0)}, field="addresses",
        )  # fmt: skip
    users = {user.email.lower(): user for user in get_user_model().objects.filter(email__in=fresh, is_active=True)}
    Invitation.objects.bulk_create(
        Invitation(link=link, recipient=users.get(address), email=address, text=text, created_at=now)
        for address in fresh
    )  # fmt: skip
    inviter = first_name(actor)
    url = site_url() + reverse("referrals:follow", args=[link.token])
    for address in fresh:
        if address not in users:
            notify(template="referral_invitation", to=[address],
                   context={"inviter": inviter, "text": text, "link_url": url})  # fmt: skip
    delivered = [user.pk for user in users.values()]
    if delivered:
        for hook in _delivered_hooks:
            transaction.on_commit(lambda hook=hook: hook(delivered))
    return {"sent": len(fresh), "skipped": len(addresses) - len(fresh)}


def first_name(user) -> str:
    """How a friend is told who invited them: the first word of the name, else a neutral «Ваш друг»."""
    name = (user.name or "").split()
    return name[0] if name else _("Your friend")


def invitations_for(user):
    """The invitations a registered user received, newest first (their messages page)."""
    return Invitation.objects.filter(recipient=user).select_related("link", "link__user", "link__round")


def invitations_mark_read(*, user) -> int:
    return Invitation.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
