"""What every figure module shares: the levels and loops, what counts as shared and held,
time (UTC months, a period's bounds as conditions) and the two privacy helpers that need
the database's shape (`every_month_enough`, `by_a_member`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast, TruncMonth
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from core.compiled import Compiled, stand_in_moment
from core.privacy import THRESHOLD, too_few
from reflections.models import Reflection
from sessions.models import Session

from ..periods import UTC, Bounds, Period
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


def held_sessions(communities: Iterable, period: Period | Bounds):
    """The communities' sessions held in the period (SessionQuerySet.held_between: held,
    starting inside the period and before now)."""
    return Session.objects.held_between(period.start_dt, period.held_until_dt).filter(
        community__in=ids_of(communities)
    )


def held_in(period: Period | Bounds, prefix: str = "") -> Q:
    """`held_sessions`' time window as a condition, for conditional counts."""
    field_name = f"{prefix}starts_at"
    return Q(
        **{
            f"{field_name}__gte": period.start_dt,
            f"{field_name}__lt": period.held_until_dt,
        }
    )


def every_month_enough(by_month: dict[dt.date, set[int] | int]) -> bool:
    """True when no month of a window rests on 1–4 people (a month of nobody is fine:
    it adds nobody to the window): each month's people, or how many they are."""
    return not any(
        too_few(people if isinstance(people, int) else len(people)) for people in by_month.values()
    )


