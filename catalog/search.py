"""Catalog search: the same Russian normalisation, stemming and matching on SQLite and PostgreSQL.

Text is normalised (lower case, ё → е, hyphens and punctuation → spaces) and every word is
indexed as itself and as its Snowball stem (``snowballstemmer``: Russian for Cyrillic words,
English for Latin ones). A query word matches an indexed token that *starts with* its stem
(whole-word prefix matching), or — for stems shorter than ``PREFIX_MIN`` letters — a token
equal to it, so «чаи»/«чая»/«чай» (stem «ча») find tea but not «чайник» (stem «чайник»), and
«мёд» does not find «медведь». The genitive plural's fleeting vowel (кукла → кукол,
тарелка → тарелок, ёлка → ёлок) is not undone by Snowball, so both sides also try the stem
without it (``_fleeting``).

Why PostgreSQL does not stem with its own ``russian`` configuration: its Snowball build and
stop words come with the server version, it does not fold ё, and it would stem words the
SQLite side stems in Python, so the two databases could disagree. Instead both store *our*
tokens: SQLite as the text column ``search_text`` (``" =title-token … +name-token … token … "``,
searched with ``LIKE '% stem%'``), PostgreSQL as a GIN-indexed tsvector literal built without
a parser (title tokens weight A, shop and category names B, description C) searched with
``to_tsquery('simple', 'stem:*')``. Ranking is the same on both: products whose title holds
every query word first, then those whose title, shop or category name does (``stem:*A`` /
``stem:*AB`` on PostgreSQL), then by popularity; ``ts_rank`` would order ties differently
from SQLite, and a buyer should get the same list everywhere.

Typos: when nothing is found, ``suggestion()`` proposes a corrected query from the words of
titles, shop and category names (difflib over a vocabulary cached per catalog generation),
identical on both databases; PostgreSQL may still list titles with similar trigrams.
"""

import bisect
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Q, Value, When

from marketplace.pagecache import generation

PREFIX_MIN = 4  # a shorter stem matches whole tokens only («ча» is not a prefix search)
MAX_WORDS = 8
VOCABULARY_PRODUCTS = 20_000  # the most popular products' titles make the typo vocabulary
TITLE, META = "=", "+"  # SQLite zone markers: title tokens, shop and category tokens

STOP_WORDS = frozenset(
    "а без в во для до же за и из или к ко как на над не ни но о об от по под при про с со у "
    "a an and for in of on or the to with".split()
)

_WORD = re.compile(r"[^\W\d_]+|\d+")
_FLEETING = re.compile(r"(?<=[^аеиоуыэюя])[ое](?=[клн]$)")
_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")
_CYRILLIC = re.compile(r"[а-я]")


def normalize(text: str) -> str:
    """Lower case, ё → е, anything but letters and digits → single spaces."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower().replace("ё", "е"))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A word's stem (kept per process: the same few thousand words come back all day)."""
    if word.isdigit():
        return word
    return (_russian if _CYRILLIC.search(word) else _english).stemWord(word)


def _fleeting(stem_: str) -> str | None:
    """кукол → кукл, тарелок → тарелк, елок → елк: the form that the other cases share."""
    if len(stem_) < 4:
        return None
    folded = _FLEETING.sub("", stem_)
    return folded if folded != stem_ else None


def word_tokens(word: str) -> set[str]:
    """What an indexed word can be found by: itself, its stem, the stem without a fleeting vowel."""
    found = {word, stem(word)}
    if fleeting := _fleeting(stem(word)):
        found.add(fleeting)
    return found


def text_tokens(text: str) -> list[str]:
    """Distinct tokens of a text, in order of appearance (stop words left out)."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word not in STOP_WORDS:
            for token in sorted(word_tokens(word), key=len, reverse=True):
                seen.setdefault(token)
    return list(seen)


@dataclass(frozen=True)
class Document:
    """A product's searchable text by zone."""

    title: list[str]
    meta: list[str]
    body: list[str]

    @property
    def search_text(self) -> str:
        """The SQLite column: marked title and shop/category tokens, then every token once."""
        everything = dict.fromkeys([*self.title, *self.meta, *self.body])
        parts = [TITLE + t for t in self.title] + [META + t for t in self.meta] + list(everything)
        return f" {' '.join(parts)} "


def document(*, title: str, description: str, shop_name: str, category_names: list[str]) -> Document:
    title_tokens = text_tokens(title)
    meta_tokens = [t for t in text_tokens(" ".join([shop_name, *category_names])) if t not in title_tokens]
    body_tokens = [t for t in text_tokens(description) if t not in title_tokens and t not in meta_tokens]
    return Document(title=title_tokens, meta=meta_tokens, body=body_tokens)


def product_document(product) -> Document:
    """Works on real and historical (migration) models: title, description, shop, category tree."""
    category = product.category
    names = [category.name, category.parent.name] if category.parent_id else [category.name]
    return document(title=product.title, description=product.description, shop_name=product.shop.name,
                    category_names=names)  # fmt: skip


# A tsvector literal, not to_tsvector(): no parser or dictionary of PostgreSQL's may change our
# tokens. Weights live on positions, so every lexeme gets one (1, 2, 3 … in zone order).
VECTOR_SQL = "%s::tsvector"


