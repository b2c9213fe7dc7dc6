"""`make prodlike`: start production's processes on this machine, run the journey through nginx,
stop everything. Exits non-zero when anything fails; the logs stay in the folder it names.

    .venv/bin/python -m deploy.prodlike [--serve]

PRODLIKE_DATABASE_URL (dropped and made again; default the local lavka_prodlike) and
PRODLIKE_REDIS_URL (emptied; default db 14 of the local Redis) say where it runs.
"""

import argparse
import os
import signal
import sys
import time

from .journey import Journey
from .stack import SERVER_NAME, Stack, StackError


def _stop_on_sigterm(*_args):
    raise SystemExit(143)  # unwinds through the finally that stops the stack


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.prodlike", description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="keep the stack running after the journey, until Ctrl-C")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    stack = Stack(
        database_url=os.environ.get("PRODLIKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lavka_prodlike"),
        redis_url=os.environ.get("PRODLIKE_REDIS_URL", "redis://127.0.0.1:6379/14"),
    )
    passed = False
    try:
        try:
            stack.start()
        except StackError as error:
            print(f"FAIL  the stack did not start: {error}", flush=True)
            return 1
        print("PASS  nginx (deploy/nginx/lavka.conf), gunicorn (2 workers), Celery worker and beat are up", flush=True)
        passed = Journey(stack).run()
        if args.serve:
            browser = f"«127.0.0.1 {SERVER_NAME}» in /etc/hosts, https://{SERVER_NAME}:{stack.https_port}/"
            print(f"\nServing at {stack.base}/ with Host: {SERVER_NAME} (a browser: {browser}; its forms want "
                  "port 443). Ctrl-C stops it.")  # fmt: skip
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        if not passed:
            for name in ("web", "worker", "nginx-error"):
                if stack.folder:
                    print(stack.log_tail(name, lines=15), file=sys.stderr)
    took = time.monotonic() - started
    if passed:
        stack.remove_files()
        print(f"\nprodlike PASSED in {took:.0f} s (every process stopped)")
        return 0
    print(f"\nprodlike FAILED after {took:.0f} s; logs in {stack.folder}/logs (every process stopped)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
