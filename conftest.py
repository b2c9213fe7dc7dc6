"""Test set-up shared by every app: eager Celery, a private cache, e-mail capture."""

import os

import pytest

# pytest-playwright keeps an event loop running in the main thread; Django would refuse
# database access in the whole session. Only for the test process, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROKER_TESTS_REQUIRED = os.environ.get("LAVKA_REQUIRE_BROKER_TESTS") == "1"

# The broker tests' fixtures (a private Redis, a worker, gunicorn; marketplace/tests/live.py).
pytest_plugins = ["marketplace.tests.live"]


@pytest.fixture(autouse=True)
def _isolated_services(request, settings, tmp_path_factory):
    """Each test gets a fresh in-memory cache and runs Celery tasks in-process.

    Tests marked ``broker`` talk to a real Redis and a real worker instead.
    """
    from marketplace.cache import breakers_reset
    from marketplace.celery import app

    breakers_reset()  # a test's broker or Redis failure must not make the next one skip it
    # A test that made a Celery app of its own (Celery(broker=...)) made it the current one:
    # shared tasks would publish through it, to a broker long gone, for the rest of the run.
    app.set_current()
    if request.node.get_closest_marker("broker"):
        yield
        return

    # Tests log people in all the time; a slow password hash would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sold files go to the test run's own folder, never the project's ./private.
    private = tmp_path_factory.getbasetemp() / "private"
    settings.PRIVATE_MEDIA_ROOT = private
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(private)}},
    }
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid},
        "imagekit": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "template_fragments": {"BACKEND": "marketplace.cache.PrefetchedCache", "OPTIONS": {"TARGET": "default"}},
    }
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def pytest_collection_modifyitems(config, items):
    """Skip broker tests where no Redis/PostgreSQL is configured, unless CI requires them."""
    from django.conf import settings

    reason = None
    if not settings.REDIS_URL:
        reason = "broker tests need REDIS_URL (run .ci/run or set REDIS_URL and DATABASE_URL)"
    elif not settings.DB_IS_POSTGRES:
        reason = "broker tests need a PostgreSQL DATABASE_URL (a worker process cannot see an in-memory test DB)"
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("broker"):
            if BROKER_TESTS_REQUIRED:
                raise pytest.UsageError(f"LAVKA_REQUIRE_BROKER_TESTS=1 but {reason}")
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def fake_carriers(settings):
    """A local server answering like Russian Post and CDEK, with the site's carrier settings pointed at it."""
    from orders.tests.fake_carriers import FakeCarrierServer

    with FakeCarrierServer() as server:
        server.configure(settings)
        yield server
