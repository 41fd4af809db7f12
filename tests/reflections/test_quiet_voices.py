"""Quiet voices: people who come but have shared nothing in their last three sessions,
shown to facilitators only, on the community and session pages, in bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reflections.models import Response
from reflections.voices import _quiet_rows, _users, quiet_voices
from tests.factories import (
    AttendanceFactory,
    MembershipFactory,
    PeerReviewFactory,
    ReflectionFactory,
    RSVPFactory,
    SessionFactory,
    SharedWorkFactory,
)

pytestmark = pytest.mark.django_db


def past_sessions(community, n=3):
    now = timezone.now()
    return [
        SessionFactory(
            community=community, starts_at=now - timedelta(days=7 * (n - i)), status="completed"
        )
        for i in range(n)
    ]


def came_to(sessions, user):
    for session in sessions:
        AttendanceFactory(session=session, user=user)


@pytest.fixture
def held(riverside):
    return past_sessions(riverside)


def test_who_comes_and_shares_nothing_is_a_quiet_voice(riverside, held, alice, bob):
    quiet = MembershipFactory(community=riverside).user
    came_to(held, quiet)
    came_to(held, alice)
    ReflectionFactory(community=riverside, author=alice)
    twice = MembershipFactory(community=riverside).user
    came_to(held[1:], twice)  # not yet three sessions
    came_to(held, bob)  # a facilitator: not counted

    assert quiet_voices(riverside) == [quiet]


@pytest.mark.parametrize("kind", ["reflection", "response", "work", "review"])
def test_any_kind_of_sharing_since_the_first_of_the_last_three_counts(riverside, held, kind):
    person = MembershipFactory(community=riverside).user
    came_to(held, person)
    if kind == "reflection":
        ReflectionFactory(community=riverside, author=person)
    elif kind == "response":
        Response.objects.create(
            community=riverside,
            author=person,
            body="Yes, and",
            reflection=ReflectionFactory(community=riverside),
        )
    elif kind == "work":
        SharedWorkFactory(session=held[-1], author=person)
    else:
        PeerReviewFactory(round__session=held[-1], reviewer=person, status="submitted")

    assert quiet_voices(riverside) == []


def test_sharing_before_the_last_three_sessions_does_not_count(riverside, held):
    person = MembershipFactory(community=riverside).user
    came_to(held, person)
    old = ReflectionFactory(community=riverside, author=person)
    old.created_at = held[0].starts_at - timedelta(days=1)
    old.save()
    private = ReflectionFactory(community=riverside, author=person, visibility="private")

    assert private and quiet_voices(riverside) == [person]


def test_someone_who_stopped_coming_long_ago_is_not_listed(riverside):
    person = MembershipFactory(community=riverside).user
    for session in past_sessions(riverside):
        session.starts_at -= timedelta(days=200)
        session.save()
        AttendanceFactory(session=session, user=person)

    assert quiet_voices(riverside) == []


def quiet_person(riverside, held):
    person = MembershipFactory(community=riverside).user
    came_to(held, person)
    return person


@pytest.mark.parametrize("viewer", ["bob", "carol"])
def test_facilitators_see_the_panel_on_the_community_and_session_pages(
    client_as, riverside, held, viewer
):
    person = quiet_person(riverside, held)
    upcoming = SessionFactory(community=riverside)
    RSVPFactory(session=upcoming, user=person, response="going")
    client = client_as(viewer)

    home = client.get("/c/riverside/").content.decode()
    session = client.get(f"/c/riverside/sessions/{upcoming.pk}/").content.decode()

    for page in (home, session):
        assert "Quiet voices" in page and person.name in page
    assert "co-facilitate" in session and "pair them with a mentor" in session
    assert "/c/riverside/mentoring/" in session


@pytest.mark.parametrize("viewer", ["alice", "erin", "frank"])
def test_members_leaders_and_others_never_see_it(client_as, riverside, held, viewer, alice):
    person = quiet_person(riverside, held)
    upcoming = SessionFactory(community=riverside)
    RSVPFactory(session=upcoming, user=person, response="going")
    client = client_as(viewer)

    for url in ("/c/riverside/", f"/c/riverside/sessions/{upcoming.pk}/"):
        page = client.get(url).content.decode()
        assert "Quiet voices" not in page
        assert "quiet-voices" not in page


def test_the_session_panel_names_only_the_people_of_that_session(client_as, riverside, held, bob):
    coming = quiet_person(riverside, held)
    not_coming = quiet_person(riverside, held)
    upcoming = SessionFactory(community=riverside)
    RSVPFactory(session=upcoming, user=coming, response="going")

    page = client_as("bob").get(f"/c/riverside/sessions/{upcoming.pk}/").content.decode()

    assert coming.name in page and not_coming.name not in page


def test_the_session_panel_counts_who_came_without_answering(client_as, riverside, held, bob):
    walked_in = quiet_person(riverside, held)  # came to all three, never answered
    answered_no = quiet_person(riverside, held)
    RSVPFactory(session=held[-1], user=answered_no, response="not_going")

    page = client_as("bob").get(f"/c/riverside/sessions/{held[-1].pk}/").content.decode()

    assert "Quiet voices" in page and walked_in.name in page


def test_a_session_nobody_answered_skips_the_quiet_voices_query(client_as, riverside, held, bob):
    quiet_person(riverside, held)
    client = client_as("bob")
    nobody = SessionFactory(community=riverside)
    somebody = SessionFactory(community=riverside)
    RSVPFactory(session=somebody, user=MembershipFactory(community=riverside).user)

    with CaptureQueriesContext(connection) as empty:
        page = client.get(f"/c/riverside/sessions/{nobody.pk}/").content.decode()
    with CaptureQueriesContext(connection) as answered:
        client.get(f"/c/riverside/sessions/{somebody.pk}/")

    assert "Quiet voices" not in page
    assert len(answered) == len(empty) + 1  # the quiet voices among the session's people


@pytest.mark.parametrize("rows", [1, 12])
def test_quiet_voices_cost_one_query_however_many_people(
    riverside, held, rows, django_assert_num_queries
):
    people = [quiet_person(riverside, held) for _ in range(rows)]
    sharer = quiet_person(riverside, held)
    ReflectionFactory(community=riverside, author=sharer)

    with django_assert_num_queries(1):
        found = quiet_voices(riverside)

    assert {p.pk for p in found} == {p.pk for p in people}


def test_longest_standing_first_then_by_name_and_at_most_the_limit(riverside, held):
    """Ordered by the start of their third-latest session, then by `User.name` compared
    as Python compares strings (a display name, else the email's local part)."""
    earlier = SessionFactory(
        community=riverside, starts_at=held[0].starts_at - timedelta(days=7), status="completed"
    )
    names = ["Zoe", "bea", "", "Ünal", "Adam", "adam"]
    people = []
    for i, name in enumerate(names):
        person = MembershipFactory(
            community=riverside, user__display_name=name, user__email=f"m{i}x@example.org"
        ).user
        came_to(held, person)
        people.append(person)
    first = MembershipFactory(community=riverside, user__display_name="Zed").user
    came_to([earlier, *held[:2]], first)  # their third-latest session is the earliest

    expected = [first, *sorted(people, key=lambda p: p.name)]
    assert quiet_voices(riverside) == expected
    assert quiet_voices(riverside, limit=3) == expected[:3]


def test_the_pages_with_the_panel_cost_the_same_queries_for_1_and_many(
    client_as, riverside, held, bob
):
    upcoming = SessionFactory(community=riverside)
    client = client_as("bob")

    def counts():
        with CaptureQueriesContext(connection) as home:
            client.get("/c/riverside/")
        with CaptureQueriesContext(connection) as session:
            page = client.get(f"/c/riverside/sessions/{upcoming.pk}/").content.decode()
        return len(home), len(session), page.count('class="person"')

    RSVPFactory(session=upcoming, user=quiet_person(riverside, held), response="going")
    client.get("/c/riverside/")  # warm the per-person caches
    one = counts()
    for _ in range(11):
        RSVPFactory(session=upcoming, user=quiet_person(riverside, held), response="going")
    many = counts()

    assert one[:2] == many[:2]
    assert many[2] > one[2]


def test_the_panel_query_compiled_once_serves_each_community_with_its_own_people(
    riverside, hillside, held
):
    """The community panel's query is compiled once and run with each community and the
    time in place (reflections.voices._community_rows): it names what building it afresh names,
    and never one community's people on another's page."""
    here = quiet_person(riverside, held)
    there = MembershipFactory(community=hillside).user
    came_to(past_sessions(hillside), there)

    assert quiet_voices(riverside) == [here]
    assert quiet_voices(hillside) == [there]
    now = timezone.now()
    built = _quiet_rows(hillside.pk, now, now - timedelta(days=90), last=3, limit=12)
    assert _users(built) == quiet_voices(hillside)


def test_only_the_communitys_latest_held_sessions_are_looked_at(riverside):
    """A person's pattern of coming is read in the community's latest HORIZON_SESSIONS
    held sessions (so the panel costs the same however long the history): three sessions
    all older than those do not make a quiet voice, three among them do."""
    from reflections.voices import HORIZON_SESSIONS

    now = timezone.now()
    recent = [
        SessionFactory(
            community=riverside, starts_at=now - timedelta(hours=i + 1), status="completed"
        )
        for i in range(HORIZON_SESSIONS)
    ]
    older = [
        SessionFactory(community=riverside, starts_at=now - timedelta(days=day), status="completed")
        for day in (20, 21, 22)
    ]
    before_them = MembershipFactory(community=riverside).user
    came_to(older, before_them)  # the latest 20 days ago: inside the engagement window
    among_them = MembershipFactory(community=riverside).user
    came_to(recent[-3:], among_them)  # the oldest three of the latest sessions

    assert quiet_voices(riverside) == [among_them]
