"""Phone numbers: plain, disguised with look-alike letters or junk between digits, and dictated in words."""

import re

from .common import Finding, Kind, _fold, _words

_SPACES = " \t\u00a0\u2009\u202f"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
# What people put between phone digits to get past a filter: emoji, hearts and stars, invisible
# characters, "_", "|", "~", "•". Never "x", "*", "/" or ",": "30x40", "50*70", "42/44", "1,5".
_JUNK = "_|~•·\u200b-\u200f\u2060\ufeff\ufe0f\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
# A run of digits joined by what people put between phone digits. Letters end a run, so "30x40"
# never becomes one number. The run starts at "+", "(" or a digit not glued to a Latin word (an
# article like "AB1234567890").
_PHONE_RUN_RE = re.compile(
    r"[+(\d](?<![0-9A-Za-z_+].)(?:(?<=\+)[" + _SPACES + r"]?\(?\d|(?<=\()\d|(?<=\d))"
    r"(?:[" + _SPACES + "." + _DASHES + "()" + _JUNK + r"]{0,4}\d)*"
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
# Identifiers long enough to look like phones: article numbers, tax numbers, tracking numbers
# (a CDEK order number is 10 digits and may start with 9).
_ID_CONTEXT_RE = re.compile(
    r"(?:(?<!\w)(?:арт(?:икул)?|art|sku|код|инн|огрн(?:ип)?|кпп|бик|окпо|трек|track|isbn|ean|штрих-?код|id|"
    r"сдэк|cdek|шпи|накладн[а-я]{0,3}|отправлени[ея]|отслеживани[ея]|идентификатор[а-я]{0,2})"
    r"(?!\w)[\s.:№#-]*(?:(?:[a-zа-яё]{1,4}|номер[а-я]{0,2}|number)[\s.:№#-]+)?|[№#]\s*)$"
)
_ID_CONTEXT_WINDOW = 40
# Words that announce a phone: after them 7 digits (a city number, "тел. 123-45-67") are enough.
_PHONE_CUE_RE = re.compile(
    r"(?<!\w)(?:тел(?:ефон[а-я]{0,2})?|моб(?:ильный|ильного)?|сот(?:овый|ового)?|номер\s+телефона|мой\s+номер|"
    r"звоните|позвоните|звонить|наберите|набирайте|whatsapp|ватсап[а-я]{0,2}|вайбер[а-я]{0,2}|viber)"
    r"[\s.:=\-–—]*(?:\+\s*)?$"
)
_PHONE_CUE_WINDOW = 30
_DATE_RE = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})(?P<s>[./-])(?P<m>\d{1,2})(?P=s)(?:19|20)\d{2}"
    r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.\d{2}"
    r"|(?:19|20)\d{2}(?P<s2>[./-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2}))(?!\d)"
)
# Country codes of the neighbours whose buyers write here, for 12-digit numbers without "+".
_COUNTRY_CODES_12 = ("375", "380", "373", "374", "994", "995", "996", "992", "993", "998", "370", "371", "372")

# "89I6l234567": letters that look like digits, between digits.
_DIGIT_LOOKALIKE_RE = re.compile(r"(?<=\d)[OoОоIil|Зз]{1,2}(?=\d)")
_DIGIT_LOOKALIKES = str.maketrans("OoОоIil|Зз", "0000111133")
# "8а9б1в6г1д2е3ж4з5и6к7": single digits with one letter between each; "x" stays a size.
_LETTER_SEPARATED_RE = re.compile(r"\d(?<![^\W_].)(?:[^\W\d_xх]\d){9,11}(?![^\W_])")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _unmask_digits(text: str) -> str:
    """``text`` (same length) with look-alike letters between digits read as the digits they
    imitate, and letters used as separators between single digits turned into spaces."""
    text = _LETTER_SEPARATED_RE.sub(lambda m: _LETTER_RE.sub(" ", m.group()), text)
    return _DIGIT_LOOKALIKE_RE.sub(lambda m: m.group().translate(_DIGIT_LOOKALIKES), text)


def _russian_post_track(digits: str) -> bool:
    """A domestic Russian Post number: 14 digits whose last one is their check digit (the same rule
    as orders/tracks.py, copied because marketplace sits below orders)."""
    if len(digits) != 14:
        return False
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(digits[:13]))
    return int(digits[13]) == (10 - total % 10) % 10


