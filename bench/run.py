"""Measure Lavka's pages under load on loopback: gunicorn (2 workers) + wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/run.py --duration 10

Every page is measured in the same run as /ping/ (a trivial view of the same stack: the
ceiling), and reported as requests/s, p50, p99 and % of the ceiling. "Uncached" requests
carry the cookie of a real session (as a buyer with a cart would), which makes the anonymous
page cache step aside.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {  # name: (path, cached?, target % of the ceiling)
    "ceiling /ping/": ("/ping/", False, 100),
    "catalog (uncached)": ("/catalog/", False, 7),
    "category (uncached)": ("/catalog/{category}/", False, 7),
    "search (uncached)": ("/catalog/?q=%D0%BF%D0%BB%D0%B5%D0%B4", False, 7),  # ?q=плед
    "product page (uncached)": ("/p/{product}/", False, 12),
    "product page (anonymous, cached)": ("/p/{product}/", True, 12),
    "catalog (anonymous, cached)": ("/catalog/", True, 50),
    "category (anonymous, cached)": ("/catalog/{category}/", True, 50),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, duration, connections, cookie):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency.get("50", "?"), latency.get("99", "?"), int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Note: DATABASE_URL is not PostgreSQL; the targets in bench/README.md are for PostgreSQL.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.sessions.backends.cached_db import SessionStore

    from catalog.models import Category, Product

    # A real session, like a buyer's with something in the cart: the page cache steps aside.
    session = SessionStore()
    session["bench"] = True
    session.create()
    product = Product.objects.visible().order_by("-pk").values_list("pk", flat=True).first()
    category = Category.objects.filter(parent__isnull=False).values_list("slug", flat=True).first()
    count = Product.objects.count()
    if not product:
        sys.exit("No products: run bench/fill.py first.")

    port = free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "marketplace.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/ping/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        ceiling = None
        for name, (path, cached, target) in TARGETS.items():
            url = base + path.format(product=product, category=category)
            urllib.request.urlopen(url, timeout=10).read()  # warm up (and fill the cache)
            cookie = session.session_key if not cached and path != "/ping/" else None
            rps, p50, p99, errors = wrk(url, args.duration, args.connections, cookie=cookie)
            ceiling = ceiling or rps
            rows.append((name, rps, p50, p99, 100 * rps / ceiling, target, errors))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    print(f"\n{count} products, gunicorn {args.workers} workers, wrk -t2 -c{args.connections} -d{args.duration}s\n")
    print("| page | req/s | p50 | p99 | % of ceiling | target | errors |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, rps, p50, p99, share, target, errors in rows:
        verdict = "ok" if share >= target else "BELOW"
        print(f"| {name} | {rps:.0f} | {p50} | {p99} | {share:.1f} % | ≥ {target} % {verdict} | {errors} |")


if __name__ == "__main__":
    main()
