"""Figures over closed months stored per community (impact.figures.windows): read from
their rows they are exactly the figures computed from scratch, on random data; a write
that touches a closed month of a community forgets its rows at once (the next figures
show the write), one in the month still running forgets nothing; the nightly task
stores every live community's preset windows and drops the rest; and no community's
rows are read for another."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import CheckIn, JourneyStep, Membership
from communities.services import quiet_spells_refresh
from impact import figures
from impact.figures.windows import people_stored
from impact.models import StoredFigures
from impact.periods import PRESETS, Period
from impact.tasks import store_window_figures
from outcomes.models import ConfidenceRating, Outcome
from reflections.models import Reflection, Response
from reviews.models import PeerReview
from sessions.models import RSVP, Attendance, PulseAnswer, Session
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
)
from tests.factories.communities import MentoringPairFactory
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 3, 15, 12, tzinfo=UTC)
M, F = Membership.Role.MEMBER, Membership.Role.FACILITATOR
LEVELS = [Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE]
PERIODS = [
    *(Period.last(days, NOW.date()) for days in PRESETS.values()),
    Period(dt.date(2025, 11, 20), dt.date(2026, 2, 10)),
    Period(dt.date(2026, 3, 1), dt.date(2026, 3, 15)),  # no whole month yet
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def moment(rng: random.Random) -> dt.datetime:
    """Any time in the 26 months before now."""
    return NOW - dt.timedelta(seconds=rng.randrange(26 * 30 * 86400))


def busy(rng: random.Random, people: int = 14):
    """A community with members of every kind (roles, levels, left, joined late) and
    random history of every kind the figures read."""
    community = CommunityFactory()
    members = []
    for _ in range(people):
        membership = MembershipFactory(
            community=community,
            role=rng.choice([M, M, M, F]),
            level=rng.choice(LEVELS),
            status=rng.choice([Membership.Status.ACTIVE] * 5 + [Membership.Status.LEFT]),
            joined_at=moment(rng),
        )
        members.append(membership)
        for _ in range(rng.randrange(3)):
            JourneyStep.objects.create(
                membership=membership,
                from_level=rng.choice(LEVELS),
                to_level=rng.choice(LEVELS),
                created_at=moment(rng),
            )
    users = [m.user for m in members]
    outcomes = [
        OutcomeFactory(
            community=community, status=rng.choice([Outcome.Status.AGREED] * 3 + ["proposed"])
        )
        for _ in range(3)
    ]
    for _ in range(30):
        session = SessionFactory(
            community=community,
            starts_at=moment(rng),
            status=rng.choice([Session.Status.COMPLETED, Session.Status.SCHEDULED, "cancelled"]),
        )
        came = rng.sample(users, rng.randrange(len(users)))
        for user in came:
            Attendance.objects.create(session=session, user=user)
        for user in rng.sample(users, rng.randrange(len(users))):
            RSVP.objects.create(
                session=session, user=user, response=rng.choice(["going", "maybe", "no"])
            )
        for index, _user in enumerate(came[: rng.randrange(8)]):
            PulseAnswer.objects.create(
                session=session, respondent=f"r{index}", face=rng.randrange(1, 5)
            )
    for _ in range(120):
        ReflectionFactory(
            community=community,
            author=rng.choice(users),
            visibility=rng.choice(list(Reflection.Visibility)),
            loop_level=rng.choice([*Reflection.Loop, ""]),
            created_at=moment(rng),
        )
    answered = list(Reflection.objects.filter(community=community))
    for _ in range(25):
        Response.objects.create(
            community=community,
            reflection=rng.choice(answered),
            author=rng.choice(users),
            body="Yes, and…",
            created_at=moment(rng),
        )
    sessions = list(Session.objects.filter(community=community))
    for _ in range(4):
        when = moment(rng)
        round_ = review_round(
            rng.choice(sessions),
            rng.sample(outcomes, rng.randrange(1, 3)),
            due_on=when.date(),
        )
        for _ in range(6):
            author, reviewer = rng.sample(users, 2)
            work = shared_work(round_.session, author, created_at=moment(rng))
            submitted = rng.random() < 0.8
            peer_review(
                round_,
                work,
                reviewer,
                status=PeerReview.Status.SUBMITTED if submitted else PeerReview.Status.ALLOCATED,
                submitted_at=moment(rng) if submitted else None,
                stage=rng.choice(["", "emerging", "developing", "confident", "extending"]),
                helpful_at=moment(rng) if rng.random() < 0.5 else None,
            )
    for _ in range(40):
        ConfidenceRating.objects.create(
            outcome=rng.choice(outcomes),
            user=rng.choice(users),
            rating=rng.randrange(1, 6),
            created_at=moment(rng),
        )
    chosen = rng.sample(users, 2 * min(4, len(users) // 2))  # one buddy at a time
    for mentor, newcomer in zip(chosen[::2], chosen[1::2], strict=True):
        start = moment(rng)
        MentoringPairFactory(
            community=community,
            mentor=mentor,
            newcomer=newcomer,
            started_at=start,
            ended_at=start + dt.timedelta(days=60) if rng.random() < 0.5 else None,
        )
    for membership in rng.sample(members, 6):
        sent = moment(rng)
        CheckIn.objects.create(
            membership=membership,
            spell_started_at=sent,
            sent_at=sent,
            came_back_at=sent + dt.timedelta(days=9) if rng.random() < 0.5 else None,
        )
    return community


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_figures_are_the_figures_computed_from_scratch(seed):
    rng = random.Random(seed)
    communities = [busy(rng), busy(rng, people=6)]
    ids = [c.pk for c in communities]

    for period in PERIODS:
        for community in communities:
            direct = figures.community_figures(community, period, stored=False)
            first = figures.community_figures(community, period)  # computes and stores
            again = figures.community_figures(community, period)  # reads the rows
            assert first == direct
            assert again == direct
        direct = figures.portfolio_figures(ids, period, stored=False)
        assert figures.portfolio_figures(ids, period) == direct
        assert figures.portfolio_figures(ids, period) == direct
    assert StoredFigures.objects.exists()


def test_the_stored_rows_are_read_in_one_query(django_assert_num_queries):
    community = busy(random.Random(4))
    period = PERIODS[2]
    window, before = figures.windows_for(period)
    people_stored([community.pk], [window, before])

    with django_assert_num_queries(1):
        people_stored([community.pk], [window, before])


def stored_count(community) -> int:
    return StoredFigures.objects.filter(community=community).count()


def stored_and_direct(community, period=PERIODS[2]):
    return (
        figures.community_figures(community, period),
        figures.community_figures(community, period, stored=False),
    )


WRITES = {
    "reflection": lambda c, m: ReflectionFactory(
        community=c,
        author=m.user,
        visibility="community",
        created_at=dt.datetime(2026, 1, 5, tzinfo=UTC),
    ),
    "attendance": lambda c, m: Attendance.objects.create(
        session=SessionFactory(
            community=c, starts_at=dt.datetime(2026, 1, 5, tzinfo=UTC), status="completed"
        ),
        user=m.user,
    ),
    "membership left": lambda c, m: (
        setattr(m, "status", Membership.Status.LEFT),
        m.save(),
    ),
    "journey step": lambda c, m: JourneyStep.objects.create(
        membership=m,
        from_level="peripheral",
        to_level="active",
        created_at=dt.datetime(2026, 2, 2, tzinfo=UTC),
    ),
    "deleted reflection": lambda c, m: (
        Reflection.objects.filter(community=c, created_at__lt=dt.datetime(2026, 3, 1, tzinfo=UTC))
        .first()
        .delete()
    ),
    "outcome renamed": lambda c, m: (
        (o := Outcome.objects.filter(community=c).first()),
        setattr(o, "statement", "We want to be able to listen."),
        o.save(),
    ),
}


# Wholly in ended months, it and its previous period: the portfolio keeps their counts
# resting on people (impact.figures.headlines), and the writes below fall inside it.
ENDED = PERIODS[3]


def portfolio_stored_and_direct(community, period=ENDED):
    return (
        figures.portfolio_figures([community.pk], period),
        figures.portfolio_figures([community.pk], period, stored=False),
    )


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_in_a_closed_month_shows_at_once(write):
    community = busy(random.Random(5))
    other = busy(random.Random(6), people=6)
    membership = Membership.objects.filter(community=community, status="active").first()
    stored_and_direct(community)
    stored_and_direct(community, ENDED)
    portfolio_stored_and_direct(community)
    stored_and_direct(other)
    kept = stored_count(other)

    WRITES[write](community, membership)

    assert stored_count(community) == 0
    assert stored_count(other) == kept  # another community's rows stay
    stored, direct = stored_and_direct(community)
    assert stored == direct
    stored, direct = stored_and_direct(community, ENDED)
    assert stored == direct
    stored, direct = portfolio_stored_and_direct(community)
    assert stored == direct


def per_person_statements(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return sum("COUNT(t.person)" in query["sql"] for query in queries.captured_queries)


def test_the_counts_of_a_period_in_ended_months_are_kept_and_read():
    community = busy(random.Random(10))
    ids = [community.pk]

    assert per_person_statements(lambda: figures.portfolio_figures(ids, ENDED)) == 1
    assert StoredFigures.objects.filter(community=community, kind="counts").count() == 2
    # Both periods kept: no count is computed again. A period still running is.
    assert per_person_statements(lambda: figures.portfolio_figures(ids, ENDED)) == 0
    assert per_person_statements(lambda: figures.portfolio_figures(ids, PERIODS[2])) == 1
    assert per_person_statements(lambda: figures.portfolio_figures(ids, PERIODS[2])) == 1
    assert not StoredFigures.objects.filter(kind="counts", end=PERIODS[2].end).exists()
    # The community dashboard reads the same kept counts.
    assert per_person_statements(lambda: figures.community_figures(community, ENDED)) == 0


# Still running, begun in an ended month: the counts of its days in ended months are kept.
RUNNING = PERIODS[2]


def few_voices(before: list, now: list):
    """A community of 12 active members whose shared reflections come from the members
    numbered `before` (in February) and `now` (this month): each part of a running
    period rests on 1–4 people."""
    community = CommunityFactory()
    users = [
        MembershipFactory(community=community, joined_at=NOW - dt.timedelta(days=400)).user
        for _ in range(12)
    ]
    for number in before:
        ReflectionFactory(
            community=community,
            author=users[number],
            visibility="community",
            created_at=dt.datetime(2026, 2, 3, tzinfo=UTC),
        )
    for number in now:
        ReflectionFactory(
            community=community,
            author=users[number],
            visibility="community",
            created_at=NOW - dt.timedelta(days=2),
        )
    return community


def test_a_running_period_keeps_the_counts_of_its_days_in_ended_months():
    community = few_voices(before=[0, 1, 2, 3, 4, 5], now=[6, 7, 8])
    ids = [community.pk]

    with CaptureQueriesContext(connection) as first:
        figures.portfolio_figures(ids, RUNNING)
    assert StoredFigures.objects.filter(community=community, kind="head").count() == 1
    with CaptureQueriesContext(connection) as again:
        stored = figures.portfolio_figures(ids, RUNNING)

    # Counted again: this month's days only (the period's first day is not asked again).
    statements = [q["sql"] for q in again.captured_queries if "COUNT(t.person)" in q["sql"]]
    assert len(statements) == 1
    assert RUNNING.start.isoformat() not in statements[0]
    assert any(RUNNING.start.isoformat() in q["sql"] for q in first.captured_queries)
    assert stored == figures.portfolio_figures(ids, RUNNING, stored=False)
    # The community dashboard reads the same kept counts.
    assert per_person_statements(lambda: figures.community_figures(community, RUNNING)) == 1


def month_statements(call) -> list[str]:
    """The statements of the dashboard's sessions and shared reflections by month."""
    with CaptureQueriesContext(connection) as queries:
        call()
    return [
        q["sql"]
        for q in queries.captured_queries
        if ' AS "held"' in q["sql"] or ('"loop_level", COUNT(' in q["sql"])
    ]


