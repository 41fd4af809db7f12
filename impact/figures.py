"""Every figure of the impact dashboards, one documented function each (SPEC §4).

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
  on 0 or at least 5 people (`_every_month_enough`): widening it by one month of 1–4
  people withholds the figure instead of revealing that month. Counts of events (sessions
  held, attendance records, shared reflections, steps, reviews, actions) keep the days.
- **Who.** Membership figures count active members with the role *member*: facilitators
  and coordinators are left out of movement (Orbit's rule for staff). Everything else
  (sessions, reflections, equity) counts every active member, facilitators included,
  because a dominant voice may well be a facilitator's.

Figures that need models from other issues (peer review: confidence ratings, review
stages, reviews; reflections: actions) are separate functions that return `None` until
those models exist, and the pages say the figure appears once the community uses them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.apps import apps
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.utils import timezone

from communities.models import JourneyStep, Membership
from core.privacy import average_figure, people_figure, protect_row, too_few
from outcomes.models import Outcome
from reflections.models import Reflection
from reviews.models import PeerReview, SharedWork
from reviews.selectors import reviewed_in
from sessions.models import RSVP, AgendaItem, Attendance, Session

from .periods import UTC, Period, months_label

LEVELS = [Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE]
LOOPS = [Reflection.Loop.SINGLE, Reflection.Loop.DOUBLE, Reflection.Loop.TRIPLE, ""]
LOOP_LABELS = {
    "single": "single loop",
    "double": "double loop",
    "triple": "triple loop",
    "": "no level yet",
}
# Shared = with the whole community; see "Never private" above for why not facilitators.
SHARED = [Reflection.Visibility.COMMUNITY]
HELD = [Session.Status.SCHEDULED, Session.Status.COMPLETED]
INWARD = Q(from_level=Membership.Level.PERIPHERAL, to_level__in=LEVELS[1:]) | Q(
    from_level=Membership.Level.ACTIVE, to_level=Membership.Level.CORE
)


NOT_APPLICABLE = "–"


def rate(part: int | None, whole: int | None) -> float | str | None:
    """part / whole as a fraction; None (hidden) when the part is hidden; "–" when there
    is nothing to divide by (no session held, no reflection shared)."""
    if not whole:
        return NOT_APPLICABLE
    if part is None:
        return None
    return part / whole


def _month(value) -> dt.date:
    return value.astimezone(UTC).date() if isinstance(value, dt.datetime) else value


def _trunc(field_name: str) -> TruncMonth:
    # Explicit UTC: the request's timezone (a person's own) must not change the figures.
    return TruncMonth(field_name, tzinfo=UTC)


def _ids(communities) -> list[int]:
    return [getattr(c, "pk", c) for c in communities]


# --- members by level and movement ----------------------------------------------------


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
        .annotate(initial=Coalesce(Subquery(earliest_from), F("level")), month=_trunc("joined_at"))
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
        .annotate(month=_trunc("created_at"))
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
        month = _month(row["month"])
        if month < first:
            base[row["initial"]] += row["n"]
        else:
            joined[month][row["initial"]] += row["n"]
    for row in steps:
        month = _month(row["month"])
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


def movement(communities: Iterable, period: Period) -> dict[int, Moves]:
    """Celebrations (steps toward the core) and steps outward in the period, per community.

    inward = JourneySteps of active *members* with created_at in the period and a
    to_level nearer the core than the from_level; outward = the other steps. Each counts
    people moving, so 1–4 is suppressed. One grouped query (for any number of periods:
    `movement_in`).
    """
    return movement_in(communities, [period])[0]


def _spanning(field_name: str, periods: list[Period]) -> dict:
    return {
        f"{field_name}__gte": min(p.start_dt for p in periods),
        f"{field_name}__lt": max(p.end_dt for p in periods),
    }


def _within(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start_dt, f"{field_name}__lt": period.end_dt})


def movement_in(communities: Iterable, periods: list[Period]) -> list[dict[int, Moves]]:
    """`movement` for several periods in one query: a conditional count per period."""
    ids = _ids(communities)
    measures = {}
    for i, period in enumerate(periods):
        inward, outward = (
            INWARD & _within("created_at", period),
            ~INWARD & _within("created_at", period),
        )
        measures[f"in{i}"] = Count("id", filter=inward)
        measures[f"inp{i}"] = Count("membership", filter=inward, distinct=True)
        measures[f"out{i}"] = Count("id", filter=outward)
        measures[f"outp{i}"] = Count("membership", filter=outward, distinct=True)
    rows = (
        JourneyStep.objects.filter(
            membership__community__in=ids,
            membership__status=Membership.Status.ACTIVE,
            membership__role=Membership.Role.MEMBER,
            **_spanning("created_at", periods),
        )
        .values("membership__community")
        .annotate(**measures)
        .order_by()
    )
    results = [{cid: Moves() for cid in ids} for _ in periods]
    for row in rows:
        for i, result in enumerate(results):
            result[row["membership__community"]] = Moves(
                inward=people_figure(row[f"in{i}"], row[f"inp{i}"]),
                outward=people_figure(row[f"out{i}"], row[f"outp{i}"]),
            )
    return results


def members_now(communities: Iterable) -> dict[int, dict]:
    """Active members (role member) at each level today, per community, with the total;
    suppressed by `protect_row`. One grouped query."""
    rows = (
        Membership.objects.filter(
            community__in=_ids(communities),
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MEMBER,
        )
        .values("community")
        .annotate(**{lv: Count("id", filter=Q(level=lv)) for lv in LEVELS})
        .order_by()
    )
    raw = {cid: dict.fromkeys(LEVELS, 0) for cid in _ids(communities)}
    for row in rows:
        raw[row["community"]] = {lv: row[lv] for lv in LEVELS}
    result = {}
    for cid, values in raw.items():
        levels, total = protect_row(values)
        result[cid] = {"levels": levels, "total": total}
    return result


# --- sessions ---------------------------------------------------------------------------


@dataclass
class SessionFigures:
    held: int = 0
    members: int = 0
    rsvps: int | None = 0
    attendances: int | None = 0

    @property
    def rsvp_rate(self) -> float | str | None:
        return rate(self.rsvps, self.held * self.members)

    @property
    def attendance_rate(self) -> float | str | None:
        return rate(self.attendances, self.held * self.members)


def held_sessions(communities: Iterable, period: Period):
    """Sessions held in the period: scheduled or completed (never draft or cancelled),
    starting inside the period and before now."""
    return Session.objects.filter(
        community__in=_ids(communities),
        status__in=HELD,
        starts_at__gte=period.start_dt,
        starts_at__lt=min(period.end_dt, timezone.now()),
    )


def sessions(
    communities: Iterable, period: Period, contributions: Contributions | None = None
) -> dict[int, SessionFigures]:
    """Sessions held, RSVP rate and attendance rate, per community.

    - held = `held_sessions` count;
    - members = active memberships (every role) that joined before the period ended;
    - RSVP rate = RSVPs "going" or "maybe" on held sessions ÷ (held × members);
    - attendance rate = members' attendance records at held sessions ÷ (held × members).
    RSVPs and attendances are suppressed when they rest on 1–4 people. The people who
    attended, and who returned, are figures about people: `people_in`, over whole months.
    One grouped query (for any number of periods: `sessions_in`), plus `contributions`
    (shared with participation equity).
    """
    ids = _ids(communities)
    contributions = contributions or contributions_per_person(ids, period)
    return sessions_in(ids, [period], [contributions])[0]


def _held_in(period: Period, prefix: str = "") -> Q:
    """`held_sessions`' time window as a condition, for conditional counts."""
    field_name = f"{prefix}starts_at"
    return Q(
        **{
            f"{field_name}__gte": period.start_dt,
            f"{field_name}__lt": min(period.end_dt, timezone.now()),
        }
    )


