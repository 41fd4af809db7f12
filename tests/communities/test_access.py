from __future__ import annotations

import pytest
from django.http import Http404

from communities.access import community_for
from communities.engagement import register_signal, signal_sources
from communities.models import Community, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

F = Membership.Role.FACILITATOR


def made(community, visibility):
    """The cast's Riverside, made `visibility` for the test."""
    community.visibility = visibility
    community.save(update_fields=["visibility"])
    return community


def test_community_for_member_gets_the_community_with_their_membership(riverside, alice):
    found = community_for(alice, riverside.slug)

    assert found.community == riverside
    assert found.membership.user == alice
    assert found.is_member and not found.is_facilitator


def test_community_for_unknown_slug_is_404(frank):
    with pytest.raises(Http404):
        community_for(frank, "no-such-community")


@pytest.mark.parametrize("visibility", list(Community.Visibility))
def test_community_for_non_member_inner_page_is_404(riverside, frank, visibility):
    community = made(riverside, visibility)

    with pytest.raises(Http404):
        community_for(frank, community.slug)


@pytest.mark.parametrize(
    ("visibility", "visible"), [("open", True), ("request", True), ("invite", False)]
)
def test_community_for_public_page_hides_invite_only(riverside, frank, visibility, visible):
    community = made(riverside, visibility)

    if visible:
        assert community_for(frank, community.slug, public=True).membership is None
    else:
        with pytest.raises(Http404):
            community_for(frank, community.slug, public=True)


@pytest.mark.parametrize(
    ("visibility", "visible"), [("open", True), ("request", False), ("invite", False)]
)
def test_community_for_open_to_all_page_shows_only_open_communities(
    riverside, frank, anonymous, visibility, visible
):
    """Inner pages non-members may read (published sessions): open communities only."""
    community = made(riverside, visibility)

    if visible:
        assert community_for(frank, community.slug, open_to_all=True).membership is None
    else:
        with pytest.raises(Http404):
            community_for(frank, community.slug, open_to_all=True)
    with pytest.raises(Http404):
        community_for(anonymous, community.slug, open_to_all=True)


def test_community_for_anonymous_is_404_even_when_open(riverside, anonymous):
    assert riverside.visibility == Community.Visibility.OPEN
    with pytest.raises(Http404):
        community_for(anonymous, riverside.slug)


def test_community_for_member_without_the_role_is_refused(riverside, alice):
    with pytest.raises(Http404):
        community_for(alice, riverside.slug, role=F)


@pytest.mark.parametrize("name", ["bob", "carol"])  # the facilitator and the coordinator
def test_community_for_facilitator_and_coordinator_pass_a_facilitator_check(
    request, riverside, name
):
    access = community_for(request.getfixturevalue(name), riverside.slug, role=F)

    assert (access.community, access.is_facilitator) == (riverside, True)


def test_community_for_member_who_left_is_a_stranger(riverside):
    # Someone who left: not one of the cast, who are all still where they are.
    gone = MembershipFactory(community=riverside, status=Membership.Status.LEFT).user

    with pytest.raises(Http404):
        community_for(gone, riverside.slug)


def test_community_for_leader_passes_only_where_leaders_are_allowed(riverside, erin):
    assert community_for(erin, riverside.slug, allow_leader=True).membership is None
    with pytest.raises(Http404):
        community_for(erin, riverside.slug)


def test_member_of_another_community_is_404(riverside, dave):
    with pytest.raises(Http404):
        community_for(dave, riverside.slug, role=F)


def test_signal_sources_are_registered_by_name():
    from communities import engagement

    @register_signal("test_signal", "things tested")
    def count(community, since):
        return {}

    try:
        assert signal_sources()["test_signal"] == ("things tested", count)
    finally:
        engagement._SOURCES.pop("test_signal")
