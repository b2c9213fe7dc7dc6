"""Fill the database with N products across M shops for benchmarks (bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench .venv/bin/python bench/fill.py --products 100000

Bulk inserts, no per-product services: the point is volume, fast. Photos are a small shared
pool, so thumbnails exist once per source file.
"""

import argparse
import os
import random
import sys
import time
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
from django.utils import timezone  # noqa: E402

from catalog.demo import COLORS, GOODS, seed_categories  # noqa: E402
from catalog.models import Availability, Product, ProductImage  # noqa: E402
from catalog.services import products_refresh_search  # noqa: E402
from marketplace.demo import demo_image  # noqa: E402
from marketplace.models import User  # noqa: E402
from shops.models import Shop  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--shops", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    rng = random.Random(7)
    started = time.monotonic()
    if Product.objects.filter(title__startswith="[bench]").exists():
        sys.exit("This database already has bench products; use a fresh one (see bench/README.md).")

    categories = [c for c in seed_categories().values() if c.parent_id]
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"bench-seller-{i}@bench.test", name=f"Продавец {i}", password=password) for i in range(args.shops)
    )
    if not users[0].pk:  # backends without RETURNING
        users = list(User.objects.filter(email__startswith="bench-seller-").order_by("pk"))
    shops = Shop.objects.bulk_create(
        Shop(owner=user, name=f"Бенч-мастерская {i}", slug=f"bench-{i}", city="Москва", tagline="Тестовый магазин")
        for i, user in enumerate(users)
    )
    if not shops[0].pk:
        shops = list(Shop.objects.filter(slug__startswith="bench-").order_by("pk"))
    print(f"{len(shops)} shops in {time.monotonic() - started:.1f}s", flush=True)

    photo_names = [
        default_storage.save(
            f"catalog/products/bench/photo-{i}.jpg", demo_image(size=(800, 800), colors=COLORS[i % 8], seed=i)
        )
        for i in range(40)
    ]
    leaves = {c.slug: c for c in categories}
    now = timezone.now()
    made = 0
    while made < args.products:
        size = min(args.batch, args.products - made)
        batch = []
        for i in range(made, made + size):
            category = leaves.get(rng.choice(list(GOODS))) or rng.choice(categories)
            nouns, extras = GOODS.get(category.slug, (["Изделие"], ["ручной работы"]))
            title = f"[bench] {rng.choice(nouns)} {rng.choice(extras)} №{i}"
            price = Decimal(rng.choice([350, 490, 990, 1590, 2490, 4500]))
            discount = rng.choice([0, 0, 0, 10, 20])
            batch.append(Product(
                shop=shops[i % len(shops)], category=category, title=title,
                description=f"{title}. Сделано вручную из натуральных материалов.", price=price,
                discount_percent=discount, sale_price=price - price * discount / 100,
                free_shipping=rng.random() < 0.2, availability=Availability.IN_STOCK, stock=rng.randint(0, 20),
                is_enabled=True, is_new=rng.random() < 0.05, is_hit=rng.random() < 0.1,
                popularity=rng.randint(0, 1000),
                created_at=now - timezone.timedelta(minutes=i),
            ))  # fmt: skip
        with transaction.atomic():
            products = Product.objects.bulk_create(batch)
            if not products[0].pk:
                products = list(Product.objects.filter(title__in=[p.title for p in batch]))
            images = ProductImage.objects.bulk_create(
                ProductImage(product=p, image=rng.choice(photo_names), width=800, height=800) for p in products
            )
            if not images[0].pk:
                images = list(ProductImage.objects.filter(product__in=products))
            for product, image in zip(products, images, strict=True):
                product.cover_id = image.pk
            Product.objects.bulk_update(products, ["cover"], batch_size=1000)
            # The same search fields a saved product gets (catalog/search.py), on both databases.
            products_refresh_search(queryset=Product.objects.filter(pk__in=[p.pk for p in products]))
        made += size
        print(f"{made} products in {time.monotonic() - started:.1f}s", flush=True)

    # Thumbnails once per shared photo (bulk_create sends no signals).
    for name in photo_names:
        photo = ProductImage(image=name, width=800, height=800)
        for spec in (photo.card, photo.large, photo.thumb):
            spec.generate()
    if settings.DB_IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"done: {Product.objects.count()} products in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
