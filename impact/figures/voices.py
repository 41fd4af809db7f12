"""Every voice: how many of each month's attendees were heard (contributed anything that
month), and the check-ins facilitators sent to quiet members, with how many of those
members came back. Figures about people: whole months only, each month on its own (the
same whatever period is chosen, so two periods cannot be compared to find one person),
and never a name.

- voices heard = attendees of held sessions that month who, that month, shared a
  reflection with the community, wrote a response, shared work or submitted a review
  ÷ that month's attendees;
- check-ins sent = members sent a hello that month (communities.CheckIn);
- came back = of them, those the journeys later saw again (attended or contributed).

Privacy (core.privacy): a count of 1–4 people is hidden, and so is a share or a "came
back" whose complement (attendees not heard, members who did not come back) is 1–4
people, so no one can be found by subtraction. Two queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q

from communities.models import CheckIn
from core.privacy import people_figure, too_few
from reflections.models import Reflection, Response
from reviews.models import PeerReview, SharedWork
from sessions.models import Attendance, held_sessions_q

from ..periods import Period
from .common import SHARED, Percent, joined_counts, month_of, spanning, trunc_month, within


@dataclass(frozen=True)
class VoicesMonth:
    month: dt.date
    attendees: int | None
    voices_heard: Percent
    checkins: int | None
    came_back: int | None


def _heard(count: int, whole: int) -> int | None:
    """`count` of `whole` people, hidden when it or its complement is 1–4 people."""
    if too_few(count) or too_few(whole - count):
        return None
    return count


def voices_by_month(community, window: Period | None) -> list[VoicesMonth]:
    """Per whole month of `window` (none: no month has ended yet)."""
    if window is None:
        return []

    # Each month's attendees, and those of them who contributed that month: a join of
    # (person, month) pairs, attendance against the UNION of every kind of contribution,
    # grouped by month in SQL. (A correlated EXISTS per attendance row cost a bitmap scan
    # of the community's reflections each: about 100 ms at bench scale.)
    def pairs(queryset, person: str, at_field: str):
        return (
            queryset.filter(**spanning(at_field, [window]))
            .values(person=F(person), month=trunc_month(at_field))
            .distinct()
            .order_by()
        )

    attended = pairs(
        Attendance.objects.filter(held_sessions_q("session__"), session__community=community),
        "user",
        "session__starts_at",
    )
    contributed = pairs(
        Reflection.objects.filter(community=community, visibility__in=SHARED),
        "author",
        "created_at",
    ).union(
        pairs(Response.objects.shown().filter(community=community), "author", "created_at"),
        pairs(SharedWork.objects.filter(community=community), "author", "created_at"),
        pairs(
            PeerReview.objects.submitted().filter(round__community=community),
            "reviewer",
            "submitted_at",
        ),
    )
    heard = {
        month_of(month): {"attendees": attendees, "heard": heard_count}
        for month, attendees, heard_count in joined_counts(attended, contributed)
    }
    checkins = {
        month_of(row["month"]): row
        for row in CheckIn.objects.filter(membership__community=community)
        .filter(within("sent_at", window))
        .annotate(month=trunc_month("sent_at"))
        .values("month")
        .annotate(
            sent=Count("membership", distinct=True),
            back=Count("membership", distinct=True, filter=Q(came_back_at__isnull=False)),
        )
        .order_by()
    }
    months = []
    for month in window.months():
        row = heard.get(month, {"attendees": 0, "heard": 0})
        sent = checkins.get(month, {"sent": 0, "back": 0})
        attendees = people_figure(row["attendees"])
        share = (
            Percent(_heard(row["heard"], row["attendees"]), attendees)
            if attendees is not None
            else Percent.withheld()
        )
        shown_sent = people_figure(sent["sent"])
        months.append(
            VoicesMonth(
                month=month,
                attendees=attendees,
                voices_heard=share,
                checkins=shown_sent,
                came_back=None if shown_sent is None else _heard(sent["back"], sent["sent"]),
            )
        )
    return months
