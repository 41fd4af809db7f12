from __future__ import annotations

from types import SimpleNamespace

import pytest

from communities.models import Membership
from tests.factories import CommunityFactory, MembershipFactory, UserFactory


@pytest.fixture
def cast(db, community, member_of):
    """Everyone a reflections permission test needs, around one community."""
    other_community = CommunityFactory()
    leader = UserFactory(is_leader=True)
    return SimpleNamespace(
        community=community,
        author=member_of(community),
        member=member_of(community),
        facilitator=member_of(community, role=Membership.Role.FACILITATOR),
        coordinator=member_of(community, role=Membership.Role.COORDINATOR),
        leader=leader,
        non_member=UserFactory(),
        outsider=MembershipFactory(community=other_community).user,
        other_community=other_community,
    )
