"""What every page shows about the signed-in visitor, read in one cache round trip.

A signed-in page needs the session, the account, the cart badge, the unread-messages badge and
the visitor's liked products. Each is kept in the cache under a key of its own (apps register
their keys here, so this core module imports none of them), and the session store fetches
them together with the session in one ``get_many`` (marketplace.sessions). Readers call
``get(user_id, name)``: the value fetched with the session when there is one, else a plain
cache read.

Every value is exact: whoever changes the underlying rows calls ``forget`` (from signals or
services), so the next request reads the database again. Values fetched for one request are
dropped when it ends and never seen by another.
"""

from collections.abc import Callable
from contextvars import ContextVar
from functools import partial

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

KEYS: dict[str, Callable[[object], str]] = {}
SHARED: dict[str, str] = {}  # values the same for everyone, fetched in the same round trip
_MISSING = object()
_fetched: ContextVar[tuple[object, dict] | None] = ContextVar("personal_fetched", default=None)


def register(name: str, key: Callable[[object], str]) -> None:
    """A value named ``name`` kept under ``key(user_id)``."""
    KEYS[name] = key


def register_shared(name: str, key: str) -> None:
    """A value for everyone (the catalog's generation) that signed-in pages read on every request."""
    SHARED[name] = key


def keys_for(user_id) -> dict[str, str]:
    return {**{name: key(user_id) for name, key in KEYS.items()}, **SHARED}


def remember_fetched(user_id, found: dict) -> None:
    """The values fetched for this request along with its session (missing ones are known absent)."""
    keys = keys_for(user_id)
    _fetched.set((str(user_id), {name: found.get(key, _MISSING) for name, key in keys.items()}))


def get_shared(name: str):
    """A shared value as fetched with this request's session, else from the cache."""
    fetched = _fetched.get()
    if fetched is not None:
        value = fetched[1].get(name, _MISSING)
        if value is not _MISSING:
            return value
        if name in fetched[1]:
            return None
    return cache.get(SHARED[name])


def forget_shared(name: str) -> None:
    """This request changed a shared value: read it from the cache from now on."""
    fetched = _fetched.get()
    if fetched is not None:
        fetched[1].pop(name, None)


def get(user_id, name: str):
    """The cached value, or None when the cache does not know it."""
    fetched = _fetched.get()
    if fetched is not None and fetched[0] == str(user_id):
        value = fetched[1].get(name, _MISSING)
        if value is not _MISSING:
            return value
        if name in fetched[1]:
            return None  # fetched with the session and absent: no second round trip
    return cache.get(KEYS[name](user_id))


def put(user_id, name: str, value, timeout: int) -> None:
    cache.set(KEYS[name](user_id), value, timeout)
    fetched = _fetched.get()
    if fetched is not None and fetched[0] == str(user_id):
        fetched[1][name] = value


def forget(user_ids, *names: str) -> None:
    """These people's values changed: the next read goes to the database.

    Dropped at once and again when the transaction commits, so a request reading between the
    two cannot keep the value from before the change."""
    user_ids = {str(pk) for pk in user_ids if pk is not None}
    keys = [KEYS[name](pk) for pk in user_ids for name in names or KEYS]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(partial(cache.delete_many, keys))
    fetched = _fetched.get()
    if fetched is not None and fetched[0] in user_ids:
        for name in names or KEYS:
            fetched[1].pop(name, None)


def _clear(**kwargs) -> None:
    _fetched.set(None)


request_started.connect(_clear, dispatch_uid="personal-clear-start")
request_finished.connect(_clear, dispatch_uid="personal-clear-finish")
