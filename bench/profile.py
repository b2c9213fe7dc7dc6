"""A flame graph of one page under load: gunicorn (1 worker) + wrk + py-spy (bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lavka_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/profile.py --page product --out bench/profiles/product-signed-in-after.svg

The page is one of bench/run.py's (signed in as its buyer, or its seller for cabinet pages).
py-spy samples the worker for --seconds while wrk keeps two connections busy; the SVG opens
in a browser (hover for names, click to zoom). --top also prints the functions holding the most
samples (inclusive), which is what the README's before/after lists come from.
"""

import argparse
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import run  # noqa: E402  (bench/run.py: pages, sessions, gunicorn)

ROOT = Path(__file__).resolve().parents[1]


def top(raw: Path, count: int) -> list[tuple[float, str]]:
    """Inclusive share of samples per function, from py-spy's raw (collapsed) output."""
    inclusive, total = collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _sep, samples = line.rpartition(" ")
        total += int(samples)
        for frame in {
            frame.split(" (")[0] + " (" + frame.split("/")[-1] for frame in stack.split(";") if " (" in frame
        }:
            inclusive[frame] += int(samples)
    return [(100 * n / total, name) for name, n in inclusive.most_common(count)] if total else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="product", choices=list(run.PAGES))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", default="")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    params = run.setup_visitors()
    label, path, who, _target = run.PAGES[args.page]
    port = run.free_port()
    server = run.start(port, 1, "marketplace.settings")
    out = Path(args.out or ROOT / f"bench/profiles/{args.page}.svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = out.with_suffix(".txt")
    try:
        base = f"http://127.0.0.1:{port}"
        run.wait_up(base)
        url, cookie = base + path.format(**params), params.get(who)
        for _ in range(5):
            run.warm(url, cookie)
        worker = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
        load = ["wrk", "-t1", "-c2", f"-d{args.seconds + 4}s", url]
        if cookie:
            load[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
        wrk = subprocess.Popen(load, stdout=subprocess.PIPE, text=True)
        time.sleep(1)
        spy = [str(ROOT / ".venv/bin/py-spy"), "record", "-p", str(worker), "-d", str(args.seconds), "-r", "250",
               "--nonblocking"]  # fmt: skip
        subprocess.run([*spy, "--format", "raw", "-o", str(raw)], check=True, capture_output=True)
        subprocess.run([*spy[:5], "3", *spy[6:], "-o", str(out)], check=True, capture_output=True)
        wrk.wait()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    print(f"{label}: flame graph {out}, samples {raw}")
    for share, name in top(raw, args.top):
        print(f"{share:5.1f} %  {name}")


if __name__ == "__main__":
    main()
