from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def session_reminders_scan() -> int:
    """Run by beat every five minutes: record and send the reminders that are due."""
    return services.reminders_send_due()


@shared_task
def series_extend_scan() -> int:
    """Run by beat daily: make open-ended series' sessions six months ahead."""
    return services.series_extend_open_ended()
