"""A gunicorn worker's memory after many mixed requests (bench/README.md, «Memory»).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/memory.py --requests 10000 --bound-mb 200

Starts gunicorn with 2 workers (DEBUG off), sends the requests from 8 keep-alive clients over a
mix of pages (catalog pages and sorts, categories, searches, product pages, storefronts; half
signed in as a buyer, half anonymous; the seller's cabinet), then reads each worker's resident
memory (VmRSS) and fails when one is above the bound. Distinct products and searches are spread
over the whole table, so per-process memos and caches are exercised, not one warm page.
"""

import argparse
import http.client
import os
import random
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import run  # noqa: E402  (bench/run.py: sessions, gunicorn)

WORDS = ["плед", "шарф", "свеча", "кружка", "серьги", "мыло", "открытка", "сумка", "игрушка", "постер", "чай"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def paths(params, count, rng):
    from catalog.models import Category, Product
    from shops.models import Shop

    product_ids = list(Product.objects.visible().values_list("pk", flat=True).order_by("?")[:2000])
    categories = list(Category.objects.values_list("slug", flat=True))
    shops = list(Shop.objects.values_list("slug", flat=True).order_by("?")[:200])
    sorts = ["", "?sort=price", "?sort=-price", "?sort=popular", "?sort=discount"]
    made = []
    for n in range(count):
        kind = rng.random()
        if kind < 0.35:
            path = f"/p/{rng.choice(product_ids)}/"
        elif kind < 0.55:
            path = f"/catalog/{rng.choice(categories)}/{rng.choice(sorts)}"
        elif kind < 0.7:
            path = f"/catalog/?q={quote(rng.choice(WORDS))}&page={rng.randint(1, 3)}"
        elif kind < 0.8:
            sort = rng.choice(sorts)
            path = f"/catalog/{sort + '&' if sort else '?'}page={rng.randint(1, 50)}"
        elif kind < 0.93:
            path = f"/shops/{rng.choice(shops)}/"
        else:
            path = rng.choice(["/cabinet/products/", "/cabinet/orders/", "/cabinet/"])
            made.append((path, params["seller"]))
            continue
        made.append((path, params["buyer"] if n % 2 else None))
    return made


def client(port, jobs):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    errors = 0
    for path, session in jobs:
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            errors += response.status >= 500
        except (OSError, http.client.HTTPException):
            errors += 1
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    return errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--bound-mb", type=float, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    params = run.setup_visitors()
    port = run.free_port()
    server = run.start(port, 2, "marketplace.settings")
    try:
        run.wait_up(f"http://127.0.0.1:{port}")
        time.sleep(1)
        before = {pid: rss_mb(pid) for pid in workers_of(server.pid)}
        jobs = paths(params, args.requests, random.Random(19))
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            errors = sum(pool.map(lambda n: client(port, jobs[n :: args.clients]), range(args.clients)))
        took = time.monotonic() - started
        after = {pid: rss_mb(pid) for pid in workers_of(server.pid)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    print(f"{args.requests} mixed requests in {took:.0f} s ({args.requests / took:.0f} req/s), {errors} errors")
    for pid, mb in after.items():
        print(f"worker {pid}: {before.get(pid, 0):.0f} MB after start → {mb:.0f} MB after the requests")
    worst = max(after.values())
    print(
        f"largest worker: {worst:.0f} MB (bound {args.bound_mb:.0f} MB): {'ok' if worst <= args.bound_mb else 'ABOVE'}"
    )
    sys.exit(0 if worst <= args.bound_mb and not errors else 1)


if __name__ == "__main__":
    main()
