"""Measure Lavka's pages under load on loopback: gunicorn (2 workers) + wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/run.py --duration 10

Every page is measured in the same run as two trivial views: Lavka's /ping/ (every
middleware, no database: the ceiling the targets are expressed against) and a bare Django
view with only SecurityMiddleware (bench/bare_settings.py), so the stack's own overhead shows.
"Signed-in" requests carry the session cookie of a real signed-in buyer with a product in
the cart (the page cache steps aside for them); "anonymous" requests carry no cookie.
Seller pages are requested as the owner of the first bench shop.

    --pages product,search      only these rows (names below, comma-separated)
    --json out.json             also write the rows (bench/growth.py reads them)
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEARCH = "%D0%BF%D0%BB%D0%B5%D0%B4"  # «плед»
# key: (label, path, who, target % of the ceiling); who is "bare", "anonymous", "buyer" or "seller".
PAGES = {
    "bare": ("bare Django view (SecurityMiddleware only)", "/ping/", "bare", None),
    "ping": ("ceiling: Lavka /ping/ (all middleware)", "/ping/", "anonymous", 100),
    "catalog": ("catalog, signed in", "/catalog/", "buyer", 10),
    "category": ("category, signed in", "/catalog/{category}/", "buyer", 10),
    "search": ("search «плед», signed in", f"/catalog/?q={SEARCH}", "buyer", 10),
    "product": ("product page, signed in", "/p/{product}/", "buyer", 12),
    "storefront": ("storefront, signed in", "/shops/{shop}/", "buyer", None),
    "deep": ("catalog ?page=2000, signed in", "/catalog/?page=2000", "buyer", None),
    "sort-price": ("catalog by price, signed in", "/catalog/?sort=price", "buyer", None),
    "sort-price-desc": ("catalog by price desc., signed in", "/catalog/?sort=-price", "buyer", None),
    "sort-popular": ("catalog by popularity, signed in", "/catalog/?sort=popular", "buyer", None),
    "sort-new": ("catalog, newest first, signed in", "/catalog/?sort=new", "buyer", None),
    "sort-discount": ("catalog by discount, signed in", "/catalog/?sort=discount", "buyer", None),
    "cabinet-products": ("seller's product table", "/cabinet/products/", "seller", None),
    "cabinet-orders": ("seller's order list", "/cabinet/orders/", "seller", None),
    "product-anon": ("product page, anonymous (page cache)", "/p/{product}/", "anonymous", 50),
    "catalog-anon": ("catalog, anonymous (page cache)", "/catalog/", "anonymous", 50),
    "category-anon": ("category, anonymous (page cache)", "/catalog/{category}/", "anonymous", 50),
}
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PCT %.3f %.3f %.3f %d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, *, duration, threads, connections, cookie, script):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", script, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95, p99, _count = re.search(r"PCT ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "errors": int(errors.group(1)) if errors else 0}  # fmt: skip


def signed_in_session(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def setup_visitors():
    """The pages' parameters and the buyer's and seller's session keys."""
    from catalog.models import Category, Product
    from marketplace.models import User
    from orders.models import Cart, CartLine
    from shops.models import Shop

    product = Product.objects.visible().filter(is_digital=False).order_by("-pk").first()
    if product is None:
        sys.exit("No products: run bench/fill.py first.")
    buyer, _ = User.objects.get_or_create(email="bench-buyer@bench.test", defaults={"name": "Покупатель"})
    cart, _ = Cart.objects.get_or_create(user=buyer)
    if not cart.lines.exists():
        CartLine.objects.create(cart=cart, product=product, quantity=1)
    shop = Shop.objects.filter(slug__startswith="bench-").order_by("pk").first() or product.shop
    return {
        "product": product.pk,
        "category": Category.objects.filter(parent__isnull=False).values_list("slug", flat=True).first(),
        "shop": shop.slug,
        "buyer": signed_in_session(buyer),
        "seller": signed_in_session(shop.owner),
        "count": Product.objects.count(),
    }


def start(port, workers, settings):
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": settings}  # fmt: skip
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "marketplace.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def wait_up(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/ping/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{base} did not start")


def warm(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")
        response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Note: DATABASE_URL is not PostgreSQL; the targets in bench/README.md are for PostgreSQL.")
    chosen = [p for p in args.pages.split(",") if p] or list(PAGES)
    if "ping" not in chosen:
        chosen.insert(0, "ping")  # the ceiling is always measured in the same run

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    params = setup_visitors()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT)
    ports = {"lavka": free_port(), "bare": free_port()}
    servers = [start(ports["lavka"], args.workers, "marketplace.settings")]
    if "bare" in chosen:
        servers.append(start(ports["bare"], args.workers, "bench.bare_settings"))
    rows = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(LUA)
        script.flush()
        try:
            for port in list(ports.values())[: len(servers)]:
                wait_up(f"http://127.0.0.1:{port}")
            for key in chosen:
                label, path, who, target = PAGES[key]
                base = f"http://127.0.0.1:{ports['bare' if who == 'bare' else 'lavka']}"
                url = base + path.format(**params)
                cookie = params.get(who)
                for _ in range(3):
                    warm(url, cookie)  # fill the caches and the workers
                result = wrk(url, duration=args.duration, threads=args.threads, connections=args.connections,
                             cookie=cookie, script=script.name)  # fmt: skip
                rows[key] = {"label": label, "target": target, **result}
                print(f"  {label}: {result['rps']:.0f} req/s", file=sys.stderr, flush=True)
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(10)

    ceiling = rows["ping"]["rps"]
    print(f"\n{params['count']} products, gunicorn {args.workers} workers, "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s\n")  # fmt: skip
    print("| page | req/s | p50 | p99 | % of ceiling | target | errors |\n|---|---:|---:|---:|---:|---:|---:|")
    for row in rows.values():
        share = 100 * row["rps"] / ceiling
        row["share"] = share
        verdict = "" if row["target"] is None else f"≥ {row['target']} % {'ok' if share >= row['target'] else 'BELOW'}"
        print(f"| {row['label']} | {row['rps']:.0f} | {row['p50']:.1f} ms | {row['p99']:.1f} ms | "
              f"{share:.1f} % | {verdict} | {row['errors']} |")  # fmt: skip
    if "bare" in rows:
        print(f"\nLavka's /ping/ is {100 * ceiling / rows['bare']['rps']:.0f} % of the bare view's rate.")
    if args.json:
        Path(args.json).write_text(json.dumps({"products": params["count"], "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
