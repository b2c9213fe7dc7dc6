"""Links, bare and disguised domains, e-mail addresses and account names ("@name")."""

import re

from .common import Finding, Kind, _find

# --- Links and domains --------------------------------------------------------------------------

# Bare "word.word" is only a link when it ends in a real top-level domain: otherwise "т.е.",
# "ул.Ленина", "Mr.Smith" and "размеры.pdf" would all be links. "ру" is how people dodge filters.
_TLDS = (
    "ru su com net org info biz me io pro shop store online site app dev by kz ua uz cc ly art club tv "
    "xyz top live space tech website fun icu blog link click moscow eu "
    # Free and short-link zones: bit.ly, goo.gl, is.gd, u.to, and the free .tk/.ml/.ga/.cf/.gq.
    "tk ml ga cf gq gl gd to "
    "рф рус ру москва"
).split()
_TLD = "(?:" + "|".join(sorted(_TLDS, key=len, reverse=True)) + ")"
# TLDs that are also English words: "качество.Top" is more likely a missing space than a domain.
_WORD_TLDS = set("me by pro shop store online site app art club top live space tech fun link click to москва".split())
# "г.Москва", "ул.Ленина", "см.рф": a Russian abbreviation with its full stop is not a domain label.
_ABBREVIATIONS = set("г гор ул д дом пр просп пер пос п обл р см т ст стр корп кв оф наб пл м мкр шт им св с".split())
# "ком" for ".com" only ever follows a spelled-out dot ("site точка ком").
_SPELLED_TLD = "(?:" + "|".join(sorted([*_TLDS, "ком"], key=len, reverse=True)) + ")"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_URL_CHARS = r"[^\s<>«»\"'`]"
# Sentence punctuation that sticks to the end of a link but is not part of it.
_URL_TRAILING = ".,;:!?)]}'\"»…"

_SCHEME_URL_RE = re.compile(r"(?:https?|ftp)://" + _URL_CHARS + "+")
_WWW_URL_RE = re.compile(r"w(?<![\w.].)ww\.[^\W_]" + _URL_CHARS + "*")
# Domains are found from their ending: a dot and a known TLD is rare and quick to look for.
_TLD_HIT_RE = re.compile(r"\." + _TLD + r"(?![\w-])")
_BARE_DOMAIN_RE = re.compile(
    r"(?<![\w.@/-])(?:" + _LABEL + r"\.)+(?P<tld>" + _TLD + r")(?![\w-])(?::\d{2,5})?(?P<path>/" + _URL_CHARS + "*)?"
)
# Disguised addresses are matched with at most four labels before the TLD ("a.b.c.site.ru"):
# an unbounded repeat makes texts like "a . a . a . a" slow to reject.
_SPELLED_DOT = r"(?:\s*[\[({<]\s*(?:dot|точка|тчк|\.)\s*[\])}>]\s*|\s+(?:dot|точка|тчк)\s+|\s+\.\s+)"
# "vk .com", "site. ru": a half-spaced dot is a full stop far more often than part of a domain,
# so it counts only before the zones nobody starts a sentence with.
_LOOSE_DOT_TLD = r"(?:\s+\.|\.\s+)(?:ru|com|net|org|su|рф|ру|ком)"
_SPELLED_DOMAIN_RE = re.compile(
    r"[^\W_](?<![\w.@-].)(?:[\w-]{0,61}[^\W_])?"
    + r"(?:"
    + _SPELLED_DOT
    + _LABEL
    + r"){0,3}?"
    + r"(?:"
    + _SPELLED_DOT
    + _SPELLED_TLD
    + "|"
    + _LOOSE_DOT_TLD
    + r")(?![\w-])(?:/"
    + _URL_CHARS
    + "*)?"
)
_SPELLED_DOT_HINTS = ("dot", "точк", "тчк", " .", "\u00a0.", "\t.", "(.", "[.", "{.", "<.")
_LOOSE_DOT_HINT_RE = re.compile(r"\.\s+(?:ru|com|net|org|su|рф|ру|ком)(?![\w-])")

# --- E-mail -------------------------------------------------------------------------------------

