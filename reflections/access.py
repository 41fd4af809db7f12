"""Object-level rules for reflections and actions. Every view, panel and export of the
reflections app reaches them here; who may read a reflection is decided once, by
`Reflection.objects.visible_to` (the author; the community; its facilitators; leaders
never), and these functions only narrow it to one community and one object.

- a reflection: whoever may read it, else 404;
- editing or deleting a reflection: its author only, else 404;
- an action: every member of its community;
- changing an action: its owner, whoever created it and the community's facilitators,
  else 404 (a refusal looks like a page that does not exist, as everywhere);
- a response: exactly the audience of what it answers (`response_audience_q`, the one
  rule, built from the reflection, shared-work and session rules), and when a facilitator
  hid it, only its author and the facilitators; responding: active members who may see
  what they answer (never a leader passing by, never a visitor of a public page);
- changing or deleting a response: its author only; hiding, and the flags page: the
  community's facilitators.
- a theme: every active member of its community (members' content: never a leader
  passing by, never a visitor); grouping, and making one an action: its facilitators;
  only what is shared with the whole community may be grouped (`groupable_reflections`,
  `groupable_responses`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.search import InSubquery
from reviews.access import work_for
from sessions.access import session_for
from sessions.models import Session

from .models import Action, Flag, Reflection, Response, Theme, _active_communities

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communities.access import CommunityAccess


def reflections_for(access: CommunityAccess, user) -> QuerySet:
    """The community's reflections `user` may read."""
    return Reflection.objects.visible_to(user, access.community)


def searchable_reflections(user, among=None) -> QuerySet:
    """Every reflection `user` may read, in any community (search): the rule is
    Reflection.objects.visible_to's alone. Given `among` (the user's communities as ids,
    core.search.Among), the rule tests those ids and PostgreSQL walks its indexes by them.
    Without, the filter added on top restates what the rule implies — one's own, or in a
    community one is an active member of — so PostgreSQL looks up those rows by index
    first (core.search.InSubquery) and only then matches and ranks them, rather than
    testing every reflection of the site against the words. It never widens (an AND) and
    never narrows what the rule lets through."""
    if among is not None:
        return Reflection.objects.visible_to(user, among=among)
    rows = Reflection.objects.visible_to(user)
    if not user.is_authenticated:
        return rows
    return rows.filter(Q(author=user) | Q(InSubquery("community", _active_communities(user))))


def reflection_for(access: CommunityAccess, user, pk: int) -> Reflection:
    """One reflection `user` may read, with what its page shows, or 404."""
    return get_object_or_404(
        reflections_for(access, user).select_related(
            "author", "session", "outcome", "community", "follow_up_of"
        ),
        pk=pk,
    )


def own_reflection_for(access: CommunityAccess, user, pk: int) -> Reflection:
    """A reflection `user` wrote in the community, or 404: only the author changes one."""
    return get_object_or_404(
        Reflection.objects.filter(community=access.community, author=user), pk=pk
    )


def action_for(access: CommunityAccess, pk: int, actions: QuerySet | None = None) -> Action:
    """An action of the community (out of `actions`, when the caller prefetches), or 404."""
    actions = Action.objects.all() if actions is None else actions
    return get_object_or_404(actions.filter(community=access.community), pk=pk)


def may_update_action(access: CommunityAccess, user, action: Action) -> bool:
    """Its owner, whoever created it, and the community's facilitators move an action on."""
    return user.pk in (action.owner_id, action.created_by_id) or access.is_facilitator


def updatable_action_for(access: CommunityAccess, user, pk: int) -> Action:
    """An action `user` may change, or 404."""
    action = action_for(access, pk)
    if not may_update_action(access, user, action):
        raise Http404("Only its owner, its author and facilitators change an action.")
    return action


# --- Responses ------------------------------------------------------------------------------


