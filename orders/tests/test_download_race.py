"""Ten downloads of one file at the same moment (PostgreSQL: real concurrent transactions): the limit is
served exactly, for a signed-in buyer and for a guest's order, and first downloads make one counter row."""

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from catalog.models import Activation, DigitalFile
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.downloads import DownloadRefused, download_take
from orders.models import Download
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions"),
]

THREADS = 10


def sold_file(limit):
    """A digital product's sold file; no bytes on disk are needed to count its downloads."""
    product = ProductFactory(shop=ShopFactory(slug="race"), title="Открытки «Зима»", price=Decimal("300"),
                             is_digital=True, activation=Activation.IMMEDIATE, download_limit=limit)  # fmt: skip
    return DigitalFile.objects.create(product=product, title="Открытка", file="digital/2026/11/race.pdf", size=2048)


def takes_at_once(**who) -> list[str]:
    """THREADS calls of download_take at the same moment: «ok», «used up», or the repr of anything else."""
    start = threading.Barrier(THREADS)
    outcomes = [""] * THREADS

    def take(index):
        try:
            start.wait()
            download_take(**who)
            outcomes[index] = "ok"
        except DownloadRefused as refusal:
            outcomes[index] = "used up" if refusal.used_up else repr(refusal)
        except Exception as error:  # noqa: BLE001 - reported, so the test fails on it
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_ten_parallel_downloads_of_a_buyer_serve_exactly_the_limit():
    sold = sold_file(limit=3)
    buyer = UserFactory()
    Download.objects.create(file=sold, user=buyer)  # the counter exists: only the UPDATE races

    outcomes = takes_at_once(sold=sold, user=buyer)

    assert sorted(outcomes) == ["ok"] * 3 + ["used up"] * 7
    assert list(Download.objects.values_list("user", "count")) == [(buyer.pk, 3)]


def test_ten_parallel_downloads_of_a_guest_order_serve_exactly_the_limit():
    sold = sold_file(limit=3)
    order = order_for(sold.product.shop, product=sold.product, email="guest@example.com")

    outcomes = takes_at_once(sold=sold, order=order)

    assert sorted(outcomes) == ["ok"] * 3 + ["used up"] * 7
    assert list(Download.objects.values_list("user", "order", "count")) == [(None, order.pk, 3)]


@pytest.mark.parametrize(("limit", "served"), [(None, THREADS), (3, 3)])
def test_ten_first_downloads_at_once_make_one_counter_row(limit, served):
    sold = sold_file(limit=limit)
    buyer = UserFactory()

    outcomes = takes_at_once(sold=sold, user=buyer)

    assert sorted(outcomes) == ["ok"] * served + ["used up"] * (THREADS - served)
    assert list(Download.objects.values_list("user", "count")) == [(buyer.pk, served)]
