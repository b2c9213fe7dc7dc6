"""«Просмотры» can't be inflated: one view per address (or account, or session) a day, a few per
address at most, and never from another site's page."""

from datetime import date

import pytest
from django.test import Client

from catalog import services
from catalog.models import ProductView, ProductViewDay
from marketplace.tests.factories import UserFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db


def seen(client, product, **headers):
    return client.post(f"/p/{product.pk}/seen/", **headers)


def views(product) -> int:
    product.refresh_from_db()
    return product.views_count


def test_changing_the_browser_name_does_not_count_again(client):
    product = ProductFactory()
    for n in range(20):
        response = seen(client, product, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=f"Browser/{n}.0")
        assert response.status_code == 204
    assert views(product) == 1
    assert not ProductView.objects.filter(visitor__contains="203.0.113.7").exists()  # only a keyed hash is kept


def test_two_addresses_count_twice(client):
    product = ProductFactory()
    seen(client, product, REMOTE_ADDR="203.0.113.7")
    seen(client, product, REMOTE_ADDR="198.51.100.9")
    assert views(product) == 2


def test_another_sites_page_cannot_count(client):
    product = ProductFactory()
    response = seen(client, product, REMOTE_ADDR="203.0.113.7", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert seen(client, product, REMOTE_ADDR="198.51.100.9", HTTP_ORIGIN="null").status_code == 403
    assert views(product) == 0 and not ProductView.objects.exists()
    assert seen(client, product, REMOTE_ADDR="203.0.113.7", HTTP_ORIGIN="http://testserver").status_code == 204
    assert views(product) == 1


def test_the_address_behind_the_trusted_proxy_is_the_one_counted(client, settings):
    settings.PROXY_COUNT = 1
    product = ProductFactory()
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3"]:  # what the client wrote is ignored
        seen(client, product, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
    assert views(product) == 1
    seen(client, product, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert views(product) == 2


def test_one_session_counts_once_even_from_two_addresses(client):
    product = ProductFactory()
    session = client.session  # a visitor who has a session (a cart, a message)
    session["seen"] = True
    session.save()
    seen(client, product, REMOTE_ADDR="203.0.113.7")
    seen(client, product, REMOTE_ADDR="198.51.100.9")
    assert views(product) == 1


def test_an_account_counts_once_from_anywhere():
    product = ProductFactory()
    user = UserFactory()
    for address in ["203.0.113.7", "198.51.100.9"]:
        client = Client()
        client.force_login(user)
        seen(client, product, REMOTE_ADDR=address)
    assert views(product) == 1


def test_one_address_counts_at_most_three_times_a_day_whatever_the_accounts():
    product = ProductFactory()
    seen(Client(), product, REMOTE_ADDR="203.0.113.7")  # anonymous
    for _ in range(5):
        client = Client()
        client.force_login(UserFactory())
        seen(client, product, REMOTE_ADDR="203.0.113.7")
    assert views(product) == 3
    other = ProductFactory()
    seen(Client(), other, REMOTE_ADDR="203.0.113.7")
    assert views(other) == 1  # the cap is per product


# --- Daily counts (the marketing report's views over time) ----------------------------------


def test_counted_views_are_kept_per_product_and_day():
    product, other = ProductFactory(), ProductFactory()
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    for address in ["203.0.113.7", "198.51.100.9", "203.0.113.7"]:  # the repeat does not count
        services.product_view_record(product_id=product.pk, day=monday, address=address)
    services.product_view_record(product_id=product.pk, day=tuesday, address="203.0.113.7")
    services.product_view_record(product_id=other.pk, day=monday, address="203.0.113.7")
    rows = set(ProductViewDay.objects.values_list("product_id", "day", "views"))
    assert rows == {(product.pk, monday, 2), (product.pk, tuesday, 1), (other.pk, monday, 1)}
    assert views(product) == 3


def test_the_beacon_writes_the_days_count(client):
    product = ProductFactory()
    seen(client, product, REMOTE_ADDR="203.0.113.7")
    seen(client, product, REMOTE_ADDR="203.0.113.7")
    assert list(ProductViewDay.objects.filter(product=product).values_list("views", flat=True)) == [1]