def sessions_in(
    communities: Iterable, periods: list[Period], contributions: list[Contributions]
) -> list[dict[int, SessionFigures]]:
    """`sessions` for several periods in one query: conditional counts per period."""
    ids = _ids(communities)
    answered = Q(rsvps__response__in=[RSVP.Response.GOING, RSVP.Response.MAYBE])
    measures = {}
    for i, period in enumerate(periods):
        inside = _held_in(period)
        measures[f"n{i}"] = Count("id", filter=inside, distinct=True)
        measures[f"r{i}"] = Count("rsvps", filter=inside & answered, distinct=True)
        measures[f"u{i}"] = Count("rsvps__user", filter=inside & answered, distinct=True)
    rows = (
        Session.objects.filter(
            community__in=ids,
            status__in=HELD,
            starts_at__gte=min(p.start_dt for p in periods),
            starts_at__lt=min(max(p.end_dt for p in periods), timezone.now()),
        )
        .values("community")
        .annotate(**measures)
        .order_by()
    )
    results = [
        {cid: SessionFigures(members=c.population[cid]) for cid in ids} for c in contributions
    ]
    for row in rows:
        for i, result in enumerate(results):
            result[row["community"]].held = row[f"n{i}"]
            result[row["community"]].rsvps = people_figure(row[f"r{i}"], row[f"u{i}"])
    for result, c in zip(results, contributions, strict=True):
        for cid in ids:
            attended = c.sources["attendance"][cid]
            figures = result[cid]
            figures.attendances = people_figure(sum(attended.values()), len(attended))
    return results


