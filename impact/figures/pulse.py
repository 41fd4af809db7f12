"""The session pulse: the community's average answer to "How was this session for you?"
(1 hard going … 4 great), month by month.

An answer counts only when its session has 5 or more answers (`core.privacy.THRESHOLD`):
the same floor under which its facilitators see nothing of that session's pulse, so no
month's average can be moved by a session on which 1–4 people answered, and no figure
rests on fewer than 5. Answers are dated by their session (they carry no time of their
own). An average of what people gave: computed over the window's whole months only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count

from core.privacy import THRESHOLD
from sessions.models import PulseAnswer

from ..periods import Period
from ..values import Number
from .common import held_sessions, month_of, trunc_month


@dataclass(frozen=True)
class PulseMonth:
    month: dt.date
    average: Number  # "–" when nobody answered, "fewer than 5" when too few did
    answers: int | None  # answers counted (None: withheld)


def pulse_by_month(community, window: Period | None) -> list[PulseMonth]:
    """Per whole month of `window`: the average pulse over the answers to the month's held
    sessions that 5 or more people answered. Two grouped queries (the counted answers, and
    whether a month had any answers at all), whatever the number of sessions."""
    if window is None:
        return []
    sessions = held_sessions([community], window)
    enough = (
        sessions.annotate(answers=Count("pulse_answers"))
        .filter(answers__gte=THRESHOLD)
        .values("pk")
    )
    counted = {
        month_of(row["month"]): row
        for row in PulseAnswer.objects.filter(session__in=enough)
        .annotate(month=trunc_month("session__starts_at"))
        .values("month")
        .annotate(average=Avg("face"), n=Count("id"))
        .order_by()
    }
    any_answers = {
        month_of(month)
        for month in PulseAnswer.objects.filter(session__in=sessions.values("pk"))
        .annotate(month=trunc_month("session__starts_at"))
        .values_list("month", flat=True)
        .distinct()
        .order_by()
    }
    months = []
    for month in window.months():
        if row := counted.get(month):
            months.append(PulseMonth(month, Number(row["average"], 1, people=row["n"]), row["n"]))
        elif month in any_answers:
            # Answers, but on no session 5 people answered: withheld.
            months.append(PulseMonth(month, Number(None, 1, people=1), None))
        else:
            months.append(PulseMonth(month, Number(None, 1), 0))
    return months
