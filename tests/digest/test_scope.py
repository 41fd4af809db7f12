"""communities.digest.digest_scope: the batch every app's digest section starts from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.digest import Period
from communities.digest import digest_scope
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_scope_holds_active_unmuted_memberships_their_communities_and_the_earliest_start(
    django_assert_num_queries,
):
    now = timezone.now()
    one, two, archived = CommunityFactory(), CommunityFactory(), CommunityFactory(archived=True)
    alice, bob = UserFactory(), UserFactory()
    MembershipFactory(community=one, user=alice)
    MembershipFactory(community=two, user=alice, muted=True)
    MembershipFactory(community=archived, user=alice)
    MembershipFactory(community=two, user=bob)
    MembershipFactory(community=one, user=bob, status="left")
    periods = {
        alice.pk: Period("weekly", "week", now - timedelta(days=7), now),
        bob.pk: Period("daily", "day", now - timedelta(days=1), now),
    }

    with django_assert_num_queries(1):
        scope = digest_scope([alice, bob], periods, now)

    assert scope.mine == {alice.pk: {one.pk}, bob.pk: {two.pk}}
    assert scope.communities == {one.pk, two.pk}
    assert scope.since == now - timedelta(days=7)
    assert [row["community__slug"] for row in scope.memberships[alice.pk]] == [one.slug]


def test_an_empty_batch_starts_now_with_no_community():
    now = timezone.now()

    scope = digest_scope([], {}, now)

    assert (scope.memberships, scope.mine, scope.communities, scope.since) == ({}, {}, set(), now)
