"""The loop in the rhythm: each session of a series opens with what the previous one
committed to, and the invitation to reflect points on to the next session."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.mail import email_flush
from sessions import services
from tests.factories import ActionFactory, AgendaItemFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
PLANNED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fortnightly(world):
    with time_machine.travel(PLANNED, tick=False):
        first = SessionFactory(
            community=world.community,
            title="Wednesday chats",
            starts_at=datetime(2026, 3, 4, 18, 0, tzinfo=LONDON),
        )
        first.facilitators.add(world.facilitator)
        AgendaItemFactory(session=first, title="Review our open actions", kind="review_actions")
        series = services.series_create(
            session=first, user=world.facilitator, frequency="2weeks", until=None, count=4
        )
    return list(series.sessions.order_by("starts_at"))


def test_review_step_shows_last_times_actions_first_then_older_ones(client, world, fortnightly):
    first, second, third, _ = fortnightly
    ActionFactory(
        community=world.community, title="Older: write up norms", due_date=date(2026, 3, 1)
    )
    ActionFactory(community=world.community, title="From the first", session=first)
    ActionFactory(community=world.community, title="From the second", session=second)
    client.force_login(world.member)

    with time_machine.travel(datetime(2026, 3, 30, 12, 0, tzinfo=UTC), tick=False):
        page = client.get(third.get_absolute_url())

    titles = [action.title for action in page.context["open_actions"]]
    assert titles == ["From the second", "Older: write up norms", "From the first"]
    body = page.content.decode()
    assert body.index("From the second") < body.index("from last time") < body.index("Older")


def test_reflect_invitation_links_the_next_session(
    world, fortnightly, django_capture_on_commit_callbacks
):
    first, second, *_ = fortnightly
    with (
        time_machine.travel(first.starts_at + timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.attendance_record(
            session=first, recorded_by=world.facilitator, attendees=[world.member], complete=True
        )
        email_flush()

    [message] = [m for m in mail.outbox if world.member.email in m.to]
    assert second.get_absolute_url() in message.body
    assert second.get_absolute_url() in message.alternatives[0][0]
    assert "Next in the series" in message.body