def test_a_running_period_keeps_its_ended_months_sessions_and_reflections():
    community = busy(random.Random(15))

    first = month_statements(lambda: figures.community_figures(community, RUNNING))
    assert StoredFigures.objects.filter(community=community, kind="series").count() == 1
    again = month_statements(lambda: figures.community_figures(community, RUNNING))

    # Both month-by-month charts asked again for this month's days only.
    assert len(first) == len(again) == 2
    assert all(RUNNING.start.isoformat() in sql for sql in first)
    assert not any(RUNNING.start.isoformat() in sql for sql in again)
    stored, direct = stored_and_direct(community, RUNNING)
    assert stored == direct
    assert stored.sessions == direct.sessions and stored.loops == direct.loops


@pytest.mark.parametrize(
    ("before", "now", "shown"),
    [([0, 1, 2], [3, 4], True), ([0, 1, 2], [0, 1], False), ([0, 1, 2, 3], [], False)],
)
def test_who_the_people_are_decides_when_both_parts_rest_on_few(before, now, shown):
    community = few_voices(before, now)
    ids = [community.pk]
    figures.portfolio_figures(ids, RUNNING)  # keeps its days in ended months

    stored = figures.portfolio_figures(ids, RUNNING)

    assert stored == figures.portfolio_figures(ids, RUNNING, stored=False)
    shared = stored.rows[community.pk].now.loops.shared
    assert shared == (len(before) + len(now) if shown else None)
    # Both parts on 1–4 people: the period is counted whole, one statement more.
    both_few = bool(before) and bool(now)
    assert per_person_statements(lambda: figures.portfolio_figures(ids, RUNNING)) == (
        2 if both_few else 1
    )


