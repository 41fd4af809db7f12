from __future__ import annotations

from dataclasses import dataclass

import pytest

from communities.models import Membership
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory


@dataclass
class World:
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
def world(db):
    community = CommunityFactory(slug="maps", timezone="Europe/London")
    other = CommunityFactory(slug="other")

    def join(c, role=Membership.Role.MEMBER, **user_fields):
        return MembershipFactory(community=c, role=role, user=UserFactory(**user_fields)).user

    facilitator = join(community, Membership.Role.FACILITATOR, display_name="Femi")
    session = SessionFactory(community=community, title="Causal loops")
    session.facilitators.add(facilitator)
    return World(
        community=community,
        other_community=other,
        member=join(community, display_name="Mina"),
        facilitator=facilitator,
        coordinator=join(community, Membership.Role.COORDINATOR, display_name="Cora"),
        outsider=UserFactory(display_name="Olu"),
        leader=UserFactory(display_name="Lee", is_leader=True),
        other_member=join(other, display_name="Otto"),
        session=session,
        other_session=SessionFactory(community=other, title="Elsewhere"),
    )


ROLES = ["anonymous", "outsider", "leader", "other_member", "member", "facilitator", "coordinator"]
