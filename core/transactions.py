"""The on-commit pattern in one place: work that must only happen once the surrounding
transaction has committed (send an email, notify, delete a stored file)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction


def after_commit(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Call `function(*args, **kwargs)` once the current transaction commits (at once when
    none is open); never if it rolls back.

    The arguments are bound now, not read when the transaction ends, so a caller never
    needs the `review_id = review.pk` dance a late-binding lambda would: pass ids, not
    model instances, for anything a worker will load again."""
    transaction.on_commit(partial(function, *args, **kwargs))
