"""Outcomes: alignment coverage (agreed outcomes with an activity and a peer review),
average self-rated confidence per outcome, and the peer-review stages reviewers chose."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, F

from core.privacy import average_figure, people_figure, protect_row, too_few
from outcomes.models import ConfidenceRating, Outcome
from reviews.models import PeerReview
from reviews.selectors import aligned_activity_in, reviewed_in

from ..periods import Bounds, Period
from .common import FigureQuery, Percent, ids_of, month_of, spanning, trunc_month, within


@dataclass
class Coverage:
    agreed: int = 0
    with_activity: int = 0
    with_review: int = 0
    covered: int = 0

    @property
    def share(self) -> Percent:
        return Percent(self.covered, self.agreed)

    @property
    def activity_share(self) -> Percent:
        return Percent(self.with_activity, self.agreed)

    @property
    def review_share(self) -> Percent:
        return Percent(self.with_review, self.agreed)


def alignment_coverage_in(communities: Iterable, periods: list[Period]) -> list[dict]:
    """Alignment coverage per community and period: the share of agreed outcomes with an
    activity AND a review in the period.

    - agreed = outcomes whose status is agreed;
    - with an activity = an agenda item aligned to it in a held session of the period;
    - with a review = a peer review shared (submitted) in the period, in a round that
      looked through the outcome (`reviews.selectors.reviewed_in`, the alignment map's
      rule);
    - coverage = outcomes with both ÷ agreed.
    Outcomes are not people: nothing here is suppressed. One query for every period:
    each agreed outcome's marks per period, counted here."""
    ids = ids_of(communities)
    results = [{cid: Coverage() for cid in ids} for _ in periods]
    for community, *marks in _COVERAGE.rows(ids, periods):
        for i, result in enumerate(results):
            activity, review = marks[2 * i], marks[2 * i + 1]
            coverage = result[community]
            coverage.agreed += 1
            coverage.with_activity += activity
            coverage.with_review += review
            coverage.covered += activity and review
    return results


def _coverage_rows(ids: list[int], periods: list[Bounds]):
    """Each agreed outcome's community and, per period, whether it had an activity and a
    review: counted in Python (a handful of outcomes per community), so that each mark
    is planned once, not once per count that reads it (as `reviews.selectors.
    coverage_of` does for the alignment map)."""
    marks = {}
    for i, period in enumerate(periods):
        marks[f"a{i}"] = aligned_activity_in(period.start_dt, period.held_until_dt)
        marks[f"r{i}"] = reviewed_in(period.start_dt, period.end_dt)
    return (
        Outcome.objects.agreed()
        .filter(community__in=ids)
        .annotate(**marks)
        .order_by()
        .values_list("community", *marks)
    )


_COVERAGE = FigureQuery(_coverage_rows)


STAGES = ["emerging", "developing", "confident", "extending"]


def review_stages(
    community, period: Period | None, *, calibrated: bool = False
) -> list[dict] | None:
    """Peer-review stage distribution: per agreed outcome, how many reviews given in the
    period chose each stage (emerging, developing, confident, extending); reviews without
    a stage are not counted. What reviewers chose is a figure about people, so callers
    pass the period's whole months (`Period.whole_months`). A cell resting on 1–4
    reviewers in any of its months is hidden, with one more cell of its row when needed
    (`protect_row`); the row's total adds up only the cells shown. None when no review in
    the months chose a stage (or none has ended yet). `calibrated`: only reviews from
    rounds with a calibration example (whose reviewers could practise on it first). One
    grouped query."""
    if period is None:
        return None
    rows = _review_stage_rows(community, period, calibrated=calibrated)
    return stage_table(rows) if rows else None


def _review_stage_rows(community, period: Period, *, calibrated: bool = False) -> list[dict]:
    """Grouped rows {"outcome": statement, "stage": stage, "month": month, "n": reviews,
    "people": distinct reviewers} for reviews shared in the period, with a stage, in this
    community's rounds, per agreed outcome the round looked through and month."""
    reviews = PeerReview.objects.submitted().filter(
        within("submitted_at", period),
        round__community=community,
        round__outcomes__status=Outcome.Status.AGREED,
    )
    if calibrated:
        reviews = reviews.filter(round__example__isnull=False)
    return list(
        reviews.exclude(stage="")
        .values("stage", outcome=F("round__outcomes__statement"), month=trunc_month("submitted_at"))
        .annotate(n=Count("id"), people=Count("reviewer", distinct=True))
        .order_by("outcome", "stage", "month")
    )


def stage_table(rows: Iterable[dict]) -> list[dict]:
    """Turn grouped stage rows into one row per outcome: {"outcome", "stages": {stage:
    count or None}, "total": count or None}, outcomes in the order first seen. Arithmetic
    only: the counting happened in SQL.

    A row may be one month's (with "month"): a cell is then shown only when every month
    of it rests on 0 or 5+ reviewers, so a window widened by a month of 1–4 reviewers
    withholds the cell instead of revealing their choices."""
    counts: dict[str, dict[str, int]] = {}
    people: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        if row["stage"] not in STAGES:
            continue
        counts.setdefault(row["outcome"], dict.fromkeys(STAGES, 0))[row["stage"]] += row["n"]
        people[row["outcome"], row["stage"]].append(row["people"])
    table = []
    for outcome, values in counts.items():
        # A cell counts reviews, but its privacy rests on the people who gave them: the
        # sum of its months' reviewers, or 1 (hidden) when any month had 1–4.
        by_people = {}
        for stage in STAGES:
            monthly = people.get((outcome, stage), [])
            by_people[stage] = 1 if any(too_few(n) for n in monthly) else sum(monthly)
        shown, _total = protect_row(by_people)
        stages = {stage: None if shown[stage] is None else values[stage] for stage in STAGES}
        # The total adds up the cells shown, never a hidden one, so the total minus the
        # cells shown is nothing; with no cell shown, there is no total.
        shown_any = any(stages[stage] for stage in STAGES)
        table.append(
            {
                "outcome": outcome,
                "stages": stages,
                "total": sum(v for v in stages.values() if v) if shown_any else None,
            }
        )
    return table


def outcome_progress(community, period: Period | None) -> list[dict]:
    """Outcome progress, part one: per agreed outcome and month of the period, the average
    self-rated confidence (1–5) of the ratings given that month; a month rated by fewer
    than 5 people is hidden, so no individual rating can be read or worked out. Averages
    are figures about people: callers pass the period's whole months
    (`Period.whole_months`; None, none has ended yet: no row), so each row is a whole
    month's. Part two, the distribution of peer-review stages, is `review_stages`.
    One grouped query."""
    if period is None:
        return []
    rows = (
        ConfidenceRating.objects.filter(
            outcome__community=community,
            outcome__status=Outcome.Status.AGREED,
            **spanning("created_at", [period]),
        )
        .annotate(month=trunc_month("created_at"))
        .values("outcome", "outcome__statement", "month")
        .annotate(average=Avg("rating"), people=Count("user", distinct=True))
        .order_by("outcome__statement", "month")
    )
    return [
        {
            "outcome": row["outcome__statement"],
            "month": month_of(row["month"]),
            "average": average_figure(round(row["average"], 1), row["people"]),
            "people": people_figure(row["people"]),
        }
        for row in rows
    ]
