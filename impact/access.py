"""Object-level rules for the impact pages: who sees a community's dashboard, the
portfolio, and which impact story. Every impact view asks here.

- a community's dashboard: its facilitators and coordinators, and the leaders of its
  organisation;
- the portfolio: leaders, of their organisations' communities only (`/o/<slug>/dashboard/`:
  one organisation's, for its leaders);
- a story: `ImpactStory.objects.visible_to` (published ones to the community's members and
  its organisation's leaders; drafts to their author);
- changing a story: its author, while still a member of its community.
Anyone else gets a 404, as everywhere.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from communities.access import CommunityAccess, community_for, organisation_led_for
from communities.models import Community, Membership, Organisation, led_organisation_ids

from .models import ImpactStory


def dashboard_access(user, slug: str) -> CommunityAccess:
    """The community whose dashboard `user` may see (also a leader who is a plain member
    there), or 404."""
    access = community_for(user, slug, allow_leader=True)
    if access.led or access.is_facilitator:
        return access
    raise Http404("The dashboard is for the community's facilitators and leaders.")


def require_leader(user) -> None:
    if not user.is_leader:
        raise Http404("The portfolio is for leaders.")


def portfolio_communities(user, organisation: Organisation | None = None) -> list[Community]:
    """The live communities on `user`'s portfolio: those of the organisations they lead (of
    `organisation` alone when given, which the caller reached through
    `portfolio_organisation`). 404 for anyone who leads nothing."""
    require_leader(user)
    communities = Community.objects.led_by(user).filter(archived=False)
    if organisation is not None:
        communities = communities.filter(organisation=organisation)
    return list(communities.select_related("organisation").order_by("name"))


def portfolio_organisation(user, slug: str) -> Organisation:
    """An organisation whose portfolio `user` may see (they lead it), or 404."""
    return organisation_led_for(user, slug)


def story_communities(user):
    """Communities whose published stories `user` may read: their own, and those of the
    organisations they lead."""
    if not user.is_authenticated:
        return Community.objects.none()
    mine = Q(pk__in=Membership.objects.community_ids_of(user))
    if user.is_leader:
        mine |= Q(organisation__in=led_organisation_ids(user))
    return Community.objects.filter(mine)


def searchable_stories(user):
    """Every story `user` may read (search): `ImpactStory.objects.visible_to`."""
    return ImpactStory.objects.visible_to(user)


def story_for(user, pk: int) -> ImpactStory:
    """A story `user` may read, with its community and author, or 404."""
    return get_object_or_404(
        ImpactStory.objects.visible_to(user).select_related("community", "author"), pk=pk
    )


def own_story_for(user, pk: int) -> tuple[ImpactStory, CommunityAccess]:
    """A story `user` wrote, and their access to its community, or 404: only the author
    changes a story, and only while they still belong to its community."""
    story = story_for(user, pk)
    if story.author_id != user.pk:
        raise Http404("Only the author can change a story.")
    return story, community_for(user, story.community.slug)
