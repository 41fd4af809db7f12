"""Model factories, one module per app (tests/factories/<app>.py), all re-exported here so
`from tests.factories import UserFactory` works from any test. People for permission and
page tests come from the cast in tests/people.py, which is built with these."""

from __future__ import annotations

from .accounts import PASSWORD, UserFactory
from .communities import (
    CommunityFactory,
    InvitationFactory,
    JourneyStepFactory,
    MembershipFactory,
    MoveSuggestionFactory,
)
from .impact import ImpactStoryFactory
from .outcomes import ConfidenceRatingFactory, OutcomeFactory
from .reflections import ActionFactory, ReflectionFactory
from .reviews import PeerReviewFactory, ReviewReplyFactory, ReviewRoundFactory, SharedWorkFactory
from .sessions import (
    AgendaItemFactory,
    AttendanceFactory,
    RSVPFactory,
    SessionFactory,
    SessionTemplateFactory,
    TemplateItemFactory,
)

__all__ = [
    "PASSWORD",
    "ActionFactory",
    "AgendaItemFactory",
    "AttendanceFactory",
    "CommunityFactory",
    "ConfidenceRatingFactory",
    "ImpactStoryFactory",
    "InvitationFactory",
    "JourneyStepFactory",
    "MembershipFactory",
    "MoveSuggestionFactory",
    "OutcomeFactory",
    "PeerReviewFactory",
    "RSVPFactory",
    "ReflectionFactory",
    "ReviewReplyFactory",
    "ReviewRoundFactory",
    "SessionFactory",
    "SessionTemplateFactory",
    "SharedWorkFactory",
    "TemplateItemFactory",
    "UserFactory",
]
