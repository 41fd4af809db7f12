"""Factories for communities: communities, memberships, invitations, journeys."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from communities.models import Community, Membership

from .accounts import UserFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    domain = "Mapping complex systems together."
    visibility = Community.Visibility.OPEN
    timezone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    level = Membership.Level.PERIPHERAL


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.Invitation"

    community = factory.SubFactory(CommunityFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class JourneyStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.JourneyStep"

    membership = factory.SubFactory(MembershipFactory)
    from_level = Membership.Level.PERIPHERAL
    to_level = Membership.Level.ACTIVE


class MoveSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.MoveSuggestion"

    membership = factory.SubFactory(MembershipFactory)
    from_level = factory.LazyAttribute(lambda o: o.membership.level)
    to_level = Membership.Level.ACTIVE
    evidence = "test sessions: 4 (last 90 days)"
    signals = factory.LazyFunction(lambda: {"test_attended": 4})


class MentoringPairFactory(factory.django.DjangoModelFactory):
    """A pair in one community: both people are made active members of it, the mentor
    opted in ("I'm happy to mentor"), the newcomer too ("I'd welcome a buddy")."""

    class Meta:
        model = "communities.MentoringPair"

    community = factory.SubFactory(CommunityFactory)
    mentor = factory.LazyAttribute(
        lambda o: MembershipFactory(community=o.community, aspiration=Membership.MENTOR).user
    )
    newcomer = factory.LazyAttribute(
        lambda o: MembershipFactory(community=o.community, aspiration=Membership.BUDDY).user
    )
