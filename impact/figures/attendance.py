"""Sessions: how many were held, who answered and who came, in the period and month by
month. Counts of events keep the period's days; the people behind them decide what is
hidden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from core.privacy import people_figure
from sessions.models import RSVP, Session

from ..periods import Period
from .common import Percent, held_in, held_sessions, ids_of, month_of, trunc_month

if TYPE_CHECKING:
    from .participation import Contributions


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


def sessions_in(
    communities: Iterable, periods: list[Period], contributions: list[Contributions]
) -> list[dict[int, SessionFigures]]:
    """Sessions held, RSVP rate and attendance rate, per community and period.

    - held = `held_sessions` count;
    - members = active memberships (every role) that joined before the period ended;
    - RSVP rate = RSVPs "going" or "maybe" on held sessions ÷ (held × members);
    - attendance rate = members' attendance records at held sessions ÷ (held × members).
    RSVPs and attendances are suppressed when they rest on 1–4 people. The people who
    attended, and who returned, are figures about people: `people_in`, over whole months.
    One grouped query for every period (conditional counts per period), plus each period's
    `contributions` (shared with participation equity)."""
    ids = ids_of(communities)
    answered = Q(rsvps__response__in=[RSVP.Response.GOING, RSVP.Response.MAYBE])
    measures = {}
    for i, period in enumerate(periods):
        inside = held_in(period)
        measures[f"n{i}"] = Count("id", filter=inside, distinct=True)
        measures[f"r{i}"] = Count("rsvps", filter=inside & answered, distinct=True)
        measures[f"u{i}"] = Count("rsvps__user", filter=inside & answered, distinct=True)
    rows = (
        Session.objects.held_between(
            min(p.start_dt for p in periods), max(p.end_dt for p in periods)
        )
        .filter(community__in=ids)
        .values("community")
        .annotate(**measures)
        .order_by()
    )
    results = [
        {cid: SessionFigures(members=c.population[cid]) for cid in ids} for c in contributions
    ]
    for row in rows:
        for i, result in enumerate(results):
            result[row["community"]].held = row[f"n{i}"]
            result[row["community"]].rsvps = people_figure(row[f"r{i}"], row[f"u{i}"])
    for result, c in zip(results, contributions, strict=True):
        for cid in ids:
            records, people, _returning = c.attendance[cid]
            result[cid].attendances = people_figure(records, people)
    return results


@dataclass
class SessionMonth:
    month: dt.date
    held: int
    attendances: int | None


def sessions_by_month(community, period: Period) -> list[SessionMonth]:
    """Per month of the period: sessions held and attendance records at them (the
    attendance suppressed when 1–4 people attended that month). One grouped query."""
    rows = {
        month_of(row["month"]): row
        for row in held_sessions([community], period)
        .annotate(month=trunc_month("starts_at"))
        .values("month")
        .annotate(
            held=Count("id", distinct=True),
            n=Count("attendances", distinct=True),
            people=Count("attendances__user", distinct=True),
        )
        .order_by()
    }
    return [
        SessionMonth(month, row["held"], people_figure(row["n"], row["people"]))
        if (row := rows.get(month))
        else SessionMonth(month, 0, 0)
        for month in period.months()
    ]
