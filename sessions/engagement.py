"""The sessions app's engagement signals: one aggregate query each."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from communities.engagement import register_signal

from .models import Attendance, Session


@register_signal(
    "sessions_attended",
    _("sessions attended"),
    active=3,
    core=6,
    invitation=ngettext_lazy(
        "coming along to a session", "coming along to %(count)s sessions", "count"
    ),
    order=10,
)
def sessions_attended(community, since: datetime) -> dict[int, int]:
    rows = (
        Attendance.objects.filter(session__community=community, session__starts_at__gte=since)
        .exclude(session__status=Session.Status.CANCELLED)
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {row["user_id"]: row["n"] for row in rows}


@register_signal(
    "sessions_facilitated",
    _("sessions facilitated"),
    active=1,
    core=2,
    invitation=ngettext_lazy("facilitating a session", "facilitating %(count)s sessions", "count"),
    order=20,
)
def sessions_facilitated(community, since: datetime) -> dict[int, int]:
    rows = (
        Session.facilitators.through.objects.filter(
            session__community=community,
            session__starts_at__gte=since,
            session__status=Session.Status.COMPLETED,
        )
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {row["user_id"]: row["n"] for row in rows}
