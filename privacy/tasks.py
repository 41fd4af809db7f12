from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def enforce_retention() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE "privacy-retention"): privacy.retention's rules."""
    from dataclasses import asdict

    from .retention import enforce_retention as enforce

    return asdict(enforce(now=timezone.now()))
