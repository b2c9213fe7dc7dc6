"""Load through the production shape: the pages people use, through nginx + gunicorn (2 workers)
as deploy/ runs them (deploy/prodlike/), on PostgreSQL with 100 000 products, at 8 and 32
concurrent connections, beside the trivial view of the same stack (bench/README.md, «Load»).

    .venv/bin/python bench/load.py                       # 100 000 products, 15 s a measurement
    .venv/bin/python bench/load.py --products 10000 --duration 5 --out /tmp/load.md

The database (LOAD_DATABASE_URL, default lavka_load) is made and filled by bench/fill.py when
it does not hold exactly --products products; its photos live in LOAD_MEDIA_ROOT (default
/tmp/lavka-load-media). The stack uses Redis db 15 (LOAD_REDIS_URL), emptied at start. Every
request carries Host: lavka.localhost over HTTPS (wrk, HTTP/1.1 keep-alive). "Signed in" is
a real buyer's session cookie (bench/run.py's), with three products from two shops in the
cart; the checkout row is the GET of the checkout form for the first of those shops.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import LUA, SEARCH, wrk  # noqa: E402
from deploy.prodlike.stack import SERVER_NAME, Stack  # noqa: E402

# key: (label, path, who); who is "anonymous" or "buyer". "ping" is the trivial view every row
# is compared with; "static" is nginx alone (a file of /static/), the ceiling of the front.
PAGES = {
    "static": ("nginx alone: a /static/ file", "{static}", "anonymous"),
    "ping": ("trivial view: /ping/ (nginx + gunicorn + all middleware)", "/ping/", "anonymous"),
    "catalog": ("catalog, signed in", "/catalog/", "buyer"),
    "category": ("category, signed in", "/catalog/{category}/", "buyer"),
    "search": ("search «плед», signed in", f"/catalog/?q={SEARCH}", "buyer"),
    "product": ("product page, signed in", "/p/{product}/", "buyer"),
    "storefront": ("storefront, signed in", "/shops/{shop}/", "buyer"),
    "cart": ("cart (3 items, 2 shops)", "/cart/", "buyer"),
    "checkout": ("checkout form (GET)", "/checkout/{checkout_shop}/", "buyer"),
}
# wrk sends the site's name; the connection goes to nginx's loopback port.
HOST_LUA = f'wrk.headers["Host"] = "{SERVER_NAME}"\n'


def product_count(database_url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM catalog_product").fetchone()[0]
    except psycopg.Error:
        return None  # no database, or not migrated


def fill(database_url: str, media_root: Path, products: int):
    """A fresh database with ``products`` products (bench/fill.py), its photos in ``media_root``."""
    import psycopg

    from deploy.prodlike.stack import StackError

    name = database_url.rsplit("/", 1)[1]
    maintenance = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    media_root.mkdir(parents=True, exist_ok=True)
    media_root.chmod(0o755)  # nginx's workers read it
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "MEDIA_ROOT": str(media_root)}
    for command in ([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                    [sys.executable, "bench/fill.py", "--products", str(products)]):  # fmt: skip
        if subprocess.run(command, cwd=ROOT, env=env).returncode:
            raise StackError(f"{' '.join(command[1:])} failed")


def setup_buyer() -> dict:
    """bench/run.py's visitors; the buyer's cart holds two products of bench-0 and one of another shop."""
    from django.db.models import Q

    from bench.run import setup_visitors
    from catalog.models import Availability, Product
    from orders.models import Cart
    from orders.services import cart_add

    params = setup_visitors()
    buyable = (
        Product.objects.visible()
        .filter(
            Q(availability=Availability.NOT_TRACKED) | Q(availability=Availability.IN_STOCK, stock__gte=1),
            is_digital=False,
        )
        .order_by("pk")
    )
    wanted = [*buyable.filter(shop__slug="bench-0")[:2], *buyable.exclude(shop__slug="bench-0")[:1]]
    cart = Cart.objects.get(user__email="bench-buyer@bench.test")
    cart.lines.all().delete()
    for product in wanted:
        cart_add(cart=cart, product=product, quantity=1)
    params["checkout_shop"] = "bench-0"
    params["cart_titles"] = [product.title for product in wanted]
    return params


def warm(stack: Stack, path: str, cookie: str | None, *, times: int = 3) -> str:
    client = stack.client()
    if cookie:
        client.cookies.set("sessionid", cookie)
    for _ in range(times):
        response = client.get(stack.base + path, allow_redirects=False, timeout=60)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} through nginx")
    return response.text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page and concurrency")
    parser.add_argument("--connections", default="8,32")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (bench/run.py uses 1)")
    parser.add_argument("--pages", default="", help="only these rows: " + ",".join(PAGES))
    parser.add_argument("--out", default="", help="also write the markdown table here")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",")]
    chosen = [p for p in args.pages.split(",") if p] or list(PAGES)
    if "ping" not in chosen:
        chosen.insert(0, "ping")  # every row is a share of it, measured in the same run
    database_url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lavka_load")
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
    media_root = Path(os.environ.get("LOAD_MEDIA_ROOT", "/tmp/lavka-load-media"))

    started = time.monotonic()
    if product_count(database_url) != args.products or not media_root.is_dir():
        print(f"Filling {database_url} with {args.products} products (bench/fill.py)…", flush=True)
        fill(database_url, media_root, args.products)
    stack = Stack(database_url=database_url, redis_url=redis_url, fresh=False, media_root=media_root)
    rows, restarts = {}, 0
    with stack, tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        # This process signs the buyer in as the stack would: the same settings, SECRET_KEY included.
        os.environ.update(stack.web_env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
        import django

        django.setup()
        params = setup_buyer()
        home = warm(stack, "/", None, times=1)
        params["static"] = next(part.split('"')[0] for part in home.split('href="')[1:] if part.startswith("/static/"))
        cart = warm(stack, "/cart/", params["buyer"], times=1)
        missing = [title for title in params["cart_titles"] if title not in cart]
        if missing:
            raise SystemExit(f"the buyer's cart page does not show {missing}: the session is not signed in")
        script.write(LUA + HOST_LUA)
        script.flush()
        booted = _boots(stack)
        for key in chosen:
            label, path, who = PAGES[key]
            url = stack.base + path.format(**params)
            cookie = params.get(who)
            warm(stack, path.format(**params), cookie)  # fill the caches and both workers
            for count in connections:
                result = wrk(url, duration=args.duration, threads=args.threads, connections=count, cookie=cookie,
                             script=script.name)  # fmt: skip
                rows.setdefault(key, {"label": label, "path": path.format(**params)})[count] = result
                print(f"  {label}, -c{count}: {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms", file=sys.stderr,
                      flush=True)  # fmt: skip
        restarts = _boots(stack) - booted
    stack.remove_files()

    table = render(rows, connections, products=params["count"], duration=args.duration, threads=args.threads,
                   restarts=restarts)  # fmt: skip
    print("\n" + table)
    print(f"({time.monotonic() - started:.0f} s in all)")
    if args.out:
        Path(args.out).write_text(table)
    if args.json:
        Path(args.json).write_text(json.dumps({"products": params["count"], "rows": rows}, indent=1))


def _boots(stack: Stack) -> int:
    """gunicorn workers started so far (each worker is recycled after --max-requests, as in production)."""
    return (stack.folder / "logs/web.log").read_text(errors="replace").count("Booting worker")


def render(rows: dict, connections: list[int], *, products: int, duration: int, threads: int, restarts: int) -> str:
    head = "| page |" + "".join(f" req/s c{c} | p50 c{c} | p99 c{c} | % of /ping/ c{c} |" for c in connections)
    lines = [
        f"{products} products, PostgreSQL; nginx (deploy/nginx/lavka.conf, HTTPS) → gunicorn 2 workers "
        f"(deploy/systemd/lavka-web.service); wrk -t{threads} -d{duration}s -c{'/-c'.join(map(str, connections))}; "
        f"gunicorn workers recycled during the run (--max-requests): {restarts}",
        "",
        head + " errors |",
        "|---|" + "---:|" * (4 * len(connections) + 1),
    ]
    for row in rows.values():
        cells = []
        for c in connections:
            result, ceiling = row[c], rows["ping"][c]["rps"]
            cells += [f"{result['rps']:,.0f}".replace(",", " "), f"{result['p50']:.1f} ms", f"{result['p99']:.1f} ms",
                      f"{100 * result['rps'] / ceiling:.1f} %"]  # fmt: skip
        errors = sum(row[c]["errors"] for c in connections)
        lines.append(f"| {row['label']} | " + " | ".join(cells) + f" | {errors} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
