"""What each middleware costs a request, measured in-process (bench/README.md, «The stack's own overhead»).

    .venv/bin/python bench/middleware.py

Calls Django's WSGI handler directly (no server, no network) for GET /ping/ with: only
SecurityMiddleware (the bare stack), every middleware of settings.MIDDLEWARE, and every
middleware but one, for each one in turn; each figure is the best of 7 runs of 2 000 requests.
A middleware's cost is the full stack's time minus the time without it. Sessions and
authentication are measured together (authentication needs sessions).
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def environ():
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/ping/", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1",
    }  # fmt: skip


def per_request(handler, count=2000) -> float:
    def start_response(*args, **kwargs):
        return None

    started = time.perf_counter()
    for _ in range(count):
        b"".join(handler(environ(), start_response))
    return 1e6 * (time.perf_counter() - started) / count


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    settings.ALLOWED_HOSTS = ["*"]
    full = list(settings.MIDDLEWARE)
    stacks = {"bare": ["django.middleware.security.SecurityMiddleware"], "full": full}
    together = ("SessionMiddleware", "AuthenticationMiddleware")
    stacks["sessions + authentication"] = [m for m in full if not m.endswith(together)]
    for name in full[1:]:
        if not name.endswith(together):
            stacks[name] = [m for m in full if m != name]
    handlers = {}
    for label, stack in stacks.items():
        with override_settings(MIDDLEWARE=stack):
            handlers[label] = WSGIHandler()
    best = dict.fromkeys(handlers, float("inf"))
    for _ in range(7):
        for label, handler in handlers.items():
            best[label] = min(best[label], per_request(handler))
    print(f"bare stack: {best['bare']:.0f} µs a request; Lavka's: {best['full']:.0f} µs\n")
    print("| middleware | µs a request |\n|---|---:|")
    for label in stacks:
        if label not in ("bare", "full"):
            print(f"| {label.rsplit('.', 1)[-1]} | {best['full'] - best[label]:.1f} |")


if __name__ == "__main__":
    main()
