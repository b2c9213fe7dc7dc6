"""Running checkouts at the same moment in real threads (PostgreSQL tests: real transactions)."""

import threading
from collections.abc import Callable

from django.db import connection

from orders.exceptions import CartError


class Raised:
    """What a call raised instead of returning (kept, so the test can say what went wrong)."""

    def __init__(self, error: BaseException):
        self.error = error

    def __repr__(self):
        return repr(self.error)


def results_at_once(calls: list[Callable[[], object]], *, timeout: float = 60) -> list[object]:
    """Start every call together, each in its own thread with its own database connection (closed
    when it is done); what each returned, or a Raised, in the calls' order."""
    start = threading.Barrier(len(calls), timeout=timeout)
    results: list[object] = [Raised(TimeoutError("the call did not finish"))] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported, so the test fails on it
            results[index] = Raised(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def at_once(calls: list[Callable[[], object]]) -> list[str]:
    """Start every call together; «ok» for each that returned, «refused» for a CartError, and the
    repr of anything else it raised (which the tests then see as a failure), in the calls' order."""
    outcomes = []
    for result in results_at_once(calls, timeout=30):
        if not isinstance(result, Raised):
            outcomes.append("ok")
        elif isinstance(result.error, CartError):
            outcomes.append("refused")
        else:
            outcomes.append(repr(result.error))
    return outcomes
