"""Figures about people over a window of whole months that have ended, stored per
community (`impact.models.StoredFigures`).

A window's months are closed: its figures change only when a write touches one of them
(a late attendance record, a member who leaves, an outcome renamed…), never because time
passes. So they are computed once per community and window and kept in the database:
every night for the preset periods' windows (`impact.tasks.store_window_figures`), or
when first asked. A write that may touch a closed month of a community removes that
community's rows (`impact.signals`), and the next request computes them again. The
figures are exactly those of the direct computation (`people_direct`, `months_direct`);
the privacy floor is applied before they are stored, so what is kept is what is shown.

Two kinds per community and window: the headline's figures about people (participation
equity, the people who attended and returned, mentoring pairs), which the portfolio needs
for every community at once, and the dashboard's charts over the window's months
(members by level, outcome progress, review stages, reviewing, voices, pulse). Two more,
the counts resting on people of a whole period that lies in ended months and of a
running period's days in ended months (`Period.split`), are kept by the headline
(`impact.figures.headlines.period_counts`): read and written with the portfolio's figures
about people (`people_stored`) and with the community dashboard's (`both_stored`), which
also keeps a running period's sessions and shared reflections of its ended months, month
by month (`figures.computed.community_series`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from ..periods import Period
from .alignment import outcome_progress, review_stages
from .common import ids_of
from .members import LevelMonth, members_by_level
from .mentoring import mentoring_pairs_in
from .participation import (
    Equity,
    PeopleFigures,
    contributions_per_person_in,
    participation_equity,
    people_in,
)
from .pulse import PulseMonth, pulse_by_month
from .reviewing import reviewing_by_outcome
from .voices import VoicesMonth, voices_by_month

# Bump whenever a stored figure's meaning or shape changes: older rows are then never read.
VERSION = 2


@dataclass(frozen=True)
class PeopleInWindow:
    """A headline's figures about people over one window of whole months."""

    equity: Equity
    people: PeopleFigures
    mentoring_pairs: int | None


@dataclass(frozen=True)
class MonthsFigures:
    """The community dashboard's charts over its window of whole months."""

    levels: tuple[LevelMonth, ...]
    progress: tuple[dict, ...]
    stages: tuple[dict, ...] | None
    calibrated_stages: tuple[dict, ...] | None
    reviewing: tuple[dict, ...]
    voices: tuple[VoicesMonth, ...]
    pulse: tuple[PulseMonth, ...]


def people_direct(ids: list[int], windows: list[Period]) -> list[dict[int, PeopleInWindow]]:
    """Computed from the rows: per window, per community. Three queries in all."""
    if not windows or not ids:
        return [{} for _ in windows]
    contributions = contributions_per_person_in(ids, windows)
    pairs = mentoring_pairs_in(ids, windows)
    results = []
    for i, window_contributions in enumerate(contributions):
        equity = participation_equity(ids, window_contributions)
        people = people_in(ids, window_contributions)
        results.append(
            {cid: PeopleInWindow(equity[cid], people[cid], pairs[i][cid]) for cid in ids}
        )
    return results


def months_direct(community, window: Period) -> MonthsFigures:
    """Computed from the rows, for one community."""
    stages = review_stages(community, window)
    calibrated = review_stages(community, window, calibrated=True)
    return MonthsFigures(
        # Members are people: their chart covers the whole months only.
        levels=tuple(members_by_level(community, window)),
        progress=tuple(outcome_progress(community, window)),
        stages=None if stages is None else tuple(stages),
        calibrated_stages=None if calibrated is None else tuple(calibrated),
        reviewing=tuple(reviewing_by_outcome(community, window)),
        voices=tuple(voices_by_month(community, window)),
        # An average of what people gave: the whole months only.
        pulse=tuple(pulse_by_month(community, window)),
    )


def people_stored(
    ids: Iterable, windows: list[Period], found: dict | None = None, also: list = ()
) -> list[dict[int, PeopleInWindow]]:
    """As `people_direct`, read from the stored rows (or taken from `found`, what
    `read_stored` read with them); the missing ones are computed (for the communities
    missing any) and stored, with the rows `also` to store (one write for both). One
    query when every row is there."""
    ids = ids_of(ids)
    if found is None:
        found = read_stored(ids, [("people", w) for w in windows])
    missing = sorted({cid for cid in ids for w in windows if (cid, "people", w) not in found})
    rows = list(also)
    if missing:
        computed = people_direct(missing, windows)
        for window, by_community in zip(windows, computed, strict=True):
            for cid, value in by_community.items():
                found[cid, "people", window] = value
                rows.append((cid, "people", window, value))
    write_stored(rows)
    return [{cid: found[cid, "people", w] for cid in ids} for w in windows]


