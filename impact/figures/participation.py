"""Participation: who contributed what (attendance, shared reflections, work shared and
peer reviews given), the people who attended and returned, and participation equity (the
Gini coefficient and the share of the most active 10 %). Figures about people, computed
over whole months only, and withheld when any month rests on 1–4 people."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import connections
from django.db.models import Count, F, IntegerField, Q, Value
from django.utils.translation import gettext

from communities.models import Membership
from core.privacy import people_figure, too_few
from reflections.models import Reflection, Response
from reviews.models import PeerReview, SharedWork
from sessions.models import Attendance, held_sessions_q

from ..periods import Period
from .common import (
    NOT_APPLICABLE,
    SHARED,
    Percent,
    by_a_member,
    every_month_enough,
    held_in,
    ids_of,
    month_of,
    spanning,
    trunc_month,
    within,
)


@dataclass
class PeopleFigures:
    """The figures about distinct people of one community over a window of whole months
    (`Period.whole_months`); "–" when no month of the period has ended yet."""

    attendees: int | str | None = NOT_APPLICABLE
    returning: int | str | None = NOT_APPLICABLE

    @property
    def returning_share(self) -> Percent:
        """Returning attendees ÷ attendees; "–" or hidden as the attendees are."""
        if self.attendees is None:
            return Percent.withheld()
        if isinstance(self.attendees, int):
            return Percent(self.returning, self.attendees)
        return Percent(None, None)


def people_in(communities: Iterable, contributions: Contributions | None) -> dict:
    """People who attended a held session in the window, and those who attended two or
    more, per community, from a window's `contributions` (None: no whole month yet).
    Both are withheld unless every month of the window had 0 or 5+ attendees, and each is
    hidden when it counts 1–4 people. No query of its own."""
    ids = ids_of(communities)
    if contributions is None:
        return {cid: PeopleFigures() for cid in ids}
    result = {}
    for cid in ids:
        _records, attendees, returning = contributions.attendance[cid]
        if not every_month_enough(contributions.attendees[cid]):
            result[cid] = PeopleFigures(None, None)
            continue
        result[cid] = PeopleFigures(people_figure(attendees), people_figure(returning))
    return result


@dataclass
class Equity:
    people: int = 0
    contributions: int = 0
    gini: float | None = None
    top_people: int = 0
    top_share: Percent = field(default_factory=lambda: Percent(None, None))  # "–" for now
    suppressed: bool = False
    frequencies: dict[int, int] = field(default_factory=dict, repr=False)
    # No whole month of the period has ended yet: equity covers whole months only.
    pending: bool = False

    @property
    def reading(self) -> str:
        """Participation in words, in the active language (written when asked: the
        cached figures hold numbers only)."""
        if self.pending:
            return gettext(
                "Participation is read over whole months; none of this period has ended yet."
            )
        if self.suppressed:
            return gettext(
                "Fewer than 5 people (in all, or in one of its months): not shown, to "
                "protect their privacy."
            )
        if not self.contributions:
            return gettext("No contributions were recorded in this period yet.")
        if self.gini < 0.3:
            return gettext(
                "Contributions are spread fairly evenly: many voices carry the conversation."
            )
        if self.gini < 0.5:
            return gettext("Some people carry more of the conversation than others.")
        return gettext("A few voices carry most of the conversation.")


def gini_from_frequencies(frequencies: dict[int, int]) -> Equity:
    """Gini coefficient and the top-10 % share from a table {contributions: people}.

    With the n values sorted ascending x₁ ≤ … ≤ xₙ and S = Σx:
        G = 2·Σ(i·xᵢ) ÷ (n·S) − (n + 1) ÷ n        (0 = all equal, → 1 = one does all)
    A value v held by k people at ranks r+1 … r+k adds v·(k·r + k(k+1)/2) to Σ(i·xᵢ).
    Top 10 % = the ⌈n ÷ 10⌉ people with the most contributions; share = their sum ÷ S.
    Exact arithmetic (fractions), rounded only when shown.
    """
    n = sum(frequencies.values())
    total = sum(value * k for value, k in frequencies.items())
    equity = Equity(people=n, contributions=total, frequencies=dict(frequencies))
    if n == 0:
        return equity
    equity.top_people = math.ceil(n / 10)
    if total == 0:
        equity.gini = 0.0
        return equity
    weighted, rank = Fraction(0), 0
    for value in sorted(frequencies):
        k = frequencies[value]
        weighted += value * (k * rank + Fraction(k * (k + 1), 2))
        rank += k
    equity.gini = float(2 * weighted / (n * total) - Fraction(n + 1, n))
    remaining, top = equity.top_people, 0
    for value in sorted(frequencies, reverse=True):
        take = min(remaining, frequencies[value])
        top += take * value
        remaining -= take
        if not remaining:
            break
    equity.top_share = Percent(top, total)
    return equity


@dataclass
class Contributions:
    """Who did what in a period, counted in SQL and kept as counts of people, never as
    people: per community, the members (`population`); the frequency table of members'
    contributions {contributions: members who made that many} over the members who made
    any (`frequencies`); attendance as (records, people who attended, people who attended
    twice or more) (`attendance`); and, month by month, how many distinct people
    contributed anything (`contributors`) and how many attended (`attendees`)."""

    population: dict[int, int]
    frequencies: dict[int, dict[int, int]] = field(default_factory=dict)
    attendance: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    contributors: dict[int, dict[dt.date, int]] = field(default_factory=dict)
    attendees: dict[int, dict[dt.date, int]] = field(default_factory=dict)

    @classmethod
    def empty(cls, ids: list[int], population: dict[int, int]) -> Contributions:
        return cls(
            population,
            frequencies={cid: {} for cid in ids},
            attendance=dict.fromkeys(ids, (0, 0, 0)),
            contributors={cid: {} for cid in ids},
            attendees={cid: {} for cid in ids},
        )


def _counted(queryset, source: str, periods: list[Period], count):
    """`queryset` grouped by (community, person, month) with its `source` and one count per
    period (`count(i, period)`, an aggregate or None for "not asked": 0), the columns every
    source shares so that they can be joined in one UNION ALL."""
    return queryset.annotate(
        source=Value(source),
        **{
            f"n{i}": c if (c := count(i, p)) is not None else Value(0, IntegerField())
            for i, p in enumerate(periods)
        },
    ).order_by()


def _peer_review_sources(ids: list[int], periods: list[Period], asks: list[bool]) -> list:
    """Work shared, peer reviews given (shared with the author) and responses given
    ("Yes, and…", to something the community shares, not hidden by a facilitator) in each
    period asked, per member of the row's community who joined before the period ended
    (`by_a_member`), grouped by (community, person, month), a count per period."""

    def count(at_field: str, community: str, person: str):
        def per_period(i: int, period: Period):
            if not asks[i]:
                return None
            return Count(
                "id",
                filter=within(at_field, period) & Q(by_a_member(period, community, person, ids)),
            )

        return per_period

    asked = [p for p, ask in zip(periods, asks, strict=True) if ask]
    if not asked:
        return []
    work = SharedWork.objects.filter(community__in=ids, **spanning("created_at", asked)).values(
        "community", person=F("author"), month=trunc_month("created_at")
    )
    responses = (
        Response.objects.shown()
        .filter(
            Q(reflection__isnull=True) | Q(reflection__visibility__in=SHARED),
            community__in=ids,
            **spanning("created_at", asked),
        )
        .values("community", person=F("author"), month=trunc_month("created_at"))
    )
    reviews = (
        PeerReview.objects.submitted()
        .filter(round__community__in=ids, **spanning("submitted_at", asked))
        .values(
            community=F("round__community"),
            person=F("reviewer"),
            month=trunc_month("submitted_at"),
        )
    )
    return [
        _counted(work, "peer_review", periods, count("created_at", "community", "author")),
        _counted(responses, "responses", periods, count("created_at", "community", "author")),
        _counted(
            reviews,
            "peer_review",
            periods,
            count("submitted_at", "round__community", "reviewer"),
        ),
    ]


def contributions_per_person_in(
    communities: Iterable,
    periods: list[Period],
    *,
    peer_review: list[bool] | None = None,
    attendance_only: list[bool] | None = None,
) -> list[Contributions]:
    """The population (active members who joined before each period ended) and what the
    members contributed, for several periods, counted in SQL: only counts of people leave
    the database (`Contributions`), never a row per person, so the cost is the scan, not
    the filing of tens of thousands of rows in Python.

    What counts as a contribution, per member of the row's own community who joined
    before the period ended (`by_a_member`): attendance at the period's held sessions,
    and reflections shared with the community written in the period; work shared,
    reviews given and responses given join where `peer_review` says so, per period (only
    participation equity needs them). Every source is grouped by (community, person,
    month) with a conditional count per period; one UNION ALL of them is unfolded per
    period and summed per person (the frequency table, attendance) and per month (distinct
    contributors and attendees). Two queries in all, however many periods.
    `attendance_only` marks periods that need attendance alone (the session figures of a
    headline): for them no reflection is counted, and `frequencies` and `contributors`
    stay empty rather than count attendance alone."""
    ids = ids_of(communities)
    populations = [dict.fromkeys(ids, 0) for _ in periods]
    for row in (
        Membership.objects.filter(community__in=ids, status=Membership.Status.ACTIVE)
        .values("community")
        .annotate(
            **{
                f"p{i}": Count("id", filter=Q(joined_at__lt=p.end_dt))
                for i, p in enumerate(periods)
            }
        )
        .order_by()
    ):
        for i, population in enumerate(populations):
            population[row["community"]] = row[f"p{i}"]
    results = [Contributions.empty(ids, population) for population in populations]
    if not ids:
        return results
    alone = attendance_only or [False] * len(periods)
    attendance = Attendance.objects.filter(
        held_sessions_q("session__"),
        session__community__in=ids,
        session__starts_at__gte=min(p.start_dt for p in periods),
        session__starts_at__lt=max(p.held_until_dt for p in periods),
    ).values(
        community=F("session__community"), person=F("user"), month=trunc_month("session__starts_at")
    )
    counted = [p for p, only in zip(periods, alone, strict=True) if not only] or periods
    reflections = Reflection.objects.filter(
        community__in=ids, visibility__in=SHARED, **spanning("created_at", counted)
    ).values("community", person=F("author"), month=trunc_month("created_at"))
    asks = peer_review if peer_review is not None else [True] * len(periods)
    asks = [ask and not only for ask, only in zip(asks, alone, strict=True)]
    sources = [
        _counted(
            attendance,
            "attendance",
            periods,
            lambda i, p: Count(
                "id",
                filter=held_in(p, "session__")
                & Q(by_a_member(p, "session__community", "user", ids)),
            ),
        ),
        # Periods that need attendance alone count no reflection: with none other, the
        # reflections are not read at all.
        *(
            []
            if all(alone)
            else [
                _counted(
                    reflections,
                    "reflections",
                    periods,
                    lambda i, p: (
                        None
                        if alone[i]
                        else Count(
                            "id",
                            filter=within("created_at", p)
                            & Q(by_a_member(p, "community", "author", ids)),
                        )
                    ),
                )
            ]
        ),
        *_peer_review_sources(ids, periods, asks),
    ]
    union = sources[0].union(*sources[1:], all=True) if len(sources) > 1 else sources[0]
    for kind, i, cid, month, total, *counts in _tallies(union, len(periods)):
        result = results[i]
        # SUM answers a decimal on PostgreSQL: the counts are whole numbers.
        x, y, z = (int(n or 0) for n in counts)
        if kind == "f":
            if not alone[i]:
                result.frequencies[cid][int(total)] = x
        elif kind == "a":
            result.attendance[cid] = (x, y, z)
        else:
            month = month_of(month)
            if x and not alone[i]:
                result.contributors[cid][month] = x
            if y:
                result.attendees[cid][month] = y
    return results


def _tallies(union, periods: int) -> list[tuple]:
    """The counts `contributions_per_person_in` keeps, from the UNION ALL of its sources
    (columns community, person, month, source, n0…): rows (kind, period, community, month,
    total, x, y, z) of three kinds — "f": `x` members made `total` contributions; "a":
    attendance records `x`, people who attended `y`, twice or more `z`; "m": in `month`,
    `x` distinct contributors, `y` distinct attendees."""
    compiled, params = union.query.get_compiler(union.db).as_sql()
    unfold = " ".join(f"WHEN {i} THEN c.n{i}" for i in range(periods))
    spans = " UNION ALL ".join(f"SELECT {i} AS i" for i in range(periods))
    # Compiled querysets and integers only: every value is a parameter.
    sql = f"""
