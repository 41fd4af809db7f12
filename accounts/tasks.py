from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from . import mail


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=mail.MAX_ATTEMPTS,
)
def send_email(*, delivery_id: int) -> bool:
    return mail.email_deliver(delivery_id=delivery_id)


@shared_task
def email_flush() -> int:
    return mail.email_flush()


@shared_task
def send_email_batch(*, delivery_ids: list[int]) -> int:
    return mail.email_deliver_batch(delivery_ids=delivery_ids)


@shared_task
def digest_send_due() -> int:
    from .digest import digest_send_due as send_due

    return send_due()


@shared_task
def submission_tokens_prune() -> int:
    from .submissions import submission_tokens_prune as prune

    return prune()
