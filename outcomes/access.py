"""Object-level rules for outcomes: every member of a community reads and endorses its
outcomes; agreeing, revising and retiring them is for its facilitators (community_for's
role check). A guessed id of another community's outcome is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from .models import Outcome

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communities.access import CommunityAccess


def searchable_outcomes(user) -> QuerySet:
    """The outcomes of every community `user` is an active member of (search): each
    member reads all of their community's outcomes, whatever their status."""
    from communities.models import Membership

    if not user.is_authenticated:
        return Outcome.objects.none()
    return Outcome.objects.filter(community__in=Membership.objects.community_ids_of(user))


def outcome_for(access: CommunityAccess, pk: int) -> Outcome:
    """An outcome of the community, or 404."""
    return get_object_or_404(Outcome.objects.filter(community=access.community), pk=pk)
