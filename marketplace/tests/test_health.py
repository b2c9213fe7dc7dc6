import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_cache_and_broker(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"Database(alias='default')", "Cache(alias='default')", "Broker()"}
    assert set(body.values()) == {"OK"}


def test_health_fails_when_the_cache_is_broken(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert response.json()["Cache(alias='default')"] != "OK"