def vector_params(doc: Document) -> list[str]:
    lexemes = [(token, weight) for tokens, weight in ((doc.title, "A"), (doc.meta, "B"), (doc.body, "C"))
               for token in tokens]  # fmt: skip
    return [" ".join(f"'{token}':{min(at, 16383)}{weight}" for at, (token, weight) in enumerate(lexemes, 1))]


def store(connection, rows: list[tuple[int, Document]]) -> None:
    """Write search_text (and on PostgreSQL search_vector) for (product id, document) pairs."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"UPDATE catalog_product SET search_text = %s, search_vector = {VECTOR_SQL} WHERE id = %s",
                [(doc.search_text, *vector_params(doc), pk) for pk, doc in rows],
            )
        else:
            cursor.executemany(
                "UPDATE catalog_product SET search_text = %s WHERE id = %s", [(doc.search_text, pk) for pk, doc in rows]
            )


# --- queries ------------------------------------------------------------------------------


def query_words(text: str) -> list[str]:
    found = words(text)
    meaningful = [w for w in found if w not in STOP_WORDS]
    return (meaningful or found)[:MAX_WORDS]


def query_terms(word: str) -> list[str]:
    """The alternatives one query word may match (its stem, and that stem without a fleeting vowel)."""
    terms = [stem(word)]
    if fleeting := _fleeting(terms[0]):
        terms.append(fleeting)
    return terms


def term_matches(term: str, token: str) -> bool:
    return token.startswith(term) if len(term) >= PREFIX_MIN else token == term


def _like(term: str, marker: str = "") -> Q:
    return Q(search_text__contains=f" {marker}{term}" if len(term) >= PREFIX_MIN else f" {marker}{term} ")


def _tsquery(words_: list[str], weights: str = "") -> str:
    groups = []
    for word in words_:
        alternatives = [f"{t}:{'*' if len(t) >= PREFIX_MIN else ''}{weights}" for t in query_terms(word)]
        groups.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(groups)


def _condition(words_: list[str], zone: str) -> Q:
    """Every word found in the zone: "" anywhere, TITLE in the title, META in the title or names."""
    if settings.DB_IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery

        weights = {"": "", TITLE: "A", META: "AB"}[zone]
        return Q(search_vector=SearchQuery(_tsquery(words_, weights), config="simple", search_type="raw"))
    condition = Q()
    for word in words_:
        either = Q()
        for term in query_terms(word):
            if zone == META:
                either |= _like(term, TITLE) | _like(term, META)
            else:
                either |= _like(term, zone)
        condition &= either
    return condition


def search(queryset, text: str):
    """Products matching every word of the query; None when the query has no words."""
    found = query_words(text)
    if not found:
        return None
    return queryset.filter(_condition(found, ""))


def relevance(text: str) -> list:
    """order_by() expressions: title hits, then title/shop/category hits, then popularity."""
    found = query_words(text)
    if not found:
        return []
    return [
        Case(When(_condition(found, TITLE), then=Value(1)), default=Value(0)).desc(),
        Case(When(_condition(found, META), then=Value(1)), default=Value(0)).desc(),
        "-popularity",
        "-pk",
    ]


# --- «Возможно, вы искали» ------------------------------------------------------------------


def vocabulary() -> tuple[dict[str, list[str]], list[str]]:
    """Known words by first letter and their sorted index tokens, from the titles of the most
    popular products and the shop and category names; cached until the catalog changes."""
    key = f"search-vocabulary:{generation()}"
    found = cache.get(key)
    if found is None:
        from shops.models import Shop

        from .models import Category, Product

        texts = list(
            Product.objects.visible().order_by("-popularity").values_list("title", flat=True)[:VOCABULARY_PRODUCTS]
        )
        texts += (
            Shop.objects.open_to_buyers()
            .order_by()
            .values_list("name", flat=True)
            .union(Category.objects.order_by().values_list("name", flat=True))
        )
        known = sorted({w for text in texts for w in words(text) if len(w) >= 3 and not w.isdigit()})
        by_letter: dict[str, list[str]] = {}
        for word in known:
            by_letter.setdefault(word[0], []).append(word)
        found = (by_letter, sorted({token for word in known for token in word_tokens(word)}))
        cache.set(key, found, 3600)
    return found


def _is_known(word: str, tokens: list[str]) -> bool:
    for term in query_terms(word):
        at = bisect.bisect_left(tokens, term)
        if at < len(tokens) and term_matches(term, tokens[at]):
            return True
    return False


def suggestion(text: str) -> str | None:
    """The query with unknown words replaced by the closest known ones, or None if nothing changes."""
    by_letter, tokens = vocabulary()
    corrected, changed = [], False
    for word in query_words(text):
        if len(word) < 3 or word.isdigit() or _is_known(word, tokens):
            corrected.append(word)
            continue
        # Typos rarely hit the first letter: compare with the words that share it.
        close = difflib.get_close_matches(word, by_letter.get(word[0], []), n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
        changed = changed or bool(close)
    return " ".join(corrected) if changed else None