def both_stored(
    community, windows: list[Period], months_window: Period, *, also_read=(), count=None
) -> tuple[list[dict[int, PeopleInWindow]], MonthsFigures, object]:
    """One community's headline figures about people for `windows` and its charts over
    `months_window`, read from the stored rows in one query (those missing are computed
    and stored, in one more). The rows `also_read` ((kind, period): the headline's kept
    counts, the kept months of the sessions and reflections charts) are read too and
    `count(found)` gives (what it counts, rows to store), stored in that same write; its
    answer comes third (None without `count`)."""
    cid = community.pk
    found = read_stored(
        [cid], [("people", w) for w in windows] + [("months", months_window), *also_read]
    )
    counted, computed = count(found) if count else (None, [])
    computed = list(computed)
    missing = [w for w in windows if (cid, "people", w) not in found]
    if missing:
        for window, by_community in zip(missing, people_direct([cid], missing), strict=True):
            computed.append((cid, "people", window, by_community[cid]))
    if (cid, "months", months_window) not in found:
        computed.append((cid, "months", months_window, months_direct(community, months_window)))
    write_stored(computed)
    for cid_, kind, window, value in computed:
        found[cid_, kind, window] = value
    people = [{cid: found[cid, "people", w]} for w in windows]
    return people, found[cid, "months", months_window], counted


# The kinds of stored row that hold counts resting on people (the headline's): of a
# period wholly in ended months, and of a running period's days in ended months
# (`Period.split`), stored with the month they were counted in.
COUNTS = "counts"
HEAD = "head"
# And the community dashboard's sessions and shared reflections, month by month, of a
# running period's ended months (`figures.computed.community_series`).
SERIES = "series"


def read_stored(ids: list[int], wanted: list[tuple[str, Period]]) -> dict:
    """The stored rows of `wanted` (kind, window) for the communities `ids`, in one query:
    {(community, kind, window): value}; a row missing is not a key."""
    from django.db.models import Q

    from ..models import StoredFigures

    if not ids or not wanted:
        return {}
    which = Q()
    for kind, window in set(wanted):
        which |= Q(kind=kind, start=window.start, end=window.end)
    rows = StoredFigures.objects.filter(which, community__in=ids, version=VERSION).values_list(
        "community", "kind", "start", "end", "data"
    )
    # Our own bytes, written by `write_stored` below: never anything a person sent.
    return {
        (cid, kind, Period(start, end)): pickle.loads(bytes(data))  # noqa: S301
        for cid, kind, start, end, data in rows
    }


def write_stored(rows: list[tuple[int, str, Period, object]]) -> None:
    """Store computed figures, replacing those of an older version. One query."""
    from ..models import StoredFigures

    if not rows:
        return
    now = timezone.now()
    objects = [
        StoredFigures(
            community_id=cid,
            kind=kind,
            start=window.start,
            end=window.end,
            version=VERSION,
            data=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
            computed_at=now,
        )
        for cid, kind, window, value in rows
    ]
    # A row another request stored meanwhile is replaced: both computed the same figures.
    StoredFigures.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["community", "kind", "start", "end"],
        update_fields=["version", "data", "computed_at"],
    )


def forget_communities(ids: Iterable[int] | Callable) -> None:
    """Remove the stored figures of these communities (ids, or a queryset of ids): one
    DELETE, on every write of a watched row (impact.signals), with no savepoint around it."""
    from ..models import StoredFigures

    StoredFigures.objects.filter(community__in=ids).delete()


def store_from_scratch(communities: list, windows: list[Period], months_windows: list[Period]):
    """Compute from the rows and store: the headline's figures about people of every
    community for `windows`, and each community's charts for `months_windows`."""
    ids = ids_of(communities)
    computed = people_direct(ids, windows)
    write_stored(
        [
            (cid, "people", window, value)
            for window, by_community in zip(windows, computed, strict=True)
            for cid, value in by_community.items()
        ]
    )
    for community in communities:
        write_stored(
            [(community.pk, "months", w, months_direct(community, w)) for w in months_windows]
        )
