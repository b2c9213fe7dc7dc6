"""What every text rule shares: findings and their kinds, folding, look-alike letters, word patterns."""

import bisect
import functools
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy


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


# Look-alike letters: "whatsаpp" with a Cyrillic "а", "vk.соm", "тeлeгpaм" with Latin letters,
# "vk.c0m" with a zero. Only words that mix the two alphabets (or put a zero between letters) are
# rewritten, once towards Latin and once towards Cyrillic; ordinary words never mix them.
_LATIN_LOOKALIKES = "abcehkmoptxy"
_CYRILLIC_LOOKALIKES = "авсенкмортху"
_LATIN_LOOKALIKE_SET = frozenset(_LATIN_LOOKALIKES)
_CYRILLIC_LOOKALIKE_SET = frozenset(_CYRILLIC_LOOKALIKES)
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_MIXED_SCRIPT_RE = re.compile(r"[a-z][а-яё]|[а-яё][a-z]|[a-zа-яё]0(?=[a-zа-яё])")
_LATIN_RE = re.compile(r"[a-z]")
_CYRILLIC_RE = re.compile(r"[а-яё]")


@functools.lru_cache(maxsize=16)  # find_violations asks for the same text twice
def _script_variants(fold: str) -> tuple[str, ...]:
    """Copies of ``fold`` (same length) with mixed-alphabet words spelled in one alphabet."""
    if not _MIXED_SCRIPT_RE.search(fold):
        return ()
    latin, cyrillic = list(fold), list(fold)
    done = 0
    for hit in _MIXED_SCRIPT_RE.finditer(fold):
        if hit.start() < done:
            continue
        start, end = hit.start(), hit.end()
        while start > 0 and (fold[start - 1].isalpha() or fold[start - 1] == "0"):
            start -= 1
        while end < len(fold) and (fold[end].isalpha() or fold[end] == "0"):
            end += 1
        done = end
        word = fold[start:end]
        if "0" in word:
            chars = list(word)
            for i in range(1, len(word) - 1):
                if word[i] == "0" and word[i - 1].isalpha() and word[i + 1].isalpha():
                    chars[i] = "o" if _LATIN_RE.match(word[i - 1]) else "о"
            word = "".join(chars)
        latin_word = cyrillic_word = word
        if _CYRILLIC_LOOKALIKE_SET.issuperset(_CYRILLIC_RE.findall(word)):
            latin_word = word.translate(_TO_LATIN)
        if _LATIN_LOOKALIKE_SET.issuperset(_LATIN_RE.findall(word)):
            cyrillic_word = word.translate(_TO_CYRILLIC)
        latin[start:end] = latin_word
        cyrillic[start:end] = cyrillic_word
    variants = []
    for chars in (latin, cyrillic):
        variant = "".join(chars)
        if variant != fold and variant not in variants:
            variants.append(variant)
    return tuple(variants)


def _words(alternatives: list[str]) -> str:
    for alt in alternatives:
        if not (alt[0].isalpha() and alt[0].islower()):
            raise ValueError(f"a word pattern must start with a lower-case letter: {alt}")
    return "(?:" + "|".join(alt[0] + r"(?<!\w.)" + alt[1:] for alt in alternatives) + r")(?!\w)"


def _find(text: str, fold: str, regex: re.Pattern, kind: Kind) -> list[Finding]:
    return [Finding(kind, text[m.start() : m.end()], m.start(), m.end()) for m in regex.finditer(fold)]


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
