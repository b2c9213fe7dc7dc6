"""Finds personal contacts, links and forbidden phrases in texts that sellers and buyers write."""

import bisect
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

__all__ = [
    "Finding",
    "Kind",
    "describe",
    "find_contacts",
    "find_forbidden_phrases",
    "find_violations",
    "validate_message_text",
    "validate_no_contacts",
]


class Kind(models.TextChoices):
    PHONE = "phone", gettext_lazy("phone number")
    EMAIL = "email", gettext_lazy("e-mail address")
    URL = "url", gettext_lazy("link")
    HANDLE = "handle", gettext_lazy("account name")
    MESSENGER = "messenger", gettext_lazy("messenger or social network")
    FORBIDDEN_PHRASE = "forbidden_phrase", gettext_lazy("forbidden phrase")


@dataclass(frozen=True)
class Finding:
    kind: Kind
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return Kind(self.kind).label


# When two findings overlap, the longer one is kept; on equal spans the more specific kind wins
# (an address beats the domain inside it, a domain beats the messenger name inside it).
_PRIORITY = {Kind.EMAIL: 0, Kind.URL: 1, Kind.PHONE: 2, Kind.HANDLE: 3, Kind.MESSENGER: 4, Kind.FORBIDDEN_PHRASE: 5}

# Speed: the patterns below are written in lower case and run without re.IGNORECASE over a
# lower-cased copy of the text (same length, so positions still match the original). Python's
# re only skips ahead quickly to where a match can start when a pattern begins with a plain
# character, so word-list patterns start with their first letter and check the word boundary
# right after it ("в(?<!\w.)к" rather than "(?<!\w)вк").


def _fold(text: str) -> str:
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # A few characters ("İ") lower-case to two; they are kept as they are so positions line up.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _words(alternatives: list[str]) -> str:
    for alt in alternatives:
        if not (alt[0].isalpha() and alt[0].islower()):
            raise ValueError(f"a word pattern must start with a lower-case letter: {alt}")
    return "(?:" + "|".join(alt[0] + r"(?<!\w.)" + alt[1:] for alt in alternatives) + r")(?!\w)"


# --- Links and domains --------------------------------------------------------------------------

# Bare "word.word" is only a link when it ends in a real top-level domain: otherwise "т.е.",
# "ул.Ленина", "Mr.Smith" and "размеры.pdf" would all be links. "ру" is how people dodge filters.
_TLDS = (
    "ru su com net org info biz me io pro shop store online site app dev by kz ua uz cc ly art club tv "
    "xyz top live space tech website рф рус ру"
).split()
_TLD = "(?:" + "|".join(sorted(_TLDS, key=len, reverse=True)) + ")"
# TLDs that are also English words: "качество.Top" is more likely a missing space than a domain.
_WORD_TLDS = set("me by pro shop store online site app art club top live space tech".split())
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
_SPELLED_DOMAIN_RE = re.compile(
    r"[^\W_](?<![\w.@-].)(?:[\w-]{0,61}[^\W_])?"
    + r"(?:"
    + _SPELLED_DOT
    + _LABEL
    + r"){0,3}?"
    + _SPELLED_DOT
    + _SPELLED_TLD
    + r"(?![\w-])"
)
_SPELLED_DOT_HINTS = ("dot", "точк", "тчк", " .", "\u00a0.", "\t.", "(.", "[.", "{.", "<.")

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

# --- Messengers and social networks -------------------------------------------------------------

_CYR_ENDING = r"[а-яё]{0,3}"
_MESSENGER_WORDS = [
    # WhatsApp: whatsapp, whats app, ватсап, вотсап, вацап, уотсап, ватсапп(е), ватс ап...
    r"wh?ats?\s?app?",
    r"в[аоэ]т?[сц]{1,2}\s?апп?" + _CYR_ENDING,
    r"у[аоэ]т?[сц]{1,2}\s?апп?" + _CYR_ENDING,
    r"viber",
    r"ва[йи]бер" + _CYR_ENDING,
    r"вибер" + _CYR_ENDING,
    r"telegram",
    # "телеграмма/-ы/-у/-ой" is a telegram message (and a greeting-card product), not the app.
    r"телеграм(?!м(?:а|ы|у|ой|ами|ам|ах)(?!\w))" + _CYR_ENDING,
    r"vkontakte",
    r"вконтакт" + _CYR_ENDING,
    # "в контакте с кожей" is about touching the skin, not about VK.
    r"в\s+контакте(?!\s+со?(?!\w))",
    r"vk",
    r"вк",
    r"instagram",
    r"insta?",
    r"инстаграм+" + _CYR_ENDING,
    r"инст[аеуы]?",
    r"инстой",
    r"facebook",
    r"ф[еэ][йи]сбук" + _CYR_ENDING,
    r"fb",
    r"фб",
    r"odnoklassniki",
    r"одноклассниках",
    r"you\s?tube",
    r"ютуб" + _CYR_ENDING,
    r"ютьюб" + _CYR_ENDING,
    r"tik\s?tok",
    r"тик\s?ток" + _CYR_ENDING,
    r"skype",
    r"скайп" + _CYR_ENDING,
    # Max is also a name and a size, so only "мессенджер Max" counts.
    r"мессенджер" + _CYR_ENDING + r"\s+(?:max|макс)[а-яё]{0,2}",
]
_MESSENGER_RE = re.compile(_words(_MESSENGER_WORDS))
# "wa" is a syllable in too many words and names; upper-case "WA" is WhatsApp. Run on the original.
_WA_RE = re.compile(r"W(?<!\w.)A(?![\w-])")

