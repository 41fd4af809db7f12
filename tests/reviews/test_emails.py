"""reviews.emails: one context for every email about a review."""

from __future__ import annotations

from reviews.emails import review_email_context
from reviews.models import PeerReview


def test_a_review_email_links_the_review_the_work_and_the_communitys_reviews(cast, settings):
    settings.SITE_URL = "https://cop.example"
    work = cast.share()
    cast.open_round()
    review = PeerReview.objects.get(work=work)

    context = review_email_context(review, cast.author, count=2)

    assert context["recipient"] == cast.author
    assert (context["review"], context["work"], context["round"]) == (
        review,
        work,
        review.round,
    )
    assert context["community"] == cast.community
    assert context["review_url"] == "https://cop.example" + review.get_absolute_url()
    assert context["work_url"] == "https://cop.example" + work.get_absolute_url()
    assert context["reviews_url"] == "https://cop.example/c/maps/reviews/"
    assert context["settings_url"] == "https://cop.example/settings/"
    assert context["count"] == 2
