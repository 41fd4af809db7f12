from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import timezone

from accounts import mail as mail_service
from accounts.models import EmailDelivery
from tests.racing import race

pytestmark = pytest.mark.django_db


class FlakyBackend:
    """Stands in for an SMTP server that refuses the first `failures` messages."""

    failures = 0

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise SMTPException("451 try again later")
        mail.outbox.extend(messages)
        return len(messages)


def enqueue(key="reminder:1", **overrides):
    fields = {
        "key": key,
        "kind": "test",
        "to_email": "sam@example.org",
        "subject": "Your session starts soon",
        "body_text": "Plain words.",
        "body_html": "<p>Plain words.</p>",
    }
    fields.update(overrides)
    return mail_service.email_enqueue(**fields)


def test_email_enqueue_sends_after_commit_with_both_parts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery, created = enqueue(headers={"List-Unsubscribe": "<https://x/u>"})

    delivery.refresh_from_db()
    assert created is True
    assert delivery.status == EmailDelivery.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.body == "Plain words."
    assert message.alternatives[0] == ("<p>Plain words.</p>", "text/html")
    assert message.extra_headers["List-Unsubscribe"] == "<https://x/u>"
    assert message.extra_headers["Message-ID"].startswith("<")


def test_email_enqueue_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue()

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_email_enqueue_same_key_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
        _, created_again = enqueue(subject="A second attempt")

    assert created_again is False
    assert EmailDelivery.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Your session starts soon"]


def test_email_deliver_twice_sends_once():
    delivery, _ = enqueue()

    first = mail_service.email_deliver(delivery_id=delivery.pk)
    second = mail_service.email_deliver(delivery_id=delivery.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_email_deliver_smtp_failure_is_retried_and_sent_once(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = 1
    delivery, _ = enqueue()

    with pytest.raises(SMTPException):
        mail_service.email_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.FAILED
    assert "451" in delivery.last_error

    assert mail_service.email_deliver(delivery_id=delivery.pk) is True
    assert mail_service.email_deliver(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_email_deliver_gives_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = mail_service.MAX_ATTEMPTS
    delivery, _ = enqueue()

    for _ in range(mail_service.MAX_ATTEMPTS):
        with pytest.raises(SMTPException):
            mail_service.email_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.GAVE_UP
    assert mail_service.email_deliver(delivery_id=delivery.pk) is False


def test_email_deliver_fresh_claim_of_another_worker_is_respected():
    delivery, _ = enqueue()
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING, claimed_at=timezone.now()
    )

    assert mail_service.email_deliver(delivery_id=delivery.pk) is False
    assert mail.outbox == []


def test_email_deliver_stale_claim_of_a_dead_worker_is_taken_over():
    delivery, _ = enqueue()
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING,
        claimed_at=timezone.now() - mail_service.CLAIM_LEASE - timedelta(seconds=1),
    )

    assert mail_service.email_deliver(delivery_id=delivery.pk) is True
    assert len(mail.outbox) == 1


def test_email_flush_sends_what_the_broker_never_delivered():
    waiting, _ = enqueue("a")  # on_commit never ran: as if the broker had been down
    fresh, _ = enqueue("b")
    EmailDelivery.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )

    dispatched = mail_service.email_flush()

    assert dispatched == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert (waiting.status, fresh.status) == ("sent", "queued")


def test_email_deliver_batch_shares_a_connection_and_skips_failures(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = 1
    ids = [enqueue(f"k{i}")[0].pk for i in range(3)]

    sent = mail_service.email_deliver_batch(delivery_ids=ids)

    assert sent == 2
    statuses = list(EmailDelivery.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["failed", "sent", "sent"]


def test_email_render_and_enqueue_uses_one_context_for_both_parts(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_service.email_render_and_enqueue(
            key="render:1",
            kind="test",
            template_prefix="accounts/email/test_message",
            context={"person": user},
            to_email=user.email,
            recipient=user,
        )

    message = mail.outbox[0]
    assert message.subject == f"Hello {user.name}"
    assert f"Hello {user.name}, this is a test." in message.body
    assert f"<p>Hello {user.name}, this is a test.</p>" in message.alternatives[0][0]


def test_email_deliver_batch_claims_only_what_nobody_else_holds():
    ids = [enqueue(f"b{i}")[0].pk for i in range(4)]
    now = timezone.now()
    EmailDelivery.objects.filter(pk=ids[0]).update(status="sending", claimed_at=now)
    EmailDelivery.objects.filter(pk=ids[1]).update(
        status="sending", claimed_at=now - mail_service.CLAIM_LEASE - timedelta(seconds=1)
    )
    EmailDelivery.objects.filter(pk=ids[2]).update(status="sent")

    sent = mail_service.email_deliver_batch(delivery_ids=[*ids, 999_999])

    statuses = dict(EmailDelivery.objects.values_list("pk", "status"))
    assert sent == 2  # the dead worker's stale claim and the queued one
    assert [statuses[pk] for pk in ids] == ["sending", "sent", "sent", "sent"]
    assert len(mail.outbox) == 2


def test_email_deliver_batch_counts_the_attempt_it_claims(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = 1
    delivery, _ = enqueue()
    EmailDelivery.objects.filter(pk=delivery.pk).update(attempts=mail_service.MAX_ATTEMPTS - 1)

    mail_service.email_deliver_batch(delivery_ids=[delivery.pk])

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("gave_up", mail_service.MAX_ATTEMPTS)


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_over_one_batch_send_each_email_once():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("racing workers need PostgreSQL")
    ids = [enqueue(f"race{i}")[0].pk for i in range(30)]

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    def work():
        # The connection's own setting (the test settings relax it for speed), put back.
        before = synchronous_commit()
        mail_service.email_deliver_batch(delivery_ids=ids)
        assert synchronous_commit() == before  # the batch's relaxed commits were reset

    errors = race(work)

    assert errors == []
    assert sorted(m.subject for m in mail.outbox) == sorted(["Your session starts soon"] * 30)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}


class DyingBackend(FlakyBackend):
    """Stands in for a worker killed (not an SMTP error) while sending its third message."""

    def send_messages(self, messages):
        if len(mail.outbox) == 2:
            raise KeyboardInterrupt  # not an Exception: the batch loop does not catch it
        mail.outbox.extend(messages)
        return len(messages)


def test_email_deliver_batch_marks_each_email_sent_before_the_next(settings):
    """A worker dying mid-batch leaves every email it had sent marked sent (with its time,
    and a retry's earlier error cleared), so a later claim resends none of them."""
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.DyingBackend"
    ids = [enqueue(f"d{i}")[0].pk for i in range(4)]
    EmailDelivery.objects.filter(pk=ids[0]).update(last_error="451 try again later")
    before = timezone.now()

    with pytest.raises(KeyboardInterrupt):
        mail_service.email_deliver_batch(delivery_ids=ids)

    rows = {row.pk: row for row in EmailDelivery.objects.filter(pk__in=ids)}
    assert [rows[pk].status for pk in ids] == ["sent", "sent", "sending", "sending"]
    assert all(rows[pk].sent_at >= before for pk in ids[:2])
    assert rows[ids[0]].last_error == ""
    assert rows[ids[2]].sent_at is None