def test_a_member_who_joined_this_month_counts_in_the_ended_months_too():
    community = CommunityFactory()
    session = SessionFactory(
        community=community, starts_at=dt.datetime(2026, 2, 10, tzinfo=UTC), status="completed"
    )
    for days in [400] * 5 + [3]:  # the last joined this month, after the session
        user = MembershipFactory(community=community, joined_at=NOW - dt.timedelta(days=days)).user
        Attendance.objects.create(session=session, user=user)
    ids = [community.pk]
    figures.portfolio_figures(ids, RUNNING)

    stored = figures.portfolio_figures(ids, RUNNING)

    assert stored == figures.portfolio_figures(ids, RUNNING, stored=False)
    assert stored.rows[community.pk].now.sessions.attendances == 6


def test_the_kept_days_of_an_earlier_month_are_counted_again():
    community = busy(random.Random(14))
    ids = [community.pk]
    across = Period(dt.date(2026, 1, 10), dt.date(2026, 4, 30))
    figures.portfolio_figures(ids, across)  # keeps January and February
    figures.community_figures(community, across)  # and their months' charts
    with time_machine.travel(dt.datetime(2026, 3, 20, tzinfo=UTC), tick=False):
        # In the month then running: forgets nothing.
        ReflectionFactory(community=community, visibility="community")
        SessionFactory(community=community, starts_at=NOW, status="completed")
    assert {"head", "series"} <= set(
        StoredFigures.objects.filter(community=community).values_list("kind", flat=True)
    )

    with time_machine.travel(dt.datetime(2026, 4, 2, tzinfo=UTC), tick=False):
        stored = figures.portfolio_figures(ids, across)
        assert stored == figures.portfolio_figures(ids, across, stored=False)
        stored, direct = stored_and_direct(community, across)
        assert stored == direct


