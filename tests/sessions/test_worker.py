"""The beat task through the real broker (Redis when REDIS_URL is set), on a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import EmailDelivery
from sessions.tasks import session_reminders_scan
from tests.factories import MembershipFactory, RSVPFactory, SessionFactory
from tests.test_worker import real_worker, wait_for  # noqa: F401 -- the fixture is used by name.

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_reminder_scan_enqueued_through_the_broker_lands_in_the_outbox(real_worker):  # noqa: F811 -- pytest fixture.
    membership = MembershipFactory()
    session = SessionFactory(
        community=membership.community,
        title="Through the broker",
        starts_at=timezone.now() + timedelta(minutes=30),
    )
    RSVPFactory(session=session, user=membership.user, response="going")

    session_reminders_scan.delay()

    sent = wait_for(
        lambda: EmailDelivery.objects.filter(
            kind="session_reminder", status=EmailDelivery.Status.SENT
        ).exists()
    )
    assert sent, "the worker never sent the reminder"
    assert [m.subject.split(" (")[0] for m in mail.outbox] == ["In an hour: Through the broker"]
    assert mail.outbox[0].to == [membership.user.email]
