"""Peer review's engagement signals: work shared for peer review and peer reviews
given. One aggregate query each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from communities.engagement import register_signal

from .models import PeerReview, SharedWork


@register_signal(
    "work_shared",
    "pieces of work shared",
    active=1,
    core=3,
    invitation=("sharing a piece of work for peer review", "sharing {n} pieces of work"),
    order=40,
)
def work_shared(community, since: datetime) -> dict[int, int]:
    rows = (
        SharedWork.objects.filter(community=community, created_at__gte=since)
        .values("author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["author_id"]: row["n"] for row in rows}


@register_signal(
    "reviews_given",
    "peer reviews given",
    active=2,
    core=5,
    invitation=("giving a peer review", "giving {n} peer reviews"),
    order=50,
)
def reviews_given(community, since: datetime) -> dict[int, int]:
    # Only reviews shared with the author count: an allocation, a draft or a declined
    # review is not yet something given.
    rows = (
        PeerReview.objects.submitted()
        .filter(round__community=community, submitted_at__gte=since)
        .values("reviewer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["reviewer_id"]: row["n"] for row in rows}
