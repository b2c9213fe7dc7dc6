"""Pages of product listings whose cost does not grow with the catalog (issue 19).

A page deep in a listing is an OFFSET: the database reads and throws away every row before it,
so /catalog/?page=2000 cost as much as 48 000 cards. Keyset pagination ("after this product")
would keep any depth cheap, but it gives up what buyers use — numbered pages, a link to a page,
«Назад» from the last one — and does not fit orders that are not a column (search relevance,
discount then date). Like the big marketplaces (Etsy and Ozon stop listings after a few thousand
products), a listing instead reaches its first ``MAX_PAGES`` pages only: the deepest page is
2 400 rows of an index scan, the same at ten thousand products and at a million. A buyer past
them is asked to narrow the search. Counting is capped the same way: at most one row past the
last reachable page is counted (``count of a LIMIT``), which is enough to say «более 2 400».
"""

import hashlib

from django.core.cache import caches
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from marketplace.money import NBSP
from marketplace.pagecache import generation

MAX_PAGES = 100


class CachedCountPaginator(Paginator):
    """A listing's paginator. With ``max_pages`` only that many pages exist and the count stops
    one row past them (``is_capped`` says there is more). The count is kept for a minute per
    ``count_key`` (by default the query's SQL) and catalog generation, which nobody notices."""

    def __init__(self, object_list, per_page, *, count_key=None, max_pages=None):
        super().__init__(object_list, per_page)
        self.count_key = count_key
        self.max_pages = max_pages

    @property
    def reachable(self) -> int | None:
        """How many products the reachable pages hold (None: no cap)."""
        return self.max_pages * self.per_page if self.max_pages else None

    def _counted(self) -> int:
        if self.reachable is None:
            return Paginator.count.func(self)  # Django's count, without caching it over ours
        # Ordering does not change a count; without it the database picks the cheapest way to stop early.
        return self.object_list.order_by()[: self.reachable + 1].count()

    def count_cache_key(self) -> str | None:
        """Where the count is kept (None: counted every time)."""
        # Without a key the query itself is one (a shop's storefront: counting a big shop's
        # products costs more than its page).
        count_key = self.count_key
        if count_key is None and hasattr(self.object_list, "query"):
            count_key = str(self.object_list.query)
        if count_key is None:
            return None
        key = f"{generation()}:{self.reachable}:{count_key}"
        return "count:" + hashlib.sha1(key.encode()).hexdigest()

    @cached_property
    def counted(self) -> int:
        """The products found, or for a capped listing at most one past the reachable ones."""
        key = self.count_cache_key()
        if key is None:
            return self._counted()
        parts = caches["template_fragments"]  # the view may have read it ahead (marketplace.cache)
        value = parts.get(key)
        if value is None:
            value = self._counted()
            parts.set(key, value, 60)
        return value

    @cached_property
    def count(self) -> int:
        """What the pages hold: every product found, or the reachable ones of a capped listing."""
        return self.counted if self.reachable is None else min(self.counted, self.reachable)

    @property
    def is_capped(self) -> bool:
        """More products were found than the pages reach: «более 2 400 товаров»."""
        return self.reachable is not None and self.counted > self.reachable

    @property
    def count_display(self) -> str:
        """The count with non-breaking thousands spaces, as prices are written: «2 400»."""
        return f"{self.count:,}".replace(",", NBSP)
