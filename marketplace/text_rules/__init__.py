"""Finds personal contacts, links and forbidden phrases in texts that sellers and buyers write."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .common import _PRIORITY, Finding, Kind, _fold, _merge, _script_variants
from .links import _find_emails_and_handles, _find_urls
from .messengers import _find_messengers
from .phones import _find_phones
from .phrases import _find_phrases

__all__ = [
    "Finding",
    "Kind",
    "describe",
    "find_contacts",
    "find_forbidden_phrases",
    "find_violations",
    "strip_contacts",
    "validate_message_text",
    "validate_no_contacts",
    "validate_no_links",
]


def find_contacts(text: str) -> list[Finding]:
    """Phones, e-mails, links, account names and messenger mentions, each span reported once."""
    if not text:
        return []
    fold = _fold(text)
    found = _find_phones(text, fold)
    for variant in [fold, *_script_variants(fold)]:
        found += _find_emails_and_handles(text, variant)
        found += _find_urls(text, variant)
        found += _find_messengers(text, variant)
    return _merge(found)


def find_forbidden_phrases(text: str) -> list[Finding]:
    """Phrases the messaging rules forbid: asking for extra payment, upselling, moving off the site."""
    if not text:
        return []
    found = []
    fold = _fold(text)
    for variant in [fold, *_script_variants(fold)]:
        found += _find_phrases(text, variant)
    return _merge(found)


def find_violations(text: str) -> list[Finding]:
    """Contacts and forbidden phrases together.

    A phrase such as "напишите мне в WhatsApp" is reported twice on purpose: as a forbidden phrase
    and, separately, the messenger inside it, because it breaks both rules and the user is told
    about both.
    """
    if not text:
        return []
    return sorted(
        [*find_contacts(text), *find_forbidden_phrases(text)],
        key=lambda f: (f.start, f.end, _PRIORITY[f.kind]),
    )


_MAX_LISTED = 5


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    rest = len(items) - _MAX_LISTED
    if rest > 0:
        more = ngettext("and %(count)d more", "and %(count)d more", rest) % {"count": rest}
        shown = f"{shown} {more}"
    return shown


def _unique(findings: list[Finding]) -> list[Finding]:
    seen = set()
    unique = []
    for f in findings:
        key = (f.kind, f.text.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def describe(findings: list[Finding]) -> str:
    """One or two sentences, in the active language, telling the user what was found."""
    contacts = _unique([f for f in findings if f.kind != Kind.FORBIDDEN_PHRASE])
    phrases = _unique([f for f in findings if f.kind == Kind.FORBIDDEN_PHRASE])
    sentences = []
    if contacts:
        items = [_("%(label)s «%(text)s»") % {"label": f.label, "text": f.text} for f in contacts]
        sentences.append(_("Contacts and links are not allowed here. Found: %(found)s.") % {"found": _listing(items)})
    if phrases:
        items = [_("«%(text)s»") % {"text": f.text} for f in phrases]
        sentences.append(
            ngettext(
                "This phrase is not allowed in messages to buyers: %(found)s.",
                "These phrases are not allowed in messages to buyers: %(found)s.",
                len(phrases),
            )
            % {"found": _listing(items)}
        )
    return " ".join(sentences)


def validate_no_contacts(value: str) -> None:
    """Django validator for shop and product texts."""
    findings = find_contacts(value)
    if findings:
        raise ValidationError(describe(findings), code="contacts")


def validate_message_text(value: str) -> None:
    """Django validator for chat messages: contacts and forbidden phrases."""
    findings = find_violations(value)
    if findings:
        raise ValidationError(describe(findings), code="forbidden")


def validate_no_links(value: str) -> None:
    """Django validator for texts the site e-mails to an address someone typed (checkout names,
    addresses, notes): phones are fine there, links are not, so nobody relays phishing through us."""
    links = _unique([f for f in find_contacts(value) if f.kind == Kind.URL])
    if links:
        found = _listing([_("«%(text)s»") % {"text": f.text} for f in links])
        raise ValidationError(_("Links are not allowed here. Found: %(found)s.") % {"found": found}, code="links")


# What is left around a removed contact: doubled spaces, a space before punctuation, empty brackets.
_SPACES_RE = re.compile(r"[ \t\u00a0]{2,}")
_SPACE_BEFORE_PUNCTUATION_RE = re.compile(r"[ \t\u00a0]+(?=[,.;:!?)\]»])")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|\[\s*\]|«\s*»|<\s*>")


def strip_contacts(text: str) -> str:
    """The text without the contacts and links that find_contacts() finds, its spacing tidied."""
    # Removing one contact may join its neighbours into another ("+7 999 site.ru 123-45-67"): again
    # until nothing is found (each round makes the text shorter, so it ends).
    original = text
    while findings := find_contacts(text):
        pieces, last = [], 0
        for finding in findings:  # in order, never overlapping
            pieces.append(text[last : finding.start])
            last = finding.end
        pieces.append(text[last:])
        text = "".join(pieces)
        text = _EMPTY_BRACKETS_RE.sub("", text)
        text = _SPACES_RE.sub(" ", text)
        text = _SPACE_BEFORE_PUNCTUATION_RE.sub("", text)
    if text is original:
        return text  # nothing found: not a character changes
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