WITH c AS ({compiled}),
u AS (
  SELECT s.i AS i, c.community AS community, c.person AS person, c.month AS month,
         c.source AS source, CASE s.i {unfold} END AS n
  FROM c CROSS JOIN ({spans}) s
),
v AS (SELECT * FROM u WHERE n > 0),
p AS (
  SELECT i, community, person, SUM(n) AS total,
         SUM(CASE WHEN source = 'attendance' THEN n ELSE 0 END) AS attended
  FROM v GROUP BY i, community, person
)
SELECT 'f', i, community, CAST(NULL AS TIMESTAMP), total, COUNT(*), 0, 0
FROM p GROUP BY i, community, total
UNION ALL
SELECT 'a', i, community, CAST(NULL AS TIMESTAMP), NULL, SUM(attended),
       SUM(CASE WHEN attended > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN attended >= 2 THEN 1 ELSE 0 END)
FROM p GROUP BY i, community
UNION ALL
SELECT 'm', i, community, month, CAST(NULL AS BIGINT), COUNT(DISTINCT person),
       COUNT(DISTINCT CASE WHEN source = 'attendance' THEN person END), 0
FROM v GROUP BY i, community, month
"""  # noqa: S608
    with connections[union.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def participation_equity(communities: Iterable, contributions: Contributions) -> dict[int, Equity]:
    """Participation equity per community: the Gini coefficient of per-member
    contributions in a period and the share made by the most active 10 % (rounded up).

    Population: active memberships (every role) that joined before the period ended,
    counting the people who contributed nothing. A member's contributions = attendance at
    held sessions + shared reflections written + work shared + reviews given + responses
    given, each
    counted in SQL: `contributions` is that period's `contributions_per_person_in`. The
    per-member totals become a frequency table {contributions: people} (members who did
    nothing fill the 0 row) and `gini_from_frequencies` does the arithmetic. With fewer
    than 5 people the figure is suppressed, and so it is when any month of the period had
    1–4 contributors (`every_month_enough`): equity is a figure about people, computed
    over whole months (`headlines_in` passes their window's contributions).
    """
    ids = ids_of(communities)
    result = {}
    for cid in ids:
        table = dict(contributions.frequencies[cid])
        idle = contributions.population[cid] - sum(table.values())
        if idle > 0:
            table[0] = table.get(0, 0) + idle
        equity = gini_from_frequencies(table)
        if too_few(equity.people) or not every_month_enough(contributions.contributors[cid]):
            equity = Equity(people=equity.people, suppressed=True)
        result[cid] = equity
    return result
