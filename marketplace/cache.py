"""The Redis cache backend, made to fail open and fast when Redis is unreachable; and the cache of
page parts that a view can read ahead of rendering in one round trip."""

import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextvars import ContextVar

import kombu.exceptions
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.signals import request_finished, request_started
from django_redis.cache import RedisCache, omit_exception
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (redis.ConnectionError, redis.TimeoutError, socket.timeout, ConnectionError)


def unreachable(error: BaseException) -> bool:
    """Did this error come from a server that cannot be reached or does not answer (rather than
    from a bug in what was sent)? kombu reports both refused and timed-out connections as
    OperationalError."""
    return isinstance(error, (*CONNECTION_ERRORS, OSError, kombu.exceptions.OperationalError))


class CircuitBreaker:
    """Process-wide memory that a service did not answer: for ``cooldown`` seconds after a failure
    callers skip it instead of each waiting for its timeout; then one caller at a time tries it
    again (the probe) while the others keep skipping, and a probe that succeeds closes it.

    A request that meets a hung Redis so pays one socket timeout, not one per cache call, and
    the requests after it none until the probe.
    """

    def __init__(self, name: str, cooldown: float, clock: Callable[[], float] = time.monotonic):
        self.name, self.cooldown, self.clock = name, cooldown, clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allow(self) -> bool:
        """May the caller use the service now? True while closed, and for the one probe once the
        cooldown is over (which holds the others off for another cooldown unless it succeeds)."""
        if self._open_until is None:
            return True
        with self._lock:
            if self._open_until is None:
                return True
            now = self.clock()
            if now < self._open_until:
                return False
            self._open_until = now + self.cooldown
            return True

    def failed(self, error: BaseException | None = None) -> None:
        with self._lock:
            opening = self._open_until is None
            self._open_until = self.clock() + self.cooldown
        if opening:
            logger.warning("%s does not answer (%r): skipped for %s s at a time", self.name, error, self.cooldown)

    def reset(self) -> None:
        with self._lock:
            self._open_until = None

    def succeeded(self) -> None:
        if self._open_until is None:
            return
        with self._lock:
            if self._open_until is None:
                return
            self._open_until = None
        logger.info("%s answers again", self.name)
        for callback in list(_recovered):
            try:
                callback(self)
            except Exception:  # a hook must not fail the caller's request
                logger.exception("After %s came back, %r failed", self.name, callback)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()
_recovered: list[Callable[[CircuitBreaker], None]] = []


def breaker_for(url: str) -> CircuitBreaker:
    """The breaker of the server at ``url``: one per host and port in this process, so the cache
    (one client per thread) and publishing to the broker share what they learnt about it."""
    parts = urllib.parse.urlsplit(url or "")
    name = f"Redis at {parts.hostname or parts.path or url}:{parts.port or ''}".rstrip(":")
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = CircuitBreaker(name, cooldown=getattr(settings, "REDIS_DOWN_SECONDS", 5.0))
        return _breakers[name]


