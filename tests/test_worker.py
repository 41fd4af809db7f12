"""A real Celery worker on the real broker: Redis when REDIS_URL is set (CI), else kombu's
filesystem transport. Not eager mode: the message crosses the broker."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from accounts import mail as mail_service
from accounts.models import EmailDelivery
from copsite.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_email_queued_through_the_broker_is_sent_by_a_worker(real_worker):
    delivery, _ = mail_service.email_enqueue(
        key="worker:1",
        kind="test",
        to_email="sam@example.org",
        subject="Through the broker",
        body_text="Hello",
    )

    sent = wait_for(
        lambda: EmailDelivery.objects.get(pk=delivery.pk).status == EmailDelivery.Status.SENT
    )

    assert sent, "the worker never marked the email sent"
    assert [m.subject for m in mail.outbox] == ["Through the broker"]
    expected = "redis" if settings.REDIS_URL else "filesystem"
    assert app.connection_for_write().transport_cls.startswith(expected)


def test_digest_task_through_the_broker_delivers_one_digest(real_worker):
    import datetime as dt

    from django.utils import timezone

    from accounts.tasks import digest_send_due
    from communities.models import Membership
    from tests.factories import CommunityFactory, SessionFactory, UserFactory

    now = timezone.now()
    if now.minute == 59 and now.second > 45:
        time.sleep(20)  # Stay inside one clock hour: the person is due at this hour only.
        now = timezone.now()
    person = UserFactory(timezone="UTC", digest="daily", digest_hour=now.hour)
    community = CommunityFactory()
    Membership.objects.create(community=community, user=person)
    SessionFactory(
        community=community, title="Tomorrow's mapping", starts_at=now + dt.timedelta(days=1)
    )

    digest_send_due.delay()

    assert wait_for(lambda: EmailDelivery.objects.filter(kind="digest", status="sent").exists())
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert "Tomorrow's mapping" in mail.outbox[0].body
    assert mail.outbox[0].to == [person.email]