@dataclass
class PeopleFigures:
    """The figures about distinct people of one community over a window of whole months
    (`Period.whole_months`); "–" when no month of the period has ended yet."""

    attendees: int | str | None = NOT_APPLICABLE
    returning: int | str | None = NOT_APPLICABLE

    @property
    def returning_share(self) -> float | str | None:
        """Returning attendees ÷ attendees; "–" or None (hidden) as the attendees are."""
        if isinstance(self.attendees, int):
            return rate(self.returning, self.attendees)
        return self.attendees


def _every_month_enough(by_month: dict[dt.date, set[int]]) -> bool:
    """True when no month of a window rests on 1–4 people (a month of nobody is fine:
    it adds nobody to the window)."""
    return not any(too_few(len(people)) for people in by_month.values())


def people_in(communities: Iterable, contributions: Contributions | None) -> dict:
    """People who attended a held session in the window, and those who attended two or
    more, per community, from a window's `contributions` (None: no whole month yet).
    Both are withheld unless every month of the window had 0 or 5+ attendees, and each is
    hidden when it counts 1–4 people. No query of its own."""
    ids = _ids(communities)
    if contributions is None:
        return {cid: PeopleFigures() for cid in ids}
    result = {}
    for cid in ids:
        attended = contributions.sources["attendance"][cid]
        if not _every_month_enough(contributions.months["attendance"][cid]):
            result[cid] = PeopleFigures(None, None)
            continue
        result[cid] = PeopleFigures(
            people_figure(len(attended)),
            people_figure(sum(1 for n in attended.values() if n >= 2)),
        )
    return result


@dataclass
class SessionMonth:
    month: dt.date
    held: int
    attendances: int | None


def sessions_by_month(community, period: Period) -> list[SessionMonth]:
    """Per month of the period: sessions held and attendance records at them (the
    attendance suppressed when 1–4 people attended that month). One grouped query."""
    rows = {
        _month(row["month"]): row
        for row in held_sessions([community], period)
        .annotate(month=_trunc("starts_at"))
        .values("month")
        .annotate(
            held=Count("id", distinct=True),
            n=Count("attendances", distinct=True),
            people=Count("attendances__user", distinct=True),
        )
        .order_by()
    }
    return [
        SessionMonth(month, row["held"], people_figure(row["n"], row["people"]))
        if (row := rows.get(month))
        else SessionMonth(month, 0, 0)
        for month in period.months()
    ]


# --- alignment and outcome progress -------------------------------------------------------


@dataclass
class Coverage:
    agreed: int = 0
    with_activity: int = 0
    with_review: int = 0
    covered: int = 0

    @property
    def share(self) -> float | str | None:
        return rate(self.covered, self.agreed)

    @property
    def activity_share(self) -> float | str | None:
        return rate(self.with_activity, self.agreed)

    @property
    def review_share(self) -> float | str | None:
        return rate(self.with_review, self.agreed)


def alignment_coverage(communities: Iterable, period: Period) -> dict[int, Coverage]:
    """Alignment coverage: share of agreed outcomes with an activity AND a review in the
    period.

    - agreed = outcomes whose status is agreed;
    - with an activity = an agenda item aligned to it in a held session of the period;
    - with a review = a peer review shared (submitted) in the period, in a round that
      looked through the outcome (`reviews.selectors.reviewed_in`, the alignment map's
      rule);
    - coverage = outcomes with both ÷ agreed.
    Outcomes are not people: nothing here is suppressed. One grouped query.
    """
    return alignment_coverage_in(communities, [period])[0]


def alignment_coverage_in(communities: Iterable, periods: list[Period]) -> list[dict]:
    """`alignment_coverage` for several periods: one grouped query for every period,
    with a conditional count per period of outcomes with an activity, with a review and
    with both."""
    ids = _ids(communities)
    marks, counts = {}, {}
    for i, period in enumerate(periods):
        marks[f"a{i}"] = Exists(
            AgendaItem.objects.filter(
                aligned_outcomes=OuterRef("pk"), session__in=held_sessions(ids, period)
            )
        )
        marks[f"r{i}"] = reviewed_in(period.start_dt, period.end_dt)
        counts[f"w{i}"] = Count("id", filter=Q(**{f"a{i}": True}))
        counts[f"v{i}"] = Count("id", filter=Q(**{f"r{i}": True}))
        counts[f"c{i}"] = Count("id", filter=Q(**{f"a{i}": True, f"r{i}": True}))
    rows = (
        Outcome.objects.agreed()
        .filter(community__in=ids)
        .annotate(**marks)
        .values("community")
        .annotate(agreed=Count("id"), **counts)
        .order_by()
    )
    results = [{cid: Coverage() for cid in ids} for _ in periods]
    for row in rows:
        for i, result in enumerate(results):
            result[row["community"]] = Coverage(
                row["agreed"], row[f"w{i}"], row[f"v{i}"], row[f"c{i}"]
            )
    return results


