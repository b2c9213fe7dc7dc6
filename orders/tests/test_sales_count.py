"""A sale is counted when an order is placed and uncounted when it is cancelled (issue 13): «Хит» follows orders."""

import pytest

from catalog import services as catalog_services
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from orders import services
from orders.models import OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="anna", name="Мастерская Анны")


def sales(product) -> int:
    return Product.objects.get(pk=product.pk).sales_count


def test_placing_an_order_counts_one_sale_whatever_the_pieces(shop):
    product = ProductFactory(shop=shop, stock=10)
    order_for(shop, product=product, quantity=3)
    assert sales(product) == 1


def test_cancelling_uncounts_the_sale(shop):
    product = ProductFactory(shop=shop, stock=10)
    order_for(shop, product=product)
    order_for(shop, product=product, statuses=[OrderStatus.CANCELLED])
    assert sales(product) == 1


def test_a_cancelled_order_with_a_parcel_keeps_its_stock_but_is_no_sale(shop):
    product = ProductFactory(shop=shop, stock=10)
    order = order_for(shop, product=product, statuses=[OrderStatus.PAID])
    services.shipment_add(order=order, actor=shop.owner, carrier="cdek", track_number="1234567890")
    services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                              cancel_reason="buyer_asked")  # fmt: skip
    product.refresh_from_db()
    assert (product.sales_count, product.stock) == (0, 9)


def test_a_refused_cancel_leaves_the_sale_counted(shop):
    product = ProductFactory(shop=shop, stock=10)
    order = order_for(shop, product=product)
    with pytest.raises(Exception, match="причин|reason"):
        services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner, cancel_reason="")
    assert sales(product) == 1


def test_hit_label_comes_with_the_third_order_through_the_hourly_job_and_goes_on_cancel(shop):
    product = ProductFactory(shop=shop, stock=10)
    orders = [order_for(shop, product=product) for _ in range(3)]
    assert not Product.objects.get(pk=product.pk).is_hit  # the hourly job gives the label
    catalog_services.labels_refresh()
    assert Product.objects.get(pk=product.pk).is_hit
    services.order_transition(order=orders[0], to_status=OrderStatus.CANCELLED, actor=shop.owner,
                              cancel_reason="buyer_asked")  # fmt: skip
    catalog_services.labels_refresh()
    assert not Product.objects.get(pk=product.pk).is_hit


def test_one_order_of_three_pieces_is_not_a_hit(shop):
    product = ProductFactory(shop=shop, stock=10)
    order_for(shop, product=product, quantity=3)
    catalog_services.labels_refresh()
    assert not Product.objects.get(pk=product.pk).is_hit
