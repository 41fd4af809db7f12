from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import SessionFactory


@dataclass
class World:
    """member alice, facilitator bob, coordinator carol (Riverside); other_member dave
    (Hillside); leader erin; outsider frank."""

    community: object
    other_community: object
    member: object
    facilitator: object
    coordinator: object
    outsider: object
    leader: object
    other_member: object
    session: object
    other_session: object

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(riverside, hillside, alice, bob, carol, dave, erin, frank):
    """The cast (tests/people.py) under the names the session tests use, with a session in
    Riverside that bob facilitates and one in Hillside."""
    session = SessionFactory(community=riverside, title="Causal loops")
    session.facilitators.add(bob)
    return World(
        community=riverside,
        other_community=hillside,
        member=alice,
        facilitator=bob,
        coordinator=carol,
        outsider=frank,
        leader=erin,
        other_member=dave,
        session=session,
        other_session=SessionFactory(community=hillside, title="Elsewhere"),
    )


ROLES = ["anonymous", "outsider", "leader", "other_member", "member", "facilitator", "coordinator"]
