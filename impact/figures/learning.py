"""Reflections and what came of them: shared reflections by loop level, month by month
and per period, and the actions opened, done and dropped. Only reflections shared with
the whole community count; actions are commitments, not people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber

from core.privacy import people_figure
from reflections.models import Action, Reflection

from ..periods import Bounds, Period
from .common import (
    LOOPS,
    SHARED,
    FigureQuery,
    Percent,
    ids_of,
    month_of,
    per_person,
    spanning,
    trunc_month,
    within,
)


@dataclass
class LoopMonth:
    month: dt.date
    counts: dict[str, int | None]


def _shared_reflections(ids: list[int], period: Period):
    return Reflection.objects.filter(
        community__in=ids,
        visibility__in=SHARED,
        created_at__gte=period.start_dt,
        created_at__lt=period.end_dt,
    )


def reflections_by_loop(community, period: Period, cells: dict | None = None) -> list[LoopMonth]:
    """Shared reflections (visibility community; never private or facilitator-only) written
    in each month of the period, by loop level (single, double, triple, none chosen yet).
    A cell written by 1–4 people is suppressed. From `cells` (`loop_cells`), else one
    grouped query."""
    if cells is None:
        cells = loop_cells(community.pk, period)
    return [
        LoopMonth(
            month,
            {
                loop: people_figure(*cell) if (cell := cells.get((month, loop))) else 0
                for loop in LOOPS
            },
        )
        for month in period.months()
    ]


def loop_cells(cid: int, period: Period | Bounds) -> dict:
    """{(month, loop level): (shared reflections, their authors)} of one community in the
    period. One grouped query."""
    return {
        (month_of(month), loop): (n, people)
        for month, loop, n, people in _LOOPS_BY_MONTH.rows([cid], [period])
    }


_LOOPS_BY_MONTH = FigureQuery(
    lambda ids, bounds: (
        _shared_reflections(ids, bounds[0])
        .annotate(month=trunc_month("created_at"))
        .values("month", "loop_level")
        .annotate(n=Count("id"), people=Count("author", distinct=True))
        .order_by()
        .values_list("month", "loop_level", "n", "people")
    )
)


@dataclass
class LoopDepth:
    shared: int | None = 0
    deeper: int | None = 0  # double and triple loop

    @property
    def deeper_share(self) -> Percent:
        return Percent(self.deeper, self.shared)


def loop_depth_source(ids: list[int], periods: list[Period]) -> tuple:
    """Shared reflections per author: written in each period (`n<i>`), and of them double
    or triple loop (`d<i>`), for `per_person`."""
    deeper = Q(loop_level__in=[Reflection.Loop.DOUBLE, Reflection.Loop.TRIPLE])
    measures = {}
    for i, period in enumerate(periods):
        inside = within("created_at", period)
        measures[f"n{i}"] = Count("id", filter=inside)
        measures[f"d{i}"] = Count("id", filter=inside & deeper)
    queryset = Reflection.objects.filter(
        community__in=ids, visibility__in=SHARED, **spanning("created_at", periods)
    ).values("community", person=F("author"))
    return queryset, measures


def loop_depth_from(ids: list[int], periods: list[Period], counts: dict) -> list[dict]:
    results = [{cid: LoopDepth() for cid in ids} for _ in periods]
    for cid, by_name in counts.items():
        for i, result in enumerate(results):
            if f"n{i}" in by_name:
                result[cid] = LoopDepth(
                    people_figure(*by_name[f"n{i}"]), people_figure(*by_name[f"d{i}"])
                )
    return results


def loop_depth_in(communities: Iterable, periods: list[Period]) -> list[dict[int, LoopDepth]]:
    """Shared reflections in each period and how many reached double or triple loop, per
    community; deeper share = (double + triple) ÷ shared. Each count is suppressed when
    it rests on 1–4 authors. One query for every period: a conditional count per author
    and period, regrouped by community (`per_person`)."""
    ids = ids_of(communities)
    return loop_depth_from(ids, periods, per_person(loop_depth_source(ids, periods)))


@dataclass
class ActionFlow:
    opened: int = 0
    done: int = 0
    dropped: int = 0
    median_days: float | None = None  # None: nothing done in the period (or not asked)


def actions_flow_in(communities: Iterable, periods: list[Period]) -> list[dict[int, ActionFlow]]:
    """Actions per community, for each period (always a list, one dict per period):
    - opened = actions created in the period;
    - done = actions with status done whose `done_at` is in the period;
    - dropped = actions with status dropped last changed (`updated_at`) in the period;
    - median days to done = the median of (done_at − created_at) in days over the actions
      done in the first period (None when none; the others' stay None).
    Actions are the community's commitments, not people: nothing is suppressed.
    Two queries: grouped conditional counts for every period, and the middle durations
    (`_median_days_to_done`)."""
    ids = ids_of(communities)
    results = [{cid: ActionFlow() for cid in ids} for _ in periods]
    for community, *counts in _ACTIONS.rows(ids, periods):
        for i, result in enumerate(results):
            result[community] = ActionFlow(*counts[3 * i : 3 * i + 3])
    for cid, days in _median_days_to_done(ids, periods[0]).items():
        results[0][cid].median_days = days
    return results


def _actions_rows(ids: list[int], periods: list[Bounds]):
    """Per community, per period: actions opened, done and dropped."""
    measures = {}
    for i, period in enumerate(periods):
        measures[f"o{i}"] = Count("id", filter=within("created_at", period))
        measures[f"d{i}"] = Count("id", filter=Q(status="done") & within("done_at", period))
        measures[f"x{i}"] = Count("id", filter=Q(status="dropped") & within("updated_at", period))
    return (
        Action.objects.filter(community__in=ids)
        .values("community")
        .annotate(**measures)
        .order_by()
        .values_list("community", *measures)
    )


_ACTIONS = FigureQuery(_actions_rows)


def _median_days_to_done(ids: list[int], period: Period) -> dict[int, float]:
    """The median of (done_at − created_at), in days, over each community's actions done in
    the period: SQL ranks the durations per community (window functions) and returns only
    the middle one or two rows, so Python averages at most two numbers per community
    however many actions there are. One query."""
    middles: dict[int, list[dt.timedelta]] = defaultdict(list)
    for cid, value in _MIDDLE_DURATIONS.rows(ids, [period]):
        middles[cid].append(value)
    return {
        cid: sum(values, dt.timedelta()).total_seconds() / len(values) / 86400
        for cid, values in middles.items()
    }


def _middle_durations(ids: list[int], periods: list[Bounds]):
    """Per community, the middle one or two durations (done_at − created_at) of the
    actions done in the period."""
    duration = ExpressionWrapper(F("done_at") - F("created_at"), output_field=DurationField())
    return (
        Action.objects.filter(within("done_at", periods[0]), community__in=ids, status="done")
        .annotate(
            duration=duration,
            position=Window(
                RowNumber(), partition_by=F("community"), order_by=[duration.asc(), F("pk").asc()]
            ),
            total=Window(Count("id"), partition_by=F("community")),
        )
        # Rows ⌊(n+1)/2⌋ … ⌊(n+2)/2⌋: the middle row of an odd n, the middle two of an even n.
        .filter(position__gte=(F("total") + 1) / 2, position__lte=(F("total") + 2) / 2)
        .values_list("community", "duration")
    )


_MIDDLE_DURATIONS = FigureQuery(_middle_durations)
