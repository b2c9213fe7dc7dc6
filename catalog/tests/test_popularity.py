"""Popularity from real figures (seed 001 «по популярности») and the sales counter behind «Хит»."""

import pytest

from catalog import services
from catalog.models import Product
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db


def fresh(product) -> Product:
    return Product.objects.get(pk=product.pk)


def test_sales_record_counts_each_product_once_and_never_goes_below_zero():
    first, second = ProductFactory(), ProductFactory()
    assert services.products_sales_record(product_ids=[first.pk, first.pk, second.pk, None], delta=1) == 2
    assert (fresh(first).sales_count, fresh(second).sales_count) == (1, 1)
    services.products_sales_record(product_ids=[first.pk], delta=-1)
    services.products_sales_record(product_ids=[first.pk], delta=-1)
    assert fresh(first).sales_count == 0
    assert fresh(first).popularity == 0


def test_sales_record_refuses_other_steps():
    with pytest.raises(ValueError):
        services.products_sales_record(product_ids=[1], delta=3)


def test_popularity_formula_uses_product_and_shop_figures():
    shop = ShopFactory(rating_count=4)
    product = ProductFactory(shop=shop, sales_count=3, review_count=2, likes_count=5, views_count=7)
    ProductFactory(shop=shop, sales_count=6)
    ProductFactory(sales_count=100)  # another shop's sales do not count
    services.labels_refresh()
    # 20×3 + 10×2 + 5×5 + 7 + shop sales 9 + 2×4 shop reviews
    assert fresh(product).popularity == 60 + 20 + 25 + 7 + 9 + 8


def test_a_sale_a_like_and_a_view_move_popularity_at_once():
    product = ProductFactory()
    services.products_sales_record(product_ids=[product.pk], delta=1)
    assert fresh(product).popularity == 20
    services.product_like_toggle(user=UserFactory(), product=product)
    assert fresh(product).popularity == 25
    services.product_view_record(product_id=product.pk, day=product.created_at.date(), address="10.0.0.1")
    assert fresh(product).popularity == 26


def test_more_sales_sort_higher_in_popularity():
    shop = ShopFactory()
    seller, bestseller = ProductFactory(shop=shop), ProductFactory(shop=shop)
    for _ in range(3):
        services.products_sales_record(product_ids=[bestseller.pk], delta=1)
    services.labels_refresh()
    assert fresh(bestseller).popularity > fresh(seller).popularity
