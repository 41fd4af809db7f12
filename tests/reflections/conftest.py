from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def cast(riverside, hillside, alice, bob, carol, dave, erin, frank, member_of):
    """The cast (tests/people.py) under the names the reflections tests use, plus an author:
    another member of Riverside."""
    return SimpleNamespace(
        community=riverside,
        author=member_of(riverside),
        member=alice,
        facilitator=bob,
        coordinator=carol,
        leader=erin,
        non_member=frank,
        outsider=dave,
        other_community=hillside,
    )