# Words that are messengers only after a preposition: "тг" is also tenge, "телега" is a cart
# (sold here as goods) and "одноклассники" are classmates, while "в тг", "по телеге" and
# "в одноклассники" are unambiguous. "мой тг" is too, but "мою телегу" may still be the cart.
# Only the word is reported, without the preposition.
_AMBIGUOUS_WORDS = r"(?:тг|tg|телег[еиу]|одноклассники)"
_CONTEXT_MESSENGER_RE = re.compile(
    _words(
        [
            r"во?\s+(" + _AMBIGUOUS_WORDS + ")",
            r"по\s+(" + _AMBIGUOUS_WORDS + ")",
            r"через\s+(" + _AMBIGUOUS_WORDS + ")",
            r"мой\s+(тг|tg)",
            r"наш\s+(тг|tg)",
        ]
    )
)

# --- Forbidden phrases --------------------------------------------------------------------------

# Where a message tries to take the buyer: a messenger, or private messages outside the site.
_OFFSITE_TARGET = (
    "(?:"
    + "|".join(_MESSENGER_WORDS)
    + "|"
    + _AMBIGUOUS_WORDS
    + r"|личк[аеиу]|лс|личные\s+сообщения|директ|direct|мессенджер"
    + _CYR_ENDING
    + r")"
)
_OFFSITE_INVITATION = r"(?:\s+(?:мне|нам|меня|нас|со\s+мной|с\s+нами))?\s+(?:в|во|на|по|через)\s+" + _OFFSITE_TARGET
_MUST_PAY_EXTRA = r"\s+(?:будет\s+)?(?:оплатить\s+дополнительно|доплатить)(?:\s+за)?"
_FORBIDDEN_RE = re.compile(
    _words(
        [
            # «Оплатите дополнительно за...» and its variants.
            r"оплат(?:ите|и)\s+(?:(?:ещ[её]|пожалуйста),?\s+)?дополнительно(?:\s+за)?",
            r"дополнительно\s+(?:до)?оплат(?:ите|и)(?:\s+за)?",
            r"доплат(?:ите|и)(?:\s+за)?",
            r"нужно" + _MUST_PAY_EXTRA,
            r"надо" + _MUST_PAY_EXTRA,
            r"необходимо" + _MUST_PAY_EXTRA,
            r"придётся" + _MUST_PAY_EXTRA,
            r"придется" + _MUST_PAY_EXTRA,
            r"следует" + _MUST_PAY_EXTRA,
            r"требуется" + _MUST_PAY_EXTRA,
            # «Купите еще этот товар...».
            r"купи(?:те)?\s+(?:ещ[её](?:\s+(?:один|одну|одно|раз|такой|такую|такое|(?:этот|эту|это)(?:\s+товар)?))?"
            r"|также|так\s+же|дополнительно)",
            r"купи(?:те)?\s+(?:этот|эту|это)(?:\s+товар)?\s+ещ[её](?:\s+раз)?",
            # «Напишите мне в WhatsApp/Telegram» and other invitations to talk off the site.
            r"напиш(?:ите|и)" + _OFFSITE_INVITATION,
            r"пиш(?:ите|и)" + _OFFSITE_INVITATION,
            r"пишем" + _OFFSITE_INVITATION,
            r"позвон(?:ите|и)" + _OFFSITE_INVITATION,
            r"звон(?:ите|и)" + _OFFSITE_INVITATION,
            r"свяж(?:итесь|ись)" + _OFFSITE_INVITATION,
            r"перейд(?:[её]м|[её]мте|ите|и)" + _OFFSITE_INVITATION,
            r"переход(?:ите|и)" + _OFFSITE_INVITATION,
            r"давайте" + _OFFSITE_INVITATION,
            r"добав(?:ьте|ляйте)(?:сь)?" + _OFFSITE_INVITATION,
            r"стуч(?:ите|и)" + _OFFSITE_INVITATION,
        ]
    )
)
# "Вам не нужно доплатить" is the seller saying the opposite.
_NEGATION_BEFORE_RE = re.compile(r"(?<!\w)не\s+$")

