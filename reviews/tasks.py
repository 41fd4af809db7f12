from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def review_nudges_scan() -> int:
    """Run by beat every hour: nudge the reviewers of overdue reviews, each exactly once."""
    return services.review_nudges_send_due()
