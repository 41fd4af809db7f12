"""PostgreSQL's functions that copsite's own SQL uses and SQLite lacks, given to every
SQLite connection (the embedded default: `make run` with no DATABASE_URL), so the same
statement runs on both.

Django gives SQLite the functions its own lookups need (REGEXP for `__regex`, …) when it
opens a connection; `connection_created` (core.apps) adds these the same way, through
sqlite3's `create_function`. Written here because no library provides them: each is a
line of Python over `re` with PostgreSQL's meaning for the arguments copsite passes."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def regexp_replace(text, pattern, replacement, flags=""):
    """PostgreSQL's `regexp_replace(source, pattern, replacement [, flags])` for what
    copsite asks of it: flag "g" replaces every match, else the first; `\\1` in the
    replacement is the first group, `\\\\` a backslash (as in PostgreSQL). NULL in, NULL
    out. Account deletion rewrites mentions and names with it (privacy.erasure)."""
    if text is None or pattern is None or replacement is None:
        return None
    count = 0 if "g" in (flags or "") else 1
    return _compiled(pattern).sub(replacement, text, count=count)


def add_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: give a new SQLite connection the functions above."""
    if connection.vendor != "sqlite":
        return
    for arguments in (3, 4):
        connection.connection.create_function(
            "REGEXP_REPLACE", arguments, regexp_replace, deterministic=True
        )
