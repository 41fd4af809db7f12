"""Reads of the communities app that more than one view needs."""

from __future__ import annotations

from django.db.models import F
from django.utils.timezone import now

from core.compiled import Compiled, stand_in_moment

from .models import (
    CELEBRATED_FOR,
    CheckIn,
    Community,
    JourneyStep,
    Membership,
    Milestone,
    MoveSuggestion,
)

# At most this many quiet members are listed at once (longest quiet first).
QUIET_ROWS = 50


def quiet_members(community: Community):
    """The community's members in a quiet spell ("worth a hello"), longest quiet first,
    each with `hello` (this spell's check-in, or None): two queries."""
    members = list(
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.MEMBER, quiet_since__isnull=False)
        .select_related("user")
        .order_by("quiet_since", "user__display_name", "pk")[:QUIET_ROWS]
    )
    sent = {
        c.membership_id: c
        for c in CheckIn.objects.filter(
            membership__in=[m.pk for m in members], spell_started_at=F("membership__quiet_since")
        ).select_related("sent_by")
    }
    for member in members:
        member.hello = sent.get(member.pk)
    return members


def open_suggestions(community: Community) -> list[MoveSuggestion]:
    """The community's open suggestions for its current members: every move inward, and
    at most one step back (the oldest), so the page never proposes steps back in bulk.
    Two queries."""
    current = MoveSuggestion.objects.filter(
        membership__community=community,
        membership__status=Membership.Status.ACTIVE,
        status=MoveSuggestion.Status.OPEN,
    ).select_related("membership__user")
    inward = current.filter(Membership.inward_moves_q()).order_by("-created_at")
    outward = current.exclude(Membership.inward_moves_q()).order_by("created_at", "pk")[:1]
    return [*inward, *outward]


# The community home's celebrations, compiled once per shape (core.compiled): stand-ins
# for the community's and the viewer's ids and the moment celebrations count from.
_SINCE = stand_in_moment(4)
_steps = Compiled(
    lambda community_id, since: JourneyStep.objects.celebrations(community_id, since=since),
    -20_181_306,
    _SINCE,
)
_milestones = Compiled(
    lambda community_id, viewer_id, since, *, facilitator: Milestone.objects.celebrations_for(
        community_id, viewer_id, facilitator=facilitator, since=since
    ),
    -20_181_307,
    -20_181_308,
    _SINCE,
    # A facilitator sees every milestone: their query names no viewer.
    required_for=lambda *, facilitator: {0, 2} if facilitator else {0, 1, 2},
)


def celebrations(community, viewer, *, facilitator: bool) -> tuple[list, list]:
    """The community home's recent steps toward the core and milestones (two queries)."""
    since = now() - CELEBRATED_FOR
    return (
        _steps.run(community.pk, since),
        _milestones.run(community.pk, viewer.pk, since, facilitator=facilitator),
    )
