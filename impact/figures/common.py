"""What every figure module shares: the levels and loops, what counts as shared and held,
time (UTC months, a period's bounds as conditions) and the two privacy helpers that need
the database's shape (`every_month_enough`, `by_a_member`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from core.privacy import too_few
from reflections.models import Reflection
from sessions.models import Session

from ..periods import UTC, Period
from ..values import NOT_APPLICABLE, Percent

__all__ = ["NOT_APPLICABLE", "Percent"]

LEVELS = [Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE]
LOOPS = [Reflection.Loop.SINGLE, Reflection.Loop.DOUBLE, Reflection.Loop.TRIPLE, ""]
LOOP_LABELS = {
    "single": _("single loop"),
    "double": _("double loop"),
    "triple": _("triple loop"),
    "": _("no level yet"),
}
# Shared = with the whole community; "Never private" (the package docstring) says why.
SHARED = [Reflection.Visibility.COMMUNITY]
# The one definition of an inward move lives with Membership (a held session's with Session).
INWARD = Membership.inward_moves_q()


def month_of(value) -> dt.date:
    """A month as a date, from the ORM (an aware datetime) or a raw cursor (a naive UTC
    timestamp on PostgreSQL, text on SQLite)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value


def joined_counts(people, among) -> list[tuple]:
    """Per month: the distinct (person, month) pairs of `people` and how many of them are
    also in `among` (querysets of `person`, `month` values, each pair at most once; `among`
    may be a union). One query; the pairs never leave the database."""
    outer, outer_params = people.query.get_compiler(people.db).as_sql()
    inner, inner_params = among.query.get_compiler(among.db).as_sql()
    # Compiled querysets only: every value is a parameter.
    sql = f"SELECT p.month, COUNT(*), COUNT(a.person) FROM ({outer}) p LEFT JOIN ({inner}) a"  # noqa: S608
    sql += " ON a.person = p.person AND a.month = p.month GROUP BY p.month"
    with connections[people.db].cursor() as cursor:
        cursor.execute(sql, (*outer_params, *inner_params))
        return cursor.fetchall()


def trunc_month(field_name: str) -> TruncMonth:
    # Explicit UTC: the request's timezone (a person's own) must not change the figures.
    return TruncMonth(field_name, tzinfo=UTC)


def ids_of(communities) -> list[int]:
    return [getattr(c, "pk", c) for c in communities]


def spanning(field_name: str, periods: list[Period]) -> dict:
    return {
        f"{field_name}__gte": min(p.start_dt for p in periods),
        f"{field_name}__lt": max(p.end_dt for p in periods),
    }


def within(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start_dt, f"{field_name}__lt": period.end_dt})


def held_sessions(communities: Iterable, period: Period):
    """The communities' sessions held in the period (SessionQuerySet.held_between: held,
    starting inside the period and before now)."""
    return Session.objects.held_between(period.start_dt, period.end_dt).filter(
        community__in=ids_of(communities)
    )


def held_in(period: Period, prefix: str = "") -> Q:
    """`held_sessions`' time window as a condition, for conditional counts."""
    field_name = f"{prefix}starts_at"
    return Q(
        **{
            f"{field_name}__gte": period.start_dt,
            f"{field_name}__lt": min(period.end_dt, timezone.now()),
        }
    )


def every_month_enough(by_month: dict[dt.date, set[int] | int]) -> bool:
    """True when no month of a window rests on 1–4 people (a month of nobody is fine:
    it adds nobody to the window): each month's people, or how many they are."""
    return not any(
        too_few(people if isinstance(people, int) else len(people)) for people in by_month.values()
    )


def by_a_member(period: Period, community_path: str, user_path: str) -> Exists:
    """True for rows by people who are active members of the row's own community and
    joined before the period ended: an index lookup per row on (community, user)."""
    return Exists(
        Membership.objects.filter(
            community=OuterRef(community_path),
            user=OuterRef(user_path),
            status=Membership.Status.ACTIVE,
            joined_at__lt=period.end_dt,
        )
    )


def per_person(*sources: tuple) -> dict[int, dict[str, tuple[int, int]]]:
    """Regroup sources by community: each a queryset of values ("community", "person")
    and its counts per person ({name: aggregate}); the answer is {community: {name: (the
    sum, how many people counted at least one)}}. Sources are joined in one UNION ALL
    (each count 0 in the sources that lack it), so a count's people are counted in its
    own source's rows: distinct people come from grouping once, not from a
    COUNT(DISTINCT …) per count, which sorts every row again, and only two numbers per
    count leave the database. One query. Rows without a person (a deleted author) add to
    the sum but are no one."""
    names: list[str] = []
    for _queryset, measures in sources:
        names += [name for name in measures if name not in names]
    zero = Value(0, IntegerField())
    parts = [
        queryset.annotate(**{name: measures.get(name, zero) for name in names}).order_by()
        for queryset, measures in sources
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    try:
        compiled, params = union.query.get_compiler(union.db).as_sql()
    except EmptyResultSet:
        return {}  # Every source is empty by construction (no community to count in).
    columns = ", ".join(
        f"SUM(t.{name}), COUNT(t.person) FILTER (WHERE t.{name} > 0)" for name in names
    )
    # A compiled queryset and our own column names only: every value is a parameter.
    sql = f"SELECT t.community, {columns} FROM ({compiled}) t GROUP BY t.community"  # noqa: S608
    result = {}
    with connections[union.db].cursor() as cursor:
        cursor.execute(sql, params)
        for community, *numbers in cursor.fetchall():
            # SUM answers a decimal on PostgreSQL: the counts are whole numbers.
            result[community] = {
                name: (int(numbers[2 * i] or 0), int(numbers[2 * i + 1] or 0))
                for i, name in enumerate(names)
            }
    return result
