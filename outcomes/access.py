"""Object-level rules for outcomes: every member of a community reads and endorses its
outcomes; agreeing, revising and retiring them is for its facilitators (community_for's
role check). A guessed id of another community's outcome is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from .models import Outcome

if TYPE_CHECKING:
    from communities.access import CommunityAccess


def outcome_for(access: CommunityAccess, pk: int) -> Outcome:
    """An outcome of the community, or 404."""
    return get_object_or_404(Outcome.objects.filter(community=access.community), pk=pk)
