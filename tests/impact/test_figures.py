"""Every figure on a small hand-built dataset, with exact expected values."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
import time_machine

from communities.models import JourneyStep, Membership
from core import privacy
from impact import figures
from impact.periods import Period
from reflections.models import Reflection, Response
from sessions.models import RSVP, AgendaItem, Attendance, Session
from tests.factories import (
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
    SharedWorkFactory,
)
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
UTC = dt.UTC
FEB = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
FEB_5 = dt.datetime(2026, 2, 5, tzinfo=UTC)
M, F = Membership.Role.MEMBER, Membership.Role.FACILITATOR
P, A, C = Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 3, 15, 12), tick=False):
        yield


@pytest.fixture
def world(riverside, bob, hillside):
    """Riverside (the cast's) with six members (built here) and its facilitator bob;
    sessions and reflections either side of 1 Feb; and some in Hillside, elsewhere."""
    community = riverside
    joined = at(2025, 12, 1)
    members = [
        MembershipFactory(community=community, role=M, joined_at=joined).user for _ in range(6)
    ]
    Membership.objects.filter(community=community, user=bob).update(joined_at=joined)
    facilitator = bob
    MembershipFactory(community=community, status=Membership.Status.LEFT, joined_at=joined)
    done, scheduled = Session.Status.COMPLETED, Session.Status.SCHEDULED

    def session(when, status=done):
        return SessionFactory(community=community, starts_at=when, status=status)

    s1 = session(at(2026, 1, 31, 23))  # previous period
    s2 = session(at(2026, 2, 1, 0))  # first instant of the period
    s3 = session(at(2026, 2, 10, 18), scheduled)  # past and scheduled: held
    s4 = session(at(2026, 2, 20, 18), Session.Status.CANCELLED)
    session(at(2026, 2, 25, 18), Session.Status.DRAFT)
    elsewhere = SessionFactory(community=hillside, starts_at=at(2026, 2, 12), status=done)
    m1, m2, m3, m4, m5, m6 = members
    for person in (m1, m2, m3, m4, m5):
        RSVP.objects.create(session=s2, user=person, response=RSVP.Response.GOING)
    RSVP.objects.create(session=s2, user=m6, response=RSVP.Response.NOT_GOING)
    for person in (m1, m2, m3, m4, facilitator):
        RSVP.objects.create(session=s3, user=person, response=RSVP.Response.GOING)
    RSVP.objects.create(session=s3, user=m5, response=RSVP.Response.MAYBE)
    RSVP.objects.create(session=s4, user=m6, response=RSVP.Response.GOING)
    for person in (m1, m2, m3, m4, m5):
        Attendance.objects.create(session=s2, user=person)
    for person in (m1, m2, m3, m4, m5, facilitator):
        Attendance.objects.create(session=s3, user=person)
    for person in members:
        Attendance.objects.create(session=s1, user=person)
    Attendance.objects.create(session=elsewhere, user=m1)

    def reflect(author, loop, visibility=Reflection.Visibility.COMMUNITY, when=FEB_5):
        ReflectionFactory(
            community=community,
            author=author,
            loop_level=loop,
            visibility=visibility,
            created_at=when,
        )

    for person in (m1, m2, m3, m4, m5):
        reflect(person, Reflection.Loop.SINGLE)
    for person in (m1, m2):
        reflect(person, Reflection.Loop.DOUBLE, Reflection.Visibility.FACILITATORS)
    for person in (m3, m4, m5, m6, facilitator):
        reflect(person, Reflection.Loop.TRIPLE, Reflection.Visibility.PRIVATE)
    reflect(m6, Reflection.Loop.SINGLE, when=at(2026, 1, 31, 23, 59))
    ReflectionFactory(community=hillside, author=m1, loop_level="single", created_at=FEB_5)
    return {"community": community, "members": members, "facilitator": facilitator,
            "sessions": (s1, s2, s3, s4)}  # fmt: skip


def test_period_previous_is_the_same_length_just_before():
    assert FEB.previous() == Period(dt.date(2026, 1, 4), dt.date(2026, 1, 31))
    assert (FEB.days, FEB.previous().days) == (28, 28)
    assert FEB.months() == [dt.date(2026, 2, 1)]


def test_sessions_figures_in_the_period(world):
    now = figures.community_figures(world["community"], FEB).now
    result, people = now.sessions, now.people

    assert (result.held, result.members) == (2, 7)
    assert (result.rsvps, result.attendances) == (11, 11)
    assert (people.attendees, people.returning) == (6, 5)
    assert result.rsvp_rate.value == pytest.approx(11 / 14)
    assert result.attendance_rate.value == pytest.approx(11 / 14)
    assert people.returning_share.value == pytest.approx(5 / 6)


def test_sessions_figures_previous_period_stop_at_the_boundary(world):
    shown = figures.community_figures(world["community"], FEB)
    # The previous period's days, and the whole months before FEB's for its people.
    result, people = shown.before.sessions, shown.before.people

    assert (shown.previous, shown.before.window) == (FEB.previous(), FEB.previous_months())
    assert (result.held, result.rsvps, result.attendances) == (1, 0, 6)
    assert (people.attendees, people.returning) == (6, 0)
    assert result.attendance_rate.value == pytest.approx(6 / 7)


def test_sessions_figures_hide_attendance_of_fewer_than_five_people(riverside):
    community = riverside
    people = [
        MembershipFactory(community=community, joined_at=at(2026, 1, 1)).user for _ in range(3)
    ]
    session = SessionFactory(community=community, starts_at=at(2026, 2, 3))
    for person in people:
        Attendance.objects.create(session=session, user=person)

    now = figures.community_figures(community, FEB).now
    result, people = now.sessions, now.people

    assert (result.held, result.attendances, people.attendees) == (1, None, None)
    assert result.attendance_rate.hidden
    assert str(result.attendance_rate) == "fewer than 5"


def test_sessions_by_month_counts_held_sessions_and_attendance(world):
    months = figures.sessions_by_month(world["community"], FEB)

    assert months == [figures.SessionMonth(dt.date(2026, 2, 1), 2, 11)]


def test_reflections_by_loop_counts_shared_only_and_hides_small_groups(world):
    months = figures.reflections_by_loop(world["community"], FEB)

    # 5 single (5 authors) shared with the community; 2 facilitator-only double and 5
    # private triple: never counted, so they cannot be found by subtraction either.
    assert months == [
        figures.LoopMonth(dt.date(2026, 2, 1), {"single": 5, "double": 0, "triple": 0, "": 0})
    ]


def test_reflections_by_loop_hides_a_cell_by_fewer_than_five_authors(world):
    for person in world["members"][:2]:
        ReflectionFactory(
            community=world["community"],
            author=person,
            loop_level=Reflection.Loop.DOUBLE,
            visibility=Reflection.Visibility.COMMUNITY,
            created_at=FEB_5,
        )

    months = figures.reflections_by_loop(world["community"], FEB)

    assert months[0].counts == {"single": 5, "double": None, "triple": 0, "": 0}


def test_loop_depth_across_the_boundary(world):
    shown = figures.community_figures(world["community"], FEB)
    now, before = shown.now.loops, shown.before.loops

    assert (now.shared, now.deeper, now.deeper_share.value) == (5, 0, 0.0)
    assert (before.shared, before.deeper) == (None, 0)  # one reflection by one person


def test_participation_equity_exact_gini_and_top_share(world):
    equity = figures.community_figures(world["community"], FEB).now.equity

    # Totals (attendance + reflections shared with the community): m1–m5 3 each,
    # facilitator 1, m6 0. Sorted 0, 1, 3, 3, 3, 3, 3: Σ i·x = 77, so
    # G = 2·77 ÷ (7·16) − 8 ÷ 7 = 13/56; the top 10 % is one person with 3 of 16.
    assert equity.frequencies == {3: 5, 1: 1, 0: 1}
    assert (equity.people, equity.contributions, equity.top_people) == (7, 16, 1)
    assert equity.gini == pytest.approx(13 / 56)
    assert equity.top_share.value == pytest.approx(3 / 16)
    assert equity.reading.startswith("Contributions are spread fairly evenly")


def test_gini_from_frequencies_skewed_and_rounding_up_the_top_ten_percent():
    equity = figures.gini_from_frequencies({0: 2, 1: 1, 2: 1, 7: 1})
    many = figures.gini_from_frequencies({1: 18, 10: 2})

    assert equity.gini == pytest.approx(0.64)
    assert (equity.top_people, equity.top_share.value) == (1, pytest.approx(0.7))
    assert equity.reading == "A few voices carry most of the conversation."
    assert many.top_people == 2
    assert many.top_share.value == pytest.approx(20 / 38)
    assert many.gini == pytest.approx(
        float(Fraction(2 * (171 + 10 * 39), 20 * 38) - Fraction(21, 20))
    )


def test_gini_all_equal_and_nobody_contributing():
    assert figures.gini_from_frequencies({3: 6}).gini == pytest.approx(0)
    idle = figures.gini_from_frequencies({0: 6})
    assert (idle.gini, str(idle.top_share)) == (0.0, "–")
    assert idle.reading == "No contributions were recorded in this period yet."


def test_participation_equity_suppressed_below_five_people(riverside):
    community = riverside
    for _ in range(4):
        MembershipFactory(community=community, joined_at=at(2025, 1, 1))

    equity = figures.community_figures(community, FEB).now.equity

    assert (equity.suppressed, equity.gini, str(equity.top_share)) == (True, None, "–")


def test_alignment_coverage_counts_agreed_outcomes_with_an_activity_and_a_review(world):
    community = world["community"]
    s1, s2, _s3, s4 = world["sessions"]
    m1, m2, m3, *_ = world["members"]
    held_now, cancelled, proposed, held_before = (
        OutcomeFactory(community=community),
        OutcomeFactory(community=community),
        OutcomeFactory(community=community, status="proposed"),
        OutcomeFactory(community=community),
    )
    for session, outcome in ((s2, held_now), (s4, cancelled), (s2, proposed), (s1, held_before)):
        AgendaItem.objects.create(session=session, title="Mapping").aligned_outcomes.add(outcome)
    feb_round = review_round(s2, [held_now, cancelled])
    peer_review(feb_round, shared_work(s2, m1), m2, "submitted", submitted_at=FEB_5)
    jan_round = review_round(s1, [held_before])
    peer_review(jan_round, shared_work(s1, m1), m2, "submitted", submitted_at=at(2026, 1, 20))
    peer_review(jan_round, shared_work(s1, m2), m3, "draft", updated_at=FEB_5)

    shown = figures.community_figures(community, FEB)
    now, before = shown.now.coverage, shown.before.coverage

    assert (now.agreed, now.with_activity, now.with_review, now.covered) == (3, 1, 2, 1)
    shares = (now.activity_share.value, now.review_share.value, now.share.value)
    assert shares == pytest.approx((1 / 3, 2 / 3, 1 / 3))
    assert (before.agreed, before.with_activity, before.with_review, before.covered) == (3, 1, 1, 1)


def step(membership, from_level, to_level, when):
    JourneyStep.objects.create(
        membership=membership, from_level=from_level, to_level=to_level, created_at=when
    )


@pytest.fixture
def journeys(riverside, bob):
    """Riverside's members (built here) moving through the levels; bob, its facilitator,
    steps too, and is left out of the figures."""
    community = riverside
    group = [
        MembershipFactory(community=community, joined_at=at(2025, 12, 5), level=P) for _ in range(7)
    ]
    for membership in group[:5]:
        membership.level = A
        membership.save()
        step(membership, P, A, at(2026, 1, 20))
    MembershipFactory(community=community, joined_at=at(2026, 2, 3), level=P)
    climber = MembershipFactory(community=community, joined_at=at(2025, 12, 1), level=C)
    step(climber, P, A, at(2025, 12, 20))
    step(climber, A, C, at(2026, 2, 10))
    facilitator = bob.memberships.get(community=community)
    facilitator.joined_at, facilitator.level = at(2025, 12, 1), C
    facilitator.save()
    step(facilitator, A, C, at(2026, 2, 11))
    return community


def test_members_by_level_reconstructs_history_and_hides_small_groups(journeys):
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))

    jan, feb = figures.members_by_level(journeys, period)

    # January: 7 peripheral and 1 active at the start; 5 step to active.
    assert jan.month == dt.date(2026, 1, 1)
    assert jan.counts == {P: None, A: 6, C: None}  # 2 hidden, and 0 core with it
    assert jan.moved_in == {P: 0, A: 5, C: 0}
    assert jan.held == {P: None, A: None, C: 0}
    assert jan.moved_out == {P: 5, A: 0, C: 0}
    # February: one joins at peripheral, one steps active → core (the facilitator's
    # own step is left out).
    assert feb.counts == {P: None, A: 5, C: None}
    assert feb.moved_in == {P: None, A: 0, C: None}
    assert feb.held == {P: None, A: 5, C: 0}
    assert feb.moved_out == {P: 0, A: None, C: 0}


def test_movement_counts_celebrations_of_members_only(journeys):
    both = Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28))

    moves = figures.community_figures(journeys, both).now.moves
    feb = figures.community_figures(journeys, FEB).now.moves

    assert (moves.inward, moves.outward) == (6, 0)
    assert (feb.inward, feb.outward) == (None, 0)  # one person: hidden


def test_members_now_hides_levels_and_a_second_cell(journeys):
    result = figures.members_now([journeys.pk])[journeys.pk]

    # 2 peripheral + the newcomer = 3, 5 active, 1 core (the facilitator left out).
    assert result == {"levels": {P: None, A: 5, C: None}, "total": 9}


def test_protect_row_hides_one_more_cell_when_only_one_is_small():
    assert privacy.protect_row({"a": 10, "b": 3, "c": 7}) == ({"a": 10, "b": None, "c": None}, 20)
    assert privacy.protect_row({"a": 2, "b": 1}) == ({"a": None, "b": None}, None)
    assert privacy.protect_row({"a": 6, "b": 0}) == ({"a": 6, "b": 0}, 6)


def test_what_changed_reads_the_difference_in_words(world):
    shown = figures.community_figures(world["community"], FEB)
    lines = figures.what_changed(shown.now, shown.before)

    assert list(shown.changes) == lines

    assert lines[0] == "2 sessions were held, 1 more than before."
    assert lines[1] == "Attendance fell by 7 percentage points to 79 %."


def test_what_changed_with_nothing_happening(riverside):
    community = riverside
    now = figures.community_figures(community, FEB).now

    assert figures.what_changed(now, now) == ["Not much changed from the previous period."]


def test_participation_equity_counts_responses_as_contributions(world):
    community = world["community"]
    m1, *_, m6 = world["members"]
    shared = Reflection.objects.filter(community=community, author=m1, visibility="community").get()
    private = Reflection.objects.filter(community=community, visibility="private").first()
    work = SharedWorkFactory(session=world["sessions"][1], author=m1, created_at=at(2026, 1, 20))

    def respond(when=FEB_5, **fields):
        Response.objects.create(
            community=community, author=m6, body="Yes, and…", created_at=when, **fields
        )

    respond(reflection=shared)
    respond(work=work)
    # Not counted: hidden by a facilitator, to a private reflection, outside the period.
    respond(reflection=shared, hidden_at=FEB_5)
    respond(reflection=private)
    respond(reflection=shared, when=at(2026, 3, 2))

    equity = figures.community_figures(community, FEB).now.equity

    # As in the exact test above, with m6's two responses: 0 → 2.
    assert equity.frequencies == {3: 5, 1: 1, 2: 1}
    assert (equity.people, equity.contributions) == (7, 18)
