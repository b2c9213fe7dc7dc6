"""What a message may say (seed 002 and seed 001), checked once, by services.message_send.

- Before the buyer has an order with the shop, neither side may pass contacts: phones,
  e-mail addresses, links to other sites, messenger names and account names.
- Once an order exists its contacts are on the order page, so only links to other sites are
  refused.
- Sellers may never write the forbidden phrases of seed 002 §4.2, nor advertise goods
  outside Lavka (name another marketplace).

Detection itself is marketplace.text_rules; this module only decides which findings count
and says, in words a person understands, what was found.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.text_rules import Finding, Kind, find_contacts, find_forbidden_phrases

from .models import Side

OTHER_MARKETPLACE = "other_marketplace"

# How a refusal names each kind of finding (the issue's «номер телефона», «ссылка на другой сайт»).
LABELS = {
    Kind.PHONE: gettext_lazy("phone number"),
    Kind.EMAIL: gettext_lazy("e-mail address"),
    Kind.URL: gettext_lazy("link to another site"),
    Kind.HANDLE: gettext_lazy("account name in a messenger"),
    Kind.MESSENGER: gettext_lazy("messenger or social network"),
    Kind.FORBIDDEN_PHRASE: gettext_lazy("forbidden phrase"),
    OTHER_MARKETPLACE: gettext_lazy("another marketplace"),
}

# seed 002 §1.2 «Нельзя предлагать товары вне площадки»: naming another marketplace in a
# seller's message is advertising goods outside Lavka.
_MARKETPLACES_RE = re.compile(
    r"(?<!\w)(?:avito|авито|ozon|озон[аеуы]?|wildberries|вайлдберриз|валдберис|вб|wb|ярмарк[аеиу]\s+мастеров|"
    r"livemaster|etsy|этси|aliexpress|алиэкспресс|яндекс[\s.]?маркет[аеу]?|мегамаркет[аеу]?|юла|юле)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Refusal:
    """Why a message cannot be sent: the findings and a sentence or two for the person."""

    kinds: list[str]
    message: str


def _label(kind) -> str:
    return str(LABELS.get(kind) or kind)


def _own_site(text: str) -> bool:
    """A link to Lavka itself (a product, the shop) is not a link to another site."""
    candidate = text if "://" in text else f"//{text}"
    try:
        host = (urlsplit(candidate).hostname or "").lower()
    except ValueError:
        return False
    own = {urlsplit(f"//{settings.SITE_DOMAIN}").hostname or "", *settings.ALLOWED_HOSTS}
    return bool(host) and host in {h.lower().lstrip(".") for h in own if h and h != "*"}


def _marketplaces(text: str) -> list[Finding]:
    return [
        Finding(kind=OTHER_MARKETPLACE, text=m.group(0), start=m.start(), end=m.end())
        for m in _MARKETPLACES_RE.finditer(text)
    ]


def check(text: str, *, side: str, has_order: bool) -> Refusal | None:
    """None when the message may be sent; otherwise what is wrong with it."""
    contacts = [f for f in find_contacts(text) if not (f.kind == Kind.URL and _own_site(f.text))]
    if has_order:
        contacts = [f for f in contacts if f.kind == Kind.URL]
    findings = list(contacts)
    if side == Side.SHOP:
        findings += find_forbidden_phrases(text) + _marketplaces(text)
    if not findings:
        return None
    findings.sort(key=lambda f: (f.start, f.end))
    seen, items = set(), []
    for f in findings:
        key = (str(f.kind), f.text.lower())
        if key not in seen:
            seen.add(key)
            items.append(_("%(label)s «%(text)s»") % {"label": _label(f.kind), "text": f.text})
    sentences = [_("The message was not sent. Found: %(found)s.") % {"found": ", ".join(items[:6])}]
    kinds = list(dict.fromkeys(str(f.kind) for f in findings))
    if any(k != Kind.URL and k not in (Kind.FORBIDDEN_PHRASE, OTHER_MARKETPLACE) for k in kinds):
        sentences.append(
            _("Until there is an order, phone numbers, e-mail addresses, links and messengers cannot be "
              "passed in messages: once the order is placed, its contact details are on the order page.")
        )  # fmt: skip
    elif Kind.URL in kinds:
        sentences.append(_("Links to other sites are not allowed in messages."))
    if Kind.FORBIDDEN_PHRASE in kinds or OTHER_MARKETPLACE in kinds:
        sentences.append(
            _("Shops may not ask for extra payment, push other purchases, move the conversation to "
              "messengers or offer goods outside Lavka.")
        )  # fmt: skip
    return Refusal(kinds=kinds, message=" ".join(sentences))
