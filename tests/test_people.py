"""The cast (tests/people.py) is who the README says it is, so every test can rely on it."""

from __future__ import annotations

import pytest

from communities.models import Membership

pytestmark = pytest.mark.django_db


def roles(person):
    return {(m.community.name, m.role, m.status) for m in person.memberships.all()}


def test_the_cast_has_one_role_each(cast):
    active = Membership.Status.ACTIVE
    assert roles(cast.alice) == {("Riverside", "member", active)}
    assert roles(cast.bob) == {("Riverside", "facilitator", active)}
    assert roles(cast.carol) == {("Riverside", "coordinator", active)}
    assert roles(cast.dave) == {("Hillside", "member", active)}
    assert roles(cast.erin) == roles(cast.frank) == set()
    assert cast.erin.is_leader
    assert not any(p.is_leader for p in (cast.alice, cast.bob, cast.carol, cast.dave, cast.frank))
    assert cast.riverside.visibility == "open"
    assert cast.anonymous.is_authenticated is False
    assert cast.person("anonymous") is None


def test_riverside_has_only_the_members_a_test_asks_for(riverside, alice):
    assert list(riverside.memberships.values_list("user__display_name", flat=True)) == ["Alice"]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "erin", "frank"])
def test_client_as_signs_the_person_in(client_as, name):
    response = client_as(name).get("/settings/")

    assert response.status_code == 200
    assert response.context["user"].email == f"{name}@example.org"


def test_client_as_anonymous_is_nobody(client_as):
    response = client_as("anonymous").get("/settings/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_cast_client_is_the_named_person(cast):
    assert cast.client("carol").get("/settings/").context["user"] == cast.carol
