"""Reads for the alignment map (outcome ↔ activity ↔ peer review): it lives with peer
review because it joins outcomes, sessions' agenda items and review rounds, and reviews
is the lowest layer that may see all three."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import pgettext

from core.compiled import Compiled, stand_in_moment
from core.search import AnyOf
from outcomes.models import Outcome
from sessions.models import AgendaItem, held_sessions_q

from .models import PeerReview, ReviewRound, live_q

# The alignment map shows each outcome's latest few activities (and reviews on sessions
# with none aligned to it), and links to the whole list of one outcome: the page then
# costs the same however long the community's history.
MAP_LATEST = 6
# More rows than any outcome has: "every one" for the outcome shown whole.
MAX_ROWS = 2**31 - 1


def aligned_items(
    community, *, latest: int | None = None, whole: int | None = None
) -> tuple[dict[int, list[AgendaItem]], dict[int, int]]:
    """Agreed outcome id → the published agenda items aligned to it (in held sessions), in
    date order, and outcome id → how many there are. With `latest`, only each outcome's
    `latest` most recent are read (every one for the outcome whose id is `whole`). One
    query: a window numbers each outcome's items from the newest and counts them,
    compiled once per `latest` (core.compiled)."""
    by_outcome: dict[int, list[AgendaItem]] = defaultdict(list)
    totals: dict[int, int] = {}
    rows = _aligned_rows.run(community.pk, -1 if whole is None else whole, latest=latest)
    for row in rows:
        by_outcome[row.outcome_id].append(row.agendaitem)
        totals[row.outcome_id] = row.total
    return by_outcome, totals


def _aligned_query(community_id: int, whole: int, *, latest: int | None):
    """`aligned_items`' query (`whole`: an outcome id, or -1 for none)."""
    through = AgendaItem.aligned_outcomes.through
    rows = (
        through.objects.filter(
            held_sessions_q("agendaitem__session__"),
            outcome__community_id=community_id,
            outcome__status=Outcome.Status.AGREED,
        )
        .select_related("agendaitem__session")
        # What the map shows of each: its title and minutes, its session's title and date.
        .only(
            "outcome",
            "agendaitem__session",
            "agendaitem__title",
            "agendaitem__minutes",
            "agendaitem__session__title",
            "agendaitem__session__starts_at",
        )
        .annotate(total=Window(Count("pk"), partition_by=[F("outcome_id")]))
        .order_by("agendaitem__session__starts_at", "agendaitem__position", "agendaitem_id")
    )
    if latest is not None:
        newest = [
            F("agendaitem__session__starts_at").desc(),
            F("agendaitem__position").desc(),
            F("agendaitem_id").desc(),
        ]
        rows = rows.annotate(
            place=Window(RowNumber(), partition_by=[F("outcome_id")], order_by=newest),
            cap=Case(
                When(outcome_id=whole, then=Value(MAX_ROWS)),
                default=Value(latest),
                output_field=IntegerField(),
            ),
        ).filter(place__lte=F("cap"))
    return rows


_aligned_rows = Compiled(_aligned_query, -20_181_224, -20_181_225)


