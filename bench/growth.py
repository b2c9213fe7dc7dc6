"""Do pages stay as fast when the catalog grows? The same pages measured at several catalog sizes.

    .venv/bin/python bench/growth.py                                  # 10 000, 100 000, 1 000 000
    .venv/bin/python bench/growth.py --sizes 10000 --duration 3 --keep

For each size the database ``lavka_growth_<size>`` is used; one that does not exist is created,
migrated and filled by bench/fill.py (about 15 s at 10 000 products, 5–7 minutes at 1 000 000),
and dropped at the end unless --keep (databases that were already there are always kept). Each
size then gets one bench/run.py run over the pages (its own Redis database, emptied first, so no
cached count or card of another size is served). The table gives every page's p50 and p99 at
each size and the ratio of its p50 at the largest size to the smallest: above 1.5 the page's
cost grows with the data, which is a bug (issue 19).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("catalog,category,search,product,storefront,deep,sort-price,sort-price-desc,sort-popular,sort-new,"
         "sort-discount,cabinet-products,cabinet-orders")  # fmt: skip
LIMIT = 1.5


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path="/" + name))


def exists(server: str, name: str) -> bool:
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def create(server: str, name: str) -> None:
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(server: str, name: str) -> None:
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def filled(url: str) -> bool:
    with psycopg.connect(url) as conn:
        try:
            return conn.execute("SELECT 1 FROM shops_shop WHERE slug = 'bench-0'").fetchone() is not None
        except psycopg.errors.UndefinedTable:
            return False


def run(command: list[str], env: dict) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def measure(size, args) -> dict:
    """Make the size's database if needed and measure its pages; returns bench/run.py's rows."""
    name = f"lavka_growth_{size}"
    url = database_url(args.server, name)
    redis = f"{args.redis.rstrip('/')}/{args.redis_db + args.sizes.index(size)}"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis,
           "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", "/tmp/bench-media")}  # fmt: skip
    python = str(ROOT / ".venv/bin/python")
    made = not exists(args.server, name)
    if made:
        create(args.server, name)
    try:
        run([python, "manage.py", "migrate", "-v0"], env)
        if not filled(url):
            run([python, "bench/fill.py", "--products", str(size)], env)
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()  # this size's own Redis database
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            run([python, "bench/run.py", "--pages", args.pages, "--json", out.name,
                 "--duration", str(args.duration)], env)  # fmt: skip
            return json.loads(Path(out.name).read_text())["rows"]
    finally:
        if made and not args.keep:
            drop(args.server, name)


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    smallest, largest = sizes[0], sizes[-1]
    head = "| page | " + " | ".join(f"p50 {label(s)} | p99 {label(s)}" for s in sizes)
    head += f" | p50 {label(largest)} / {label(smallest)} |\n"
    head += "|---|" + "---:|---:|" * len(sizes) + "---:|\n"
    lines = []
    for key, row in results[smallest].items():
        if key == "ping" or not all(key in results[s] for s in sizes):
            continue
        cells = " | ".join(f"{results[s][key]['p50']:.1f} ms | {results[s][key]['p99']:.1f} ms" for s in sizes)
        ratio = results[largest][key]["p50"] / results[smallest][key]["p50"] if results[smallest][key]["p50"] else 0
        verdict = "ok" if ratio <= LIMIT else "ABOVE"
        errors = sum(results[s][key]["errors"] for s in sizes)
        lines.append(f"| {row['label']} | {cells} | {ratio:.2f} {verdict}{f' ({errors} errors)' if errors else ''} |")
    return head + "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="catalog sizes, comma-separated")
    parser.add_argument("--pages", default=PAGES, help="bench/run.py's page names")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--keep", action="store_true", help="keep the databases made by this run")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server URL")
    parser.add_argument("--redis-db", type=int, default=12, help="first Redis database (one per size, emptied)")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    results = {}
    for size in args.sizes:
        print(f"\n=== {size} products", flush=True)
        results[size] = measure(size, args)
    print(f"\nGrowth: p50/p99 per page; the last column is p50 at the largest size over the smallest "
          f"(ok ≤ {LIMIT}).\n")  # fmt: skip
    print(table(results))


if __name__ == "__main__":
    sys.exit(main())
