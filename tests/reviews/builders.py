"""Peer-review rows built directly, for tests of what reads them (alignment, dashboards,
digests, signals). The services that write them are tested on their own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork


def shared_work(session, author, **fields) -> SharedWork:
    fields.setdefault("title", f"Map by {author.display_name}")
    return SharedWork.objects.create(
        community=session.community, session=session, author=author, **fields
    )


def review_round(session, outcomes, **fields) -> ReviewRound:
    fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
    fields.setdefault(
        "prompts", [{"outcome": o.pk, "prompt": "What works well here?"} for o in outcomes]
    )
    round_ = ReviewRound.objects.create(community=session.community, session=session, **fields)
    round_.outcomes.set(outcomes)
    return round_


def peer_review(round_, work, reviewer, status=PeerReview.Status.ALLOCATED, **fields):
    """A review; a submitted one is shared now unless `submitted_at` says otherwise."""
    if status == PeerReview.Status.SUBMITTED:
        fields.setdefault("submitted_at", timezone.now())
        fields.setdefault("answers", [{"works": "Clear boundaries.", "deeper": "More loops."}])
    return PeerReview.objects.create(
        round=round_, work=work, reviewer=reviewer, status=status, **fields
    )


def reply(review, body="Thank you!") -> ReviewReply:
    return ReviewReply.objects.create(review=review, body=body)