def _rounds_query(
    community_id: int, session_ids, whole: int = -1, *, any_of: bool, latest: int | None = None
):
    """`rounds_on_the_map`' query: the community's rounds through its agreed outcomes on
    the sessions `session_ids` (the shown activities'), and those on a session where no
    activity is aligned to its outcome — with `latest`, each outcome's `latest` + 1 newest
    of these (every one for the outcome `whole`), else every one. `any_of`: the ids as
    one array parameter (PostgreSQL), so that the compiled SQL serves any number of them."""
    through = ReviewRound.outcomes.through
    # The shown activities' sessions (each pair is checked by the caller: one IN plans
    # faster than a condition per outcome).
    if any_of:
        shown = Q(AnyOf("reviewround__session_id", session_ids))
    else:
        shown = Q(reviewround__session_id__in=session_ids)
    aligned_there = AgendaItem.aligned_outcomes.through.objects.filter(
        held_sessions_q("agendaitem__session__"),
        agendaitem__session_id=OuterRef("reviewround__session_id"),
        outcome_id=OuterRef("outcome_id"),
    )
    # Each round's reviews counted by a subquery of its own, not by grouping the rows
    # joined to every review: grouped, PostgreSQL tested the row's NOT EXISTS once per
    # review and chose to hash every aligned activity of the site for it (10 ms at five
    # times the bench's data).
    reviews = PeerReview.objects.filter(round_id=OuterRef("reviewround_id")).order_by()
    rows = (
        through.objects.filter(
            reviewround__community_id=community_id, outcome__status=Outcome.Status.AGREED
        )
        .annotate(elsewhere=~Exists(aligned_there))
        .filter(shown | Q(elsewhere=True))
        .select_related("reviewround__session")
        # What the map shows of each: its status, due date and session's title.
        .only(
            "outcome",
            "reviewround__session",
            "reviewround__status",
            "reviewround__due_on",
            "reviewround__session__title",
        )
        .annotate(
            # Shared and (in a round with a release step) released: what authors see.
            done=_counted(
                reviews.filter(status=PeerReview.Status.SUBMITTED).filter(
                    Q(round__holds_reviews=False) | Q(released_at__isnull=False)
                )
            ),
            expected=_counted(reviews.filter(live_q())),
        )
        .order_by("-reviewround__created_at", "-reviewround_id")
    )
    if latest is None:
        return rows
    # The map shows each outcome's newest few rounds elsewhere (one more read says that
    # earlier ones are left out): the rows read stay as many at any length of history.
    return rows.annotate(
        place=Window(
            RowNumber(),
            partition_by=[F("outcome_id"), F("elsewhere")],
            order_by=[F("reviewround__created_at").desc(), F("reviewround_id").desc()],
        ),
        cap=Case(
            When(elsewhere=False, then=Value(MAX_ROWS)),
            When(outcome_id=whole, then=Value(MAX_ROWS)),
            default=Value(latest + 1),
            output_field=IntegerField(),
        ),
    ).filter(place__lte=F("cap"))


