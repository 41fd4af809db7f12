"""Every figure of the impact dashboards, one documented function each (SPEC §4), split by
domain: `members` (levels and movement), `attendance` (sessions), `participation` (who
contributed, people who attended, equity), `learning` (loops and actions), `alignment`
(outcome coverage, confidence, review stages), `headlines` (a period beside the one
before) and `computed`: the one frozen `CommunityFigures` / `PortfolioFigures` object per
community (or set) and period that the cache stores and every chart is drawn from.

Rules every function keeps:

- **Aggregates only.** Each figure is answered by a fixed number of aggregate queries
  (`annotate`, conditional `Count(filter=…)`, `TruncMonth`, `Exists`); Python only does
  arithmetic on the grouped rows (months × levels, or a frequency table), never a loop over
  people, sessions or reflections. The multi-community functions group by community, so the
  portfolio's query count does not grow with the number of communities.
- **Privacy threshold** (`core.privacy`, the site's one floor). A number that counts
  what 1–4 people did (or 1–4 people in a group) is suppressed: it becomes `None`, shown
  as "fewer than 5". Zero stays visible.
  Where a row shows its total, one more cell is hidden with it (secondary suppression), so
  a hidden cell cannot be found by subtraction.
- **Never private.** Reflections count only when shared with the whole community
  (`community` visibility). Private and facilitator-only reflections are never counted:
  leaders (some of them plain members, who can list the community's reflections) must not
  be able to work either out by subtracting what they can read from a dashboard total.
  No reflection text, and no individual confidence rating, leaves this module.
- **Time.** Periods are whole UTC days (`periods.Period`); months are UTC calendar months.
- **Whole months for people.** A figure about people (an average of what people gave, a
  count of distinct people, participation equity, members by level) is computed over the
  period's whole months only (`Period.whole_months`: every month it touches that has
  ended), never over its days, so two periods a day apart cannot be subtracted to find the
  one rating given that day. Such a window is shown only where every month in it rests
  on 0 or at least 5 people (`every_month_enough`): widening it by one month of 1–4
  people withholds the figure instead of revealing that month. Counts of events (sessions
  held, attendance records, shared reflections, steps, reviews, actions) keep the days.
- **Who.** Membership figures count active members with the role *member*: facilitators
  and coordinators are left out of movement (Orbit's rule for staff). Everything else
  (sessions, reflections, equity) counts every active member, facilitators included,
  because a dominant voice may well be a facilitator's.

Shares are `impact.values.Percent` (hidden, "–" or "79 %" by themselves); the charts wrap
the other cells in the value types of `impact.values` when they draw them.
"""

from __future__ import annotations

from .alignment import (
    STAGES,
    Coverage,
    alignment_coverage_in,
    outcome_progress,
    review_stages,
    stage_table,
)
from .attendance import SessionFigures, SessionMonth, sessions_by_month, sessions_in
from .common import LEVELS, LOOP_LABELS, LOOPS, NOT_APPLICABLE, SHARED, held_sessions
from .computed import (
    CommunityFigures,
    CommunityRow,
    PortfolioFigures,
    community_figures,
    portfolio_figures,
)
from .headlines import Headline, headlines_in, what_changed, windows_for
from .learning import (
    ActionFlow,
    LoopDepth,
    LoopMonth,
    actions_flow_in,
    loop_depth_in,
    reflections_by_loop,
)
from .members import LevelMonth, Moves, members_by_level, members_now, movement_in
from .participation import (
    Contributions,
    Equity,
    PeopleFigures,
    contributions_per_person_in,
    gini_from_frequencies,
    participation_equity,
    people_in,
)
from .pulse import PulseMonth, pulse_by_month
from .reviewing import reviewing_by_outcome
from .voices import VoicesMonth, voices_by_month

__all__ = [
    "LEVELS",
    "LOOPS",
    "LOOP_LABELS",
    "NOT_APPLICABLE",
    "SHARED",
    "STAGES",
    "ActionFlow",
    "CommunityFigures",
    "CommunityRow",
    "Contributions",
    "Coverage",
    "Equity",
    "Headline",
    "LevelMonth",
    "LoopDepth",
    "LoopMonth",
    "Moves",
    "PeopleFigures",
    "PortfolioFigures",
    "PulseMonth",
    "SessionFigures",
    "SessionMonth",
    "VoicesMonth",
    "actions_flow_in",
    "alignment_coverage_in",
    "community_figures",
    "contributions_per_person_in",
    "gini_from_frequencies",
    "headlines_in",
    "held_sessions",
    "loop_depth_in",
    "members_by_level",
    "members_now",
    "movement_in",
    "outcome_progress",
    "participation_equity",
    "people_in",
    "portfolio_figures",
    "pulse_by_month",
    "reflections_by_loop",
    "review_stages",
    "reviewing_by_outcome",
    "sessions_by_month",
    "sessions_in",
    "stage_table",
    "voices_by_month",
    "what_changed",
    "windows_for",
]
