"""Sessions raise notifications (issue 16, item 3): a cancellation and a reschedule for
everyone who RSVP'd (always emailed at once: they may not be turned off), and a change of
a published session's details for those going or maybe (in the digest by default)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import EmailDelivery, Notification, NotificationPreference
from sessions import services
from tests.factories import RSVPFactory, SessionFactory

pytestmark = pytest.mark.django_db


def data_of(session, **changes):
    data = {
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "location": session.location,
        "online_url": session.online_url,
    }
    return {**data, **changes}


def test_a_cancellation_is_a_notification_and_an_email_even_for_someone_who_chose_never(
    world, django_capture_on_commit_callbacks
):
    session = SessionFactory(community=world.community, title="Loops")
    RSVPFactory(session=session, user=world.member, response="going")
    NotificationPreference.objects.create(
        user=world.member, kind="session_cancelled", email="never"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, reason="Snow day")

    notification = Notification.objects.get(recipient=world.member)
    assert notification.kind == "session_cancelled"
    assert notification.text.startswith("“Loops” on ")
    assert notification.text.endswith("is cancelled. Snow day")
    assert notification.url == session.get_absolute_url()
    assert notification.community_name == world.community.name
    assert [m.to for m in mail.outbox] == [[world.member.email]]
    assert "Cancelled: Loops" in mail.outbox[0].subject


def test_a_reschedule_tells_each_rsvp_once_in_the_site_and_by_email(
    world, django_capture_on_commit_callbacks
):
    session = SessionFactory(community=world.community, title="Loops")
    RSVPFactory(session=session, user=world.member, response="not_going")
    moved = session.starts_at + timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            user=world.facilitator,
            data=data_of(session, starts_at=moved),
            version=session.version,
        )

    notification = Notification.objects.get(recipient=world.member)
    assert notification.kind == "session_rescheduled"
    assert "has moved: it now starts" in notification.text
    assert EmailDelivery.objects.filter(kind="session_rescheduled").count() == 1
    assert len(mail.outbox) == 1


def test_a_change_of_details_waits_for_the_digest_and_a_save_that_changed_nothing_is_silent(
    world,
):
    session = SessionFactory(
        community=world.community, title="Loops", starts_at=timezone.now() + timedelta(days=5)
    )
    RSVPFactory(session=session, user=world.member, response="going")
    RSVPFactory(session=session, user=world.coordinator, response="not_going")

    services.session_update(
        session=session, user=world.facilitator, data=data_of(session), version=1
    )
    assert not Notification.objects.exists()

    services.session_update(
        session=session,
        user=world.facilitator,
        data=data_of(session, location="Room 9"),
        version=2,
    )

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (world.member, "session_changed")
    assert "has changed" in notification.text
    assert not EmailDelivery.objects.exists()  # the digest by default


def test_a_change_to_a_session_within_48_hours_is_emailed_at_once(world):
    session = SessionFactory(
        community=world.community, starts_at=timezone.now() + timedelta(hours=20)
    )
    RSVPFactory(session=session, user=world.member, response="maybe")

    services.session_update(
        session=session,
        user=world.facilitator,
        data=data_of(session, location="Room 9"),
        version=1,
    )

    assert EmailDelivery.objects.get().kind == "accounts:notification"
