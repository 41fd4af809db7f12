from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def enforce_retention() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE "privacy-retention"): privacy.retention's rules."""
    from dataclasses import asdict

    from .retention import enforce_retention as enforce

    return asdict(enforce(now=timezone.now()))


@shared_task
def export_build(*, export_id: int) -> bool:
    """Build a pending export's zip and email its link (privacy.exports.export_build). A
    build that breaks marks the export failed, so the page offers to ask again."""
    from .exports import export_build as build
    from .exports import export_fail

    try:
        return build(export_id=export_id)
    except Exception:
        logger.exception("Export %s could not be built.", export_id)
        export_fail(export_id=export_id)
        return False
