"""Factories for reflections: reflections and actions."""

from __future__ import annotations

import factory

from reflections.models import Action, Reflection

from .accounts import UserFactory
from .communities import CommunityFactory


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    author = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Reflection {n}")
    body = "We noticed something."
    visibility = Reflection.Visibility.COMMUNITY


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    status = Action.Status.PROPOSED
