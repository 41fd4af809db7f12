from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from communities.access import community_for
from communities.engagement import register_signal, signal_sources
from communities.models import Community, Membership
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

F = Membership.Role.FACILITATOR


def test_community_for_member_gets_the_community_with_their_membership(community, member_of):
    person = member_of(community)

    found = community_for(person, community.slug)

    assert found.community == community
    assert found.membership.user == person
    assert found.is_member and not found.is_facilitator


def test_community_for_unknown_slug_is_404(user):
    with pytest.raises(Http404):
        community_for(user, "no-such-community")


@pytest.mark.parametrize("visibility", list(Community.Visibility))
def test_community_for_non_member_inner_page_is_404(user, visibility):
    community = CommunityFactory(visibility=visibility)

    with pytest.raises(Http404):
        community_for(user, community.slug)


@pytest.mark.parametrize(
    ("visibility", "visible"), [("open", True), ("request", True), ("invite", False)]
)
def test_community_for_public_page_hides_invite_only(user, visibility, visible):
    community = CommunityFactory(visibility=visibility)

    if visible:
        assert community_for(user, community.slug, public=True).membership is None
    else:
        with pytest.raises(Http404):
            community_for(user, community.slug, public=True)


@pytest.mark.parametrize(
    ("visibility", "visible"), [("open", True), ("request", False), ("invite", False)]
)
def test_community_for_open_to_all_page_shows_only_open_communities(user, visibility, visible):
    """Inner pages non-members may read (published sessions): open communities only."""
    community = CommunityFactory(visibility=visibility)

    if visible:
        assert community_for(user, community.slug, open_to_all=True).membership is None
    else:
        with pytest.raises(Http404):
            community_for(user, community.slug, open_to_all=True)
    with pytest.raises(Http404):
        community_for(AnonymousUser(), community.slug, open_to_all=True)


def test_community_for_anonymous_is_404_even_when_open(community):
    with pytest.raises(Http404):
        community_for(AnonymousUser(), community.slug)


def test_community_for_member_without_the_role_is_refused(community, member_of):
    with pytest.raises(Http404):
        community_for(member_of(community), community.slug, role=F)


@pytest.mark.parametrize("role", [F, Membership.Role.COORDINATOR])
def test_community_for_facilitator_and_coordinator_pass_a_facilitator_check(
    community, member_of, role
):
    access = community_for(member_of(community, role=role), community.slug, role=F)

    assert (access.community, access.is_facilitator) == (community, True)


def test_community_for_member_who_left_is_a_stranger(community):
    gone = MembershipFactory(community=community, status=Membership.Status.LEFT).user

    with pytest.raises(Http404):
        community_for(gone, community.slug)


def test_community_for_leader_passes_only_where_leaders_are_allowed(community):
    leader = UserFactory(is_leader=True)

    assert community_for(leader, community.slug, allow_leader=True).membership is None
    with pytest.raises(Http404):
        community_for(leader, community.slug)


def test_member_of_another_community_is_404(community, member_of):
    outsider = member_of(CommunityFactory())

    with pytest.raises(Http404):
        community_for(outsider, community.slug, role=F)


def test_signal_sources_are_registered_by_name():
    from communities import engagement

    @register_signal("test_signal", "things tested")
    def count(community, since):
        return {}

    try:
        assert signal_sources()["test_signal"] == ("things tested", count)
    finally:
        engagement._SOURCES.pop("test_signal")
