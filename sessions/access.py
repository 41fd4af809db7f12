"""Object-level rules for sessions: which sessions of a community a viewer reaches.

Every view, panel and fragment of the sessions app (and of the apps above it that open a
session from a URL) reaches a session through `session_for`, so a draft is a 404 for
everyone but the community's facilitators, and a guessed id of another community's
session is a 404 too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.compiled import Compiled
from core.paging import row_id

from .models import AgendaItem, Attendance, CoFacilitation, Series, Session, SessionTemplate

if TYPE_CHECKING:
    from communities.access import CommunityAccess

    from .models import SessionQuerySet


def sessions_for(access: CommunityAccess) -> SessionQuerySet:
    """The community's sessions this viewer may see: drafts only for its facilitators."""
    return sessions_seen(access.community.pk, facilitator=access.is_facilitator)


def sessions_seen(community_id: int, *, facilitator: bool) -> SessionQuerySet:
    """`sessions_for`'s rule from the community's id and the viewer's role alone: for a
    query compiled once and run with each request's ids (core.compiled)."""
    return Session.objects.visible_to(community_id, facilitator=facilitator)


def searchable_sessions(user) -> SessionQuerySet:
    """The sessions `user` may see in all their communities at once (search): the rule of
    `sessions_for` (drafts only for facilitators), community by community."""
    return Session.objects.visible_in_communities_of(user)


def _session_query(community_id: int, pk: int, *, facilitator: bool, with_series: bool):
    sessions = sessions_seen(community_id, facilitator=facilitator).filter(pk=pk)
    if with_series:
        sessions = sessions.select_related("series")
    return sessions


# Every session page reads its session through here: compiled once (core.compiled).
_session_at = Compiled(_session_query, -20_181_227, -20_181_228)


def session_for(access: CommunityAccess, pk: int, *, with_series: bool = False) -> Session:
    """One of those sessions (`sessions_for`'s rule), or 404. Its community is the one
    already loaded; with `with_series`, its series comes in the same query (the session's
    page shows it). An id no row can have (not a whole number, out of range) is a 404."""
    found = []
    if (session_id := row_id(pk)) is not None:
        found = _session_at.run(
            access.community.pk,
            session_id,
            facilitator=access.is_facilitator,
            with_series=with_series,
        )
    if not found:
        raise Http404("No such session.")
    session = found[0]
    session.community = access.community
    return session


def published_session_for(access: CommunityAccess, pk: int) -> Session:
    """A published session of the community (what a reflection or an action may come
    from, even for a facilitator who also sees drafts), or 404."""
    return get_object_or_404(Session.objects.filter(community=access.community).published(), pk=pk)


def series_for(access: CommunityAccess, pk: int) -> Series:
    """A series of the community, or 404: an unpublished one only for its facilitators."""
    series = Series.objects.filter(community=access.community)
    if not access.is_facilitator:
        series = series.filter(is_live=True)
    found = get_object_or_404(series, pk=pk)
    found.community = access.community
    return found


def agenda_item_for(session: Session, pk: int) -> AgendaItem:
    """An item of this session's agenda, or 404."""
    return get_object_or_404(session.agenda_items.all(), pk=pk)


def template_for(access: CommunityAccess, pk) -> SessionTemplate:
    """One of the community's session templates, or 404 (another community's id, or junk
    in a query string, alike). Templates are the facilitators' tools: the views asking
    have already required that role through community_for."""
    if not str(pk).isdecimal():
        raise Http404("No such template.")
    template = get_object_or_404(SessionTemplate.objects.of(access.community), pk=int(pk))
    template.community = access.community
    return template


def attendance_for(session: Session, user_id: int) -> Attendance:
    """Someone's attendance at `session` (with them), or 404: only a person who came can be
    invited to co-facilitate the next occurrence."""
    return get_object_or_404(session.attendances.select_related("user"), user_id=user_id)


def cofacilitation_for(session: Session, user) -> CoFacilitation:
    """`user`'s own invitation to co-facilitate `session`, or 404 (nobody answers anyone
    else's)."""
    return get_object_or_404(
        CoFacilitation.objects.select_related("invited_by"), session=session, user=user
    )
