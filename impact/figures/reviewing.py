"""Peer review as a practice (issue 17, item 6): per agreed outcome, over the period's
whole months, the share of authors who received all their reviews by the round's due
date, the median days from being asked to sharing a review, and the share of reviews
their authors marked helpful. Three grouped queries.

Each is a figure about people (authors, reviewers), so it covers whole months only
(`Period.whole_months`) and is shown only when every month of it rests on 0 or 5+ people
on each side (`every_month_enough`): two windows a month apart cannot be compared to
find one person's part. A review reaches its author when shared, or — in a round with a
release step — when released; a held review counts nowhere."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth

from core.privacy import too_few
from outcomes.models import Outcome
from reviews.models import PeerReview

from ..periods import UTC, Period
from ..values import Number, Percent
from .common import month_of, trunc_month, within


def reviewing_by_outcome(community, period: Period | None) -> list[dict]:
    """One row per agreed outcome with reviews in the window, by statement:
    {"outcome", "heard_on_time": Percent, "median_days": Number, "helpful": Percent,
    "reviews": int}. Empty when no whole month has ended."""
    if period is None:
        return []
    shared = _shared(community, period)
    heard = _heard_on_time(community, period)
    medians = _median_days(community, period)
    rows = []
    for outcome in sorted(set(shared) | set(heard)):
        counts = shared.get(outcome)
        if counts is None:
            helpful = Percent(0, 0)
            median = Number(None, 1)
            reviews = 0
        else:
            enough = counts["enough"]
            people = counts["people"] if enough else 1
            helpful = Percent(counts["helpful"], counts["n"], people=people)
            median = Number(medians.get(outcome), 1, people=people)
            reviews = counts["n"] if enough else None
        rows.append(
            {
                "outcome": outcome,
                "heard_on_time": heard.get(outcome, Percent(0, 0)),
                "median_days": median,
                "helpful": helpful,
                "reviews": reviews,
            }
        )
    return rows


def _in_rounds_of(community):
    return PeerReview.objects.filter(
        round__community=community, round__outcomes__status=Outcome.Status.AGREED
    )


def _shared(community, period: Period) -> dict[str, dict]:
    """Per outcome: reviews shared with their authors in the window, how many were marked
    helpful, and whether every month rests on 0 or 5+ reviewers and 5+ authors."""
    rows = (
        _in_rounds_of(community)
        .released()
        .filter(within("submitted_at", period))
        .values(outcome=F("round__outcomes__statement"), month=trunc_month("submitted_at"))
        .annotate(
            n=Count("id"),
            helpful=Count("id", filter=Q(helpful_at__isnull=False)),
            reviewers=Count("reviewer", distinct=True),
            authors=Count("work__author", distinct=True),
        )
        .order_by("outcome", "month")
    )
    result: dict[str, dict] = {}
    for row in rows:
        counts = result.setdefault(
            row["outcome"], {"n": 0, "helpful": 0, "people": 0, "enough": True}
        )
        counts["n"] += row["n"]
        counts["helpful"] += row["helpful"]
        counts["people"] += min(row["reviewers"], row["authors"])
        if too_few(row["reviewers"]) or too_few(row["authors"]):
            counts["enough"] = False
    return result


def _median_days(community, period: Period) -> dict[str, float]:
    """Per outcome: the median of (shared − asked), in days, over reviews shared with
    their authors in the window. SQL ranks the durations per outcome and returns only the
    middle one or two rows (as `learning._median_days_to_done`). One query."""
    duration = ExpressionWrapper(F("submitted_at") - F("created_at"), output_field=DurationField())
    outcome = F("round__outcomes")
    ranked = (
        _in_rounds_of(community)
        .released()
        .filter(within("submitted_at", period))
        .annotate(
            duration=duration,
            position=Window(
                RowNumber(), partition_by=outcome, order_by=[duration.asc(), F("pk").asc()]
            ),
            total=Window(Count("id"), partition_by=outcome),
        )
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("round__outcomes__statement", "duration")
    )
    middles: dict[str, list[dt.timedelta]] = defaultdict(list)
    for statement, value in ranked:
        middles[statement].append(value)
    # Never below zero: a review recorded as shared before it was asked (an imported or
    # back-dated row) took no time, not negative time.
    return {
        statement: max(0.0, sum(values, dt.timedelta()).total_seconds() / len(values) / 86400)
        for statement, values in middles.items()
    }


def _heard_on_time(community, period: Period) -> dict[str, Percent]:
    """Per outcome: of the authors asked for reviews in rounds due in the window, the
    share who received every review they were promised (not declined) by the due date.
    An author with two pieces in one round is heard when both are. One grouped query,
    one row per round and author."""
    reached = TruncDate(Coalesce("released_at", "submitted_at"), tzinfo=UTC)
    rows = (
        _in_rounds_of(community)
        .exclude(status=PeerReview.Status.DECLINED)
        .filter(round__due_on__gte=period.start, round__due_on__lte=period.end)
        .annotate(reached_on=reached)
        .values(
            "round_id",
            outcome=F("round__outcomes__statement"),
            author=F("work__author"),
            month=TruncMonth("round__due_on"),
        )
        .annotate(
            promised=Count("id"),
            on_time=Count(
                "id",
                filter=Q(status=PeerReview.Status.SUBMITTED)
                & (Q(round__holds_reviews=False) | Q(released_at__isnull=False))
                & Q(reached_on__lte=F("round__due_on")),
            ),
        )
        .order_by()
    )
    authors: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    asked: dict[str, int] = defaultdict(int)
    heard: dict[str, int] = defaultdict(int)
    for row in rows:
        outcome = row["outcome"]
        authors[outcome][month_of(row["month"])].add(row["author"])
        asked[outcome] += 1
        heard[outcome] += row["on_time"] == row["promised"]
    result = {}
    for outcome, months in authors.items():
        enough = not any(too_few(len(people)) for people in months.values())
        people = len(set().union(*months.values())) if enough else 1
        result[outcome] = Percent(heard[outcome], asked[outcome], people=people)
    return result
