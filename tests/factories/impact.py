"""Factories for impact: impact stories."""

from __future__ import annotations

import factory
from django.utils import timezone

from .accounts import UserFactory
from .communities import CommunityFactory


class ImpactStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "impact.ImpactStory"

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Impact story {n}")
    what_happened = "We mapped the referral route together."
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
