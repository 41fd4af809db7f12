"""Object-level rules for the impact pages: who sees a community's dashboard, the
portfolio, and which impact story. Every impact view asks here.

- a community's dashboard: its facilitators and coordinators, and leaders;
- the portfolio: leaders;
- a story: `ImpactStory.objects.visible_to` (published ones to the community's members and
  leaders; drafts to their author);
- changing a story: its author, while still a member of its community.
Anyone else gets a 404, as everywhere.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from communities.access import CommunityAccess, community_for

from .models import ImpactStory


def dashboard_access(user, slug: str) -> CommunityAccess:
    """The community whose dashboard `user` may see (also a leader who is a plain member
    there), or 404."""
    access = community_for(user, slug, allow_leader=True)
    if user.is_leader or access.is_facilitator:
        return access
    raise Http404("The dashboard is for the community's facilitators and leaders.")


def require_leader(user) -> None:
    if not user.is_leader:
        raise Http404("The portfolio is for leaders.")


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