def breakers_reset() -> None:
    """Forget every failure (tests: one test's outage must not leak into the next)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()
    for unsynced in _unsynced.values():
        unsynced.take()


def on_recovery(callback: Callable[[CircuitBreaker], None]) -> None:
    """Call ``callback(breaker)`` whenever a Redis that failed answers again."""
    if callback not in _recovered:
        _recovered.append(callback)


class _Skipped(redis.ConnectionError):
    """Not sent: the breaker says the server did not answer a moment ago."""


# Writes that could not reach Redis leave it with what was there before, which the database has
# moved past (a session changed, a badge count forgotten): their keys are deleted once it is back.
_WRITES = {"set": 3, "add": 3, "delete": 1, "touch": 2, "set_many": 2, "delete_many": 1, "expire": None,
           "expire_at": None, "pexpire": None, "pexpire_at": None, "persist": None}  # fmt: skip
# Neither guarded nor counted: no round trip to Redis.
_LOCAL = {"close", "make_key", "make_pattern", "encode", "decode", "get_client", "connect", "disconnect"}
FORGET_AT_MOST = 20_000


class _Unsynced:
    """Keys of one cache that this process failed to write while its Redis did not answer."""

    def __init__(self):
        self._lock = threading.Lock()
        self.keys: set[tuple[str, int | None]] = set()
        self.overflow = False

    def add(self, method: str, args, kwargs) -> None:
        if method not in _WRITES or not args:
            return
        position = _WRITES[method]
        version = kwargs.get("version", args[position] if position is not None and len(args) > position else None)
        first = args[0]
        keys = list(first) if method in {"set_many", "delete_many"} else [first]
        with self._lock:
            self.keys.update((key, version) for key in keys)
            if len(self.keys) > FORGET_AT_MOST:
                self.keys.clear()
                self.overflow = True

    def take(self):
        with self._lock:
            keys, overflow = self.keys, self.overflow
            self.keys, self.overflow = set(), False
            return keys, overflow

    def put_back(self, keys, overflow) -> None:
        with self._lock:
            self.keys |= keys
            self.overflow = self.overflow or overflow


_unsynced: dict[str, _Unsynced] = {}


class _GuardedClient:
    """django-redis's client behind the breaker: calls fail at once (as if the connection broke)
    while it is open, and a connection error or timeout opens it."""

    def __init__(self, client, breaker: CircuitBreaker, unsynced: _Unsynced):
        self._client, self._breaker, self._unsynced = client, breaker, unsynced

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name in _LOCAL or name.startswith("_") or not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            probing = self._breaker.is_open
            if not self._breaker.allow():
                self._unsynced.add(name, args, kwargs)
                raise ConnectionInterrupted(connection=None) from _Skipped(self._breaker.name)
            try:
                if probing:
                    # Redis may be back: ask it something harmless first, so that what was not
                    # written meanwhile is forgotten (on_recovery) before this call reads it.
                    self._client.get_client(write=True).ping()
                    self._breaker.succeeded()
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as error:
                if isinstance(error.__cause__, CONNECTION_ERRORS):
                    self._failed(error.__cause__, name, args, kwargs)
                else:
                    logger.error("Redis refused %s: %s", name, error)
                raise
            except CONNECTION_ERRORS as error:  # the ping, or a method django-redis does not wrap
                self._failed(error, name, args, kwargs)
                raise ConnectionInterrupted(connection=None) from error
            self._breaker.succeeded()
            return result

        self.__dict__[name] = call  # made once per method: __getattr__ is not asked again
        return call

    def _failed(self, error, name, args, kwargs) -> None:
        self._unsynced.add(name, args, kwargs)
        self._breaker.failed(error)

    def forget_unsynced(self) -> None:
        """Delete what could not be written while Redis was away (it is back now)."""
        keys, overflow = self._unsynced.take()
        if not keys and not overflow:
            return
        try:
            if overflow:  # too many to remember: every key of this cache goes
                self._client.delete_pattern("*", itersize=1000)
                return
            by_version: dict[int | None, list[str]] = {}
            for key, version in keys:
                by_version.setdefault(version, []).append(key)
            for version, names in by_version.items():
                self._client.delete_many(names, version=version)
        except (ConnectionInterrupted, *CONNECTION_ERRORS) as error:
            self._unsynced.put_back(keys, overflow)
            self._breaker.failed(error)


class ResilientRedisCache(RedisCache):
    """django-redis that neither fails nor waits while Redis is down or hung.

    Errors are ignored (IGNORE_EXCEPTIONS), and after a timeout or a refused connection the
    process skips Redis for REDIS_DOWN_SECONDS (CircuitBreaker), so a request pays at most one
    socket timeout. What it could not write meanwhile is deleted once Redis answers again.

    add() reports success while Redis is down: locks built on it (allauth's rate limiter)
    would otherwise spin until their timeout and refuse every log-in and password reset during
    an outage; we choose to keep the site usable and skip rate limiting until Redis is back.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = breaker_for(server if isinstance(server, str) else server[0])
        self._unsynced = _unsynced.setdefault(f"{server}|{params.get('KEY_PREFIX', '')}", _Unsynced())
        self._guarded = None

    @property
    def client(self):
        if self._guarded is None:
            self._guarded = _GuardedClient(super().client, self.breaker, self._unsynced)
        return self._guarded

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)


def _forget_unsynced(breaker: CircuitBreaker) -> None:
    for alias in settings.CACHES:
        cache = caches[alias]  # this thread's instance
        if isinstance(cache, ResilientRedisCache) and cache.breaker is breaker:
            cache.client.forget_unsynced()


on_recovery(_forget_unsynced)


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
