from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from core.compiled import Compiled, stand_in_moment
from core.plugins import Panel

from .models import UNDER_WAY, Session
from .selectors import next_session_all_going, with_my_rsvp


def settings_panel(request) -> Panel:
    """On my settings page: my private calendar feed link (no query: the token is mine)."""
    return Panel("sessions/includes/calendar_feed.html", {}, order=20)


def home_panel(request) -> Panel:
    """My next sessions across all my communities: one query, however many there are."""
    sessions = with_my_rsvp(
        Session.objects.upcoming().for_member(request.user).select_related("community"),
        request.user,
    )[:6]
    return Panel("sessions/includes/home_panel.html", {"sessions": list(sessions)}, order=20)


def community_panel(request, access) -> Panel | None:
    """The community's next session, as a teaser on its home page: one query (two for a
    facilitator when nothing is scheduled: the draft waiting). Members only, like every
    panel: the home page shows non-members how to join, nothing more."""
    if not access.is_member:
        return None
    community = access.community
    found = _next_session.run(community.pk, request.user.pk, timezone.now() - UNDER_WAY)
    next_session = found[0] if found else None
    # With nothing scheduled, a facilitator is shown the draft waiting to be published
    # (one more query, only then), so the page never says "nothing planned" over their plan.
    draft = None
    if next_session is None and access.is_facilitator:
        draft = (
            Session.objects.filter(community=community, status=Session.Status.DRAFT)
            .order_by("starts_at")
            .first()
        )
    return Panel(
        "sessions/includes/community_panel.html",
        {"community": community, "next_session": next_session, "draft": draft},
        order=20,
    )


# The community home's next session with the viewer's answer, compiled once (core.compiled):
# stand-ins for the community's and the viewer's ids and the moment sessions count from.
_next_session = Compiled(
    lambda community_id, user_id, since: with_my_rsvp(
        Session.objects.filter(community_id=community_id).upcoming_since(since),
        SimpleNamespace(pk=user_id),
    )[:1],
    -20_181_301,
    -20_181_302,
    stand_in_moment(3),
)


def pair_panel(request, access, pair) -> Panel:
    """On a mentoring pair's page: the next session both of them said they're going to
    (one query)."""
    session = next_session_all_going(access.community, [pair.mentor_id, pair.newcomer_id])
    return Panel(
        "sessions/includes/pair_panel.html",
        {"session": session, "community": access.community, "pair": pair},
        order=20,
    )
