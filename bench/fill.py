"""Fill the database with N products across M shops, and their orders, for benchmarks (bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench .venv/bin/python bench/fill.py --products 1000000

No per-product services: the point is volume, fast. On PostgreSQL the products, their cover
photos and the orders go in with COPY, inside one transaction: the product tables' indexes and
foreign keys are dropped first and built again at the end (a sorted build is many times faster
than a million index insertions, and a failed run leaves the database as it was). SQLite gets
batched bulk_create. The search fields are what catalog.services.products_refresh_search would
store (catalog/search.py). Photos are a small shared pool, so thumbnails exist once per file.
On the 2-core machine: 100 000 products in about 30 s, 1 000 000 (5 000 shops, 50 000 orders)
in about 3 minutes.

Shop «bench-0» (the one bench/run.py signs in to) gets 1 % of the products and 2 % of the
orders (never fewer than 60, more than a page of its order list), so its cabinet pages grow with
the catalog: 10 000 products and 1 000 orders at 1 000 000.
"""

import argparse
import functools
import json
import math
import os
import random
import re
import secrets
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.translation import gettext  # noqa: E402

from catalog import search  # noqa: E402
from catalog.demo import COLORS, GOODS, seed_categories, whole_ruble_discount  # noqa: E402
from catalog.models import Availability, Product, ProductImage  # noqa: E402
from catalog.services import POPULARITY_WEIGHTS  # noqa: E402
from marketplace.demo import demo_image  # noqa: E402
from marketplace.models import User  # noqa: E402
from marketplace.money import percent_of, to_money  # noqa: E402
from orders.models import (  # noqa: E402
    CancelReason,
    Carrier,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    Shipment,
)
from shops.models import ContactMethod, Shop  # noqa: E402

PHOTOS = 40
BATCH = 500  # rows per bulk_create statement: server-side binding takes at most 65 535 parameters
BENCH_SHOP_PRODUCTS = 100  # every 100th product is bench-0's (1 %)
BENCH_SHOP_ORDERS = 50  # every 50th order is bench-0's (2 %), at least 60 orders
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Нижний Новгород", "Самара",
          "Краснодар", "Пермь", "Калининград"]  # fmt: skip
STREETS = ["Лесная", "Садовая", "Школьная", "Центральная", "Молодёжная", "Набережная", "Советская", "Полевая"]
CATALOG_YEARS = 3  # products were listed over the last three years, orders follow them


def say(started, what):
    print(f"{time.monotonic() - started:7.1f}s  {what}", flush=True)


# --- what is made ---------------------------------------------------------------------------