def test_an_answer_to_a_session_of_an_ended_month_shows_at_once():
    community = busy(random.Random(11))
    session = SessionFactory(
        community=community, starts_at=dt.datetime(2026, 1, 20, tzinfo=UTC), status="completed"
    )
    members = Membership.objects.filter(community=community, status="active")
    portfolio_stored_and_direct(community)

    for membership in members[:6]:
        RSVP.objects.create(session=session, user=membership.user, response="going")

    assert stored_count(community) == 0
    stored, direct = portfolio_stored_and_direct(community)
    assert stored == direct
    assert stored.rows[community.pk].now.sessions == direct.rows[community.pk].now.sessions


def test_an_answer_to_a_session_of_this_month_forgets_nothing():
    community = busy(random.Random(12))
    session = SessionFactory(community=community, starts_at=NOW + dt.timedelta(days=3))
    member = Membership.objects.filter(community=community, status="active").first().user
    portfolio_stored_and_direct(community)
    kept = stored_count(community)

    RSVP.objects.create(session=session, user=member, response="going")

    assert stored_count(community) == kept


def test_a_write_in_the_month_still_running_forgets_nothing():
    community = busy(random.Random(7))
    stored_and_direct(community)
    kept = stored_count(community)
    author = Membership.objects.filter(community=community).first().user

    ReflectionFactory(community=community, author=author, visibility="community", created_at=NOW)

    assert stored_count(community) == kept
    stored, direct = stored_and_direct(community)
    assert stored == direct


def test_members_who_come_back_after_a_check_in_show_at_once():
    """Check-ins are answered by a bulk update (`quiet_spells_refresh`), which sends no save
    signal: the service says so itself (core.plugins.rows_changed)."""
    community = busy(random.Random(8))
    membership = Membership.objects.filter(community=community, status="active").first()
    spell = dt.datetime(2026, 1, 10, tzinfo=UTC)
    Membership.objects.filter(pk=membership.pk).update(quiet_since=spell)
    CheckIn.objects.create(membership=membership, spell_started_at=spell, sent_at=spell)
    stored_and_direct(community)

    class Review:
        quiet: list[int] = []
        seen = [membership.pk]

    quiet_spells_refresh(community=community, review=Review, now=NOW)

    assert stored_count(community) == 0
    stored, direct = stored_and_direct(community)
    assert stored == direct


def test_the_nightly_task_stores_every_live_community_and_drops_the_rest():
    live, archived = busy(random.Random(9), people=6), CommunityFactory(archived=True)
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        figures.community_figures(live, PERIODS[3])  # a custom period's rows, earlier
    # Two windows' figures about people and one's charts; the counts of the period and of
    # its previous one, both in ended months.
    assert stored_count(live) == 3 + 2

    assert store_window_figures() >= 1

    windows = set()
    for days in PRESETS.values():
        window, before = figures.windows_for(Period.last(days))
        windows |= {("people", window), ("people", before), ("months", window)}
        if (previous := Period.last(days).previous()).in_closed_months():
            windows.add(("counts", previous))
        if Period.last(days).split() is not None:
            windows |= {("head", Period.last(days)), ("series", Period.last(days))}
    rows = {
        (kind, Period(start, end))
        for kind, start, end in StoredFigures.objects.filter(community=live).values_list(
            "kind", "start", "end"
        )
    }
    assert rows == windows
    assert stored_count(archived) == 0
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        for period in PERIODS[:3]:
            stored, direct = stored_and_direct(live, period)
            assert stored == direct
    assert stored_count(live) == len(windows)  # every preset's figures were there
