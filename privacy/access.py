"""Who reaches which export: one's own export, its requester alone; a community's export,
that community's coordinators (reached through communities.access.community_for with the
coordinator role). Anyone else, and any id of another person's or community's export, gets
the 404 an export that does not exist gets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from .models import Export

if TYPE_CHECKING:
    from communities.access import CommunityAccess


def own_export_for(user, pk: int) -> Export:
    """`user`'s own export `pk`, or 404."""
    return get_object_or_404(Export.objects.of_person(user).select_related("requested_by"), pk=pk)


def community_export_for(access: CommunityAccess, pk: int) -> Export:
    """The export `pk` of the community `access` reaches (the caller asked community_for
    for a coordinator), or 404."""
    return get_object_or_404(
        Export.objects.of_community(access.community).select_related("community"), pk=pk
    )
