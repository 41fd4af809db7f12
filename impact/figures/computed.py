"""The figures of a whole dashboard, computed once: one frozen object per community (or
set of communities) and period. That object is what the cache stores (`impact.snapshot`),
and every chart, table, CSV and printable report is drawn from it (`impact.report`)
without asking the database again."""

from __future__ import annotations

from dataclasses import dataclass

from ..periods import Period
from .alignment import outcome_progress, review_stages
from .attendance import SessionMonth, sessions_by_month
from .headlines import Headline, headlines_in, what_changed, windows_for
from .learning import ActionFlow, LoopMonth, actions_flow_in, reflections_by_loop
from .members import LevelMonth, members_by_level, members_now
from .pulse import PulseMonth, pulse_by_month
from .reviewing import reviewing_by_outcome
from .voices import VoicesMonth, voices_by_month


@dataclass(frozen=True)
class CommunityFigures:
    """Every figure one community's dashboard shows for a period: plain data (no model
    instance, nothing about the viewer), so it caches and pickles cleanly."""

    period: Period
    previous: Period
    window: Period | None  # the whole months figures about people cover
    now: Headline
    before: Headline
    changes: tuple[str, ...]
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


def community_figures(community, period: Period) -> CommunityFigures:
    """Every figure of the community dashboard, in a fixed number of queries."""
    previous = period.previous()
    window, window_before = windows_for(period)
    now_all, before_all = headlines_in([community.pk], [period, previous], [window, window_before])
    now, before = now_all[community.pk], before_all[community.pk]
    stages = review_stages(community, window)
    calibrated = review_stages(community, window, calibrated=True)
    flows = actions_flow_in([community.pk], [period, previous])
    return CommunityFigures(
        period=period,
        previous=previous,
        window=window,
        now=now,
        before=before,
        changes=tuple(what_changed(now, before)),
        # Members are people: their chart covers the whole months only.
        levels=tuple(members_by_level(community, window)),
        sessions=tuple(sessions_by_month(community, period)),
        loops=tuple(reflections_by_loop(community, period)),
        progress=tuple(outcome_progress(community, window)),
        stages=None if stages is None else tuple(stages),
        calibrated_stages=None if calibrated is None else tuple(calibrated),
        reviewing=tuple(reviewing_by_outcome(community, window)),
        actions=(flows[0][community.pk], flows[1][community.pk]),
        voices=tuple(voices_by_month(community, window)),
        # An average of what people gave: the whole months only.
        pulse=tuple(pulse_by_month(community, window)),
    )


@dataclass(frozen=True)
class CommunityRow:
    """One community's line of the portfolio: its members today, its headline now and
    before, and what changed."""

    members: dict
    now: Headline
    before: Headline
    changes: tuple[str, ...]


@dataclass(frozen=True)
class PortfolioFigures:
    """Every figure the portfolio shows for a set of communities and a period, by
    community id: computed in a number of queries independent of how many."""

    period: Period
    window: Period | None
    rows: dict[int, CommunityRow]


def portfolio_figures(ids: list[int], period: Period) -> PortfolioFigures:
    window, window_before = windows_for(period)
    now, before = headlines_in(ids, [period, period.previous()], [window, window_before])
    members = members_now(ids)
    return PortfolioFigures(
        period=period,
        window=window,
        rows={
            cid: CommunityRow(
                members[cid], now[cid], before[cid], tuple(what_changed(now[cid], before[cid]))
            )
            for cid in ids
        },
    )