def response_audience_q(user) -> Q:
    """THE rule of who may read a response, written once: exactly who may read what it
    answers. A reflection's readers (Reflection.objects.visible_to), a piece of shared
    work's (every active member of its community, reviews.access.work_for), a session's
    (its community's active members, drafts its facilitators only:
    Session.objects.visible_in_communities_of). A hidden response is further narrowed by
    `shown_q`. Anonymous people and leaders who are not members see none."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return (
        _audience_of(user, Response.Kind.REFLECTION)
        | _audience_of(user, Response.Kind.WORK)
        | _audience_of(user, Response.Kind.SESSION)
    )


def _audience_of(user, kind: str) -> Q:
    """The branch of `response_audience_q` for responses to a `kind`: who may read that."""
    if kind == Response.Kind.REFLECTION:
        return Q(reflection__in=Reflection.objects.visible_to(user).values("pk"))
    if kind == Response.Kind.WORK:
        return Q(work__isnull=False, work__community__in=_active_communities(user))
    return Q(session__in=Session.objects.visible_in_communities_of(user).values("pk"))


def shown_q(user) -> Q:
    """A hidden response stays visible to its author and the community's facilitators; so
    do the replies under it (a thread hidden at its top is hidden whole, and not counted)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return _shown_to_members_q(user) | Q(
        community__in=_active_communities(user, facilitators_only=True)
    )


def _shown_to_members_q(user) -> Q:
    return Q(hidden_at__isnull=True) & (
        Q(parent__isnull=True) | Q(parent__hidden_at__isnull=True)
    ) | Q(author=user)


def shown_in_q(access: CommunityAccess, user) -> Q:
    """`shown_q` for the responses of the one community of `access`, its viewer an active
    member of it: every response for its facilitators, else what is not hidden and their
    own. The same rule, without asking the database who facilitates where."""
    return Q() if access.is_facilitator else _shown_to_members_q(user)


def responses_visible_to(user) -> QuerySet:
    """Every response `user` may read, in any community (digests, search, signals)."""
    return Response.objects.filter(response_audience_q(user)).filter(shown_q(user))


def searchable_responses(user) -> QuerySet:
    """Every response `user` may read, in any community (search): exactly the audience of
    what it answers, a hidden one only to its author and the facilitators."""
    return responses_visible_to(user)


def responses_for(access: CommunityAccess, user) -> QuerySet:
    """The community's responses `user` may read: none for someone who is not a member."""
    if not access.is_member:
        return Response.objects.none()
    return responses_visible_to(user).filter(community=access.community)


def responses_answering_readable(access: CommunityAccess, user) -> QuerySet:
    """`responses_for`, for responses to what `user` may read (a list's rows, chosen through
    their own rule): a response's audience is exactly what it answers' (the one rule,
    `response_audience_q`), so of it only `shown_q` is left to test. The same rows for such
    targets, with none of the audience subqueries to build and plan."""
    if not access.is_member:
        return Response.objects.none()
    return Response.objects.filter(community=access.community).filter(shown_in_q(access, user))


def responses_of_kind_for(access: CommunityAccess, user, kind: str) -> QuerySet:
    """`responses_for(access, user)` narrowed to the responses to a `kind` ("reflection",
    "work", "session"): the same rows as a smaller query, for the response counts of a
    list. A response answers exactly one thing (the model's check constraint), so only
    that kind's branch of the audience rule can hold; and whether `user` facilitates the
    community (who sees hidden responses) is known from `access`."""
    if not access.is_member:
        return Response.objects.none()
    return Response.objects.filter(
        _audience_of(user, kind),
        shown_in_q(access, user),
        community=access.community,
    )


def response_for(access: CommunityAccess, user, pk: int) -> Response:
    """One response `user` may read, or 404."""
    return get_object_or_404(responses_for(access, user).select_related("author"), pk=pk)


def own_response_for(access: CommunityAccess, user, pk: int) -> Response:
    """A response `user` wrote and may still read, or 404: only the author changes one."""
    return get_object_or_404(responses_for(access, user).filter(author=user), pk=pk)


def hideable_response_for(access: CommunityAccess, user, pk: int) -> Response:
    """A response a facilitator of the community may hide or show again, or 404."""
    if not access.is_facilitator:
        raise Http404("Only facilitators moderate.")
    return response_for(access, user, pk)


def hideable_reflection_for(access: CommunityAccess, user, pk: int) -> Reflection:
    """A community reflection a facilitator may hide or show again, or 404 (private and
    facilitators-only reflections are not the community's to moderate)."""
    if not access.is_facilitator:
        raise Http404("Only facilitators moderate.")
    return get_object_or_404(
        reflections_for(access, user).filter(visibility=Reflection.Visibility.COMMUNITY), pk=pk
    )


