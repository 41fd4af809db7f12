from __future__ import annotations

import pytest
from django.core.cache import cache

from communities.models import Membership

from .factories import MembershipFactory

# The one cast (alice, bob, carol, dave, erin, frank, anonymous), for every test module.
pytest_plugins = ["tests.people"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (tests/settings.py: this process's memory): the
    dashboards keep their figures there, and ids repeat from one test's database to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(frank):
    """Someone signed in and in no community: the cast's frank."""
    return frank


@pytest.fixture
def community(riverside):
    """The cast's community, Riverside; its members are the cast's people a test asks
    for, and whoever `member_of` adds."""
    return riverside


@pytest.fixture
def member_of():
    """member_of(community, role=…, level=…) → a new person with an active membership."""

    def make(community, role=Membership.Role.MEMBER, level=Membership.Level.PERIPHERAL, **kw):
        return MembershipFactory(community=community, role=role, level=level, **kw).user

    return make
