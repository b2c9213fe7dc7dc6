"""The circuit breaker in front of Redis (marketplace.cache): after one timeout a process stops
waiting for a hung Redis, tries it again once its cooldown is over, and forgets what it could not
write meanwhile as soon as Redis answers again."""

from types import SimpleNamespace

import pytest
import redis
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError

from marketplace.cache import CircuitBreaker, breaker_for
from marketplace.models import OutboxMessage
from marketplace.notifications import outbox_enqueue
from orders import tasks as tasks_of_orders


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_failure_opens_the_breaker_for_its_cooldown_then_one_probe_goes_through():
    clock = Clock()
    breaker = CircuitBreaker("Redis at test", cooldown=5, clock=clock)
    assert breaker.allow() and breaker.allow()  # closed: everyone goes

    breaker.failed(redis.TimeoutError("Timeout reading from socket"))
    assert not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()

    clock.now += 0.2
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # the others wait for what the probe finds
    breaker.failed()  # still hung: another cooldown
    clock.now += 4.9
    assert not breaker.allow()

    clock.now += 0.2
    assert breaker.allow()
    breaker.succeeded()  # back: closed for everyone
    assert breaker.allow() and breaker.allow() and not breaker.is_open


class FakeRedisClient:
    """django-redis's client for a Redis that hangs (every call times out) until ``back``."""

    def __init__(self):
        self.back = False
        self.calls: list[str] = []
        self.deleted: list[list[str]] = []
        self.store: dict[str, object] = {"page": "cached before the outage"}

    def _answer(self, name):
        self.calls.append(name)
        if not self.back:
            raise ConnectionInterrupted(connection=None) from redis.TimeoutError("Timeout reading from socket")

    def get_client(self, write=True):
        fake = self

        class Connection:
            def ping(self):
                fake.calls.append("ping")
                if not fake.back:
                    raise redis.TimeoutError("Timeout reading from socket")
                return True

        return Connection()

    def get(self, key, default=None, version=None, client=None):
        self._answer("get")
        return self.store.get(key, default)

    def get_many(self, keys, version=None):
        self._answer("get_many")
        return {key: self.store[key] for key in keys if key in self.store}

    def set(self, key, value, timeout=None, version=None, **kwargs):
        self._answer("set")
        self.store[key] = value
        return True

    def add(self, key, value, timeout=None, version=None):
        self._answer("add")
        return self.store.setdefault(key, value) is value

    def delete_many(self, keys, version=None):
        self._answer("delete_many")
        self.deleted.append(sorted(keys))
        for key in keys:
            self.store.pop(key, None)

    def close(self, **kwargs):
        pass


@pytest.fixture
def hung(settings, monkeypatch):
    """A ResilientRedisCache whose Redis hangs, with the breaker on a clock the test moves."""
    settings.CACHES = {
        **settings.CACHES,
        "hung": {"BACKEND": "marketplace.cache.ResilientRedisCache", "LOCATION": "redis://hung.test:6390/0",
                 "OPTIONS": {"IGNORE_EXCEPTIONS": True}},
    }  # fmt: skip
    cache = caches["hung"]
    fake = FakeRedisClient()
    monkeypatch.setattr(cache, "_client", fake)
    clock = Clock()
    monkeypatch.setattr(cache.breaker, "clock", clock)
    return cache, fake, clock


def test_a_hung_redis_costs_one_timeout_then_calls_skip_it(hung):
    cache, fake, _clock = hung
    assert cache.get("page") is None  # waited for the timeout once
    assert cache.get_many(["page", "badge"]) == {}
    assert cache.set("page", "new") is None
    assert cache.get("page", "default") == "default"
    assert fake.calls == ["get"]  # nothing else went to Redis
    # Locks and rate limits built on add() let people through rather than refuse everyone.
    assert cache.add("login-attempts", 1) is True
    assert fake.calls == ["get"]


def test_the_cache_and_the_broker_of_one_redis_share_the_breaker(hung):
    cache, _fake, _clock = hung
    cache.get("page")
    assert breaker_for("redis://hung.test:6390/1") is cache.breaker
    assert not breaker_for("redis://hung.test:6390/1").allow()  # the publish skips it too
    assert breaker_for("redis://other.test:6390/0").allow()


def test_when_redis_is_back_the_breaker_closes_and_what_was_not_written_is_forgotten(hung):
    cache, fake, clock = hung
    cache.get("page")
    cache.set("page", "changed during the outage")  # the database moved on; Redis still has the old page
    clock.now += 4
    assert cache.get("page") is None and fake.calls == ["get"]

    clock.now += 2  # the cooldown is over, but Redis still hangs: one probe, one timeout
    assert cache.get("page") is None
    assert fake.calls == ["get", "ping"]
    assert cache.get("page") is None and fake.calls == ["get", "ping"]

    fake.back = True
    clock.now += 6
    # The probe finds Redis back: the stale page is deleted before anything is read.
    assert cache.get("page", "from the database") == "from the database"
    assert fake.calls == ["get", "ping", "ping", "delete_many", "get"]
    assert fake.deleted == [["page"]]
    assert not cache.breaker.is_open
    assert cache.set("page", "fresh") and cache.get("page") == "fresh"


@pytest.fixture
def broker_publishing(monkeypatch):
    """Tasks published to a broker at broker.test (not run in-process), whose answers the test decides:
    ``asked`` lists the task ids published, ``answer`` is called for each (raise to fail it)."""
    from celery.app.task import Task

    from marketplace.celery import app

    state = SimpleNamespace(asked=[], answer=lambda: None)

    def publish(task, args=None, kwargs=None, **options):
        state.asked.append(args[0])
        state.answer()

    monkeypatch.setattr(Task, "apply_async", publish)
    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://broker.test:6391/0"
    try:
        yield state
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker_url


@pytest.mark.django_db
def test_a_broker_that_failed_is_not_asked_at_every_commit(settings, broker_publishing, monkeypatch,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    def hung():
        raise TimeoutError("Timeout reading from socket")

    broker_publishing.answer = hung
    clock = Clock()
    monkeypatch.setattr(breaker_for("redis://broker.test:6391/0"), "clock", clock)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(template="t", to=["anna@example.com"], subject=f"№{n}", body_text="", body_html="")
    assert len(broker_publishing.asked) == 1  # one wait, not three
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 3
    # Any task, not only the outbox's: the tracking refresh fails at once too (its caller logs it).
    with pytest.raises(OperationalError):
        tasks_of_orders.shipment_refresh_task.delay(1)
    assert len(broker_publishing.asked) == 1

    clock.now += settings.REDIS_DOWN_SECONDS + 0.1
    broker_publishing.answer = lambda: None  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(template="t", to=["anna@example.com"], subject="№3", body_text="", body_html="")
    assert broker_publishing.asked[-1] == message.pk
    assert not breaker_for("redis://broker.test:6391/0").is_open
