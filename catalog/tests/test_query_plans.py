"""PostgreSQL's plans for the listings (issue 19): every sort, a category, the search, a storefront
and the seller's product and order lists read an index, never the whole products or orders table.

The pages are requested for real and every query they send is explained (EXPLAIN (FORMAT JSON))
against a catalog of a few thousand products with fresh statistics (ANALYZE): the planner chooses
as it would on a large catalog, where a Seq Scan of catalog_product means reading a million rows
and sorting them for 24 cards. A capped count («более 2 400») may scan, since it stops at its LIMIT.
"""

import json
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import services
from catalog.filters import SORTS
from catalog.models import Category, Product, ProductImage
from marketplace.models import User
from orders.models import Order, OrderStatus, Shipment
from shops.models import Shop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DB_IS_POSTGRES,
        reason="query plans are PostgreSQL's (the listing indexes are partial, EXPLAIN (FORMAT JSON)); "
        "CI runs this file again on PostgreSQL",
    ),
]

BATCH = 500
PRODUCTS, COPIES, SHOPS, ORDERS = 3_000, 10, 60, 3_000  # 30 000 products: a seq scan is no longer cheap
WATCHED = ("catalog_product", "orders_order")
# A search word matches a few per cent of a real catalog's products, not a twelfth of them.
WORDS = ["Плед", "Кружка", "Свеча", "Серьги", "Мишка", "Сумка", "Мыло", "Чай", "Ремень", "Кольцо", "Ваза", "Шарф",
         "Браслет", "Кулон", "Варежки", "Носки", "Шапка", "Тарелка", "Миска", "Поднос", "Корзина", "Подушка",
         "Ночник", "Постер", "Открытка", "Кукла", "Пирамидка", "Машинка", "Кошелёк", "Платье", "Халат", "Фартук",
         "Мёд", "Варенье", "Скворечник", "Кормушка", "Рамка", "Часы", "Зеркало", "Коврик"]  # fmt: skip


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    """A catalog big enough for the planner to prefer indexes where a large one needs them; made once
    for the module inside a transaction that is rolled back at the end."""
    rng = random.Random(19)
    now = timezone.now()
    with django_db_blocker.unblock(), transaction.atomic():
        roots = Category.objects.bulk_create([Category(name=f"Раздел {i}", slug=f"root-{i}") for i in range(6)])
        leaves = Category.objects.bulk_create(
            Category(name=f"Подраздел {i}", slug=f"leaf-{i}", parent=roots[i % 6]) for i in range(18)
        )
        owners = User.objects.bulk_create(User(email=f"seller-{i}@plans.test") for i in range(SHOPS))
        shops = Shop.objects.bulk_create(
            Shop(owner=owner, name=f"Мастерская {i}", slug=f"plans-{i}", city="Казань")
            for i, owner in enumerate(owners)
        )
        products = []
        for i in range(PRODUCTS):
            price = Decimal(rng.randrange(100, 9000))
            products.append(Product(
                shop=shops[i % SHOPS], category=leaves[rng.randrange(18)],
                title=f"{rng.choice(WORDS)} ручной работы {i}", description="Сделано вручную.",
                price=price, sale_price=price, discount_percent=rng.choice([0, 0, 0, 10, 20, 30]),
                popularity=rng.randrange(5000), is_enabled=rng.random() > 0.05,
                is_hidden_by_moderation=rng.random() < 0.01, stock=3,
                created_at=now - timedelta(minutes=PRODUCTS - i),
            ))  # fmt: skip
        # In batches: with server-side binding a statement takes at most 65 535 parameters.
        products = Product.objects.bulk_create(products, batch_size=BATCH)
        ProductImage.objects.bulk_create(
            (ProductImage(product=p, image="catalog/products/plans.jpg", width=800, height=800) for p in products),
            batch_size=BATCH,
        )
        buyer = User.objects.create(email="buyer@plans.test")
        orders = Order.objects.bulk_create([
            Order(number=f"P-{i}", shop=shops[i % SHOPS], buyer=buyer, idempotency_key=f"plans-{i}",
                  status=rng.choice(OrderStatus.values), buyer_name="Покупатель", phone="+79990000000",
                  email="buyer@plans.test", contact_method="email", subtotal=Decimal(500), total=Decimal(500),
                  created_at=now - timedelta(hours=ORDERS - i))
            for i in range(ORDERS)
        ], batch_size=BATCH)  # fmt: skip
        Shipment.objects.bulk_create(
            (
                Shipment(order=o, carrier="russian_post", track_number=f"8010{o.pk:010d}")
                for o in orders
                if o.status == OrderStatus.SHIPPED
            ),
            batch_size=BATCH,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_product p SET cover_id = i.id FROM catalog_productimage i WHERE i.product_id = p.id"
            )
        services.products_refresh_search()
        # Nine more copies of each product, a few days older each time (in SQL: seconds, not minutes).
        columns = ", ".join(f'"{f.column}"' for f in Product._meta.concrete_fields if not f.primary_key)
        copied = columns.replace('"created_at"', '"created_at" - make_interval(days => g)')
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO catalog_product ({columns}) SELECT {copied} FROM catalog_product, "
                f"generate_series(1, {COPIES - 1}) AS g"
            )
        with connection.cursor() as cursor:
            for table in ("catalog_category", "shops_shop", "catalog_product", "catalog_productimage",
                          "orders_order", "orders_shipment"):  # fmt: skip
                cursor.execute(f"ANALYZE {table}")
        yield {"shop": shops[0], "leaf": leaves[0], "root": roots[0]}
        transaction.set_rollback(True)


def scans(plan, under_limit=False):
    """(node type, table, under a Limit?) of every node of an EXPLAIN (FORMAT JSON) plan."""
    under_limit = under_limit or plan["Node Type"] == "Limit"
    yield plan["Node Type"], plan.get("Relation Name"), under_limit
    for child in plan.get("Plans", []):
        yield from scans(child, under_limit)


def full_scans(client, url):
    """The page's queries that read a whole watched table, with their plans' scans."""
    from django.core.cache import cache

    cache.clear()  # counts and cards are cached: every query must run
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    found = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or not any(f'"{table}"' in sql for table in WATCHED):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        capped_count = "COUNT(" in sql.upper() and "LIMIT" in sql.upper()
        for node, table, under_limit in scans(plan):
            if node == "Seq Scan" and table in WATCHED and not (capped_count and under_limit):
                found.append(f"{table} in: {sql[:300]}")
    return found


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_catalog_sort_reads_an_index(client, catalog, sort):
    assert full_scans(client, f"/catalog/?sort={sort}") == []


@pytest.mark.parametrize("page", [1, 100, 2000])
def test_catalog_pages_read_an_index_however_deep(client, catalog, page):
    assert full_scans(client, f"/catalog/?page={page}") == []


@pytest.mark.parametrize("sort", ["", "price", "-price", "popular"])
def test_a_category_listing_reads_an_index(client, catalog, sort):
    assert full_scans(client, f"/catalog/{catalog['leaf'].slug}/?sort={sort}") == []
    assert full_scans(client, f"/catalog/{catalog['root'].slug}/?sort={sort}") == []


def test_the_search_reads_its_index(client, catalog):
    assert full_scans(client, "/catalog/?q=плед") == []


def test_a_storefront_reads_an_index(client, catalog):
    assert full_scans(client, f"/shops/{catalog['shop'].slug}/") == []


def test_the_sellers_product_table_and_order_list_read_an_index(client, catalog):
    client.force_login(catalog["shop"].owner)
    assert full_scans(client, "/cabinet/products/") == []
    assert full_scans(client, "/cabinet/orders/") == []