def by_a_member(
    period: Period | Bounds, community_path: str, user_path: str, ids: list[int]
) -> Exists:
    """True for rows by people who are active members of the row's own community and
    joined before the period ended (`joined_by_dt`). The rows' communities are among
    `ids`, said again inside: PostgreSQL hashes the memberships once instead of looking
    each row up, and without it hashed every membership of the site (growing with the
    site, not with the communities asked about)."""
    return Exists(
        Membership.objects.filter(
            community=OuterRef(community_path),
            user=OuterRef(user_path),
            community__in=ids,
            status=Membership.Status.ACTIVE,
            joined_at__lt=period.joined_by_dt,
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
    the sum but are no one. The people are counted up to `THRESHOLD`, all the privacy
    floor asks of them: so two parts of a period count its people exactly
    (`impact.figures.headlines`) whenever either part has that many."""
    union = per_person_union(*sources)
    try:
        sql, params = union.query.get_compiler(union.db).as_sql()
    except EmptyResultSet:
        return {}  # Every source is empty by construction (no community to count in).
    return per_person_counts(sql, params, union.query, union.db)


def per_person_union(*sources: tuple):
    """`per_person`'s UNION ALL of its sources, as one queryset (`per_person_counts` reads
    it)."""
    names: list[str] = []
    for _queryset, measures in sources:
        names += [name for name in measures if name not in names]
    # Every count of one type in every branch (integer: a literal 0 where a branch lacks
    # the count, a cast COUNT where it has it): PostgreSQL then appends the branches as
    # they are, where COUNT's bigint beside a literal 0 made it project every row again at
    # each level of the union; and SUM over integers adds in 64 bits, over bigints in
    # numeric.
    zero = Value(0, IntegerField())
    parts = [
        queryset.annotate(
            **{
                name: Cast(measures[name], IntegerField()) if name in measures else zero
                for name in names
            }
        ).order_by()
        for queryset, measures in sources
    ]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def per_person_counts(union_sql: str, params, query, using: str) -> dict:
    """`per_person`'s answer from its union compiled (`union_sql`, `params`) and the
    union's query, whose annotations name the counts."""
    names = [name for name in query.annotation_select if name not in ("community", "person")]
    columns = ", ".join(
        f"SUM(t.{name}), COUNT(t.person) FILTER (WHERE t.{name} > 0)" for name in names
    )
    # A compiled queryset and our own column names only: every value is a parameter.
    sql = f"SELECT t.community, {columns} FROM ({union_sql}) t GROUP BY t.community"  # noqa: S608
    result = {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        for community, *numbers in cursor.fetchall():
            # SUM answers a decimal on PostgreSQL: the counts are whole numbers.
            result[community] = {
                name: (int(numbers[2 * i] or 0), min(int(numbers[2 * i + 1] or 0), THRESHOLD))
                for i, name in enumerate(names)
            }
    return result


# Stand-in values for `FigureQuery`: no real community has a negative id, and no period
# reaches back to 1900 (`periods.EARLIEST`).
_STAND_IN_TIME = stand_in_moment()


# The instants of one period's bounds (`Bounds`): start, end, held until, joined by.
_TIMES = 4


def figure_stand_ins(*, communities: int, periods: int) -> list:
    """Stand-ins for `communities` ids and `periods` bounds, newest period first as the
    figures pass them: each period's start, then where its held sessions end, its end and
    the instant its members joined by (`Bounds`), in that order, and all of it after the
    next (older) period's end."""
    ids = [-1_000_000_007 - i for i in range(communities)]
    times = []
    for i in range(periods):
        base = _STAND_IN_TIME + dt.timedelta(days=10 * (periods - i))
        times += [base + dt.timedelta(days=n) for n in (0, 2, 1, 3)]
    return ids + times


def _required(*, communities: int, periods: int) -> set[int]:
    """The stand-ins every figure query uses: each id, and each period's start (its end,
    held end or joined-by may go unused); a backend that rewrote them keeps nothing."""
    return set(range(communities)) | {communities + _TIMES * i for i in range(periods)}


class FigureQuery:
    """A figure's query over communities and periods, `build(ids, bounds)` (bounds:
    `periods.Bounds`, newest period first), compiled once per thread and shape (how many
    communities and periods, core.compiled) over stand-ins, then run with each request's
    ids and bounds: building and compiling the figures' querysets had been most of a cold
    dashboard's time. Periods given in another order, or repeated ids, are built afresh:
    the stand-ins' order is what the query was built with."""

    def __init__(self, build, *, sql_only: bool = False) -> None:
        self.build = build
        self._compiled = Compiled(
            self._from_values,
            stand_ins_for=figure_stand_ins,
            required_for=_required,
            sql_only=sql_only,
        )

    def _from_values(self, *values, communities: int, periods: int):
        times = values[communities:]
        bounds = [Bounds(*times[_TIMES * i : _TIMES * (i + 1)]) for i in range(periods)]
        return self.build(list(values[:communities]), bounds)

    def _kept(self, ids: list[int], periods: list[Period | Bounds]):
        """(the compiled query or None, its values, the periods' bounds)."""
        bounds = [p if isinstance(p, Bounds) else p.bounds() for p in periods]
        ordered = len(set(ids)) == len(ids) and all(
            newer.start_dt > older.start_dt
            and newer.end_dt > older.end_dt
            and newer.held_until_dt >= older.held_until_dt
            and newer.joined_by_dt >= older.joined_by_dt
            for newer, older in pairwise(bounds)
        )
        if not ordered:
            return None, (), bounds
        values = [*ids]
        for b in bounds:
            values += [b.start_dt, b.end_dt, b.held_until_dt, b.joined_by_dt]
        return self._compiled.compiled(communities=len(ids), periods=len(periods)), values, bounds

    def rows(self, ids: list[int], periods: list[Period | Bounds]) -> list:
        """What `list(build(ids, bounds))` gives (model instances or values_list rows)."""
        query, values, bounds = self._kept(ids, periods)
        if query is None:
            return list(self.build(ids, bounds))
        return query.instances(values) if query.makes_instances else query.rows(values)

    def statement(
        self, ids: list[int], periods: list[Period | Bounds]
    ) -> tuple[str, list, Any, str]:
        """The SQL, parameters, Django query and database of `build(ids, bounds)`; raises
        EmptyResultSet for a query that matches nothing by construction."""
        query, values, bounds = self._kept(ids, periods)
        if query is None:
            built = self.build(ids, bounds)
            return (*built.query.get_compiler(built.db).as_sql(), built.query, built.db)
        return (*query.statement(values), query.compiler.query, query.using)
