""" "Held session" is written once: SessionQuerySet.held, Session.is_held and
held_sessions_q for a query across a relation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import AgendaItem, Session, held_sessions_q
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(community):
    yesterday = timezone.now() - timedelta(days=1)
    return {
        status: SessionFactory(community=community, status=status, starts_at=yesterday)
        for status in Session.Status.values
    }


def test_held_sessions_are_the_scheduled_and_the_completed(one_of_each):
    held = set(Session.objects.held())

    assert held == {one_of_each["scheduled"], one_of_each["completed"]}
    assert [s.status for s in one_of_each.values() if s.is_held] == ["scheduled", "completed"]


def test_past_sessions_are_held_ones(one_of_each):
    assert set(Session.objects.past()) == {one_of_each["scheduled"], one_of_each["completed"]}


def test_held_sessions_q_follows_a_relation(one_of_each):
    for session in one_of_each.values():
        AgendaItem.objects.create(session=session, title=session.status)

    titles = set(
        AgendaItem.objects.filter(held_sessions_q("session__")).values_list("title", flat=True)
    )

    assert titles == {"scheduled", "completed"}


def test_attendance_is_recorded_only_for_a_held_session_that_started(one_of_each):
    assert {s.status for s in one_of_each.values() if s.can_record_attendance} == {
        "scheduled",
        "completed",
    }
    assert not SessionFactory(status="scheduled").can_record_attendance


def test_held_between_keeps_held_sessions_started_in_the_window_and_before_now(community):
    now = timezone.now()
    inside = SessionFactory(community=community, starts_at=now - timedelta(days=2))
    SessionFactory(community=community, starts_at=now - timedelta(days=2), status="cancelled")
    SessionFactory(community=community, starts_at=now - timedelta(days=20))  # before it
    SessionFactory(community=community, starts_at=now + timedelta(hours=2))  # not yet held

    held = Session.objects.held_between(now - timedelta(days=7), now + timedelta(days=7))

    assert list(held) == [inside]
