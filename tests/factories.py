from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership
from outcomes.models import ConfidenceRating, Outcome
from reflections.models import Reflection
from sessions.models import Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    timezone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", "a-good-long-passphrase")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.save()


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


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 90
    status = Session.Status.SCHEDULED


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    author = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Reflection {n}")
    body = "We noticed something."
    visibility = Reflection.Visibility.COMMUNITY


# --- communities ---
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


# --- impact (impact stories) ---
class ImpactStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "impact.ImpactStory"

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Impact story {n}")
    what_happened = "We mapped the referral route together."
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


# --- sessions ---


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


# --- reflections ---
from reflections.models import Action  # noqa: E402 -- factories of each app are appended.


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    status = Action.Status.PROPOSED
