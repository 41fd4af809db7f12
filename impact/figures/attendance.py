"""Sessions: how many were held, who answered and who came, in the period and month by
month. Counts of events keep the period's days; the people behind them decide what is
hidden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q, Value

from communities.models import Membership
from core.privacy import people_figure
from sessions.models import RSVP, Attendance, Session, held_sessions_q

from ..periods import Bounds, Period
from .common import (
    FigureQuery,
    Percent,
    by_a_member,
    held_in,
    held_sessions,
    ids_of,
    month_of,
    per_person,
    trunc_month,
)


@dataclass
class SessionFigures:
    held: int = 0
    members: int = 0
    rsvps: int | None = 0
    attendances: int | None = 0

    @property
    def rsvp_rate(self) -> Percent:
        return Percent(self.rsvps, self.held * self.members)

    @property
    def attendance_rate(self) -> Percent:
        return Percent(self.attendances, self.held * self.members)


def sessions_sources(ids: list[int], periods: list[Period] | list[Bounds]) -> list[tuple]:
    """For `per_person`, per period `i`: active members (every role) who joined before
    it ended (`m<i>`, per member), held sessions (`h<i>`, no person), RSVPs "going" or
    "maybe" on them (`r<i>`, per person who answered) and members' attendance records at
    them (`a<i>`, per member of the row's community who joined before it ended)."""
    start = min(p.start_dt for p in periods)
    until = max(p.held_until_dt for p in periods)
    nobody = Value(None, IntegerField())
    members = Membership.objects.filter(community__in=ids, status=Membership.Status.ACTIVE).values(
        "community", person=F("user")
    )
    held = (
        Session.objects.held_between(start, until)
        .filter(community__in=ids)
        .values("community", person=nobody)
    )
    answered = RSVP.objects.filter(
        held_sessions_q("session__"),
        session__community__in=ids,
        session__starts_at__gte=start,
        session__starts_at__lt=until,
        response__in=[RSVP.Response.GOING, RSVP.Response.MAYBE],
    ).values(community=F("session__community"), person=F("user"))
    attended = Attendance.objects.filter(
        held_sessions_q("session__"),
        session__community__in=ids,
        session__starts_at__gte=start,
        session__starts_at__lt=until,
    ).values(community=F("session__community"), person=F("user"))
    return [
        (
            members,
            {
                f"m{i}": Count("id", filter=Q(joined_at__lt=p.joined_by_dt))
                for i, p in enumerate(periods)
            },
        ),
        (held, {f"h{i}": Count("id", filter=held_in(p)) for i, p in enumerate(periods)}),
        (
            answered,
            {f"r{i}": Count("id", filter=held_in(p, "session__")) for i, p in enumerate(periods)},
        ),
        (
            attended,
            {
                f"a{i}": Count(
                    "id",
                    filter=held_in(p, "session__")
                    & Q(by_a_member(p, "session__community", "user", ids)),
                )
                for i, p in enumerate(periods)
            },
        ),
    ]


def sessions_from(ids: list[int], periods: list[Period], counts: dict) -> list[dict]:
    results = [{cid: SessionFigures() for cid in ids} for _ in periods]
    for cid, by_name in counts.items():
        for i, result in enumerate(results):
            if f"h{i}" not in by_name:
                continue
            result[cid] = SessionFigures(
                held=by_name[f"h{i}"][0],
                members=by_name[f"m{i}"][0],
                rsvps=people_figure(*by_name[f"r{i}"]),
                attendances=people_figure(*by_name[f"a{i}"]),
            )
    return results


def sessions_in(communities: Iterable, periods: list[Period]) -> list[dict[int, SessionFigures]]:
    """Sessions held, RSVP rate and attendance rate, per community and period.

    - held = `held_sessions` count;
    - members = active memberships (every role) that joined before the period ended;
    - RSVP rate = RSVPs "going" or "maybe" on held sessions ÷ (held × members);
    - attendance rate = attendance records at held sessions of members of the community
      who joined before the period ended (`by_a_member`) ÷ (held × members).
    RSVPs and attendances are suppressed when they rest on 1–4 people. The people who
    attended, and who returned, are figures about people: `people_in`, over whole months.
    One query for every period (`per_person`)."""
    ids = ids_of(communities)
    return sessions_from(ids, periods, per_person(*sessions_sources(ids, periods)))


@dataclass
class SessionMonth:
    month: dt.date
    held: int
    attendances: int | None


def sessions_by_month(community, period: Period, rows: dict | None = None) -> list[SessionMonth]:
    """Per month of the period: sessions held and attendance records at them (the
    attendance suppressed when 1–4 people attended that month). From `rows`
    (`session_month_rows`), else one grouped query."""
    if rows is None:
        rows = session_month_rows(community.pk, period)
    return [
        SessionMonth(month, row[0], people_figure(row[1], row[2]))
        if (row := rows.get(month))
        else SessionMonth(month, 0, 0)
        for month in period.months()
    ]


def session_month_rows(cid: int, period: Period | Bounds) -> dict:
    """{month: (sessions held, attendance records, people who attended)} of one community
    in the period. One grouped query."""
    return {
        month_of(month): (held, n, people)
        for month, held, n, people in _SESSIONS_BY_MONTH.rows([cid], [period])
    }


_SESSIONS_BY_MONTH = FigureQuery(
    lambda ids, bounds: (
        held_sessions(ids, bounds[0])
        .annotate(month=trunc_month("starts_at"))
        .values("month")
        .annotate(
            held=Count("id", distinct=True),
            n=Count("attendances", distinct=True),
            people=Count("attendances__user", distinct=True),
        )
        .order_by()
        .values_list("month", "held", "n", "people")
    )
)
