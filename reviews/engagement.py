"""Peer review's engagement signals: work shared for peer review and peer reviews
given. One aggregate query each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from communities.engagement import register_signal

from .models import PeerReview, SharedWork


@register_signal(
    "work_shared",
    _("pieces of work shared"),
    active=1,
    core=3,
    invitation=ngettext_lazy(
        "sharing a piece of work for peer review", "sharing %(count)s pieces of work", "count"
    ),
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
    _("peer reviews given"),
    active=2,
    core=5,
    invitation=ngettext_lazy("giving a peer review", "giving %(count)s peer reviews", "count"),
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
