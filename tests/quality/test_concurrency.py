"""Concurrent submits: real parallel requests on PostgreSQL, each thread its own logged-in
Client, released together. Every create is idempotent under concurrency (the unique key,
ON CONFLICT DO NOTHING or a row lock), so none of them is a 500.

These tests need a database that lets two connections write at once; SQLite serialises
whole-database writes and its test database is in memory, so they are skipped there."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership
from sessions.models import RSVP, AgendaItem, Attendance, Session
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises every write)")


def fire(user, method: str, url: str, data: dict | None = None, *, workers: int = PARALLEL):
    """POST (or GET) `url` from `workers` threads at once, each with its own Client logged in
    as `user`; returns (the exceptions raised, the status codes answered)."""
    clients = []
    for _ in range(workers):
        client = Client()
        client.force_login(user)
        clients.append(client)
    statuses: list[int] = []
    lock = threading.Lock()
    queue = list(clients)

    def work():
        with lock:
            client = queue.pop()
        response = getattr(client, method)(url, data or {})
        statuses.append(response.status_code)

    errors = race(work, workers=workers)
    return errors, statuses


def test_parallel_joins_of_an_open_community_make_one_membership():
    community = CommunityFactory(visibility=Community.Visibility.OPEN)
    person = UserFactory()

    errors, statuses = fire(person, "post", reverse("communities:join", args=[community.slug]))

    assert errors == []
    assert statuses == [302] * PARALLEL
    assert Membership.objects.filter(community=community, user=person).count() == 1
    assert Membership.objects.get(community=community, user=person).status == "active"


def test_parallel_join_requests_make_one_request():
    community = CommunityFactory(visibility=Community.Visibility.REQUEST)
    MembershipFactory(community=community, role=Membership.Role.FACILITATOR)
    person = UserFactory()

    errors, statuses = fire(
        person, "post", reverse("communities:join", args=[community.slug]), {"note": "Hello"}
    )

    assert errors == []
    assert statuses == [302] * PARALLEL
    assert list(
        Membership.objects.filter(community=community, user=person).values_list("status", flat=True)
    ) == ["requested"]


def test_parallel_attendance_saves_record_each_attendee_once():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Membership.Role.FACILITATOR).user
    people = [MembershipFactory(community=community).user for _ in range(3)]
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(hours=2))
    session.facilitators.add(facilitator)
    url = reverse("sessions:attendance", args=[community.slug, session.pk])

    errors, statuses = fire(
        facilitator, "post", url, {"attendees": [p.pk for p in people], "complete": "on"}
    )

    assert errors == []
    assert statuses == [302] * PARALLEL
    assert sorted(Attendance.objects.filter(session=session).values_list("user_id", flat=True)) == (
        sorted(p.pk for p in people)
    )
    assert Session.objects.get(pk=session.pk).status == Session.Status.COMPLETED


def test_parallel_rsvps_keep_one_answer():
    community = CommunityFactory()
    person = MembershipFactory(community=community).user
    session = SessionFactory(community=community)
    url = reverse("sessions:rsvp", args=[community.slug, session.pk])

    errors, statuses = fire(person, "post", url, {"response": "going"})

    assert errors == []
    assert statuses == [302] * PARALLEL
    assert list(RSVP.objects.filter(session=session).values_list("response", flat=True)) == [
        "going"
    ]


def test_parallel_bookend_clicks_add_the_bookend_once():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Membership.Role.FACILITATOR).user
    session = SessionFactory(community=community, status=Session.Status.DRAFT)
    session.facilitators.add(facilitator)
    url = reverse("sessions:agenda_bookend", args=[community.slug, session.pk, "reflect"])

    errors, statuses = fire(facilitator, "post", url)

    assert errors == []
    assert statuses == [302] * PARALLEL
    assert AgendaItem.objects.filter(session=session, kind="reflect").count() == 1


def test_parallel_new_communities_of_one_name_each_get_their_own_address():
    person = UserFactory()
    data = {
        "name": "Systems Thinking",
        "domain": "Maps",
        "purpose": "Learn",
        "visibility": "open",
        "timezone": "UTC",
    }

    errors, statuses = fire(person, "post", reverse("communities:new"), data, workers=5)

    assert errors == []
    assert statuses == [302] * 5
    slugs = set(Community.objects.values_list("slug", flat=True))
    assert len(slugs) == 5


def test_parallel_rsvps_of_many_people_to_one_session_all_count():
    community = CommunityFactory()
    session = SessionFactory(community=community)
    RSVPFactory(session=session)
    people = [MembershipFactory(community=community).user for _ in range(5)]
    queue = list(people)
    clients = {}
    for person in people:
        clients[person.pk] = Client()
        clients[person.pk].force_login(person)
    lock = threading.Lock()
    url = reverse("sessions:rsvp", args=[community.slug, session.pk])

    def work():
        with lock:
            person = queue.pop()
        assert clients[person.pk].post(url, {"response": "maybe"}).status_code == 302

    assert race(work, workers=5) == []
    assert RSVP.objects.filter(session=session).count() == 6