# --- Phones -------------------------------------------------------------------------------------

_SPACES = " \t\u00a0\u2009\u202f"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
# A run of digits joined by what people put between phone digits. Letters, "x", "/" and ","
# end a run, so "30x40" or "1,5" never becomes one number. The run starts at "+", "(" or a digit
# not glued to a Latin word (an article like "AB1234567890").
_PHONE_RUN_RE = re.compile(
    r"[+(\d](?<![0-9A-Za-z_+].)(?:(?<=\+)[" + _SPACES + r"]?\(?\d|(?<=\()\d|(?<=\d))"
    r"(?:[" + _SPACES + "." + _DASHES + r"()]{0,3}\d)*"
)
_DIGITS_RE = re.compile(r"\d+")
# "1 500 – 3 000" is a range: a dash with spaces on both sides separates two numbers.
_RANGE_SEP_RE = re.compile(r"\s[" + _DASHES + r"]+\s")
_THOUSANDS_SEP_RE = re.compile(r"[" + _SPACES + r".]")
# Prices, sizes and weights: a number followed by a unit is never a phone.
_UNIT_AFTER_RE = re.compile(
    r"[" + _SPACES + r"]*(?:₽|\$|€|₸|%|°|руб|р\.|р(?!\w)|rub|usd|eur|тыс|млн|млрд|"
    r"(?:см|мм|м|км|кг|гр|мл|л|шт|мес|лет|дн[а-я]*)(?!\w)|[xх×*]\s*\d)"
)
# Identifiers long enough to look like phones: article numbers, tax numbers, tracking numbers.
_ID_CONTEXT_RE = re.compile(
    r"(?:(?<!\w)(?:арт(?:икул)?|art|sku|код|инн|огрн(?:ип)?|кпп|бик|окпо|трек|track|isbn|ean|штрих-?код|id)"
    r"(?!\w)[\s.:№#-]*(?:[a-zа-яё]{1,4}[\s.:№#-]+)?|[№#]\s*)$"
)
_DATE_RE = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})(?P<s>[./-])(?P<m>\d{1,2})(?P=s)(?:19|20)\d{2}"
    r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.\d{2}"
    r"|(?:19|20)\d{2}(?P<s2>[./-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2}))(?!\d)"
)
# Country codes of the neighbours whose buyers write here, for 12-digit numbers without "+".
_COUNTRY_CODES_12 = ("375", "380", "373", "374", "994", "995", "996", "992", "993", "998", "370", "371", "372")


