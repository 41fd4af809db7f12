"""Peer-review rows built directly, for tests of what reads them (alignment, dashboards,
digests, signals): positional shorthands over the factories in tests/factories/reviews.py."""

from __future__ import annotations

from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork
from tests.factories import (
    PeerReviewFactory,
    ReviewReplyFactory,
    ReviewRoundFactory,
    SharedWorkFactory,
)


def shared_work(session, author, **fields) -> SharedWork:
    return SharedWorkFactory(session=session, author=author, **fields)


def review_round(session, outcomes, **fields) -> ReviewRound:
    return ReviewRoundFactory(session=session, outcomes=list(outcomes), **fields)


def peer_review(round_, work, reviewer, status=PeerReview.Status.ALLOCATED, **fields):
    """A review; a submitted one is shared now unless `submitted_at` says otherwise."""
    return PeerReviewFactory(round=round_, work=work, reviewer=reviewer, status=status, **fields)


def reply(review, body="Thank you!") -> ReviewReply:
    return ReviewReplyFactory(review=review, body=body)
