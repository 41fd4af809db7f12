""" "Inward move" (toward the core) is written once: Membership.is_inward_move, and the same
rule as a query condition (inward_moves_q, JourneyStep.objects.inward)."""

from __future__ import annotations

import itertools

import pytest

from communities.engagement import Move
from communities.models import JourneyStep, Membership, MoveSuggestion
from tests.factories import MembershipFactory

LEVELS = ["peripheral", "active", "core"]
INWARD = {("peripheral", "active"), ("peripheral", "core"), ("active", "core")}


@pytest.mark.parametrize(("low", "high"), list(itertools.product(LEVELS, LEVELS)))
def test_only_moves_toward_the_core_are_inward(low, high):
    expected = (low, high) in INWARD

    assert Membership.is_inward_move(low, high) is expected
    assert JourneyStep(from_level=low, to_level=high).is_inward is expected
    assert MoveSuggestion(from_level=low, to_level=high).is_inward is expected
    assert Move(1, 1, low, high, {}, "").is_inward is expected


@pytest.mark.django_db
def test_the_query_finds_exactly_the_inward_steps(community):
    membership = MembershipFactory(community=community)
    for low, high in itertools.product(LEVELS, LEVELS):
        JourneyStep.objects.create(membership=membership, from_level=low, to_level=high)

    found = set(JourneyStep.objects.inward().values_list("from_level", "to_level"))
    through_membership = set(
        Membership.objects.filter(Membership.inward_moves_q("steps__")).values_list(
            "steps__from_level", "steps__to_level"
        )
    )

    assert found == INWARD
    assert through_membership == INWARD
