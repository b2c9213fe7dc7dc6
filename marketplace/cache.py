"""The Redis cache backend, made to fail open when Redis is unreachable; and the cache of page
parts that a view can read ahead of rendering in one round trip."""

from contextvars import ContextVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.signals import request_finished, request_started
from django_redis.cache import RedisCache, omit_exception


class ResilientRedisCache(RedisCache):
    """django-redis with errors ignored, and add() reporting success while Redis is down.

    Locks built on cache.add() (allauth's rate limiter) would otherwise spin until their
    timeout and refuse every log-in and password reset during an outage; we choose to keep
    the site usable and skip rate limiting until Redis is back.
    """

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)


_MISSING = object()
_prefetched: ContextVar[dict | None] = ContextVar("prefetched_parts", default=None)


class PrefetchedCache(BaseCache):
    """The "template_fragments" cache: the default cache, except for the keys a view asked for
    ahead of rendering (``prefetch``), which come from that one round trip. Django's
    ``{% cache %}`` tags use this alias by themselves; a page whose fragment keys are known
    before rendering (the product page) reads them all at once instead of one by one."""

    def __init__(self, location, params):
        super().__init__(params)
        self.target_alias = params.get("OPTIONS", {}).get("TARGET", "default")

    @property
    def target(self):
        return caches[self.target_alias]

    def prefetch(self, keys) -> None:
        keys = [key for key in keys if key]
        if not keys:
            return
        found = self.target.get_many(keys)
        fetched = _prefetched.get() or {}
        fetched.update({key: found.get(key, _MISSING) for key in keys})
        _prefetched.set(fetched)

    def get(self, key, default=None, version=None):
        fetched = _prefetched.get()
        if fetched is not None and key in fetched:
            value = fetched[key]
            return default if value is _MISSING else value
        return self.target.get(key, default, version)

    def get_many(self, keys, version=None):
        fetched = _prefetched.get() or {}
        found = {key: fetched[key] for key in keys if key in fetched and fetched[key] is not _MISSING}
        rest = [key for key in keys if key not in fetched]
        if rest:
            found.update(self.target.get_many(rest, version))
        return found

    def _forget(self, keys) -> None:
        fetched = _prefetched.get()
        if fetched is not None:
            for key in keys:
                fetched.pop(key, None)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key])
        return self.target.set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(list(data))
        return self.target.set_many(data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key])
        return self.target.add(key, value, timeout, version)

    def delete(self, key, version=None):
        self._forget([key])
        return self.target.delete(key, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.target.touch(key, timeout, version)

    def has_key(self, key, version=None):
        return self.get(key, _MISSING, version) is not _MISSING

    def clear(self):
        _prefetched.set(None)
        return self.target.clear()


def _forget_prefetched(**kwargs):
    _prefetched.set(None)


request_started.connect(_forget_prefetched, dispatch_uid="prefetched-parts-start")
request_finished.connect(_forget_prefetched, dispatch_uid="prefetched-parts-finish")
