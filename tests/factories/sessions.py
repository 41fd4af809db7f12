"""Factories for sessions: sessions, agenda items, RSVPs, attendance, templates."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from sessions.models import Session

from .accounts import UserFactory
from .communities import CommunityFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 90
    status = Session.Status.SCHEDULED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop_sessions.AgendaItem"

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    minutes = 20
    position = factory.Sequence(lambda n: n)


class RSVPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop_sessions.RSVP"

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    response = "going"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop_sessions.Attendance"

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)


class SessionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop_sessions.SessionTemplate"

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    title_pattern = "Clinic, {date}"
    duration_minutes = 60


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cop_sessions.TemplateItem"

    template = factory.SubFactory(SessionTemplateFactory)
    title = factory.Sequence(lambda n: f"Step {n}")
    minutes = 15
    position = factory.Sequence(lambda n: n)
