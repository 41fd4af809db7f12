"""Participation: who contributed what (attendance, shared reflections, work shared and
peer reviews given), the people who attended and returned, and participation equity (the
Gini coefficient and the share of the most active 10 %). Figures about people, computed
over whole months only, and withheld when any month rests on 1–4 people."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, F, Q, Value
from django.utils import timezone

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
        attended = contributions.sources["attendance"][cid]
        if not every_month_enough(contributions.months["attendance"][cid]):
            result[cid] = PeopleFigures(None, None)
            continue
        result[cid] = PeopleFigures(
            people_figure(len(attended)),
            people_figure(sum(1 for n in attended.values() if n >= 2)),
        )
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
        if self.pending:
            return "Participation is read over whole months; none of this period has ended yet."
        if self.suppressed:
            return (
                "Fewer than 5 people (in all, or in one of its months): not shown, to "
                "protect their privacy."
            )
        if not self.contributions:
            return "No contributions were recorded in this period yet."
        if self.gini < 0.3:
            return "Contributions are spread fairly evenly: many voices carry the conversation."
        if self.gini < 0.5:
            return "Some people carry more of the conversation than others."
        return "A few voices carry most of the conversation."


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
    """Who did what in a period: {community_id: members} and, per source,
    {community_id: {user_id: count}} for the members who did any of it, and
    {community_id: {month: {user_id, …}}} for who did any of it in each month."""

    population: dict[int, int]
    sources: dict[str, dict[int, dict[int, int]]]
    months: dict[str, dict[int, dict[dt.date, set[int]]]] = field(default_factory=dict)

    def contributors_by_month(self, cid: int) -> dict[dt.date, set[int]]:
        """Everyone who contributed anything, month by month, over every source."""
        by_month: dict[dt.date, set[int]] = defaultdict(set)
        for per_community in self.months.values():
            for month, people in per_community[cid].items():
                by_month[month] |= people
        return by_month


def _peer_review_sources(ids: list[int], period: Period) -> dict[str, object]:
    """Work shared, peer reviews given (shared with the author) and responses given
    ("Yes, and…", to something the community shares, not hidden by a facilitator) in the
    period, per member of the row's community: one UNION ALL query with the columns of the
    other sources (community, person, month, n) and the `source` each row is filed under;
    a person may appear once per kind and month."""
    work = (
        SharedWork.objects.filter(
            within("created_at", period),
            by_a_member(period, "community", "author"),
            community__in=ids,
        )
        .values("community", person=F("author"), month=trunc_month("created_at"))
        .annotate(n=Count("id"), source=Value("peer_review"))
        .order_by()
    )
    responses = (
        Response.objects.shown()
        .filter(
            Q(reflection__isnull=True) | Q(reflection__visibility__in=SHARED),
            within("created_at", period),
            by_a_member(period, "community", "author"),
            community__in=ids,
        )
        .values("community", person=F("author"), month=trunc_month("created_at"))
        .annotate(n=Count("id"), source=Value("responses"))
        .order_by()
    )
    reviews = (
        PeerReview.objects.submitted()
        .filter(
            within("submitted_at", period),
            by_a_member(period, "round__community", "reviewer"),
            round__community__in=ids,
        )
        .values(
            community=F("round__community"),
            person=F("reviewer"),
            month=trunc_month("submitted_at"),
        )
        .annotate(n=Count("id"), source=Value("peer_review"))
        .order_by()
    )
    return {"peer_review": work.union(reviews, responses, all=True)}


def contributions_per_person_in(
    communities: Iterable, periods: list[Period], *, peer_review: list[bool] | None = None
) -> list[Contributions]:
    """The population (active members who joined before each period ended) and each
    source's per-member counts, for several periods. SQL does the counting; Python only
    files the grouped rows (one per contributing member) by community.

    What counts as a contribution, per member of the row's own community who joined
    before the period ended (`by_a_member`): attendance at the period's held sessions,
    and reflections shared with the community written in the period; work shared and
    reviews given join once peer review exists (`_peer_review_sources`, asked per period,
    querysets with `community`, `person` and `n`). The population, attendance and
    reflections each answer every period in one grouped query, a conditional count per
    period, grouped by person and month (so each month's contributors are known too).
    `peer_review` says, per period, whether to ask for work shared and reviews given (only
    participation equity needs them; a query per period)."""
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
    attendance = Attendance.objects.filter(
        held_sessions_q("session__"),
        session__community__in=ids,
        session__starts_at__gte=min(p.start_dt for p in periods),
        session__starts_at__lt=min(max(p.end_dt for p in periods), timezone.now()),
    ).values(
        community=F("session__community"), person=F("user"), month=trunc_month("session__starts_at")
    )
    reflections = Reflection.objects.filter(
        community__in=ids, visibility__in=SHARED, **spanning("created_at", periods)
    ).values("community", person=F("author"), month=trunc_month("created_at"))
    grouped = {
        "attendance": attendance.annotate(
            **{
                f"n{i}": Count(
                    "id",
                    filter=held_in(p, "session__")
                    & Q(by_a_member(p, "session__community", "user")),
                )
                for i, p in enumerate(periods)
            }
        ),
        "reflections": reflections.annotate(
            **{
                f"n{i}": Count(
                    "id",
                    filter=within("created_at", p) & Q(by_a_member(p, "community", "author")),
                )
                for i, p in enumerate(periods)
            }
        ),
    }
    results = [Contributions(population, {}) for population in populations]
    for name, queryset in grouped.items():
        for result in results:
            result.sources[name] = {cid: {} for cid in ids}
            result.months[name] = {cid: defaultdict(set) for cid in ids}
        for row in queryset.order_by():
            for i, result in enumerate(results):
                if row[f"n{i}"]:
                    _file(result, name, row, row[f"n{i}"])
    asks = peer_review if peer_review is not None else [True] * len(periods)
    for period, result, ask in zip(periods, results, asks, strict=True):
        if not ask:
            continue
        for queryset in _peer_review_sources(ids, period).values():
            for name in ("peer_review", "responses"):
                result.sources[name] = {cid: {} for cid in ids}
                result.months[name] = {cid: defaultdict(set) for cid in ids}
            for row in queryset:
                _file(result, row["source"], row, row["n"])
    return results


def _file(result: Contributions, name: str, row: dict, n: int) -> None:
    """File one grouped row (community, person, month): the person's count, and their
    presence in that month."""
    cid, person = row["community"], row["person"]
    people = result.sources[name][cid]
    people[person] = people.get(person, 0) + n
    result.months[name][cid][month_of(row["month"])].add(person)


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
        totals: dict[int, int] = defaultdict(int)
        for per_community in contributions.sources.values():
            for person, n in per_community[cid].items():
                totals[person] += n
        table: dict[int, int] = defaultdict(int)
        for n in totals.values():
            table[n] += 1
        idle = contributions.population[cid] - len(totals)
        if idle > 0:
            table[0] += idle
        equity = gini_from_frequencies(dict(table))
        if too_few(equity.people) or not every_month_enough(
            contributions.contributors_by_month(cid)
        ):
            equity = Equity(people=equity.people, suppressed=True)
        result[cid] = equity
    return result
