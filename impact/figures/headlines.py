"""The headline: every figure of one community in one period that the portfolio, the
summary and the report put side by side, and "what changed" since the period before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.utils.translation import gettext, ngettext

from ..periods import Period, months_label
from ..values import decimal, number
from .alignment import Coverage, alignment_coverage_in
from .attendance import SessionFigures, sessions_from, sessions_sources
from .common import FigureQuery, ids_of, per_person_counts, per_person_union
from .learning import LoopDepth, loop_depth_from, loop_depth_source
from .members import Moves, movement_from, movement_source
from .participation import Equity, PeopleFigures
from .windows import COUNTS, PeopleInWindow, people_direct, people_stored, read_stored


@dataclass
class Headline:
    """The figures of one community in one period that the portfolio, the summary and
    the report put side by side."""

    sessions: SessionFigures
    moves: Moves
    loops: LoopDepth
    equity: Equity
    coverage: Coverage
    # Figures about people cover whole months: `window` (None until one has ended).
    people: PeopleFigures = field(default_factory=PeopleFigures)
    window: Period | None = None
    # Mentoring pairs active in the whole months of `window` (None: hidden, fewer than 5
    # people, or no whole month yet).
    mentoring_pairs: int | None = None

    @property
    def months_label(self) -> str:
        return months_label(self.window)


def windows_for(period: Period) -> tuple[Period | None, Period | None]:
    """The whole months a period's figures about people cover, and the same number of
    months just before them (None, None until a month of the period has ended)."""
    window = period.whole_months()
    return window, (window.previous_months() if window else None)


def headlines_in(
    communities: Iterable,
    periods: list[Period],
    windows: list[Period | None],
    *,
    stored: bool = True,
    people: list[dict[int, PeopleInWindow]] | None = None,
    counts: dict | None = None,
) -> list[dict[int, Headline]]:
    """Every headline figure for many communities at once, for several periods (a period
    and its previous one), in a fixed number of queries. Each period comes with the
    window of whole months its figures about people cover (`windows_for`): those figures
    (equity, the people who attended, mentoring pairs) are read from the stored rows
    (`windows.people_stored`; `stored=False` computes them from the rows, as they are
    stored), or passed in `people`, one dict per window that is not None."""
    ids = ids_of(communities)
    closed = [w for w in windows if w is not None]
    # A period wholly in ended months keeps its counts resting on people, as a window keeps
    # its figures about people (impact.figures.windows), read with them in one query.
    kept, found, to_store = [], {}, []
    if people is None and stored and closed:
        kept = [p for p in periods if p.in_closed_months()]
        found = read_stored(ids, [("people", w) for w in closed] + [(COUNTS, p) for p in kept])
    if counts is None:  # Else given, as `period_counts` gives them (the community dashboard).
        counts, to_store = period_counts(ids, periods, kept, found)
    moves = movement_from(ids, periods, counts)
    loops = loop_depth_from(ids, periods, counts)
    sessions_all = sessions_from(ids, periods, counts)
    coverage_all = alignment_coverage_in(ids, periods)
    if people is None:
        people = (
            people_stored(ids, closed, found, also=to_store)
            if stored
            else people_direct(ids, closed)
        )
    by_window = iter(people)
    pending = PeopleInWindow(Equity(pending=True), PeopleFigures(), None)
    results = []
    for i, window in enumerate(windows):
        in_window = next(by_window) if window is not None else dict.fromkeys(ids, pending)
        results.append(
            {
                cid: Headline(
                    sessions_all[i][cid],
                    moves[i][cid],
                    loops[i][cid],
                    in_window[cid].equity,
                    coverage_all[i][cid],
                    in_window[cid].people,
                    window,
                    in_window[cid].mentoring_pairs,
                )
                for cid in ids
            }
        )
    return results


def period_counts(ids: list[int], periods: list[Period], kept: list[Period], found: dict):
    """Every count of the periods that rests on people, {community: {name: (sum, people)}}
    with names numbered by period (`per_person`), and the rows to store: of the periods in
    `kept`, those stored for every community are taken from `found` (`read_stored`), the
    others computed in one query, and those of `kept` among them are to be stored. A
    period's counts are its own whatever is counted beside it (each count filters its
    period; a community missing from a period's rows has the zeros a community with none
    gets), so they are kept per period."""
    settled = [p for p in kept if all((cid, COUNTS, p) in found for cid in ids)]
    live = [p for p in periods if p not in settled]
    counts: dict[int, dict] = {cid: {} for cid in ids}
    to_store: list = []
    if live:
        try:
            computed = per_person_counts(*_PERIOD_COUNTS.statement(ids, live))
        except EmptyResultSet:  # No community to count in.
            computed = {}
        by_period = {p: {cid: {} for cid in ids} for p in live}
        for cid, by_name in computed.items():
            for name, value in by_name.items():
                measure = name.rstrip("0123456789")
                by_period[live[int(name[len(measure) :])]][cid][measure] = value
        to_store = [(cid, COUNTS, p, by_period[p][cid]) for p in live if p in kept for cid in ids]
        found = {**found, **{(cid, COUNTS, p): by_period[p][cid] for p in live for cid in ids}}
    for i, period in enumerate(periods):
        for cid in ids:
            for measure, value in found[cid, COUNTS, period].items():
                counts[cid][f"{measure}{i}"] = value
    return counts, to_store


# The sources of every headline count that rests on people, in one UNION ALL, compiled
# once per number of communities and periods.
_PERIOD_COUNTS = FigureQuery(
    lambda ids, bounds: per_person_union(
        movement_source(ids, bounds),
        loop_depth_source(ids, bounds),
        *sessions_sources(ids, bounds),
    ),
    sql_only=True,
)


def _difference(now, before) -> float | None:
    """now − before, or None when either is hidden or not applicable."""
    now, before = number(now), number(before)
    if now is None or before is None:
        return None
    return now - before


def what_changed(now: Headline, before: Headline) -> list[str]:
    """A few plain sentences comparing the period with the previous one of the same length,
    in the active language. Kind words, no grading: it says what moved, never who."""
    lines = []
    held_now = now.sessions.held
    held = held_now - before.sessions.held
    if held_now or before.sessions.held:
        if held > 0:
            lines.append(
                ngettext(
                    "%(count)s session was held, %(difference)s more than before.",
                    "%(count)s sessions were held, %(difference)s more than before.",
                    held_now,
                )
                % {"count": held_now, "difference": held}
            )
        elif held < 0:
            lines.append(
                ngettext(
                    "%(count)s session was held, %(difference)s fewer than before.",
                    "%(count)s sessions were held, %(difference)s fewer than before.",
                    held_now,
                )
                % {"count": held_now, "difference": -held}
            )
        else:
            lines.append(
                ngettext(
                    "%(count)s session was held, as many as before.",
                    "%(count)s sessions were held, as many as before.",
                    held_now,
                )
                % {"count": held_now}
            )
    attendance = _difference(now.sessions.attendance_rate, before.sessions.attendance_rate)
    if attendance is not None and abs(attendance) >= 0.01:  # both are numbers here
        points = {
            "points": decimal(abs(attendance) * 100, 0),
            "rate": now.sessions.attendance_rate,
        }
        lines.append(
            gettext("Attendance rose by %(points)s percentage points to %(rate)s.") % points
            if attendance > 0
            else gettext("Attendance fell by %(points)s percentage points to %(rate)s.") % points
        )
    if now.moves.inward is None:
        lines.append(gettext("A few members moved toward the core: celebrated, not counted here."))
    elif now.moves.inward:
        lines.append(
            ngettext(
                "%(count)s step toward the core was celebrated.",
                "%(count)s steps toward the core were celebrated.",
                now.moves.inward,
            )
            % {"count": now.moves.inward}
        )
    deeper = _difference(now.loops.deeper_share, before.loops.deeper_share)
    if deeper is not None and abs(deeper) >= 0.05:
        lines.append(
            gettext("More of the shared reflections reached double or triple loop.")
            if deeper > 0
            else gettext(
                "Fewer of the shared reflections reached double or triple loop: a prompt "
                "about assumptions could help."
            )
        )
    gini = _difference(now.equity.gini, before.equity.gini)
    if gini is not None and abs(gini) >= 0.05 and not now.equity.suppressed:
        lines.append(
            gettext("Contributions are more evenly spread than before.")
            if gini < 0
            else gettext(
                "Contributions are more concentrated than before: a few voices carry more."
            )
        )
    if not lines:
        lines.append(gettext("Not much changed from the previous period."))
    return lines
