"""The one authorisation choke point for everything inside a community.

Every community view reaches its community through `community_for`, and every object
inside it through querysets filtered by that community, so a guessed id of another
community's object is a 404, never a 403 that leaks its existence.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Community, Membership


def community_for(
    user,
    slug: str,
    *,
    role: str | None = None,
    public: bool = False,
    open_to_all: bool = False,
    allow_leader: bool = False,
) -> Community:
    """Return the community at `slug` as `user` may see it, with `.membership` set to the
    user's active membership (or None).

    - unknown slug, or a non-member on an inner page → Http404;
    - `public=True`: signed-in non-members may see open and request communities (the
      community home, so they can join); invite-only stays 404;
    - `open_to_all=True`: signed-in non-members may see this inner page of an open
      community only (e.g. its published sessions); request and invite-only stay 404;
    - `allow_leader=True`: leaders pass without membership (dashboards, stories);
    - `role`: an active member without at least that role → PermissionDenied.
    """
    try:
        community = Community.objects.get(slug=slug)
    except Community.DoesNotExist:
        raise Http404("No such community.") from None
    membership = None
    if user.is_authenticated:
        membership = Membership.objects.active().filter(community=community, user=user).first()
    community.membership = membership
    if membership is not None:
        if role is not None and not membership.has_role(role):
            raise PermissionDenied("This needs a community " + role + ".")
        return community
    if allow_leader and user.is_authenticated and user.is_leader:
        return community
    if public and role is None and community.visibility != Community.Visibility.INVITE:
        return community
    if (
        open_to_all
        and role is None
        and user.is_authenticated
        and community.visibility == Community.Visibility.OPEN
    ):
        return community
    raise Http404("No such community.")
