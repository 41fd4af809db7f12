"""Object-level rules for reflections and actions. Every view, panel and export of the
reflections app reaches them here; who may read a reflection is decided once, by
`Reflection.objects.visible_to` (the author; the community; its facilitators; leaders
never), and these functions only narrow it to one community and one object.

- a reflection: whoever may read it, else 404;
- editing or deleting a reflection: its author only, else 404;
- an action: every member of its community;
- changing an action: its owner, whoever created it and the community's facilitators,
  else 404 (a refusal looks like a page that does not exist, as everywhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Action, Reflection

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communities.access import CommunityAccess


def reflections_for(access: CommunityAccess, user) -> QuerySet:
    """The community's reflections `user` may read."""
    return Reflection.objects.visible_to(user, access.community)


def searchable_reflections(user) -> QuerySet:
    """Every reflection `user` may read, in any community (search)."""
    return Reflection.objects.visible_to(user)


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
