"""Factories for peer review: shared work, review rounds, reviews and replies, built
directly (for tests of what reads them); the services that write them are tested on their own."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork

from .accounts import UserFactory
from .sessions import SessionFactory


class SharedWorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedWork

    session = factory.SubFactory(SessionFactory, status="completed")
    community = factory.LazyAttribute(lambda o: o.session.community)
    author = factory.SubFactory(UserFactory)
    title = factory.LazyAttribute(lambda o: f"Map by {o.author.display_name}")


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    """`outcomes=[…]` sets the round's outcomes and, unless `prompts` are given, one
    prompt for each."""

    class Meta:
        model = ReviewRound

    session = factory.SubFactory(SessionFactory, status="completed")
    community = factory.LazyAttribute(lambda o: o.session.community)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))

    @classmethod
    def _create(cls, model_class, *args, outcomes=(), **kwargs):
        kwargs.setdefault(
            "prompts", [{"outcome": o.pk, "prompt": "What works well here?"} for o in outcomes]
        )
        round_ = super()._create(model_class, *args, **kwargs)
        round_.outcomes.set(outcomes)
        return round_


class PeerReviewFactory(factory.django.DjangoModelFactory):
    """A review; a submitted one is shared now unless `submitted_at` says otherwise."""

    class Meta:
        model = PeerReview

    round = factory.SubFactory(ReviewRoundFactory)
    work = factory.SubFactory(
        SharedWorkFactory,
        session=factory.SelfAttribute("..round.session"),
    )
    reviewer = factory.SubFactory(UserFactory)
    status = PeerReview.Status.ALLOCATED
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == PeerReview.Status.SUBMITTED else None
    )
    answers = factory.LazyAttribute(
        lambda o: (
            [{"works": "Clear boundaries.", "deeper": "More loops."}]
            if o.status == PeerReview.Status.SUBMITTED
            else []
        )
    )


class ReviewReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewReply

    review = factory.SubFactory(PeerReviewFactory, status=PeerReview.Status.SUBMITTED)
    body = "Thank you!"
