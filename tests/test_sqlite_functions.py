"""core.sqlite: PostgreSQL's regexp_replace as SQLite gets it (the embedded default). The
same cases run through the database the suite uses — PostgreSQL's own function in CI,
core.sqlite's on SQLite — and through the Python function itself, so the expectations
are PostgreSQL's and the Python function is held to them."""

from __future__ import annotations

import pytest
from django.db import connection

from core.sqlite import regexp_replace

CASES = [
    # (source, pattern, replacement, flags, PostgreSQL's answer)
    ("a-a-a", "a", "b", "g", "b-b-b"),
    ("a-a-a", "a", "b", "", "b-a-a"),
    (
        "Hi @[Ann Lee](12) and @[Ann](12)!",
        r"@\[[^\]\[]*\]\(12\)",
        "@[a former member](12)",
        "g",
        "Hi @[a former member](12) and @[a former member](12)!",
    ),
    ("@[Ann](123) @[Bo](12)", r"@\[[^\]\[]*\]\(12\)", "X", "g", "@[Ann](123) X"),
    ("see @[Ann](12) now", r"@\[([^][]{1,100})\]\([0-9]{1,18}\)", r"@\1", "g", "see @Ann now"),
    (
        "Ann, Annie and ann",
        r"(?<!\w)Ann(?!\w)",
        "a former member",
        "g",
        "a former member, Annie and ann",
    ),
    (r"back\slash", "slash", r"\\", "g", "back\\\\"),
]


@pytest.mark.parametrize(("source", "pattern", "replacement", "flags", "expected"), CASES)
def test_the_python_function_answers_as_postgresql(source, pattern, replacement, flags, expected):
    assert regexp_replace(source, pattern, replacement, flags) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "pattern", "replacement", "flags", "expected"), CASES)
def test_the_database_answers_the_same(source, pattern, replacement, flags, expected):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT REGEXP_REPLACE(%s, %s, %s, %s)", [source, pattern, replacement, flags]
        )
        assert cursor.fetchone()[0] == expected


def test_null_in_null_out():
    assert regexp_replace(None, "a", "b", "g") is None