_PLAIN_EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[\w.+%-]+@" + _LABEL + r"(?:\." + _LABEL + r")*\.(?:[a-z]{2,24}|рф|рус)(?![\w-])"
)
_OBF_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|собака|собачка|@)\s*[\])}>]\s*|\s+(?:at|собака|собачка)\s+)"
_OBF_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*(?:dot|точка|тчк|\.)\s*[\])}>]\s*|\s+(?:dot|точка|тчк)\s+)"
# The local part of a disguised address is Latin only: with Cyrillic allowed, an ordinary
# sentence such as "моя собака Бобик" would start to look like an address.
_OBF_EMAIL_RE = re.compile(
    r"[a-z0-9](?<![\w.+-].)(?:[a-z0-9._+-]{0,63}[a-z0-9_])?"
    + _OBF_AT
    + _LABEL
    + r"(?:"
    + _OBF_DOT
    + _LABEL
    + r"){0,3}?"
    + _OBF_DOT
    + _SPELLED_TLD
    + r"(?![\w-])"
)
_OBF_AT_HINTS = ("@", "at", "собак")

# --- Handles ------------------------------------------------------------------------------------

# Telegram and Instagram names: Latin, digits, "_" and inner dots. A letter is required so that
# "@100" is not a name. "@" right after a word character belongs to an e-mail address.
_HANDLE_RE = re.compile(r"@(?<![\w@.].)(?=[a-z0-9_.]{0,31}[a-z])[a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])(?![a-z0-9_])")

# --- Search -------------------------------------------------------------------------------------


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILING:
        # Keep a closing bracket whose opening one is inside the link.
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _is_domain_char(char: str) -> bool:
    return char.isalnum() or char in "_.-"


def _find_bare_domains(text: str, fold: str) -> list[Finding]:
    found = []
    covered = 0
    # Walking back from each TLD to the start of its word; the run of domain characters walked
    # so far is remembered, so "a.ru.ru.ru..." is not walked again for every ".ru".
    run_start, walked_to = 0, 0
    tried_start, m = -1, None
    for hit in _TLD_HIT_RE.finditer(fold):
        if hit.start() < covered:
            continue
        start = hit.start()
        while start > walked_to and _is_domain_char(fold[start - 1]):
            start -= 1
        if start == walked_to and start > 0 and _is_domain_char(fold[start - 1]):
            start = run_start
        run_start, walked_to = start, hit.start()
        if start != tried_start:
            tried_start, m = start, _BARE_DOMAIN_RE.match(fold, start)
        if m is None or m.end("tld") < hit.end():
            covered = hit.end()
            continue
        covered = m.end()
        tld = text[m.start("tld") : m.end("tld")]
        labels = fold[m.start() : m.start("tld") - 1].split(".")
        # "г.Москва", "ул.Ленина": one label that is a Russian abbreviation.
        if len(labels) == 1 and labels[0] in _ABBREVIATIONS:
            continue
        # "100.ml" is a volume with a stray dot.
        if tld.lower() == "ml" and labels[-1].isdigit():
            continue
        # "Отличное качество.Top" is a missing space after a full stop, not a domain.
        if m.group("path") is None and tld.lower() in _WORD_TLDS and tld[0].isupper() and tld[1:].islower():
            continue
        end = _trim_url(text, m.start(), m.end())
        found.append(Finding(Kind.URL, text[m.start() : end], m.start(), end))
    return found


def _find_urls(text: str, fold: str) -> list[Finding]:
    found = _find_bare_domains(text, fold)
    regexes = []
    if "://" in fold:
        regexes.append(_SCHEME_URL_RE)
    if "www." in fold:
        regexes.append(_WWW_URL_RE)
    for regex in regexes:
        for m in regex.finditer(fold):
            end = _trim_url(text, m.start(), m.end())
            found.append(Finding(Kind.URL, text[m.start() : end], m.start(), end))
    if any(hint in fold for hint in _SPELLED_DOT_HINTS) or _LOOSE_DOT_HINT_RE.search(fold):
        for m in _SPELLED_DOMAIN_RE.finditer(fold):
            end = _trim_url(text, m.start(), m.end())
            found.append(Finding(Kind.URL, text[m.start() : end], m.start(), end))
    return found


def _find_emails_and_handles(text: str, fold: str) -> list[Finding]:
    found = []
    if "@" in fold:
        found += _find(text, fold, _PLAIN_EMAIL_RE, Kind.EMAIL)
        found += _find(text, fold, _HANDLE_RE, Kind.HANDLE)
    if any(hint in fold for hint in _OBF_AT_HINTS):
        found += _find(text, fold, _OBF_EMAIL_RE, Kind.EMAIL)
    return found
