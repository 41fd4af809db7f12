"""Members: who is at each level (today, and month by month from history) and who moved
between levels. Only active memberships with the role *member* count: facilitators and
coordinators are left out of movement (Orbit's rule for staff)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from communities.models import JourneyStep, Membership
from core.privacy import people_figure, protect_row

from ..periods import Period
from .common import INWARD, LEVELS, ids_of, month_of, per_person, spanning, trunc_month, within


@dataclass
class LevelMonth:
    month: dt.date
    counts: dict[str, int | None]  # members at each level at the month's end
    moved_in: dict[str, int | None]
    held: dict[str, int | None]
    moved_out: dict[str, int | None]


def _journey_members(community) -> Q:
    return Q(community=community, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER)


def members_by_level(community, period: Period | None) -> list[LevelMonth]:
    """Members at each level at the end of every month of the period, and the movement.

    Reconstructed from history, not from the current `Membership.level`:
    - a membership starts at its *initial level* on `joined_at`: the `from_level` of its
      earliest JourneyStep, or its current level if it never moved;
    - each JourneyStep moves one person from `from_level` to `to_level` in its month.
    So members(L, end of M) = joined at L up to M + steps into L up to M − steps out of L
    up to M. Per level and month:
    - moved in = joined at L in M + steps into L in M;
    - moved out = steps out of L in M;
    - held = members(L, end of M−1) − moved out (at least 0).
    Only active memberships with the role *member* count (facilitators and coordinators
    are left out). Two aggregate queries, whatever the size of the community.
    Known limit: a membership that has *left* has no leaving date, so it is not counted
    in any month. Members are people: callers pass the period's whole months
    (`Period.whole_months`; None, none has ended yet: no month).
    """
    if period is None:
        return []
    earliest_from = (
        JourneyStep.objects.filter(membership=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("from_level")[:1]
    )
    joins = (
        Membership.objects.filter(_journey_members(community), joined_at__lt=period.end_dt)
        .annotate(
            initial=Coalesce(Subquery(earliest_from), F("level")), month=trunc_month("joined_at")
        )
        .values("month", "initial")
        .annotate(n=Count("id"))
        .order_by()
    )
    steps = (
        JourneyStep.objects.filter(
            membership__community=community,
            membership__status=Membership.Status.ACTIVE,
            membership__role=Membership.Role.MEMBER,
            created_at__lt=period.end_dt,
        )
        .annotate(month=trunc_month("created_at"))
        .values("month", "from_level", "to_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    months = period.months()
    first = months[0]
    base = dict.fromkeys(LEVELS, 0)
    joined: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    ins: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    outs: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    for row in joins:
        month = month_of(row["month"])
        if month < first:
            base[row["initial"]] += row["n"]
        else:
            joined[month][row["initial"]] += row["n"]
    for row in steps:
        month = month_of(row["month"])
        if month < first:
            base[row["to_level"]] += row["n"]
            base[row["from_level"]] -= row["n"]
        else:
            ins[month][row["to_level"]] += row["n"]
            outs[month][row["from_level"]] += row["n"]
    result, current = [], dict(base)
    for month in months:
        start = dict(current)
        moved_in = {lv: joined[month][lv] + ins[month][lv] for lv in LEVELS}
        moved_out = {lv: outs[month][lv] for lv in LEVELS}
        current = {lv: start[lv] + moved_in[lv] - moved_out[lv] for lv in LEVELS}
        counts, _total = protect_row(current)
        result.append(
            LevelMonth(
                month=month,
                counts=counts,
                moved_in={lv: people_figure(moved_in[lv]) for lv in LEVELS},
                held={lv: people_figure(max(0, start[lv] - moved_out[lv])) for lv in LEVELS},
                moved_out={lv: people_figure(moved_out[lv]) for lv in LEVELS},
            )
        )
    return result


@dataclass
class Moves:
    inward: int | None = 0  # celebrations: steps toward the core
    outward: int | None = 0


def movement_source(ids: list[int], periods: list[Period]) -> tuple:
    """Journey steps of active members (role member) per membership: inward (`in<i>`)
    and outward (`out<i>`) in each period, for `per_person`."""
    measures = {}
    for i, period in enumerate(periods):
        measures[f"in{i}"] = Count("id", filter=INWARD & within("created_at", period))
        measures[f"out{i}"] = Count("id", filter=~INWARD & within("created_at", period))
    queryset = JourneyStep.objects.filter(
        membership__community__in=ids,
        membership__status=Membership.Status.ACTIVE,
        membership__role=Membership.Role.MEMBER,
        **spanning("created_at", periods),
    ).values(community=F("membership__community"), person=F("membership"))
    return queryset, measures


def movement_from(ids: list[int], periods: list[Period], counts: dict) -> list[dict]:
    results = [{cid: Moves() for cid in ids} for _ in periods]
    for cid, by_name in counts.items():
        for i, result in enumerate(results):
            if f"in{i}" in by_name:
                result[cid] = Moves(
                    inward=people_figure(*by_name[f"in{i}"]),
                    outward=people_figure(*by_name[f"out{i}"]),
                )
    return results


def movement_in(communities: Iterable, periods: list[Period]) -> list[dict[int, Moves]]:
    """Celebrations (steps toward the core) and steps outward, per community and period.

    inward = JourneySteps of active *members* with created_at in the period and a
    to_level nearer the core than the from_level; outward = the other steps. Each counts
    people moving, so 1–4 is suppressed. One query for every period: a conditional count
    per membership and period, regrouped by community (`per_person`)."""
    ids = ids_of(communities)
    return movement_from(ids, periods, per_person(movement_source(ids, periods)))


def members_now(communities: Iterable) -> dict[int, dict]:
    """Active members (role member) at each level today, per community, with the total;
    suppressed by `protect_row`. One grouped query."""
    rows = (
        Membership.objects.filter(
            community__in=ids_of(communities),
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MEMBER,
        )
        .values("community")
        .annotate(**{lv: Count("id", filter=Q(level=lv)) for lv in LEVELS})
        .order_by()
    )
    raw = {cid: dict.fromkeys(LEVELS, 0) for cid in ids_of(communities)}
    for row in rows:
        raw[row["community"]] = {lv: row[lv] for lv in LEVELS}
    result = {}
    for cid, values in raw.items():
        levels, total = protect_row(values)
        result[cid] = {"levels": levels, "total": total}
    return result