def _counted(rows) -> Coalesce:
    """How many `rows` (correlated to the outer row) there are, as a subquery."""
    counted = rows.values("round_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Compiled once (core.compiled) on PostgreSQL, where the sessions' ids are one array
# parameter: building and compiling it had been a third of the map's time in Python.
_rounds_rows = Compiled(_rounds_query, -20_181_417, [-20_181_418], -20_181_423)


def rounds_on_the_map(
    community, items_by_outcome, *, latest: int | None = None, whole: int | None = None
) -> dict[int, list[ReviewRound]]:
    """The review rounds the alignment map shows, newest first, each with `done` and
    `expected` review counts. Each activity in `items_by_outcome` gets `rounds` (those on
    its session through its outcome) and `needs_review` (held, and no round has looked at
    it yet: a gap, shown kindly with the next step); the answer is outcome id → the rounds
    through it on sessions where no activity is aligned to it (the triple's review, listed
    apart; with `latest`, each outcome's `latest` + 1 newest, every one for `whole`).
    Rounds of activities the map leaves out are not read. One query."""
    pairs = {
        (item.session_id, outcome_id)
        for outcome_id, items in items_by_outcome.items()
        for item in items
    }
    session_ids = sorted({session_id for session_id, _ in pairs})
    whole = -1 if whole is None else whole
    if connection.vendor == "postgresql":
        rows = _rounds_rows.run(community.pk, session_ids, whole, any_of=True, latest=latest)
    else:  # SQLite has no arrays: built afresh, with an IN.
        rows = _rounds_query(community.pk, session_ids, whole, any_of=False, latest=latest)
    on_items: dict[tuple[int, int], list[ReviewRound]] = defaultdict(list)
    elsewhere: dict[int, list[ReviewRound]] = defaultdict(list)
    for row in rows:
        round_ = row.reviewround
        round_.done, round_.expected = row.done, row.expected
        if row.elsewhere:
            elsewhere[row.outcome_id].append(round_)
        elif (round_.session_id, row.outcome_id) in pairs:
            on_items[(round_.session_id, row.outcome_id)].append(round_)
    now = timezone.now()
    for outcome_id, items in items_by_outcome.items():
        for item in items:
            item.rounds = on_items.get((item.session_id, outcome_id), [])
            item.needs_review = not item.rounds and item.session.starts_at < now
    return elsewhere


# How far back the alignment map's figure and its "activities that serve no outcome yet"
# look; the map's list of aligned activities shows every one, and says so.
ALIGNMENT_WINDOW = timedelta(days=90)


def unaligned_activities(community, *, limit: int = 20):
    """Recent and upcoming activities aligned to nothing: a gentle question, not an error."""
    since = timezone.now() - ALIGNMENT_WINDOW
    return (
        AgendaItem.objects.filter(
            held_sessions_q("session__"),
            session__community=community,
            session__starts_at__gte=since,
            kind=AgendaItem.Kind.ACTIVITY,
            aligned_outcomes__isnull=True,
        )
        .select_related("session")
        .only("session", "title", "session__title")
        .order_by("session__starts_at")[:limit]
    )


def reviewed_in(since: datetime, until: datetime, outcome_ref: str = "pk") -> Exists:
    """True for outcomes (`outcome_ref`) with a peer review shared in [since, until) in a
    round that looked through them."""
    return Exists(
        PeerReview.objects.submitted().filter(
            round__outcomes=OuterRef(outcome_ref),
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
    )


def aligned_activity_in(since: datetime, until: datetime, outcome_ref: str = "pk") -> Exists:
    """True for outcomes (`outcome_ref`) with an agenda item aligned to them in a session
    held in [since, until): the activity side of alignment coverage, as `reviewed_in` is
    its review side."""
    # The session joined, not asked for through an IN (SessionQuerySet.held_between's
    # rule): PostgreSQL plans the join in a fraction of the time.
    return Exists(
        AgendaItem.objects.filter(
            held_sessions_q("session__"),
            aligned_outcomes=OuterRef(outcome_ref),
            session__starts_at__gte=since,
            session__starts_at__lt=min(until, timezone.now()),
        )
    )


def alignment_coverage(community, since: datetime, until: datetime) -> dict:
    """Share of agreed outcomes with both an aligned activity in a session held in
    [since, until) (`aligned_activity_in`) and a peer review shared in that window
    (`reviewed_in`). One query.

    coverage = outcomes with both ÷ agreed outcomes (0 when none are agreed).
    """
    agreed = Outcome.objects.filter(community=community, status=Outcome.Status.AGREED)
    return coverage_of(with_coverage_marks(agreed, since, until))


def with_coverage_marks(outcomes, since: datetime, until: datetime):
    """`outcomes` with `has_activity` and `has_review` in [since, until), for
    `coverage_of`: the alignment map reads them with the outcomes it lists."""
    return outcomes.annotate(
        has_activity=aligned_activity_in(since, until), has_review=reviewed_in(since, until)
    )


def _agreed_marked_query(community_id: int, since: datetime, until: datetime):
    agreed = Outcome.objects.filter(community_id=community_id, status=Outcome.Status.AGREED)
    return with_coverage_marks(agreed, since, until).only("statement").order_by("statement")


_agreed_marked = Compiled(
    _agreed_marked_query,
    -20_181_226,
    stand_in_moment(0),
    stand_in_moment(1),
)


def agreed_with_coverage_marks(community, since: datetime, until: datetime) -> list[Outcome]:
    """The community's agreed outcomes by statement (their statements only), each with
    `with_coverage_marks` for [since, until), `until` no later than now: the alignment
    map's list and its figure in one query, compiled once (core.compiled)."""
    return _agreed_marked.run(community.pk, since, until)


def coverage_of(outcomes) -> dict:
    """`alignment_coverage`'s counts from agreed outcomes carrying `with_coverage_marks`,
    counted here: each mark is planned once, not once per count that reads it."""
    marks = [(outcome.has_activity, outcome.has_review) for outcome in outcomes]
    counts = {
        "agreed": len(marks),
        "with_activity": sum(1 for activity, _ in marks if activity),
        "with_review": sum(1 for _, review in marks if review),
        "with_both": sum(1 for activity, review in marks if activity and review),
    }
    counts["coverage"] = counts["with_both"] / counts["agreed"] if counts["agreed"] else 0.0
    return counts


# --- a round's phase, who has been heard, and how reviews helped (issue 17) ---------------


def round_phase(round_: ReviewRound, today) -> dict:
    """Where a round stands: sharing work (planned: the facilitator adjusts who reviews
    what) → reviewing (until the due date) → replies (after it, while open) → closed, each
    step with its date and whether it is done, current or to come."""
    from datetime import date as date_type

    if round_.status == ReviewRound.Status.CLOSED:
        current = "closed"
    elif round_.status == ReviewRound.Status.PLANNED:
        current = "sharing"
    elif today <= round_.due_on:
        current = "reviewing"
    else:
        current = "replies"
    order = ["sharing", "reviewing", "replies", "closed"]
    started = round_.opened_at.date() if round_.opened_at else None
    closed = round_.closed_at.date() if round_.closed_at else None
    dates: dict[str, date_type | None] = {
        "sharing": round_.created_at.date(),
        "reviewing": started,
        "replies": round_.due_on,
        "closed": closed,
    }
    labels = {
        "sharing": pgettext("review round phase", "Sharing work"),
        "reviewing": pgettext("review round phase", "Reviewing"),
        "replies": pgettext("review round phase", "Replies"),
        "closed": pgettext("review round phase", "Closed"),
    }
    at = order.index(current)
    steps = [
        {
            "key": key,
            "label": labels[key],
            "date": dates[key],
            "state": "done" if index < at else ("current" if index == at else "next"),
        }
        for index, key in enumerate(order)
    ]
    return {"current": current, "label": labels[current], "steps": steps}


def round_heard(round_: ReviewRound) -> dict:
    """How many of the round's pieces of work have all their reviews: every review still
    to come is in (nothing waits on anyone not replaced) and at least one is shared, or
    its round asked for N and N are shared. One query."""
    rows = (
        round_.session.shared_work.annotate(
            shared=Count("reviews", filter=Q(reviews__round=round_, reviews__status="submitted")),
            waiting=Count(
                "reviews",
                filter=Q(
                    reviews__round=round_,
                    reviews__status__in=[PeerReview.Status.ALLOCATED, PeerReview.Status.DRAFT],
                    reviews__reassigned_at=None,
                ),
            ),
        )
        .values_list("shared", "waiting")
        .order_by()
    )
    total = heard = 0
    for shared, waiting in rows:
        total += 1
        if shared >= round_.reviewers_per_work or (shared and not waiting):
            heard += 1
    return {"heard": heard, "total": total}


def helpful_share(community, since: datetime | None = None, until: datetime | None = None):
    """The community's share of shared reviews their authors marked helpful, for the
    dashboards: a figure about the community only (never per person), and None below the
    privacy floor of 5 reviews. One query.

    share = reviews marked helpful ÷ reviews shared (in [since, until) by submitted_at)."""
    from core.privacy import THRESHOLD

    reviews = PeerReview.objects.submitted().filter(round__community=community)
    if since is not None:
        reviews = reviews.filter(submitted_at__gte=since)
    if until is not None:
        reviews = reviews.filter(submitted_at__lt=until)
    counts = reviews.aggregate(
        shared=Count("pk"), helpful=Count("pk", filter=Q(helpful_at__isnull=False))
    )
    if counts["shared"] < THRESHOLD:
        return None
    return counts["helpful"] / counts["shared"]


def new_to_outcomes(round_: ReviewRound, user) -> bool:
    """Whether `user` has never shared a review in another round that looked through one of
    this round's outcomes: who a round's calibration example is offered to. One query."""
    return not (
        PeerReview.objects.submitted()
        .filter(reviewer=user, round__outcomes__in=round_.outcomes.all())
        .exclude(round=round_)
        .exists()
    )
