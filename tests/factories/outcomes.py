"""Factories for outcomes: outcomes and confidence ratings."""

from __future__ import annotations

import factory

from outcomes.models import ConfidenceRating, Outcome

from .accounts import UserFactory
from .communities import CommunityFactory


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    community = factory.SubFactory(CommunityFactory)
    statement = factory.Sequence(lambda n: f"map complex systems, take {n}")
    status = Outcome.Status.AGREED


class ConfidenceRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceRating

    user = factory.SubFactory(UserFactory)
    outcome = factory.SubFactory(OutcomeFactory)
    rating = 3
