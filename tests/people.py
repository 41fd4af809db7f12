"""The one cast every test module uses (README, Tests).

Riverside is an open community; alice is its member, bob its facilitator, carol its
coordinator. dave is a member of another community (Hillside). erin is a leader
(User.is_leader) in no community. frank is signed in and in no community. `anonymous`
is nobody signed in. Every person is a fixture of their own and is made only when a test
asks for them (so Riverside has exactly the members a test asked for); `cast` asks for
them all; `client_as("bob")` is a test client signed in as bob (`"anonymous"`: nobody).

Registered for every test by tests/conftest.py; tests/factories/ builds the rows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from communities.models import Community, Membership

from .factories import CommunityFactory, MembershipFactory, UserFactory

NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "anonymous")
"""Everyone in the cast, signed in or not, in the order permission tables list them."""


def _person(name: str, **fields):
    return UserFactory(email=f"{name}@example.org", display_name=name.title(), **fields)


def _join(community, user, role=Membership.Role.MEMBER):
    MembershipFactory(community=community, user=user, role=role)
    return user


@pytest.fixture
def riverside(db) -> Community:
    """The cast's community: open, and with no members until a test asks for one."""
    return CommunityFactory(name="Riverside", slug="riverside", visibility="open")


@pytest.fixture
def hillside(db) -> Community:
    """Another community, dave's."""
    return CommunityFactory(name="Hillside", slug="hillside", visibility="open")


@pytest.fixture
def alice(riverside):
    """A member of Riverside."""
    return _join(riverside, _person("alice"))


@pytest.fixture
def bob(riverside):
    """Riverside's facilitator."""
    return _join(riverside, _person("bob"), Membership.Role.FACILITATOR)


@pytest.fixture
def carol(riverside):
    """Riverside's coordinator."""
    return _join(riverside, _person("carol"), Membership.Role.COORDINATOR)


@pytest.fixture
def dave(hillside):
    """A member of another community (Hillside), not of Riverside."""
    return _join(hillside, _person("dave"))


@pytest.fixture
def erin(db):
    """A leader (User.is_leader), in no community."""
    return _person("erin", is_leader=True)


@pytest.fixture
def frank(db):
    """Signed in, in no community."""
    return _person("frank")


@pytest.fixture
def anonymous():
    """Nobody signed in."""
    return AnonymousUser()


@dataclass
class Cast:
    riverside: Community
    hillside: Community
    alice: object
    bob: object
    carol: object
    dave: object
    erin: object
    frank: object
    anonymous: AnonymousUser

    @property
    def community(self) -> Community:
        return self.riverside

    def person(self, name: str):
        """The named person; None for "anonymous" (nobody to sign in)."""
        return None if name == "anonymous" else getattr(self, name)

    def client(self, name: str) -> Client:
        """A new test client signed in as the named person ("anonymous": nobody)."""
        client = Client()
        if name != "anonymous":
            client.force_login(getattr(self, name))
        return client


@pytest.fixture
def cast(riverside, hillside, alice, bob, carol, dave, erin, frank, anonymous) -> Cast:
    return Cast(riverside, hillside, alice, bob, carol, dave, erin, frank, anonymous)


@pytest.fixture
def client_as(request, db):
    """client_as("alice") → a test client signed in as alice (made on demand);
    client_as("anonymous") → a client with nobody signed in."""

    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return make
