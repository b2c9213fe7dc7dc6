"""Is the carrier's recipient the order's buyer? Names and delivery places compared loosely but safely.

Carriers write names their own way: «ИВАНОВА М. П.», «Иванова Мария Петровна», «Мария Иванова».
Two names match when, after normalising case, «ё», punctuation and word order, every word of one
of them is found in the other (a full word equal, or an initial equal to a word's first letter),
at least one full word (the surname, normally) is shared, and at least two words correspond.
A leftover on both sides (another surname, a conflicting initial) is another person.
"""

import re
from collections import Counter

# Letters with inner hyphens: «Петрова-Водкина», «Санкт-Петербург», «Ростов-на-Дону».
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DASHES = re.compile(r"\s*[‐-―−-]\s*")  # hyphen, en/em dashes, minus, typed with spaces or not
_INDEX = re.compile(r"(?<!\d)\d{6}(?!\d)")

# Words of a carrier's location that name the office, not the place («ОПС 620000», «г. Москва»).
_PLACE_NOISE = {
    "г", "гор", "город", "пгт", "с", "село", "д", "дер", "деревня", "п", "пос", "поселок", "ст", "ops",
    "опс", "пвз", "сц", "усц", "мсц", "асц", "почтамт", "отделение", "пункт", "выдачи", "постамат",
    "почта", "россии", "сдэк", "cdek", "сортировочный", "центр", "обл", "область", "край", "респ",
    "республика", "р-н", "район",
}  # fmt: skip


def _normalise(text: str) -> str:
    return _DASHES.sub("-", (text or "").casefold().replace("ё", "е"))


def _words(text: str) -> list[str]:
    return _WORD.findall(_normalise(text))


def _split_name(name: str) -> tuple[list[str], list[str]]:
    """Full words and initials (one letter, with or without its dot) of a person's name."""
    full, initials = [], []
    for word in _words(name):
        (initials if len(word) == 1 else full).append(word)
    return full, initials


def _same_word(a: str, b: str) -> bool:
    """Equal, or one is a part of the other's hyphenated surname («Водкина» in «Петрова-Водкина»)."""
    return a == b or ("-" in a and b in a.split("-")) or ("-" in b and a in b.split("-"))


def _match_full_words(left: list[str], right: list[str]) -> tuple[int, list[str], list[str]]:
    """Pair equal full words (exact first, then hyphenated parts); return pairs and leftovers."""
    left, right = list(left), list(right)
    pairs = 0
    for exact in (True, False):
        for word in list(left):
            found = next((other for other in right if (word == other if exact else _same_word(word, other))), None)
            if found is not None:
                left.remove(word)
                right.remove(found)
                pairs += 1
    return pairs, left, right


def _match_initials(initials: Counter, full: Counter) -> int:
    """Initials paired with full words of the same first letter (the pairing is independent per letter)."""
    pairs = 0
    for letter, count in initials.items():
        paired = min(count, full[letter])
        initials[letter] -= paired
        full[letter] -= paired
        pairs += paired
    return pairs


def names_match(carrier_name: str, buyer_name: str) -> bool:
    """The carrier's recipient and the buyer are the same person, as far as names can tell."""
    carrier_full, carrier_initials = _split_name(carrier_name)
    buyer_full, buyer_initials = _split_name(buyer_name)
    if not carrier_full or not buyer_full:
        return False
    shared, carrier_left, buyer_left = _match_full_words(carrier_full, buyer_full)
    if not shared:
        return False  # initials alone never identify a person
    carrier_initials_left, buyer_initials_left = Counter(carrier_initials), Counter(buyer_initials)
    pairs = shared + _match_initials(carrier_initials_left, buyer_initials_left)
    carrier_full_left = Counter(word[0] for word in carrier_left)
    buyer_full_left = Counter(word[0] for word in buyer_left)
    pairs += _match_initials(carrier_initials_left, buyer_full_left)
    pairs += _match_initials(buyer_initials_left, carrier_full_left)
    carrier_leftover = carrier_initials_left.total() + carrier_full_left.total()
    buyer_leftover = buyer_initials_left.total() + buyer_full_left.total()
    # A patronymic or an initial more on one side is fine; something unmatched on both is a conflict.
    return pairs >= 2 and not (carrier_leftover and buyer_leftover)


def postal_indexes(text: str) -> set[str]:
    return set(_INDEX.findall(text or ""))


def _place_words(text: str) -> list[str]:
    return [word for word in _words(text) if word not in _PLACE_NOISE and len(word) > 1]


def places_match(event_location: str, order_address: str) -> bool | None:
    """The delivery place the carrier reported is the order's address; None when it reported none.

    The 6-digit postal index decides when both have one; otherwise every word of the carrier's
    place name («Нижний Новгород») must be in the address. A place with nothing to compare (only
    an index, and no index in the address) is treated as not reported.
    """
    if not (event_location or "").strip():
        return None
    event_indexes, address_indexes = postal_indexes(event_location), postal_indexes(order_address)
    if event_indexes and address_indexes:
        return bool(event_indexes & address_indexes)
    place = _place_words(event_location)
    if not place:
        return None
    address = set(_words(order_address))
    return all(word in address for word in place)
