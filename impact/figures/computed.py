"""The figures of a whole dashboard, computed once: one frozen object per community (or
set of communities) and period. That object is what the cache stores (`impact.snapshot`),
and every chart, table, CSV and printable report is drawn from it (`impact.report`)
without asking the database again. It holds numbers, never words: the words are written
per request, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from ..periods import Period
from .attendance import SessionMonth, session_month_rows, sessions_by_month
from .headlines import (
    Headline,
    headlines_in,
    period_counts,
    stored_counts_wanted,
    what_changed,
    windows_for,
)
from .learning import ActionFlow, LoopMonth, actions_flow_in, loop_cells, reflections_by_loop
from .members import LevelMonth, members_now
from .pulse import PulseMonth
from .voices import VoicesMonth
from .windows import SERIES, MonthsFigures, both_stored, months_direct, people_direct


@dataclass(frozen=True)
class CommunityFigures:
    """Every figure one community's dashboard shows for a period: plain data (no model
    instance, nothing about the viewer), so it caches and pickles cleanly."""

    period: Period
    previous: Period
    window: Period | None  # the whole months figures about people cover
    now: Headline
    before: Headline
    levels: tuple[LevelMonth, ...]  # members by level, over the window's months
    sessions: tuple[SessionMonth, ...]
    loops: tuple[LoopMonth, ...]
    progress: tuple[dict, ...]  # average confidence per outcome and month (window)
    stages: tuple[dict, ...] | None  # None: no review in the window chose a stage
    # The same, from rounds with a calibration example only.
    calibrated_stages: tuple[dict, ...] | None
    # Per outcome: authors heard by the due date, median days to a review, helpful share.
    reviewing: tuple[dict, ...]
    actions: tuple[ActionFlow, ActionFlow]  # this period, the previous one
    # Voices heard, check-ins sent and members who came back, per whole month (window).
    voices: tuple[VoicesMonth, ...] = ()
    pulse: tuple[PulseMonth, ...] = ()  # the session pulse's average, window's months

    @property
    def changes(self) -> tuple[str, ...]:
        """What changed, in words of the active language: written when asked, never
        stored, so the cache holds numbers only and each reader gets their language."""
        return tuple(what_changed(self.now, self.before))


def community_figures(community, period: Period, *, stored: bool = True) -> CommunityFigures:
    """Every figure of the community dashboard, in a fixed number of queries. The figures
    about people over whole months are read from their stored rows (`windows`), or with
    `stored=False` computed from the rows: the very same figures."""
    previous = period.previous()
    window, window_before = windows_for(period)
    closed = [w for w in (window, window_before) if w is not None]
    periods, counts, series = [period, previous], None, None
    if window is None:
        people, months = [], NO_MONTHS
    elif stored:
        # What lies in ended months keeps its counts resting on people and its months'
        # rows, read and written with the stored figures (`headlines.period_counts`,
        # `community_series`).
        also_read = stored_counts_wanted(periods)
        if period.split() is not None:
            also_read.append((SERIES, period))

        def count(found):
            counts, to_store = period_counts([community.pk], periods, found)
            series, more = community_series(community, period, found)
            return (counts, series), to_store + more

        people, months, (counts, series) = both_stored(
            community, closed, window, also_read=also_read, count=count
        )
    else:
        people, months = people_direct([community.pk], closed), months_direct(community, window)
    if series is None:
        series = (sessions_by_month(community, period), reflections_by_loop(community, period))
    now_all, before_all = headlines_in(
        [community.pk], periods, [window, window_before], people=people, counts=counts
    )
    now, before = now_all[community.pk], before_all[community.pk]
    flows = actions_flow_in([community.pk], [period, previous])
    return CommunityFigures(
        period=period,
        previous=previous,
        window=window,
        now=now,
        before=before,
        levels=months.levels,
        sessions=tuple(series[0]),
        loops=tuple(series[1]),
        progress=months.progress,
        stages=months.stages,
        calibrated_stages=months.calibrated_stages,
        reviewing=months.reviewing,
        actions=(flows[0][community.pk], flows[1][community.pk]),
        voices=months.voices,
        pulse=months.pulse,
    )


def community_series(community, period: Period, found: dict) -> tuple[tuple[list, list], list]:
    """The sessions and the shared reflections month by month, and the rows to store. A
    period still running that began in an ended month (`Period.split`) takes its ended
    months' rows from `found` (kind `SERIES`) when stored this month, and asks only for
    this month's; else it asks for the whole period, as any other period does, and stores
    its ended months' rows. A month lies wholly in one part, so the rows of the two parts
    are the period's. Two queries either way."""
    cid = community.pk
    split = period.split()
    if split is None:
        sessions, loops, to_store = session_month_rows(cid, period), loop_cells(cid, period), []
    else:
        tail = split[1]
        ended = found.get((cid, SERIES, period))
        if ended is not None and ended[0] == tail.start:
            sessions = ended[1] | session_month_rows(cid, tail)
            loops = ended[2] | loop_cells(cid, tail)
            to_store = []
        else:
            sessions, loops = session_month_rows(cid, period), loop_cells(cid, period)
            ended = (
                tail.start,
                {month: row for month, row in sessions.items() if month < tail.start},
                {key: cell for key, cell in loops.items() if key[0] < tail.start},
            )
            to_store = [(cid, SERIES, period, ended)]
    series = (
        sessions_by_month(community, period, sessions),
        reflections_by_loop(community, period, loops),
    )
    return series, to_store


# No whole month of the period has ended yet: no chart over whole months.
NO_MONTHS = MonthsFigures(
    levels=(), progress=(), stages=None, calibrated_stages=None, reviewing=(), voices=(), pulse=()
)


@dataclass(frozen=True)
class CommunityRow:
    """One community's line of the portfolio: its members today, its headline now and
    before, and what changed."""

    members: dict
    now: Headline
    before: Headline

    @property
    def changes(self) -> tuple[str, ...]:
        """What changed, written in the active language when asked (never cached)."""
        return tuple(what_changed(self.now, self.before))


@dataclass(frozen=True)
class PortfolioFigures:
    """Every figure the portfolio shows for a set of communities and a period, by
    community id: computed in a number of queries independent of how many."""

    period: Period
    window: Period | None
    rows: dict[int, CommunityRow]


def portfolio_figures(ids: list[int], period: Period, *, stored: bool = True) -> PortfolioFigures:
    window, window_before = windows_for(period)
    now, before = headlines_in(
        ids, [period, period.previous()], [window, window_before], stored=stored
    )
    members = members_now(ids)
    return PortfolioFigures(
        period=period,
        window=window,
        rows={cid: CommunityRow(members[cid], now[cid], before[cid]) for cid in ids},
    )
