"""Running checkouts at the same moment in real threads (PostgreSQL tests: real transactions)."""

import threading
from collections.abc import Callable

from django.db import connection

from orders.exceptions import CartError


def at_once(calls: list[Callable[[], object]]) -> list[str]:
    """Start every call together; «ok» for each that returned, «refused» for a CartError, and the
    repr of anything else it raised (which the tests then see as a failure), in the calls' order."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "ok"
        except CartError:
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 - reported, so the test fails on it
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes
