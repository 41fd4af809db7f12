"""Faults: the broker unreachable, a worker dying mid-send, the database failing mid-save."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accounts import mail as mail_service
from accounts.models import EmailDelivery, User
from copsite.celery import app

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # Nothing listens on port 1: a broker that is down.


@contextlib.contextmanager
def broker_down():
    """Point Celery at a dead broker, as a wrong REDIS_URL port would, then restore it."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = DEAD_BROKER
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved[0], saved[1]
        app._pool, app.amqp._producer_pool = saved[2], saved[3]


def test_sign_up_works_with_the_broker_down_and_the_email_follows_later(
    client, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "sam@example.org",
                "password1": "a-good-long-passphrase",
                "password2": "a-good-long-passphrase",
            },
        )

    assert response.status_code == 302
    assert User.objects.filter(email="sam@example.org").exists()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, mail.outbox) == ("queued", [])

    # The broker is back: the next scheduled scan finds the waiting email and sends it once.
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mail_service.email_flush()
    mail_service.email_flush()

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_settings_save_with_the_broker_down(client, user):
    client.force_login(user)

    with broker_down():
        response = client.post(
            reverse("settings"),
            {
                "display_name": "Sam",
                "timezone": "UTC",
                "digest": "daily",
                "digest_weekday": 0,
                "digest_hour": 9,
            },
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.digest, user.digest_hour) == ("daily", 9)


def test_worker_killed_between_claim_and_send_does_not_duplicate():
    delivery, _ = mail_service.email_enqueue(
        key="k", kind="test", to_email="a@example.org", subject="s", body_text="b"
    )
    # A worker claimed the email and died; acks_late redelivers the task at once.
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING, claimed_at=timezone.now()
    )

    assert mail_service.email_deliver(delivery_id=delivery.pk) is False
    assert mail.outbox == []


def test_database_error_during_a_form_save_leaves_nothing_half_written(client, user):
    from django.db import connection

    from communities.models import Community

    def fail_membership_insert(execute, sql, params, many, context):
        # The database itself refuses the second write of the save: the community row is
        # written first, then the coordinator's membership fails as a full disk would.
        if sql.lstrip().upper().startswith('INSERT INTO "COMMUNITIES_MEMBERSHIP"'):
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    client.force_login(user)
    client.raise_request_exception = False

    with connection.execute_wrapper(fail_membership_insert):
        response = client.post(
            "/communities/new/",
            {
                "name": "Half written",
                "domain": "Nothing should remain.",
                "visibility": "open",
                "timezone": "Europe/London",
            },
        )

    assert response.status_code == 500
    assert Community.objects.filter(name="Half written").count() == 0


def test_every_page_answers_as_declared_with_the_broker_down():
    from .test_permission_matrix import EXPECT, Site, client_for, resolve_case

    site = Site()
    client = client_for(site, "coordinator")
    wrong = {}

    with broker_down():
        for name in sorted(EXPECT):
            url = resolve_case(site, name)
            status = client.get(url).status_code
            if status != EXPECT[name].expect["coordinator"]:
                wrong[name] = (url, status, EXPECT[name].expect["coordinator"])

    assert wrong == {}


def test_rsvp_reflection_and_cancellation_with_the_broker_down_lose_nothing(
    client, django_capture_on_commit_callbacks
):
    from communities.models import Membership
    from reflections.models import Reflection
    from sessions.models import RSVP
    from tests.factories import MembershipFactory, SessionFactory

    facilitator = MembershipFactory(role=Membership.Role.FACILITATOR)
    community = facilitator.community
    member = MembershipFactory(community=community).user
    session = SessionFactory(community=community)
    base = f"/c/{community.slug}/sessions/{session.pk}"

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        client.force_login(member)
        rsvp = client.post(f"{base}/rsvp/", {"response": "going"})
        reflection = client.post(
            f"/c/{community.slug}/reflections/new/",
            {"title": "Kept", "body": "Written while the broker was down.",
             "visibility": "community", "loop_level": "single"},
        )  # fmt: skip
        client.force_login(facilitator.user)
        cancel = client.post(f"{base}/cancel/", {"reason": "The room flooded."})

    assert (rsvp.status_code, reflection.status_code, cancel.status_code) == (302, 302, 302)
    assert RSVP.objects.get(session=session, user=member).response == "going"
    assert Reflection.objects.filter(author=member, title="Kept").count() == 1
    told = EmailDelivery.objects.get(to_email=member.email)
    assert (told.status, mail.outbox) == ("queued", [])

    # The broker is back: the scan sends the cancellation once, however often it runs.
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mail_service.email_flush()
    mail_service.email_flush()

    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "The room flooded." in mail.outbox[0].body
    assert "The room flooded." in mail.outbox[0].alternatives[0][0]
