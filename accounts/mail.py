"""Email, exactly once: record the message under a unique key, then send it from a worker.

The web request never talks to SMTP. `email_enqueue` writes an EmailDelivery row inside the
caller's transaction and asks a worker to send it after commit. `email_deliver` claims the
row (a conditional UPDATE, so only one worker can own it), sends, and marks it sent. If the
broker is down when the request commits, nothing is lost: `email_flush`, run by beat, finds
rows still queued and dispatches them again.

An address on the suppression list (EmailSuppression: it bounced for good, was refused or
complained, accounts/bounces.py) gets nothing: its rows are marked suppressed when a worker
picks them up, and never retried.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.transactions import after_commit

from . import languages
from .models import EmailDelivery, EmailSuppression, normalized_address

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died before it could send.
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 6
# What a person asks for in the moment goes even to a suppressed address: the link to
# confirm it again is how a suppression is lifted, and a reset link is asked for by hand.
ALWAYS_SENT_KINDS = frozenset(
    {
        "account:email_confirmation",
        "account:email_confirmation_signup",
        "account:password_reset_key",
    }
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def email_enqueue(
    *,
    key: str,
    kind: str,
    to_email: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    recipient=None,
    headers: dict[str, str] | None = None,
    attachments: list[Attachment] | None = None,
) -> tuple[EmailDelivery, bool]:
    """Record an email under `key` and send it after commit. A second call with the same
    key returns the existing row and sends nothing: `created` is False."""
    with transaction.atomic():
        delivery, created = EmailDelivery.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "to_email": to_email,
                "recipient": recipient,
                "subject": subject[:255],
                "body_text": body_text,
                "body_html": body_html,
                "headers": headers or {},
                "attachments": [a.__dict__ for a in attachments or []],
            },
        )
        if created:
            after_commit(email_dispatch, delivery_id=delivery.pk)
    return delivery, created


def email_render_and_enqueue(
    *,
    key: str,
    kind: str,
    template_prefix: str,
    context: dict,
    to_email: str,
    recipient=None,
    headers: dict[str, str] | None = None,
    attachments: list[Attachment] | None = None,
) -> tuple[EmailDelivery, bool]:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` from one context
    (so the plain text and HTML parts never disagree) and enqueue the result."""
    if EmailDelivery.objects.filter(key=key).exists():
        return EmailDelivery.objects.get(key=key), False
    context = {"SITE_URL": settings.SITE_URL, **context}
    # In the recipient's language, never the sender's (whose request this may be); an
    # address without an account gets the site's default.
    with languages.speaking(recipient):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body_text = render_to_string(f"{template_prefix}.txt", context)
        body_html = render_to_string(f"{template_prefix}.html", context)
    return email_enqueue(
        key=key,
        kind=kind,
        to_email=to_email,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        attachments=attachments,
    )


def email_dispatch(*, delivery_id: int) -> None:
    """Ask a worker to send; a broker outage is logged, not raised (email_flush retries)."""
    from .tasks import send_email

    try:
        send_email.delay(delivery_id=delivery_id)
    except Exception:  # The broker's own errors vary by transport; none may break a request.
        logger.warning("Broker unavailable; email %s waits for the next flush.", delivery_id)


def email_dispatch_batch(*, delivery_ids: list[int]) -> None:
    """Ask one worker to send many recorded emails over one SMTP connection."""
    from .tasks import send_email_batch

    try:
        send_email_batch.delay(delivery_ids=delivery_ids)
    except Exception:  # As in email_dispatch: the scans pick these up later.
        logger.warning("Broker unavailable; %s emails wait for the next flush.", len(delivery_ids))


