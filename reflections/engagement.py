"""The reflections app's engagement signal: reflections shared with others.

Private reflections never count: only `facilitators` and `community` visibility do.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from communities.engagement import register_signal

from .models import Reflection


@register_signal(
    "reflections_shared",
    "reflections shared",
    active=2,
    core=5,
    invitation=("sharing a reflection", "sharing {n} reflections"),
    order=30,
)
def reflections_shared(community, since: datetime) -> dict[int, int]:
    rows = (
        Reflection.objects.shared()
        .filter(community=community, created_at__gte=since)
        .values("author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["author_id"]: row["n"] for row in rows}
