"""Sessions in the database with the cache in front (Django's cached_db), read together with the
signed-in visitor's cached values (marketplace.personal) in one cache round trip.

A session's key never changes owner (Django gives a new key at every log-in), so each web
process remembers which account a session key belonged to the last time it was read; the next
request for that session asks the cache for the session *and* that account's values in one
``get_many``. The values are used only when the session read says the same account.
"""

from collections import OrderedDict
from threading import Lock

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from . import personal

OWNERS_REMEMBERED = 20_000
_owners: OrderedDict[str, str] = OrderedDict()
_lock = Lock()


def _owner_of(session_key: str) -> str | None:
    with _lock:
        owner = _owners.get(session_key)
        if owner is not None:
            _owners.move_to_end(session_key)
        return owner


def _remember_owner(session_key: str, user_id: str | None) -> None:
    with _lock:
        if user_id is None:
            _owners.pop(session_key, None)
            return
        _owners[session_key] = user_id
        _owners.move_to_end(session_key)
        while len(_owners) > OWNERS_REMEMBERED:
            _owners.popitem(last=False)


class SessionStore(CachedDBStore):
    def load(self):
        owner = _owner_of(self.session_key) if self.session_key else None
        if owner is not None:
            keys = personal.keys_for(owner)
            try:
                found = self._cache.get_many([self.cache_key, *keys.values()])
            except Exception:  # an invalid key or an unreachable cache: the usual path decides
                found = {}
            data = found.get(self.cache_key)
            if data is not None and str(data.get(SESSION_KEY)) == owner:
                personal.remember_fetched(owner, found)
                return data
        data = super().load()
        if self.session_key:
            user_id = data.get(SESSION_KEY)
            _remember_owner(self.session_key, str(user_id) if user_id is not None else None)
        return data
