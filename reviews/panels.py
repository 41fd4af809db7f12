"""Peer review's panels: reviews waiting for me on the home page, and a session's shared
work and review rounds on the session page."""

from __future__ import annotations

from django.utils import timezone

from communities.models import Membership
from core.plugins import Panel
from sessions.models import Attendance

from .models import PeerReview, ReviewRound

PANEL_ROWS = 10


def home_panel(request) -> Panel:
    """Reviews waiting for me across the communities I belong to: one query."""
    mine = Membership.objects.active().filter(user=request.user).values("community")
    waiting = list(
        PeerReview.objects.waiting()
        .filter(reviewer=request.user, round__community__in=mine)
        .select_related("work", "round__community")
        .order_by("round__due_on", "pk")[:PANEL_ROWS]
    )
    return Panel(
        "outcomes/includes/home_panel.html",
        {"reviews": waiting, "today": timezone.localdate()},
        order=35,
    )


def session_panel(request, access, session) -> Panel | None:
    """On a held session's page, once it is over: the work shared from it, its review
    rounds, and the next step — share your work (attendees), open a review round
    (facilitators). Nothing before or during a session (no round to open on a session
    that has not happened). The outcomes the agenda serves are linked from the agenda
    itself. Three queries, none before the session ends."""
    if not access.is_member or session.current_stage != session.AFTER or not session.is_held:
        return None
    community = access.community
    works = list(session.shared_work.select_related("author").order_by("-created_at")[:20])
    rounds = list(ReviewRound.objects.filter(session=session).order_by("-created_at", "-pk")[:3])
    attended = Attendance.objects.filter(session=session, user=request.user).exists()
    return Panel(
        "outcomes/includes/session_panel.html",
        {
            "community": community,
            "session": session,
            "works": works,
            "rounds": rounds,
            "attended": attended,
            "is_facilitator": access.is_facilitator,
        },
        order=15,
    )