def _claimable(now) -> Q:
    return Q(status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.FAILED]) | Q(
        status=EmailDelivery.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        EmailDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
            status=EmailDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _claim_batch(delivery_ids: list[int]) -> list[EmailDelivery]:
    """Claim every still-claimable row of a batch in one conditional UPDATE and read back
    the ones this call won (a racing worker's rows carry its own token): two statements
    per batch instead of one claim per email."""
    now = timezone.now()
    token = uuid.uuid4().hex
    EmailDelivery.objects.filter(_claimable(now), pk__in=delivery_ids).update(
        status=EmailDelivery.Status.SENDING,
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
    )
    won = {delivery.pk: delivery for delivery in EmailDelivery.objects.filter(claim_token=token)}
    return [won[pk] for pk in delivery_ids if pk in won]


def build_message(delivery: EmailDelivery, connection=None) -> EmailMultiAlternatives:
    # A Message-ID derived from the key lets receiving servers drop a copy, should a worker
    # die between SMTP accepting the message and our marking it sent.
    digest = hashlib.sha256(delivery.key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
    headers = {"Message-ID": f"<{digest}@{domain}>", **delivery.headers}
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        to=[delivery.to_email],
        headers=headers,
        connection=connection,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    for attachment in delivery.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def email_deliver(*, delivery_id: int) -> bool:
    """Send one recorded email if nobody else has. Returns True when this call sent it.

    SMTP errors mark the row failed and are raised again so the task retries with backoff;
    after MAX_ATTEMPTS the row is given up and kept for a person to look at in the admin.
    """
    if not _claim(delivery_id):
        return False
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    if _withheld(delivery, _suppressions([delivery])):
        return False
    return _send_claimed(delivery)


def _suppressions(deliveries: list[EmailDelivery]) -> dict[str, EmailSuppression]:
    """The suppressions, by address, of the rows about to be sent (one query)."""
    addresses = {
        normalized_address(delivery.to_email)
        for delivery in deliveries
        if delivery.kind not in ALWAYS_SENT_KINDS
    }
    if not addresses:
        return {}
    return {s.address: s for s in EmailSuppression.objects.filter(address__in=addresses)}


def _withheld(delivery: EmailDelivery, suppressions: dict[str, EmailSuppression]) -> bool:
    """Mark a claimed row for a suppressed address as not sent, for good (email_flush
    never picks up this status again), saying why in the admin."""
    suppression = suppressions.get(normalized_address(delivery.to_email))
    if suppression is None or delivery.kind in ALWAYS_SENT_KINDS:
        return False
    why = (
        f"Not sent: {suppression.address} is suppressed "
        f"({suppression.get_reason_display()} on {suppression.since:%Y-%m-%d})."
    )
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SUPPRESSED, last_error=why
    )
    logger.info("Email %s withheld: %s", delivery.pk, why)
    return True


def _send_claimed(delivery: EmailDelivery, connection=None) -> bool:
    """Send a row this worker has claimed, and record the outcome at once: a row is marked
    sent right after its own message, so a worker dying mid-batch resends nothing sent."""
    delivery_id = delivery.pk
    try:
        build_message(delivery, connection=connection).send()
    except Exception as error:
        status = (
            EmailDelivery.Status.GAVE_UP
            if delivery.attempts >= MAX_ATTEMPTS
            else EmailDelivery.Status.FAILED
        )
        EmailDelivery.objects.filter(pk=delivery_id).update(status=status, last_error=str(error))
        raise
    _mark_sent(delivery_id)
    return True


def _mark_sent(delivery_id: int) -> None:
    """Mark one row sent: the ORM's `filter(pk=…).update(status="sent", sent_at=now,
    last_error="")`, written out once because it runs after every email of a batch (its
    compilation was a fifth of a large digest run's sending time)."""
    table = db_connection.ops.quote_name(EmailDelivery._meta.db_table)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = %s WHERE id = %s",  # noqa: S608 (the table name is the model's own)
            [
                EmailDelivery.Status.SENT.value,
                db_connection.ops.adapt_datetimefield_value(timezone.now()),
                "",
                delivery_id,
            ],
        )


@contextmanager
def _marks_without_waiting_for_disk():
    """On PostgreSQL, let this batch's per-email "sent" marks commit without waiting for
    the WAL to reach disk (synchronous_commit off, for this connection and this batch only).

    Each mark is still committed, visible to every other worker and written within a
    fraction of a second; only a crash of the database server itself in that moment could
    forget one, and the key-derived Message-ID lets receiving servers drop that copy. A
    worker dying mid-batch loses nothing, as before. Waiting for the disk on every mark was
    most of the time of a large digest run (one flush per email).
    """
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def email_deliver_batch(*, delivery_ids: list[int]) -> int:
    """Send many recorded emails over one SMTP connection; returns how many this call sent."""
    sent = 0
    claimed = _claim_batch(delivery_ids)
    if not claimed:
        return 0
    suppressions = _suppressions(claimed)
    with get_connection() as connection, _marks_without_waiting_for_disk():
        for delivery in claimed:
            if _withheld(delivery, suppressions):
                continue
            try:
                sent += _send_claimed(delivery, connection=connection)
            except Exception:
                logger.exception("Email %s failed; it stays queued for a retry.", delivery.pk)
    return sent


def email_flush(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Dispatch again every email still waiting (broker was down, worker died)."""
    now = timezone.now()
    waiting = EmailDelivery.objects.filter(
        Q(status=EmailDelivery.Status.QUEUED, created_at__lt=now - older_than)
        | Q(status=EmailDelivery.Status.FAILED)
        | Q(status=EmailDelivery.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    ).values_list("pk", flat=True)[:1000]
    ids = list(waiting)
    for delivery_id in ids:
        email_dispatch(delivery_id=delivery_id)
    return len(ids)
