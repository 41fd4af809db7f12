"""Two workers at once, for the exactly-once tests: each runs `work` in its own thread (so
its own database connection), released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(work: Callable[[], None], *, workers: int = 2) -> list[Exception]:
    """Run `work` in `workers` threads started together; return what any of them raised."""
    barrier = threading.Barrier(workers)
    errors: list[Exception] = []

    def worker():
        try:
            barrier.wait()
            work()
        except Exception as error:  # Collected and returned to the test to assert on.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
