from __future__ import annotations

from celery import shared_task

from . import services
from .models import Community


@shared_task
def refresh_all_move_suggestions() -> int:
    """Daily: one task per live community, so one slow community delays no other."""
    ids = list(Community.objects.filter(archived=False).values_list("pk", flat=True))
    for community_id in ids:
        refresh_move_suggestions.delay(community_id=community_id)
    return len(ids)


@shared_task
def refresh_move_suggestions(*, community_id: int) -> int:
    community = Community.objects.filter(pk=community_id, archived=False).first()
    if community is None:
        return 0
    services.move_suggestions_refresh(community=community)
    return services.move_suggestions_notify(community=community)
