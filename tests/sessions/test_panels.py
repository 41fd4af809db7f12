from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape

from communities.access import community_for
from communities.engagement import signal_sources
from sessions import panels
from sessions.models import Session
from tests.factories import (
    AttendanceFactory,
    MembershipFactory,
    RSVPFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("n", [1, 12])
def test_home_panel_lists_my_next_sessions_in_bounded_queries(world, django_assert_num_queries, n):
    for index in range(n):
        session = SessionFactory(
            community=world.community, starts_at=timezone.now() + timedelta(hours=index + 2)
        )
        RSVPFactory(session=session, user=world.member, response="maybe")
    SessionFactory(community=world.other_community, title="Not mine")

    with django_assert_num_queries(1):
        panel = panels.home_panel(request_for(world.member))
        titles = [(s.title, s.community.name, s.my_rsvp) for s in panel.context["sessions"]]

    assert len(titles) == min(n + 1, 6)
    assert "Not mine" not in [title for title, _, _ in titles]
    assert titles[0][2] == "maybe"


def test_home_panel_renders_on_the_home_page(client, world):
    client.force_login(world.member)

    page = client.get("/").content.decode()

    assert "My next sessions" in page
    assert "Causal loops" in page
    assert f"/calendar/{world.member.calendar_token}.ics" in page


# The actions panel is one UNION, or two queries where the database cuts no part of a
# UNION (SQLite, the embedded default: reflections.panels.home_panel).
HOME_PAGE_QUERIES = 11 + (0 if connection.features.supports_slicing_ordering_in_compound else 1)


@pytest.mark.parametrize("n", [1, 12])
def test_home_page_queries_are_bounded(client, world, django_assert_num_queries, n):
    for _ in range(n):
        SessionFactory(community=world.community)
        MembershipFactory(user=world.member)
    client.force_login(world.member)

    # The whole home page, with every app's panel: session, user, then each panel's own.
    with django_assert_num_queries(HOME_PAGE_QUERIES):
        response = client.get("/")

    assert response.status_code == 200
    assert escape(world.session.title) in response.content.decode()


def test_community_panel_teases_the_next_session(world):
    SessionFactory(
        community=world.community,
        title="Sooner",
        starts_at=timezone.now() + timedelta(hours=2),
    )
    SessionFactory(
        community=world.community,
        title="Hidden",
        status=Session.Status.DRAFT,
        starts_at=timezone.now() + timedelta(hours=1),
    )

    community = community_for(world.member, world.community.slug)

    panel = panels.community_panel(request_for(world.member), community)

    assert panel.context["next_session"].title == "Sooner"
    assert panel.template == "sessions/includes/community_panel.html"


@pytest.mark.parametrize(("role", "sees_draft"), [("member", False), ("facilitator", True)])
def test_with_nothing_scheduled_a_facilitator_is_shown_the_waiting_draft(
    client, world, role, sees_draft
):
    Session.objects.filter(community=world.community).delete()
    draft = SessionFactory(
        community=world.community,
        title="Our first circle",
        status=Session.Status.DRAFT,
        starts_at=timezone.now() + timedelta(days=3),
    )
    person = getattr(world, role)
    client.force_login(person)

    response = client.get(f"/c/{world.community.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert ("Your draft is waiting" in html) == sees_draft
    assert (f"/sessions/{draft.pk}/edit/" in html) == sees_draft
    assert ("No session is planned yet." in html) != sees_draft


def test_engagement_signals_count_attendance_and_facilitation(world):
    since = timezone.now() - timedelta(days=90)
    held = SessionFactory(
        community=world.community,
        status=Session.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=3),
    )
    held.facilitators.add(world.facilitator)
    old = SessionFactory(
        community=world.community,
        status=Session.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=200),
    )
    old.facilitators.add(world.facilitator)
    AttendanceFactory(session=held, user=world.member)
    AttendanceFactory(session=old, user=world.member)
    AttendanceFactory(session=world.other_session, user=world.other_member)
    sources = signal_sources()

    attended = sources["sessions_attended"][1](world.community, since)
    facilitated = sources["sessions_facilitated"][1](world.community, since)

    assert attended == {world.member.pk: 1}
    assert facilitated == {world.facilitator.pk: 1}
    assert sources["sessions_attended"][0] == "sessions attended"


def test_engagement_signals_cost_one_query_each(world, django_assert_num_queries):
    since = timezone.now() - timedelta(days=90)

    with django_assert_num_queries(2):
        for name in ("sessions_attended", "sessions_facilitated"):
            signal_sources()[name][1](world.community, since)