def _dates(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _DATE_RE.finditer(text):
        day = m.group("d") or m.group("d2") or m.group("d3")
        month = m.group("m") or m.group("m2") or m.group("m3")
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            spans.append(m.span())
    return spans


_Group = tuple[int, int, str]  # start, end and the digits of one group of a number


def _phone_shape_ok(text: str, groups: list[_Group], start: int) -> bool:
    digits = "".join(g[2] for g in groups)
    n = len(digits)
    if not 10 <= n <= 12:
        return False
    if text[start] == "+":
        return digits[0] != "0" and (digits[0] != "7" or n == 11)
    first_len = len(groups[0][2])
    if n == 10:
        # A Russian number without the trunk 8 starts with its area or mobile code: "999 123-45-67".
        single_digits = all(len(g[2]) == 1 for g in groups)
        if digits[0] not in "3489" or not (first_len in (3, 10) or single_digits):
            return False
    elif n == 11:
        if digits[0] not in "78" or first_len not in (1, 4, 11):
            return False
    elif not digits.startswith(_COUNTRY_CODES_12) or first_len not in (3, 12):
        return False
    if len(groups) >= 3 and all(len(g[2]) == 3 for g in groups[1:]):
        # "12 500 000 000": digits grouped in thousands are an amount, not a phone.
        if all(_THOUSANDS_SEP_RE.fullmatch(text, a[1], b[0]) for a, b in zip(groups, groups[1:], strict=False)):
            return False
    return True


def _phone_at(text: str, fold: str, seg: list[_Group], i: int, start: int, dates: list[tuple[int, int]]):
    """The longest phone that starts at group ``i`` (at ``start``), as (last group, end), or None."""
    if text[start] != "+" and seg[i][2][0] not in "34789":
        return None
    # Only spans of 10-12 digits can be phones; at most three of them start at group i.
    ends = []
    count = 0
    for j in range(i, len(seg)):
        count += len(seg[j][2])
        if count > 12:
            break
        if count >= 10:
            ends.append(j)
    for j in reversed(ends):
        end = seg[j][1]
        if not _phone_shape_ok(text, seg[i : j + 1], start):
            continue
        if any(ds < end and start < de for ds, de in dates):
            continue
        if _ID_CONTEXT_RE.search(fold, max(0, start - 25), start):
            continue
        return j, end
    return None


def _find_phones(text: str, fold: str) -> list[Finding]:
    found = []
    dates = None
    for run in _PHONE_RUN_RE.finditer(text):
        if _UNIT_AFTER_RE.match(fold, run.end()):
            continue
        groups = [(g.start(), g.end(), g.group()) for g in _DIGITS_RE.finditer(text, run.start(), run.end())]
        total = sum(len(g[2]) for g in groups)
        if total < 10:
            continue
        # Bank cards (16 digits, in fours or in one piece) are not phones.
        if 13 <= total <= 19 and (len(groups) == 1 or all(len(g[2]) == 4 for g in groups)):
            continue
        if dates is None:
            dates = _dates(text)
        segments: list[list[_Group]] = [[groups[0]]]
        for prev, cur in zip(groups, groups[1:], strict=False):
            if _RANGE_SEP_RE.search(text, prev[1], cur[0]):
                segments.append([cur])
            else:
                segments[-1].append(cur)
        for seg in segments:
            i = 0
            while i < len(seg):
                start = seg[i][0]
                if seg[i] is groups[0]:
                    start = run.start()  # the "+" or "(" that opens the run
                elif text[start - 1] == "(":
                    start -= 1
                phone = _phone_at(text, fold, seg, i, start, dates)
                if phone is None:
                    i += 1
                    continue
                j, end = phone
                found.append(Finding(Kind.PHONE, text[start:end], start, end))
                i = j + 1
    return found


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
    if any(hint in fold for hint in _SPELLED_DOT_HINTS):
        found += _find(text, fold, _SPELLED_DOMAIN_RE, Kind.URL)
    return found


def _find(text: str, fold: str, regex: re.Pattern, kind: Kind) -> list[Finding]:
    return [Finding(kind, text[m.start() : m.end()], m.start(), m.end()) for m in regex.finditer(fold)]


def _find_emails_and_handles(text: str, fold: str) -> list[Finding]:
    found = []
    if "@" in fold:
        found += _find(text, fold, _PLAIN_EMAIL_RE, Kind.EMAIL)
        found += _find(text, fold, _HANDLE_RE, Kind.HANDLE)
    if any(hint in fold for hint in _OBF_AT_HINTS):
        found += _find(text, fold, _OBF_EMAIL_RE, Kind.EMAIL)
    return found


def _find_messengers(text: str, fold: str) -> list[Finding]:
    found = _find(text, fold, _MESSENGER_RE, Kind.MESSENGER)
    found += _find(text, text, _WA_RE, Kind.MESSENGER)
    for m in _CONTEXT_MESSENGER_RE.finditer(fold):
        group = m.lastindex
        found.append(Finding(Kind.MESSENGER, text[m.start(group) : m.end(group)], m.start(group), m.end(group)))
    return found


def _merge(findings: list[Finding]) -> list[Finding]:
    # Longest first; kept spans never overlap, so a new span only needs checking against its
    # neighbours in start order.
    kept: list[Finding] = []
    starts: list[int] = []
    for f in sorted(findings, key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        pos = bisect.bisect_left(starts, f.start)
        if pos > 0 and kept[pos - 1].end > f.start:
            continue
        if pos < len(kept) and kept[pos].start < f.end:
            continue
        kept.insert(pos, f)
        starts.insert(pos, f.start)
    return kept


def find_contacts(text: str) -> list[Finding]:
    """Phones, e-mails, links, account names and messenger mentions, each span reported once."""
    if not text:
        return []
    fold = _fold(text)
    return _merge(
        [
            *_find_phones(text, fold),
            *_find_emails_and_handles(text, fold),
            *_find_urls(text, fold),
            *_find_messengers(text, fold),
        ]
    )


def find_forbidden_phrases(text: str) -> list[Finding]:
    """Phrases the messaging rules forbid: asking for extra payment, upselling, moving off the site."""
    if not text:
        return []
    fold = _fold(text)
    return [
        f
        for f in _find(text, fold, _FORBIDDEN_RE, Kind.FORBIDDEN_PHRASE)
        if not _NEGATION_BEFORE_RE.search(fold, max(0, f.start - 4), f.start)
    ]


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
