from __future__ import annotations

import pytest

from communities.models import Membership

from .factories import CommunityFactory, MembershipFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def community(db):
    return CommunityFactory()


@pytest.fixture
def member_of():
    """member_of(community, role=…, level=…) → a new person with an active membership."""

    def make(community, role=Membership.Role.MEMBER, level=Membership.Level.PERIPHERAL, **kw):
        return MembershipFactory(community=community, role=role, level=level, **kw).user

    return make