def _dates(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _DATE_RE.finditer(text):
        day = m.group("d") or m.group("d2") or m.group("d3")
        month = m.group("m") or m.group("m2") or m.group("m3")
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            spans.append(m.span())
    return spans


# One group of a number: start, end, its digits, and whether it was written in words.
_Group = tuple[int, int, str, bool]


def _thousands(text: str, groups: list[_Group]) -> bool:
    """Whether the groups look like "12 500 000": digits grouped in thousands are an amount, not a phone."""
    return (
        len(groups) >= 2
        and all(len(g[2]) == 3 for g in groups[1:])
        and all(_THOUSANDS_SEP_RE.fullmatch(text, a[1], b[0]) for a, b in zip(groups, groups[1:], strict=False))
    )


def _phone_shape_ok(text: str, groups: list[_Group], plus: bool) -> bool:
    digits = "".join(g[2] for g in groups)
    n = len(digits)
    if not 10 <= n <= 12:
        return False
    if plus:
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
    return not (len(groups) >= 3 and _thousands(text, groups))


def _short_phone_ok(text: str, fold: str, groups: list[_Group], start: int) -> bool:
    """7 to 9 digits count as a phone only right after a word such as "тел." or "звоните"."""
    digits = "".join(g[2] for g in groups)
    if not 7 <= len(digits) <= 9 or digits[0] == "0" or _thousands(text, groups):
        return False
    return _PHONE_CUE_RE.search(fold, max(0, start - _PHONE_CUE_WINDOW), start) is not None


def _is_id(fold: str, start: int) -> bool:
    return _ID_CONTEXT_RE.search(fold, max(0, start - _ID_CONTEXT_WINDOW), start) is not None


def _phone_at(text: str, fold: str, seg: list[_Group], i: int, start: int, dates, plus: bool, words: bool):
    """The longest phone that starts at group ``i`` (at ``start``), as (last group, end), or None.
    With ``words`` the phone must include a number written in words (the plain ones are found
    without them)."""
    if not plus and seg[i][2][0] not in "34789":
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
        if words and not any(g[3] for g in seg[i : j + 1]):
            continue
        if not _phone_shape_ok(text, seg[i : j + 1], plus):
            continue
        if any(ds < end and start < de for ds, de in dates):
            continue
        if _UNIT_AFTER_RE.match(fold, end) or _is_id(fold, start):
            continue
        return j, end
    return None


def _phones_in(text: str, fold: str, seg: list[_Group], first_start: int, dates, words: bool) -> list[Finding]:
    """Phones in one stretch of groups; ``first_start`` is where the stretch opens (its "+" or "(")."""
    found = []
    i = 0
    while i < len(seg):
        start = first_start if i == 0 else seg[i][0]
        if i > 0 and text[start - 1] == "(":
            start -= 1
        plus = i == 0 and first_start < seg[0][0] and fold[first_start] in "+п"
        phone = _phone_at(text, fold, seg, i, start, dates, plus, words)
        if phone is None:
            i += 1
            continue
        j, end = phone
        found.append(Finding(Kind.PHONE, text[start:end], start, end))
        i = j + 1
    return found


def _find_plain_phones(text: str, fold: str) -> list[Finding]:
    found = []
    dates = None
    for run in _PHONE_RUN_RE.finditer(text):
        if _UNIT_AFTER_RE.match(fold, run.end()):
            continue
        groups = [(g.start(), g.end(), g.group(), False) for g in _DIGITS_RE.finditer(text, run.start(), run.end())]
        digits = "".join(g[2] for g in groups)
        total = len(digits)
        if total < 10:
            if total >= 7 and _short_phone_ok(text, fold, groups, run.start()):
                if dates is None:
                    dates = _dates(text)
                if not any(ds < run.end() and run.start() < de for ds, de in dates):
                    found.append(Finding(Kind.PHONE, run.group(), run.start(), run.end()))
            continue
        # Bank cards (16 digits, in fours or in one piece) and Russian Post tracks are not phones.
        if 13 <= total <= 19 and (len(groups) == 1 or all(len(g[2]) == 4 for g in groups)):
            continue
        if _russian_post_track(digits):
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
            first_start = run.start() if seg[0] is groups[0] else seg[0][0]
            found += _phones_in(text, fold, seg, first_start, dates, words=False)
    return found


# --- Phones written in words ---------------------------------------------------------------------

_UNITS = "ноль нуль один одна два две три четыре пять шесть семь восемь девять".split()
_UNIT_VALUES = [0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9]
_TEENS = (
    "десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать девятнадцать"
)
_TENS = "двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто"
_HUNDREDS = "сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот"
# Value and rank of each number word: hundreds (3) may be followed by tens, teens or units, tens
# (2) only by units 1-9; units and teens (1) and zero (0) end the number.
_NUMBER_WORDS = {
    **{w: (v, 1 if v else 0) for w, v in zip(_UNITS, _UNIT_VALUES, strict=True)},
    **{w: (10 + i, 1) for i, w in enumerate(_TEENS.split())},
    **{w: (20 + 10 * i, 2) for i, w in enumerate(_TENS.split())},
    **{w: (100 + 100 * i, 3) for i, w in enumerate(_HUNDREDS.split())},
}
_NUMBER_WORD = _words(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUMBER_TOKEN_RE = re.compile(r"(?P<plus>\+|п(?<!\w.)люс(?!\w))|(?P<num>\d+)|(?P<word>" + _NUMBER_WORD + ")")
_SPOKEN_WORDS = frozenset([*_NUMBER_WORDS, "плюс"])
_CYRILLIC_WORD_RE = re.compile(r"[а-яё]+")
# Between the parts of a dictated number: spaces, dashes, dots, commas, brackets, emoji.
_WORD_GAP_RE = re.compile(r"[\s.,()" + _DASHES + _JUNK + r"]{0,4}")
_SPACE_GAP_RE = re.compile(r"[\s" + _DASHES + r"]{1,3}")


def _find_spoken_phones(text: str, fold: str) -> list[Finding]:
    """Phones with some or all digits in words: "восемь девятьсот шестнадцать сто двадцать три
    сорок пять шестьдесят семь", "8 девятьсот 123 45 67", "плюс семь 916 ..."."""
    if _SPOKEN_WORDS.isdisjoint(_CYRILLIC_WORD_RE.findall(fold)):
        return []
    tokens = list(_NUMBER_TOKEN_RE.finditer(fold))
    # Chains of tokens with only separators between them; each chain is a list of groups.
    chains: list[tuple[int, list[_Group]]] = []
    groups: list[_Group] = []
    chain_start = 0
    prev = None
    rank = -1  # rank of the word that ends the last group, -1 when it is not an open word group
    for tok in tokens:
        joined = prev is not None and _WORD_GAP_RE.fullmatch(fold, prev.end(), tok.start()) is not None
        if not joined or tok.lastgroup == "plus":
            if groups:
                chains.append((chain_start, groups))
            groups, chain_start, rank = [], tok.start(), -1
            prev = tok
            if tok.lastgroup == "plus":
                continue
        prev = tok
        if tok.lastgroup == "num":
            groups.append((tok.start(), tok.end(), tok.group(), False))
            rank = -1
            continue
        value, word_rank = _NUMBER_WORDS[tok.group()]
        spaced = groups and _SPACE_GAP_RE.fullmatch(fold, groups[-1][1], tok.start())
        if spaced and word_rank >= 1 and (rank == 3 and word_rank < 3 or rank == 2 and word_rank == 1 and value < 10):
            start, _end, number, _w = groups[-1]
            groups[-1] = (start, tok.end(), str(int(number) + value), True)
        else:
            groups.append((tok.start(), tok.end(), str(value), True))
        rank = word_rank
    if groups:
        chains.append((chain_start, groups))
    found = []
    dates = _dates(text)
    for first_start, chain in chains:
        if not any(g[3] for g in chain):
            continue
        found += _phones_in(text, fold, chain, first_start, dates, words=True)
        if not found or found[-1].start < first_start:
            if _short_phone_ok(text, fold, chain, first_start) and chain[0][3]:
                found.append(Finding(Kind.PHONE, text[first_start : chain[-1][1]], first_start, chain[-1][1]))
    return found


def _find_phones(text: str, fold: str) -> list[Finding]:
    found = _find_plain_phones(text, fold) + _find_spoken_phones(text, fold)
    unmasked = _unmask_digits(text)
    if unmasked != text:
        # Same length, so the positions found in the unmasked copy point into the original.
        found += [
            Finding(Kind.PHONE, text[f.start : f.end], f.start, f.end)
            for f in _find_plain_phones(unmasked, _fold(unmasked))
        ]
    return found