def open_flags_for(access: CommunityAccess, user) -> QuerySet:
    """The community's open flags on what `user` (a facilitator) may read: a flag on a
    private reflection, or on a response to one, names nothing its author did not share."""
    return Flag.objects.filter(community=access.community, resolved_at__isnull=True).filter(
        Q(reflection__in=reflections_for(access, user).values("pk"))
        | Q(response__in=responses_for(access, user).values("pk"))
    )


def flag_for(access: CommunityAccess, pk: int) -> Flag:
    """An open flag of the community, for its facilitators, or 404."""
    if not access.is_facilitator:
        raise Http404("Only facilitators see flags.")
    return get_object_or_404(
        Flag.objects.filter(community=access.community, resolved_at__isnull=True), pk=pk
    )


def response_target_for(access: CommunityAccess, user, kind: str, pk: int):
    """What a response answers, as `user` may see it: a reflection (reflection_for), a
    piece of shared work (work_for) or a session (session_for), or 404. Only members may
    respond, so a leader passing by and a visitor of an open community's public sessions
    get a 404 as for anything else they may not use."""
    if not access.is_member:
        raise Http404("Only members respond.")
    if kind == Response.Kind.REFLECTION:
        return reflection_for(access, user, pk)
    if kind == Response.Kind.WORK:
        return work_for(access, pk)
    if kind == Response.Kind.SESSION:
        return session_for(access, pk)
    raise Http404("Nothing to respond to.")


def responses_to(target, kind: str, access: CommunityAccess, user) -> QuerySet:
    """The responses to one thing that `user` may read, oldest first, with their authors:
    the thread shown under it. The caller has already reached `target` in the community
    through its access rule (reflection_for, work_for, session_for), and that rule is the
    responses' audience (`response_audience_q`: exactly who may read what they answer), so
    of the one rule only `shown_in_q` is left to ask: the same rows as `responses_for`
    narrowed to `target`, without building the audience of every kind for one of them."""
    if not access.is_member:
        return Response.objects.none()
    return (
        Response.objects.filter(community=access.community, **{kind: target})
        .filter(shown_in_q(access, user))
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )


# --- Themes ---------------------------------------------------------------------------------


def groupable_reflections(community, session=None) -> QuerySet:
    """The reflections a facilitator may group into a theme: shared with the whole
    community and not hidden, so a theme never shows a member's words to anyone who could
    not already read them (never a private or facilitators-only one). Of one session, when
    given."""
    reflections = Reflection.objects.filter(
        community=community, visibility=Reflection.Visibility.COMMUNITY, hidden_at__isnull=True
    )
    return reflections if session is None else reflections.filter(session=session)


def groupable_responses(community, session=None) -> QuerySet:
    """The responses that may be grouped: not hidden, answering something the whole
    community reads (a groupable reflection, shared work, a published session) and, if a
    reply, under a response that is not hidden either. Of one session, when given: the
    responses to it and to its reflections."""
    audience = (
        Q(reflection__in=groupable_reflections(community).values("pk"))
        | Q(work__isnull=False)
        | Q(session__in=Session.objects.filter(community=community).published().values("pk"))
    )
    responses = Response.objects.filter(audience, community=community, hidden_at__isnull=True)
    responses = responses.exclude(parent__hidden_at__isnull=False)
    if session is not None:
        responses = responses.filter(
            Q(session=session) | Q(reflection__session=session, reflection__isnull=False)
        )
    return responses


def themes_visible(access: CommunityAccess) -> QuerySet:
    """The community's themes, for its active members only (leaders and visitors: none)."""
    if not access.is_member:
        return Theme.objects.none()
    return Theme.objects.filter(community=access.community)


def searchable_themes(user) -> QuerySet:
    """Every theme `user` may see, in any community (search): its active members'."""
    if not user.is_authenticated:
        return Theme.objects.none()
    return Theme.objects.filter(community__in=_active_communities(user))


def theme_for(access: CommunityAccess, pk: int) -> Theme:
    """A theme of the community a member may see and vote on, or 404."""
    return get_object_or_404(themes_visible(access), pk=pk)


def facilitated_theme_for(access: CommunityAccess, pk: int) -> Theme:
    """A theme a facilitator of its community may turn into an action, or 404."""
    if not access.is_facilitator:
        raise Http404("Only facilitators make a theme an action.")
    return theme_for(access, pk)
