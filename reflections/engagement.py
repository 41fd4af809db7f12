"""The reflections app's engagement signals: reflections shared with others, and responses
given to what others shared ("builds on others' reflections").

Private reflections never count: only `facilitators` and `community` visibility do.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from communities.engagement import register_signal

from .models import Reflection, Response


@register_signal(
    "reflections_shared",
    _("reflections shared"),
    active=2,
    core=5,
    invitation=ngettext_lazy("sharing a reflection", "sharing %(count)s reflections", "count"),
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


@register_signal(
    "responses_given",
    _("builds on others' reflections"),
    active=2,
    core=6,
    invitation=ngettext_lazy(
        "building on someone's reflection",
        "building on others' reflections %(count)s times",
        "count",
    ),
    order=35,
)
def responses_given(community, since: datetime) -> dict[int, int]:
    """Responses and replies a member wrote to what others shared (not to their own
    reflections or work), not hidden by a facilitator."""
    rows = (
        Response.objects.shown()
        .filter(community=community, created_at__gte=since)
        .exclude(reflection__author=F("author"))
        .exclude(work__author=F("author"))
        .values("author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["author_id"]: row["n"] for row in rows}
