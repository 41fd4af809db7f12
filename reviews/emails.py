"""The reviews app's email context in one module: every email about a review (allocated,
received, replied to, nudged) is given the same links, built here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from accounts.languages import speaking

from .access import reviewer_name

if TYPE_CHECKING:
    from accounts.models import User

    from .models import PeerReview


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def review_email_context(review: PeerReview, to: User, **extra) -> dict:
    """What an email about `review` to `to` (its reviewer or its work's author) is given:
    the review, its work, round and community, the reviewer's name as `to` may see it
    (reviews.access: "A peer" to the author in an anonymous round), their absolute links,
    plus `extra`."""
    community = review.round.community
    # "You", "A peer", "(facilitator)": in `to`'s language, like the email around them.
    with speaking(to):
        shown_name = reviewer_name(
            review, viewer=to, author_id=review.work.author_id, is_facilitator=False
        )
    return {
        "recipient": to,
        "review": review,
        "work": review.work,
        "round": review.round,
        "community": community,
        "reviewer_name": shown_name,
        "review_url": site_url(review.get_absolute_url()),
        "work_url": site_url(review.work.get_absolute_url()),
        "reviews_url": site_url(reverse("reviews:reviews", kwargs={"slug": community.slug})),
        "settings_url": site_url(reverse("settings")),
        **extra,
    }
