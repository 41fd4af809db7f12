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


# The journeys page's reads, compiled once (core.compiled): a stand-in for the community's
# id (and the member's, for one person's history).
_quiet = Compiled(
    lambda community_id: (
        Membership.objects.active()
        .filter(community=community_id, role=Membership.Role.MEMBER, quiet_since__isnull=False)
        .select_related("user")
        .order_by("quiet_since", "user__display_name", "pk")[:QUIET_ROWS]
    ),
    -20_181_401,
)


def quiet_members(community: Community):
    """The community's members in a quiet spell ("worth a hello"), longest quiet first,
    each with `hello` (this spell's check-in, or None): two queries."""
    members = _quiet.run(community.pk)
    sent = {
        c.membership_id: c
        for c in CheckIn.objects.filter(
            membership__in=[m.pk for m in members], spell_started_at=F("membership__quiet_since")
        ).select_related("sent_by")
    }
    for member in members:
        member.hello = sent.get(member.pk)
    return members


def _open_suggestions(community_id, *, inward: bool):
    current = MoveSuggestion.objects.filter(
        membership__community=community_id,
        membership__status=Membership.Status.ACTIVE,
        status=MoveSuggestion.Status.OPEN,
    ).select_related("membership__user")
    if inward:
        return current.filter(Membership.inward_moves_q()).order_by("-created_at")
    return current.exclude(Membership.inward_moves_q()).order_by("created_at", "pk")[:1]


_suggestions = Compiled(_open_suggestions, -20_181_402)


def open_suggestions(community: Community) -> list[MoveSuggestion]:
    """The community's open suggestions for its current members: every move inward, and
    at most one step back (the oldest), so the page never proposes steps back in bulk.
    Two queries."""
    return [
        *_suggestions.run(community.pk, inward=True),
        *_suggestions.run(community.pk, inward=False),
    ]


# The history table's columns (communities.templatetags.journeys), not every user's row.
HISTORY_COLUMNS = (
    "created_at",
    "from_level",
    "to_level",
    "evidence",
    "note",
    "membership__user__display_name",
    "membership__user__email",
    "confirmed_by__display_name",
    "confirmed_by__email",
)


def _history(community_id, member_id=None, *, rows: int, one: bool):
    steps = JourneyStep.objects.filter(membership__community=community_id)
    if one:
        steps = steps.filter(membership=member_id)
    return steps.select_related("membership__user", "confirmed_by").only(*HISTORY_COLUMNS)[:rows]


_history_of = Compiled(
    _history,
    stand_ins_for=lambda *, rows, one: (-20_181_403, -20_181_404)[: 2 if one else 1],
)


def journey_history(community: Community, member: Membership | None = None, *, rows: int):
    """The community's journey steps, newest first (`rows` at most), or only `member`'s:
    one query."""
    if member is None:
        return _history_of.run(community.pk, rows=rows, one=False)
    return _history_of.run(community.pk, member.pk, rows=rows, one=True)


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