def outcome_progress(community, period: Period | None):
    """Outcome progress, part one: per agreed outcome and month, the average self-rated
    confidence (1–5) of the ratings given that month, suppressed when fewer than 5 people
    rated (`outcome_confidence`, None until ratings exist). Part two, the distribution of
    peer-review stages, is `review_stages`. Never an individual rating."""
    return outcome_confidence(community, period)


STAGES = ["emerging", "developing", "confident", "extending"]


def review_stages(community, period: Period | None) -> list[dict] | None:
    """Peer-review stage distribution: per agreed outcome, how many reviews given in the
    period chose each stage (emerging, developing, confident, extending); reviews without
    a stage are not counted. What reviewers chose is a figure about people, so callers
    pass the period's whole months (`Period.whole_months`). A cell resting on 1–4
    reviewers in any of its months is hidden, with one more cell of its row when needed
    (`protect_row`); the row's total adds up only the cells shown. None when no review in
    the months chose a stage (or none has ended yet). One grouped query."""
    if period is None:
        return None
    rows = _review_stage_rows(community, period)
    return stage_table(rows) if rows else None


def _review_stage_rows(community, period: Period) -> list[dict]:
    """Grouped rows {"outcome": statement, "stage": stage, "month": month, "n": reviews,
    "people": distinct reviewers} for reviews shared in the period, with a stage, in this
    community's rounds, per agreed outcome the round looked through and month."""
    return list(
        PeerReview.objects.submitted()
        .filter(
            _within("submitted_at", period),
            round__community=community,
            round__outcomes__status=Outcome.Status.AGREED,
        )
        .exclude(stage="")
        .values("stage", outcome=F("round__outcomes__statement"), month=_trunc("submitted_at"))
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


# --- learning loops ------------------------------------------------------------------------


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


def reflections_by_loop(community, period: Period) -> list[LoopMonth]:
    """Shared reflections (visibility community; never private or facilitator-only) written
    in each month of the period, by loop level (single, double, triple, none chosen yet).
    A cell written by 1–4 people is suppressed. One grouped query."""
    rows = (
        _shared_reflections([community.pk], period)
        .annotate(month=_trunc("created_at"))
        .values("month", "loop_level")
        .annotate(n=Count("id"), people=Count("author", distinct=True))
        .order_by()
    )
    cells = {
        (_month(r["month"]), r["loop_level"]): people_figure(r["n"], r["people"]) for r in rows
    }
    return [
        LoopMonth(month, {loop: cells.get((month, loop), 0) for loop in LOOPS})
        for month in period.months()
    ]


@dataclass
class LoopDepth:
    shared: int | None = 0
    deeper: int | None = 0  # double and triple loop

    @property
    def deeper_share(self) -> float | str | None:
        return rate(self.deeper, self.shared)


def loop_depth(communities: Iterable, period: Period) -> dict[int, LoopDepth]:
    """Shared reflections in the period and how many reached double or triple loop, per
    community; deeper share = (double + triple) ÷ shared. Each count is suppressed when
    it rests on 1–4 authors. One grouped query (for any number of periods:
    `loop_depth_in`)."""
    return loop_depth_in(communities, [period])[0]


def loop_depth_in(communities: Iterable, periods: list[Period]) -> list[dict[int, LoopDepth]]:
    """`loop_depth` for several periods in one query: a conditional count per period."""
    ids = _ids(communities)
    deeper = Q(loop_level__in=[Reflection.Loop.DOUBLE, Reflection.Loop.TRIPLE])
    measures = {}
    for i, period in enumerate(periods):
        inside = _within("created_at", period)
        measures[f"n{i}"] = Count("id", filter=inside)
        measures[f"p{i}"] = Count("author", filter=inside, distinct=True)
        measures[f"d{i}"] = Count("id", filter=inside & deeper)
        measures[f"dp{i}"] = Count("author", filter=inside & deeper, distinct=True)
    rows = (
        Reflection.objects.filter(
            community__in=ids, visibility__in=SHARED, **_spanning("created_at", periods)
        )
        .values("community")
        .annotate(**measures)
        .order_by()
    )
    results = [{cid: LoopDepth() for cid in ids} for _ in periods]
    for row in rows:
        for i, result in enumerate(results):
            result[row["community"]] = LoopDepth(
                people_figure(row[f"n{i}"], row[f"p{i}"]),
                people_figure(row[f"d{i}"], row[f"dp{i}"]),
            )
    return results


def _model(app_label: str, name: str):
    """Another issue's model once it has landed, else None (its figure waits for it)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


@dataclass
class ActionFlow:
    opened: int = 0
    done: int = 0
    dropped: int = 0
    median_days: float | str | None = "–"


def actions_flow(communities: Iterable, period: Period):
    """Actions per community in the period (None until actions exist, issue 6):
    - opened = actions created in the period;
    - done = actions with status done whose `done_at` is in the period;
    - dropped = actions with status dropped last changed (`updated_at`) in the period;
    - median days to done = the median of (done_at − created_at) in days over the actions
      done in the period ("–" when none).
    Actions are the community's commitments, not people: nothing is suppressed.
    Two queries: grouped conditional counts, and the middle durations (`_median_days_to_done`).
    """
    return actions_flow_in(communities, [period])


def actions_flow_in(communities: Iterable, periods: list[Period]):
    """`actions_flow` for several periods; returns the first period's figures when given
    one period, else a list (counts for all periods in one query)."""
    action = _model("reflections", "Action")
    if action is None:
        return None
    ids = _ids(communities)
    measures = {}
    for i, period in enumerate(periods):
        measures[f"o{i}"] = Count("id", filter=_within("created_at", period))
        measures[f"d{i}"] = Count("id", filter=Q(status="done") & _within("done_at", period))
        measures[f"x{i}"] = Count("id", filter=Q(status="dropped") & _within("updated_at", period))
    results = [{cid: ActionFlow() for cid in ids} for _ in periods]
    for row in (
        action.objects.filter(community__in=ids).values("community").annotate(**measures).order_by()
    ):
        for i, result in enumerate(results):
            result[row["community"]] = ActionFlow(row[f"o{i}"], row[f"d{i}"], row[f"x{i}"])
    for cid, days in _median_days_to_done(action, ids, periods[0]).items():
        results[0][cid].median_days = days
    return results[0] if len(periods) == 1 else results


def _median_days_to_done(action, ids: list[int], period: Period) -> dict[int, float]:
    """The median of (done_at − created_at), in days, over each community's actions done in
    the period: SQL ranks the durations per community (window functions) and returns only
    the middle one or two rows, so Python averages at most two numbers per community
    however many actions there are. One query."""
    duration = ExpressionWrapper(F("done_at") - F("created_at"), output_field=DurationField())
    ranked = (
        action.objects.filter(_within("done_at", period), community__in=ids, status="done")
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
    middles: dict[int, list[dt.timedelta]] = defaultdict(list)
    for cid, value in ranked:
        middles[cid].append(value)
    return {
        cid: sum(values, dt.timedelta()).total_seconds() / len(values) / 86400
        for cid, values in middles.items()
    }


def outcome_confidence(community, period: Period | None):
    """Average self-rated confidence (1–5) per agreed outcome and month of the period,
    over the ratings given that month; a month rated by fewer than 5 people is hidden, so
    no individual rating can be read or worked out. Averages are figures about people:
    callers pass the period's whole months (`Period.whole_months`; None, none has ended
    yet: no row), so each row is a whole month's. None until ratings exist (outcomes'
    `ConfidenceRating`). One grouped query."""
    confidence = _model("outcomes", "ConfidenceRating")
    if confidence is None:
        return None
    if period is None:
        return []
    rows = (
        confidence.objects.filter(
            outcome__community=community,
            outcome__status=Outcome.Status.AGREED,
            **_spanning("created_at", [period]),
        )
        .annotate(month=_trunc("created_at"))
        .values("outcome", "outcome__statement", "month")
        .annotate(average=Avg("rating"), people=Count("user", distinct=True))
        .order_by("outcome__statement", "month")
    )
    return [
        {
            "outcome": row["outcome__statement"],
            "month": _month(row["month"]),
            "average": average_figure(round(row["average"], 1), row["people"]),
            "people": people_figure(row["people"]),
        }
        for row in rows
    ]


# --- participation equity ------------------------------------------------------------------


@dataclass
class Equity:
    people: int = 0
    contributions: int = 0
    gini: float | None = None
    top_people: int = 0
    top_share: float | str | None = NOT_APPLICABLE
    suppressed: bool = False
    frequencies: dict[int, int] = field(default_factory=dict, repr=False)
    # No whole month of the period has ended yet: equity covers whole months only.
    pending: bool = False

    @property
    def reading(self) -> str:
        if self.pending:
            return "Participation is read over whole months; none of this period has ended yet."
        if self.suppressed:
            return (
                "Fewer than 5 people (in all, or in one of its months): not shown, to "
                "protect their privacy."
            )
        if not self.contributions:
            return "No contributions were recorded in this period yet."
        if self.gini < 0.3:
            return "Contributions are spread fairly evenly: many voices carry the conversation."
        if self.gini < 0.5:
            return "Some people carry more of the conversation than others."
        return "A few voices carry most of the conversation."


def gini_from_frequencies(frequencies: dict[int, int]) -> Equity:
    """Gini coefficient and the top-10 % share from a table {contributions: people}.

    With the n values sorted ascending x₁ ≤ … ≤ xₙ and S = Σx:
        G = 2·Σ(i·xᵢ) ÷ (n·S) − (n + 1) ÷ n        (0 = all equal, → 1 = one does all)
    A value v held by k people at ranks r+1 … r+k adds v·(k·r + k(k+1)/2) to Σ(i·xᵢ).
    Top 10 % = the ⌈n ÷ 10⌉ people with the most contributions; share = their sum ÷ S.
    Exact arithmetic (fractions), rounded only when shown.
    """
    n = sum(frequencies.values())
    total = sum(value * k for value, k in frequencies.items())
    equity = Equity(people=n, contributions=total, frequencies=dict(frequencies))
    if n == 0:
        return equity
    equity.top_people = math.ceil(n / 10)
    if total == 0:
        equity.gini = 0.0
        return equity
    weighted, rank = Fraction(0), 0
    for value in sorted(frequencies):
        k = frequencies[value]
        weighted += value * (k * rank + Fraction(k * (k + 1), 2))
        rank += k
    equity.gini = float(2 * weighted / (n * total) - Fraction(n + 1, n))
    remaining, top = equity.top_people, 0
    for value in sorted(frequencies, reverse=True):
        take = min(remaining, frequencies[value])
        top += take * value
        remaining -= take
        if not remaining:
            break
    equity.top_share = top / total
    return equity


@dataclass
class Contributions:
    """Who did what in a period: {community_id: members} and, per source,
    {community_id: {user_id: count}} for the members who did any of it, and
    {community_id: {month: {user_id, …}}} for who did any of it in each month."""

    population: dict[int, int]
    sources: dict[str, dict[int, dict[int, int]]]
    months: dict[str, dict[int, dict[dt.date, set[int]]]] = field(default_factory=dict)

    def contributors_by_month(self, cid: int) -> dict[dt.date, set[int]]:
        """Everyone who contributed anything, month by month, over every source."""
        by_month: dict[dt.date, set[int]] = defaultdict(set)
        for per_community in self.months.values():
            for month, people in per_community[cid].items():
                by_month[month] |= people
        return by_month


def _by_a_member(period: Period, community_path: str, user_path: str) -> Exists:
    """True for rows by people who are active members of the row's own community and
    joined before the period ended: an index lookup per row on (community, user)."""
    return Exists(
        Membership.objects.filter(
            community=OuterRef(community_path),
            user=OuterRef(user_path),
            status=Membership.Status.ACTIVE,
            joined_at__lt=period.end_dt,
        )
    )


def _peer_review_sources(ids: list[int], period: Period) -> dict[str, object]:
    """Work shared and peer reviews given (shared with the author) in the period, per
    member of the row's community: one UNION ALL query with the columns of the other
    sources (community, person, month, n); a person may appear once per kind and month."""
    work = (
        SharedWork.objects.filter(
            _within("created_at", period),
            _by_a_member(period, "community", "author"),
            community__in=ids,
        )
        .values("community", person=F("author"), month=_trunc("created_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    reviews = (
        PeerReview.objects.submitted()
        .filter(
            _within("submitted_at", period),
            _by_a_member(period, "round__community", "reviewer"),
            round__community__in=ids,
        )
        .values(
            community=F("round__community"),
            person=F("reviewer"),
            month=_trunc("submitted_at"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return {"peer_review": work.union(reviews, all=True)}


def contributions_per_person(communities: Iterable, period: Period) -> Contributions:
    """The population (active members who joined before the period ended) and each
    source's per-member counts: one grouped query each. SQL does the counting; Python
    only files the grouped rows (one per contributing member) by community."""
    return contributions_per_person_in(communities, [period])[0]


def contributions_per_person_in(
    communities: Iterable, periods: list[Period], *, peer_review: list[bool] | None = None
) -> list[Contributions]:
    """`contributions_per_person` for several periods.

    What counts as a contribution, per member of the row's own community who joined
    before the period ended (`_by_a_member`): attendance at the period's held sessions,
    and reflections shared with the community written in the period; work shared and
    reviews given join once peer review exists (`_peer_review_sources`, asked per period,
    querysets with `community`, `person` and `n`). The population, attendance and
    reflections each answer every period in one grouped query, a conditional count per
    period, grouped by person and month (so each month's contributors are known too).
    `peer_review` says, per period, whether to ask for work shared and reviews given (only
    participation equity needs them; a query per period)."""
    ids = _ids(communities)
    populations = [dict.fromkeys(ids, 0) for _ in periods]
    for row in (
        Membership.objects.filter(community__in=ids, status=Membership.Status.ACTIVE)
        .values("community")
        .annotate(
            **{
                f"p{i}": Count("id", filter=Q(joined_at__lt=p.end_dt))
                for i, p in enumerate(periods)
            }
        )
        .order_by()
    ):
        for i, population in enumerate(populations):
            population[row["community"]] = row[f"p{i}"]
    attendance = Attendance.objects.filter(
        session__community__in=ids,
        session__status__in=HELD,
        session__starts_at__gte=min(p.start_dt for p in periods),
        session__starts_at__lt=min(max(p.end_dt for p in periods), timezone.now()),
    ).values(
        community=F("session__community"), person=F("user"), month=_trunc("session__starts_at")
    )
    reflections = Reflection.objects.filter(
        community__in=ids, visibility__in=SHARED, **_spanning("created_at", periods)
    ).values("community", person=F("author"), month=_trunc("created_at"))
    grouped = {
        "attendance": attendance.annotate(
            **{
                f"n{i}": Count(
                    "id",
                    filter=_held_in(p, "session__")
                    & Q(_by_a_member(p, "session__community", "user")),
                )
                for i, p in enumerate(periods)
            }
        ),
        "reflections": reflections.annotate(
            **{
                f"n{i}": Count(
                    "id",
                    filter=_within("created_at", p) & Q(_by_a_member(p, "community", "author")),
                )
                for i, p in enumerate(periods)
            }
        ),
    }
    results = [Contributions(population, {}) for population in populations]
    for name, queryset in grouped.items():
        for result in results:
            result.sources[name] = {cid: {} for cid in ids}
            result.months[name] = {cid: defaultdict(set) for cid in ids}
        for row in queryset.order_by():
            for i, result in enumerate(results):
                if row[f"n{i}"]:
                    _file(result, name, row, row[f"n{i}"])
    asks = peer_review if peer_review is not None else [True] * len(periods)
    for period, result, ask in zip(periods, results, asks, strict=True):
        if not ask:
            continue
        for name, queryset in _peer_review_sources(ids, period).items():
            result.sources[name] = {cid: {} for cid in ids}
            result.months[name] = {cid: defaultdict(set) for cid in ids}
            for row in queryset:
                _file(result, name, row, row["n"])
    return results


def _file(result: Contributions, name: str, row: dict, n: int) -> None:
    """File one grouped row (community, person, month): the person's count, and their
    presence in that month."""
    cid, person = row["community"], row["person"]
    people = result.sources[name][cid]
    people[person] = people.get(person, 0) + n
    result.months[name][cid][_month(row["month"])].add(person)


def participation_equity(
    communities: Iterable, period: Period, contributions: Contributions | None = None
) -> dict[int, Equity]:
    """Participation equity per community: the Gini coefficient of per-member
    contributions in the period and the share made by the most active 10 % (rounded up).

    Population: active memberships (every role) that joined before the period ended,
    counting the people who contributed nothing. A member's contributions = attendance at
    held sessions + shared reflections written (+ work shared + reviews given once peer
    review exists), each counted in SQL (`contributions_per_person`). The per-member
    totals become a frequency table {contributions: people} (members who did nothing
    fill the 0 row) and `gini_from_frequencies` does the arithmetic. With fewer than 5
    people the figure is suppressed, and so it is when any month of the period had 1–4
    contributors (`_every_month_enough`): equity is a figure about people, computed over
    whole months (`headlines_in` passes it their window).
    """
    ids = _ids(communities)
    contributions = contributions or contributions_per_person(ids, period)
    result = {}
    for cid in ids:
        totals: dict[int, int] = defaultdict(int)
        for per_community in contributions.sources.values():
            for person, n in per_community[cid].items():
                totals[person] += n
        table: dict[int, int] = defaultdict(int)
        for n in totals.values():
            table[n] += 1
        idle = contributions.population[cid] - len(totals)
        if idle > 0:
            table[0] += idle
        equity = gini_from_frequencies(dict(table))
        if too_few(equity.people) or not _every_month_enough(
            contributions.contributors_by_month(cid)
        ):
            equity = Equity(people=equity.people, suppressed=True)
        result[cid] = equity
    return result


# --- the whole picture ---------------------------------------------------------------------


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

    @property
    def months_label(self) -> str:
        return months_label(self.window)


def windows_for(period: Period) -> tuple[Period | None, Period | None]:
    """The whole months a period's figures about people cover, and the same number of
    months just before them (None, None until a month of the period has ended)."""
    window = period.whole_months()
    return window, (window.previous_months() if window else None)


def headlines(communities: Iterable, period: Period) -> dict[int, Headline]:
    """Every headline figure for many communities at once: a fixed number of queries."""
    return headlines_in(communities, [period], [period.whole_months()])[0]


def headlines_in(
    communities: Iterable, periods: list[Period], windows: list[Period | None]
) -> list[dict[int, Headline]]:
    """`headlines` for several periods (a period and its previous one), each with the
    window of whole months its figures about people cover (`windows_for`); figures that
    can answer every period and window in one query do so."""
    ids = _ids(communities)
    moves = movement_in(ids, periods)
    loops = loop_depth_in(ids, periods)
    spans = periods + [w for w in windows if w is not None]
    contributions_all = contributions_per_person_in(
        ids, spans, peer_review=[i >= len(periods) for i in range(len(spans))]
    )
    sessions_all = sessions_in(ids, periods, contributions_all[: len(periods)])
    by_window = iter(contributions_all[len(periods) :])
    coverage_all = alignment_coverage_in(ids, periods)
    results = []
    for i, window in enumerate(windows):
        contributions = next(by_window) if window is not None else None
        if contributions is None:
            by_equity = {cid: Equity(pending=True) for cid in ids}
        else:
            by_equity = participation_equity(ids, window, contributions)
        by_people = people_in(ids, contributions)
        results.append(
            {
                cid: Headline(
                    sessions_all[i][cid],
                    moves[i][cid],
                    loops[i][cid],
                    by_equity[cid],
                    coverage_all[i][cid],
                    by_people[cid],
                    window,
                )
                for cid in ids
            }
        )
    return results


def _difference(now, before) -> float | None:
    """now − before, or None when either is hidden or not applicable."""
    if not isinstance(now, int | float) or not isinstance(before, int | float):
        return None
    return now - before


def what_changed(now: Headline, before: Headline) -> list[str]:
    """A few plain sentences comparing the period with the previous one of the same length.
    Kind words, no grading: it says what moved, never who."""
    lines = []
    held = now.sessions.held - before.sessions.held
    if now.sessions.held or before.sessions.held:
        if held > 0:
            lines.append(f"{now.sessions.held} sessions were held, {held} more than before.")
        elif held < 0:
            lines.append(f"{now.sessions.held} sessions were held, {-held} fewer than before.")
        else:
            lines.append(f"{now.sessions.held} sessions were held, as many as before.")
    attendance = _difference(now.sessions.attendance_rate, before.sessions.attendance_rate)
    if attendance is not None and abs(attendance) >= 0.01:  # both are numbers here
        direction = "rose" if attendance > 0 else "fell"
        lines.append(
            f"Attendance {direction} by {abs(attendance) * 100:.0f} percentage points "
            f"to {now.sessions.attendance_rate * 100:.0f} %."
        )
    if now.moves.inward is None:
        lines.append("A few members moved toward the core: celebrated, not counted here.")
    elif now.moves.inward:
        lines.append(f"{now.moves.inward} steps toward the core were celebrated.")
    deeper = _difference(now.loops.deeper_share, before.loops.deeper_share)
    if deeper is not None and abs(deeper) >= 0.05:
        lines.append(
            "More of the shared reflections reached double or triple loop."
            if deeper > 0
            else "Fewer of the shared reflections reached double or triple loop: a prompt "
            "about assumptions could help."
        )
    gini = _difference(now.equity.gini, before.equity.gini)
    if gini is not None and abs(gini) >= 0.05 and not now.equity.suppressed:
        lines.append(
            "Contributions are more evenly spread than before."
            if gini < 0
            else "Contributions are more concentrated than before: a few voices carry more."
        )
    if not lines:
        lines.append("Not much changed from the previous period.")
    return lines
