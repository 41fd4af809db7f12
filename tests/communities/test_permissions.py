"""Every community URL against every role: who may, and who never learns it exists (404).
The roles are the cast's people (tests/people.py): see `world`."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.models import Community, Membership
from tests.factories import InvitationFactory, MembershipFactory, MoveSuggestionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "stranger", "peripheral", "facilitator", "coordinator", "leader", "outsider"]
MEMBERS = {"peripheral", "facilitator", "coordinator"}


def objects_in(community, member):
    """The objects the URLs name: `member`'s membership, a request, an invitation and a
    suggestion to move someone else on."""
    return {
        "member": Membership.objects.get(community=community, user=member),
        "request": MembershipFactory(community=community, status="requested"),
        "invitation": InvitationFactory(community=community),
        "suggestion": MoveSuggestionFactory(membership=MembershipFactory(community=community)),
    }


@pytest.fixture
def world(cast):
    """The cast under the roles' names: alice the (peripheral) member, bob the facilitator,
    carol the coordinator of Riverside ("here"); dave, the outsider, Hillside's member;
    erin the leader; frank the stranger."""

    def build(visibility=Community.Visibility.OPEN):
        here = cast.riverside
        here.visibility = visibility
        here.save(update_fields=["visibility"])
        people = {
            "stranger": cast.frank,
            "leader": cast.erin,
            "outsider": cast.dave,
            "peripheral": cast.alice,
            "facilitator": cast.bob,
            "coordinator": cast.carol,
        }
        # A second coordinator, so a coordinator may step down in the role tests.
        MembershipFactory(community=here, role="coordinator")
        return here, cast.hillside, people, objects_in(here, cast.alice)

    return build


def client_for(people, role):
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    return client


def expect(members=200, facilitators=None, coordinators=None, strangers=404, leader=None):
    """Expected status per role: members get `members` unless their role lacks rights."""
    facilitators = members if facilitators is None else facilitators
    coordinators = facilitators if coordinators is None else coordinators
    return {
        "anonymous": 302,
        "stranger": strangers,
        "peripheral": members,
        "facilitator": facilitators,
        "coordinator": coordinators,
        "leader": strangers if leader is None else leader,
        "outsider": strangers,
    }


# (name, method, path template, data, expected statuses per role)
PAGES = [
    ("directory", "get", "/communities/", {}, expect(200, strangers=200)),
    ("new", "get", "/communities/new/", {}, expect(200, strangers=200)),
    ("home", "get", "/c/{slug}/", {}, expect(200, strangers=200)),
    ("join-page", "get", "/c/{slug}/join/", {}, expect(302, strangers=302)),
    ("members", "get", "/c/{slug}/members/", {}, expect(200)),
    ("me", "get", "/c/{slug}/me/", {}, expect(200)),
    ("leave-page", "get", "/c/{slug}/leave/", {}, expect(200)),
    ("journeys", "get", "/c/{slug}/journeys/", {}, expect(404, 200)),
    ("invitations", "get", "/c/{slug}/invitations/", {}, expect(404, 200)),
    ("requests", "get", "/c/{slug}/requests/", {}, expect(404, 200)),
    ("settings", "get", "/c/{slug}/settings/", {}, expect(404, 404, 200)),
    ("archive", "post", "/c/{slug}/settings/archive/", {"archived": "1"}, expect(404, 404, 302)),
    ("role", "post", "/c/{slug}/members/{member}/role/", {"role": "facilitator"},
     expect(404, 404, 302)),
    ("approve", "post", "/c/{slug}/requests/{request}/approve/", {}, expect(404, 302)),
    ("decline", "post", "/c/{slug}/requests/{request}/decline/", {}, expect(404, 302)),
    ("revoke", "post", "/c/{slug}/invitations/{invitation}/revoke/", {}, expect(404, 302)),
    ("resend", "post", "/c/{slug}/invitations/{invitation}/resend/", {}, expect(404, 302)),
    ("confirm", "post", "/c/{slug}/journeys/suggestions/{suggestion}/confirm/", {},
     expect(404, 302)),
    ("dismiss", "post", "/c/{slug}/journeys/suggestions/{suggestion}/dismiss/", {},
     expect(404, 302)),
    ("move", "post", "/c/{slug}/journeys/move/", {"to_level": "core", "note": "yes"},
     expect(404, 200)),
    ("refresh", "post", "/c/{slug}/journeys/refresh/", {}, expect(404, 302)),
    ("join", "post", "/c/{slug}/join/", {}, expect(302, strangers=302)),
]  # fmt: skip


def path_of(template, community, objects):
    return template.format(slug=community.slug, **{k: v.pk for k, v in objects.items()})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "template", "data", "expected"), PAGES)
def test_open_community_url_by_role(world, role, name, method, template, data, expected):
    here, _, people, objects = world()

    response = getattr(client_for(people, role), method)(path_of(template, here, objects), data)

    assert response.status_code == expected[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", ["invite", "request"])
def test_closed_community_home_is_hidden_only_when_invite_only(world, role, visibility):
    here, _, people, _ = world(visibility)
    visible = role in MEMBERS or (visibility == "request" and role != "anonymous")

    response = client_for(people, role).get(f"/c/{here.slug}/")

    assert response.status_code == (200 if visible else 302 if role == "anonymous" else 404)


@pytest.mark.parametrize(
    ("name", "method", "template", "data", "expected"),
    [row for row in PAGES if "{" in row[2].replace("{slug}", "")],
)
def test_another_communitys_object_is_404_even_for_a_coordinator(
    world, name, method, template, data, expected
):
    here, elsewhere, people, _ = world()
    foreign = objects_in(elsewhere, people["outsider"])

    response = getattr(client_for(people, "coordinator"), method)(
        path_of(template, here, foreign), data
    )

    assert response.status_code == 404