class Plan:
    """Everything random about the catalog, decided once (seeded), the same on both databases."""

    def __init__(self, *, products, shops, buyers, orders_every, seed=7):
        self.products, self.shops, self.buyers = products, shops, buyers
        self.orders = products // orders_every
        # bench-0's share of the orders, but always more than one page of its order list (50).
        self.bench_orders_every = max(1, min(BENCH_SHOP_ORDERS, self.orders // 60))
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        categories = seed_categories()
        self.items = [(item, categories[item.leaf]) for goods in GOODS.values() for item in goods
                      if item.leaf in categories]  # fmt: skip
        # Filled while products are made; orders pick their lines from them.
        self.shop_of = [0] * products
        self.item_of = [0] * products
        self.price_of = [0] * products
        self.discount_of = [0] * products
        self.created_of = [0.0] * products
        self.first_product_pk = None  # known once the products are made

    def shop_for(self, index):
        if index % BENCH_SHOP_PRODUCTS == 0 or self.shops == 1:
            return 0
        return self.rng.randrange(1, self.shops)

    def product(self, index, *, pk, cover_pk, shop_names):
        """Column values of product number ``index`` (0-based), by attname."""
        rng = self.rng
        shop = self.shop_for(index)
        item_index = rng.randrange(len(self.items))
        item, category = self.items[item_index]
        price = max(50, round(item.price * rng.choice([0.8, 0.9, 1, 1, 1, 1.2, 1.5]), -1))
        discount = whole_ruble_discount(price, rng)
        span = CATALOG_YEARS * 365 * 86400
        age = span * (self.products - index) / self.products + rng.uniform(0, 3600)
        created = self.now - timedelta(seconds=age)
        roll = rng.random()
        if roll < 0.8:
            availability, stock, days = Availability.IN_STOCK, rng.choice([0, 1, 2, 3, 5, 8, 10, 20]), None
        elif roll < 0.95:
            availability, stock, days = Availability.MADE_TO_ORDER, None, rng.choice([3, 5, 7, 14])
        else:
            availability, stock, days = Availability.NOT_TRACKED, None, None
        views = int(rng.expovariate(1 / 150))
        likes = int(views * rng.random() / 15)
        sales = int(views * rng.random() / 40)
        reviews = int(sales * rng.random() / 2)
        w = POPULARITY_WEIGHTS
        title = f"{item.title} №{index + 1}"
        names = [category.name, category.parent.name] if category.parent_id else [category.name]
        doc = search.document(title=title, description=item.about, shop_name=shop_names[shop], category_names=names)
        self.shop_of[index], self.item_of[index] = shop, item_index
        self.price_of[index], self.discount_of[index], self.created_of[index] = price, discount, age
        return {
            "id": pk, "shop_id": shop, "category_id": category.pk, "title": title, "description": item.about,
            "price": Decimal(price), "discount_percent": discount, "sale_price": sale_price(price, discount),
            "free_shipping": rng.random() < 0.2, "availability": availability, "stock": stock,
            "production_days": days, "is_enabled": True, "is_new": age < 30 * 86400 and rng.random() < 0.5,
            "is_hit": rng.random() < 0.05, "cover_id": cover_pk, "views_count": views, "likes_count": likes,
            "sales_count": sales, "review_count": reviews,
            "rating_avg": Decimal(rng.randint(350, 500)) / 100 if reviews else None,
            "popularity": sales * w["sales"] + reviews * w["reviews"] + likes * w["likes"] + views * w["views"],
            "search_text": doc.search_text, "search_vector": search.vector_params(doc)[0],
            "created_at": created, "first_on_sale_at": created, "updated_at": created,
        }  # fmt: skip

    def order(self, number, *, pk, buyer_ids, buyer_names):
        """Column values of an order, its item, its events and its shipment (or None)."""
        rng = self.rng
        if number % self.bench_orders_every == 0:
            index = BENCH_SHOP_PRODUCTS * rng.randrange(math.ceil(self.products / BENCH_SHOP_PRODUCTS))
        else:
            index = rng.randrange(self.products)
        item, _category = self.items[self.item_of[index]]
        price, discount = self.price_of[index], self.discount_of[index]
        # Placed some time after the product went on sale, most of them in the last two years.
        age = self.created_of[index] * rng.random() ** 2
        created = self.now - timedelta(seconds=age)
        days = age / 86400
        if days > 14:
            status = OrderStatus.SHIPPED if rng.random() < 0.88 else OrderStatus.CANCELLED
        else:
            status = rng.choices(
                [OrderStatus.OPEN, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED], [35, 25, 30, 10]
            )[0]
        paid = confirmed = received = None
        changed = created
        if status != OrderStatus.OPEN or rng.random() < 0.5:
            confirmed = min(created + timedelta(minutes=rng.randint(5, 600)), self.now)
        if status in (OrderStatus.PAID, OrderStatus.SHIPPED):
            paid = changed = min(created + timedelta(hours=rng.randint(1, 24)), self.now)
        if status == OrderStatus.SHIPPED:
            changed = min(paid + timedelta(days=rng.randint(1, 3)), self.now)
            if (self.now - changed).days > 10:
                received = changed + timedelta(days=rng.randint(3, 10))
        elif status == OrderStatus.CANCELLED:
            changed = min(created + timedelta(days=rng.randint(1, 4)), self.now)
        quantity = rng.choice([1, 1, 1, 1, 2, 3])
        unit = sale_price(price, discount)
        total = unit * quantity
        buyer = rng.randrange(len(buyer_ids))
        delivery = rng.choice([DeliveryMethod.RUSSIAN_POST, DeliveryMethod.CDEK, DeliveryMethod.COURIER])
        order = {
            "id": pk, "number": f"{created:%y%m}-{pk:05d}", "shop_id": self.shop_of[index],
            "buyer_id": buyer_ids[buyer], "is_guest": False, "secret": secrets.token_urlsafe(24),
            "idempotency_key": f"bench-{pk}", "status": status, "buyer_name": buyer_names[buyer],
            "phone": f"+7999{buyer:07d}", "email": f"bench-buyer-{buyer}@bench.test",
            "address": f"{rng.choice(CITIES)}, ул. {rng.choice(STREETS)}, д. {rng.randint(1, 80)}, "
                       f"кв. {rng.randint(1, 200)}",
            "delivery_method": delivery, "needs_delivery": True,
            "contact_method": rng.choice([ContactMethod.EMAIL, ContactMethod.SITE_CHAT, ContactMethod.PHONE_CALL]),
            "rules_accepted": True, "subtotal": total, "total": total, "created_at": created,
            "status_changed_at": changed, "confirmed_at": confirmed, "paid_at": paid, "received_at": received,
            "cancel_reason": CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else "",
        }  # fmt: skip
        line = {
            "order_id": pk, "product_id": self.first_product_pk + index, "title": f"{item.title} №{index + 1}",
            "quantity": quantity, "base_unit": Decimal(price), "unit_price": unit, "line_total": total,
            "discount": discount_text(discount),
        }  # fmt: skip
        events = [{"order_id": pk, "status": OrderStatus.OPEN, "actor_id": buyer_ids[buyer], "created_at": created}]
        if status != OrderStatus.OPEN:
            events.append({"order_id": pk, "status": status, "actor_id": None, "created_at": changed})
        shipment = None
        if status == OrderStatus.SHIPPED:
            shipment = {
                "order_id": pk, "carrier": Carrier.RUSSIAN_POST, "track_number": f"8010{pk:010d}",
                "created_at": changed, "delivered_at": received, "checked_at": received or self.now,
            }  # fmt: skip
        return order, line, events, shipment


@functools.cache
def sale_price(price, discount):
    return to_money(Decimal(price) - percent_of(Decimal(price), discount))


@functools.cache
def discount_text(discount):
    return gettext("Discount %(percent)d%%") % {"percent": discount} if discount else ""


def speed_up_search_tokens():
    """Memoise the pure token functions of catalog/search.py for this run: a million documents
    share a few hundred descriptions and title words (the stored result is the same)."""
    search.word_tokens = functools.lru_cache(maxsize=None)(search.word_tokens)
    search.text_tokens = functools.lru_cache(maxsize=300_000)(search.text_tokens)


# --- PostgreSQL: COPY ---------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def tsv(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value)


class Copy:
    """COPY into a model's table: the given columns per row, every other column its model default."""

    def __init__(self, cursor, model, columns, flush_rows=5_000):
        self.cursor, self.model, self.columns, self.flush_rows = cursor, model, list(columns), flush_rows
        rest = [f for f in model._meta.concrete_fields if f.attname not in self.columns and not f.primary_key]
        for field in rest:
            if not field.has_default() and not field.null and not field.empty_strings_allowed:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
        self.suffix = "".join("\t" + tsv(f.get_default()) for f in rest)
        names = [model._meta.get_field(c).column if c != "id" else "id" for c in self.columns]
        names += [f.column for f in rest]
        self.sql = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        self.lines, self.written = [], 0

    def __enter__(self):
        self._copy_context = self.cursor.copy(self.sql)
        self.copy = self._copy_context.__enter__()
        return self

    def add(self, row: dict):
        self.lines.append("\t".join(tsv(row[c]) for c in self.columns) + self.suffix)
        if len(self.lines) >= self.flush_rows:
            self.flush()

    def flush(self):
        if self.lines:
            self.copy.write("\n".join(self.lines) + "\n")
            self.written += len(self.lines)
            self.lines = []

    def __exit__(self, *exc):
        if exc[0] is None:
            self.flush()
        return self._copy_context.__exit__(*exc)


def next_ids(cursor, table, count):
    """``count`` fresh primary keys of the table (the sequence moves past them)."""
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    first = cursor.fetchone()[0] + 1
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def drop_indexes_and_keys(cursor, tables):
    """Drop the tables' plain indexes and outgoing foreign keys; returns the SQL that makes them again."""
    again = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            again.insert(0, definition)  # indexes before the keys that use them
    return again


def fill_postgres(plan, *, started, shops, buyer_ids, buyer_names, photo_names):
    shop_ids = [s.pk for s in shops]
    shop_names = [s.name for s in shops]
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the shops' keys now: no pending trigger events
        rebuild = drop_indexes_and_keys(cursor, ["catalog_product", "catalog_productimage"])
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        first_product = plan.first_product_pk = next_ids(cursor, "catalog_product", plan.products)
        first_image = next_ids(cursor, "catalog_productimage", plan.products)
        product_columns = [
            "id", "shop_id", "category_id", "title", "description", "price", "discount_percent", "sale_price",
            "free_shipping", "availability", "stock", "production_days", "is_enabled", "is_new", "is_hit",
            "cover_id", "views_count", "likes_count", "sales_count", "review_count", "rating_avg", "popularity",
            "search_text", "search_vector", "created_at", "first_on_sale_at", "updated_at",
        ]  # fmt: skip
        image_columns = ["id", "product_id", "image", "width", "height"]
        with Copy(cursor, Product, product_columns) as products:
            for index in range(plan.products):
                row = plan.product(index, pk=first_product + index, cover_pk=first_image + index,
                                   shop_names=shop_names)  # fmt: skip
                row["shop_id"] = shop_ids[row["shop_id"]]
                products.add(row)
                if (index + 1) % 100_000 == 0:
                    say(started, f"{index + 1} products sent")
        say(started, f"{plan.products} products copied")
        with Copy(cursor, ProductImage, image_columns) as images:
            for index in range(plan.products):
                images.add({"id": first_image + index, "product_id": first_product + index,
                            "image": photo_names[index % len(photo_names)], "width": 800, "height": 800})  # fmt: skip
        say(started, f"{plan.products} cover photos copied")
        for statement in rebuild:
            cursor.execute(statement)
        say(started, f"{len(rebuild)} indexes and foreign keys of products built again")

        first_order = next_ids(cursor, "orders_order", plan.orders)
        order_columns = [
            "id", "number", "shop_id", "buyer_id", "is_guest", "secret", "idempotency_key", "status", "buyer_name",
            "phone", "email", "address", "delivery_method", "needs_delivery", "contact_method", "rules_accepted",
            "subtotal", "total", "created_at", "status_changed_at", "confirmed_at", "paid_at", "received_at",
            "cancel_reason",
        ]  # fmt: skip
        line_columns = ["order_id", "product_id", "title", "quantity", "base_unit", "unit_price", "line_total",
                        "discount"]  # fmt: skip
        event_columns = ["order_id", "status", "actor_id", "created_at"]
        shipment_columns = ["order_id", "carrier", "track_number", "created_at", "delivered_at", "checked_at"]
        # One COPY at a time on a connection: the items, events and shipments wait in memory.
        lines, events, shipments = [], [], []
        with Copy(cursor, Order, order_columns) as orders:
            for number in range(plan.orders):
                order, line, order_events, shipment = plan.order(
                    number, pk=first_order + number, buyer_ids=buyer_ids, buyer_names=buyer_names
                )
                order["shop_id"] = shop_ids[order["shop_id"]]
                orders.add(order)
                lines.append(line)
                events.extend(order_events)
                if shipment:
                    shipments.append(shipment)
        for model, columns, rows in ((OrderItem, line_columns, lines), (OrderEvent, event_columns, events),
                                     (Shipment, shipment_columns, shipments)):  # fmt: skip
            with Copy(cursor, model, columns) as copy:
                for row in rows:
                    copy.add(row)
        say(started, f"{plan.orders} orders with their items, {len(events)} events, {len(shipments)} shipments")


# --- SQLite: bulk_create ----------------------------------------------------------------------


def fill_sqlite(plan, *, started, shops, buyer_ids, buyer_names, photo_names, batch):
    shop_names = [s.name for s in shops]
    plan.first_product_pk = (Product.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    made = 0
    while made < plan.products:
        size = min(batch, plan.products - made)
        rows = [plan.product(i, pk=plan.first_product_pk + i, cover_pk=None, shop_names=shop_names)
                for i in range(made, made + size)]  # fmt: skip
        with transaction.atomic():
            products = Product.objects.bulk_create(
                Product(**{**row, "shop_id": shops[row["shop_id"]].pk, "search_vector": None}) for row in rows
            )
            images = ProductImage.objects.bulk_create(
                ProductImage(product=p, image=photo_names[(p.pk - plan.first_product_pk) % len(photo_names)],
                             width=800, height=800)
                for p in products
            )  # fmt: skip
            for product, image in zip(products, images, strict=True):
                product.cover_id = image.pk
            Product.objects.bulk_update(products, ["cover"], batch_size=1000)
        made += size
        say(started, f"{made} products")
    first_order = (Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for start in range(0, plan.orders, batch):
        parts = [plan.order(n, pk=first_order + n, buyer_ids=buyer_ids, buyer_names=buyer_names)
                 for n in range(start, min(start + batch, plan.orders))]  # fmt: skip
        with transaction.atomic():
            Order.objects.bulk_create(Order(**{**order, "shop_id": shops[order["shop_id"]].pk}) for order, *_ in parts)
            OrderItem.objects.bulk_create(OrderItem(**line) for _, line, *_ in parts)
            OrderEvent.objects.bulk_create(OrderEvent(**event) for *_, events, _ in parts for event in events)
            Shipment.objects.bulk_create(Shipment(**shipment) for *_, shipment in parts if shipment)
    say(started, f"{plan.orders} orders")


# --- both -------------------------------------------------------------------------------------


def make_people_and_shops(plan, started):
    password = make_password(None)
    rng = random.Random(11)
    opened = plan.now - timedelta(days=CATALOG_YEARS * 365 + 30)
    sellers = User.objects.bulk_create([
        User(email=f"bench-seller-{i}@bench.test", name=f"Продавец {i}", password=password, date_joined=opened)
        for i in range(plan.shops)
    ], batch_size=BATCH)  # fmt: skip
    buyers = User.objects.bulk_create([
        User(email=f"bench-buyer-{i}@bench.test", name=f"Покупатель {i}", password=password, date_joined=opened)
        for i in range(plan.buyers)
    ], batch_size=BATCH)  # fmt: skip
    if not sellers[0].pk:  # backends without RETURNING
        sellers = list(User.objects.filter(email__startswith="bench-seller-").order_by("pk"))
        buyers = list(User.objects.filter(email__startswith="bench-buyer-").order_by("pk"))
    shops = Shop.objects.bulk_create([
        Shop(owner=user, name=f"Бенч-мастерская {i}", slug=f"bench-{i}", city=rng.choice(CITIES),
             tagline="Тестовый магазин", created_at=opened)
        for i, user in enumerate(sellers)
    ], batch_size=BATCH)  # fmt: skip
    if not shops[0].pk:
        shops = sorted(Shop.objects.filter(slug__startswith="bench-"), key=lambda s: int(s.slug.split("-")[1]))
    say(started, f"{len(shops)} shops and their owners, {len(buyers)} buyers")
    return shops, [b.pk for b in buyers], [b.name for b in buyers]


def shared_photos():
    names = []
    for i in range(PHOTOS):
        name = f"catalog/products/bench/photo-{i}.jpg"
        if not default_storage.exists(name):
            name = default_storage.save(name, demo_image(size=(800, 800), colors=COLORS[i % 8], seed=i))
        names.append(name)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--shops", type=int, default=0, help="default: products / 200, within 1 000–5 000")
    parser.add_argument("--buyers", type=int, default=300)
    parser.add_argument("--orders-every", type=int, default=20, help="one order per this many products")
    parser.add_argument("--batch", type=int, default=5_000, help="rows per bulk_create on SQLite")
    args = parser.parse_args()
    started = time.monotonic()
    if Shop.objects.filter(slug="bench-0").exists() or User.objects.filter(email__startswith="bench-seller-").exists():
        sys.exit("This database already has bench data; use a fresh one (see bench/README.md).")
    shops = args.shops or min(5_000, max(1_000, args.products // 200))
    plan = Plan(products=args.products, shops=min(shops, args.products) or 1, buyers=args.buyers,
                orders_every=args.orders_every)  # fmt: skip
    speed_up_search_tokens()
    photo_names = shared_photos()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        shops, buyer_ids, buyer_names = make_people_and_shops(plan, started)
        people = {"shops": shops, "buyer_ids": buyer_ids, "buyer_names": buyer_names, "photo_names": photo_names}
        if connection.vendor == "postgresql":
            fill_postgres(plan, started=started, **people)
        else:
            fill_sqlite(plan, started=started, batch=args.batch, **people)
    say(started, "committed")

    # Thumbnails once per shared photo (no signals ran for these rows).
    for name in photo_names:
        photo = ProductImage(image=name, width=800, height=800)
        for spec in (photo.card, photo.large, photo.thumb):
            if not spec.storage.exists(spec.name):
                spec.generate()
    with connection.cursor() as cursor:
        # VACUUM too: the visibility map makes index-only scans (counts) work as on a settled database,
        # and autovacuum does not wake up in the middle of a benchmark to do it.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    say(started, f"done: {Product.objects.count()} products, {Order.objects.count()} orders, vacuumed and analysed")


if __name__ == "__main__":
    main()
