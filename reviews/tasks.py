from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def review_nudges_scan() -> int:
    """Run by beat every hour: nudge the reviewers of overdue reviews, each exactly once."""
    return services.review_nudges_send_due()


@shared_task
def review_cadence_scan() -> dict[str, int]:
    """Run by beat every hour: the gentle half-time reminders, then (two days after a due
    date) the automatic reassignments and the facilitators' word on who still waits —
    each email exactly once by its key, however often it runs."""
    from . import facilitation

    return facilitation.cadence_send_due()
