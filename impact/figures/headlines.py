"""The headline: every figure of one community in one period that the portfolio, the
summary and the report put side by side, and "what changed" since the period before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.utils.translation import gettext, ngettext

from core.privacy import THRESHOLD

from ..periods import Bounds, Period, months_label
from ..values import decimal, number
from .alignment import Coverage, alignment_coverage_in
from .attendance import SessionFigures, sessions_from, sessions_sources
from .common import FigureQuery, ids_of, per_person_counts, per_person_union
from .learning import LoopDepth, loop_depth_from, loop_depth_source
from .members import Moves, movement_from, movement_source
from .participation import Equity, PeopleFigures
from .windows import COUNTS, HEAD, PeopleInWindow, people_direct, people_stored, read_stored


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
    # What lies in ended months keeps its counts resting on people, as a window keeps its
    # figures about people (impact.figures.windows), read with them in one query.
    reading = people is None and stored
    found, to_store = {}, []
    if reading and closed:
        found = read_stored(ids, [("people", w) for w in closed] + stored_counts_wanted(periods))
    if counts is None:  # Else given, as `period_counts` gives them (the community dashboard).
        counts, to_store = period_counts(ids, periods, found if reading else None)
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


def stored_counts_wanted(periods: list[Period]) -> list[tuple[str, Period]]:
    """The stored rows `period_counts` reads (`windows.read_stored`): the counts of each
    period wholly in ended months, and of each period still running that began in an
    ended month, the counts of its days in ended months (`Period.split`)."""
    return [(COUNTS, p) for p in periods if p.in_closed_months()] + [
        (HEAD, p) for p in periods if p.split() is not None
    ]


def period_counts(ids: list[int], periods: list[Period], found: dict | None):
    """Every count of the periods that rests on people, {community: {name: (sum, people)}}
    with names numbered by period (`per_person`), and the rows to store.

    With `found` (what `read_stored` read of `stored_counts_wanted`):
    - a period wholly in ended months takes its counts from `found` when stored for every
      community; else they are counted, and stored;
    - a period still running that began in an ended month (`Period.split`) takes the
      counts of its days in ended months from `found` when stored this month for every
      community, and counts only its days of this month; else both parts are counted and
      the first stored. Each count is the two parts' sum; its people (counted up to the
      privacy floor's `THRESHOLD`, `per_person`) are the two parts' unless both parts
      rest on 1–4 people, where who they are decides: that community's period is then
      counted whole (one statement more);
    - any other period is counted.
    With `found` None every period is counted whole and nothing is stored. What is
    counted is counted in one statement. A part's counts are its own whatever is counted
    beside it (each count filters its part; a community missing from a part's rows has
    the zeros a community with none gets)."""
    measured: dict = {}  # {part: {community: {measure: (sum, people)}}}
    parts: dict = {}  # {part: Period or Bounds} to count
    to_store: list = []
    splits = {}
    for period in periods:
        if found is not None and period.in_closed_months():
            if all((cid, COUNTS, period) in found for cid in ids):
                measured[period] = {cid: found[cid, COUNTS, period] for cid in ids}
            else:
                parts[period] = period
            continue
        split = period.split() if found is not None else None
        if split is None:
            parts[period] = period
            continue
        head, tail = splits[period] = split
        stored = [found.get((cid, HEAD, period)) for cid in ids]
        if all(row is not None and row[0] == tail.start for row in stored):
            measured[HEAD, period] = {cid: row[1] for cid, row in zip(ids, stored, strict=True)}
        else:
            parts[HEAD, period] = head
        parts[TAIL, period] = tail
    measured |= _counted(ids, parts)
    for key in parts:
        if isinstance(key, Period):
            if found is not None and key.in_closed_months():
                to_store += [(cid, COUNTS, key, measured[key][cid]) for cid in ids]
        elif key[0] == HEAD:
            tail = splits[key[1]][1]
            to_store += [(cid, HEAD, key[1], (tail.start, measured[key][cid])) for cid in ids]
    unsure = {}
    for period in splits:
        head, tail = measured[HEAD, period], measured[TAIL, period]
        measured[period] = {}
        for cid in ids:
            joined = _joined(head[cid], tail[cid])
            if joined is None:
                unsure.setdefault(period, []).append(cid)
            else:
                measured[period][cid] = joined
    if unsure:
        among = sorted({cid for cids in unsure.values() for cid in cids})
        whole = _counted(among, {period: period for period in unsure})
        for period, cids in unsure.items():
            measured[period] |= {cid: whole[period][cid] for cid in cids}
    counts: dict[int, dict] = {cid: {} for cid in ids}
    for i, period in enumerate(periods):
        for cid in ids:
            for measure, value in measured[period][cid].items():
                counts[cid][f"{measure}{i}"] = value
    return counts, to_store


def _counted(ids: list[int], parts: dict) -> dict:
    """{part: {community: {measure: (sum, people)}}} for `parts` ({part: Period, Bounds or
    period to count whole}), in one statement, newest first as the compiled one asks."""
    if not parts:
        return {}
    ordered = sorted(parts, key=lambda key: _bounds(parts[key]).start_dt, reverse=True)
    by_part = {key: {cid: {} for cid in ids} for key in ordered}
    try:
        computed = per_person_counts(
            *_PERIOD_COUNTS.statement(ids, [_bounds(parts[key]) for key in ordered])
        )
    except EmptyResultSet:  # No community to count in.
        computed = {}
    for cid, by_name in computed.items():
        for name, value in by_name.items():
            measure = name.rstrip("0123456789")
            by_part[ordered[int(name[len(measure) :])]][cid][measure] = value
    return by_part


def _bounds(part) -> Bounds:
    return part if isinstance(part, Bounds) else part.bounds()


def _joined(head: dict, tail: dict) -> dict | None:
    """A running period's counts from those of its two parts (`Period.split`), or None
    when who the people are decides: a count whose two parts both rest on 1–4 people."""
    joined = {}
    for measure in head.keys() | tail.keys():
        count, people = tail.get(measure, (0, 0))
        if measure == MEMBERS:  # The tail's are the period's: those who joined before its end.
            joined[measure] = (count, people)
            continue
        head_count, head_people = head.get(measure, (0, 0))
        if head_people and people:
            if max(head_people, people) < THRESHOLD:
                return None
            people = THRESHOLD  # Either part alone reaches the floor.
        joined[measure] = (head_count + count, people or head_people)
    return joined


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

# The part of a running period counted live (`Period.split`; the other is stored as
# `windows.HEAD`), and the count not summed over the parts: the members, who are the
# period's whatever the part.
TAIL = "tail"
MEMBERS = "m"


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
