"""reviews.emails: one context for every email about a review."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

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
    assert context["reviews_url"] == f"https://cop.example/c/{cast.community.slug}/reviews/"
    assert context["settings_url"] == "https://cop.example/settings/"
    assert context["count"] == 2


@pytest.mark.parametrize(("anonymous", "shown"), [(False, "reviewer"), (True, "A peer")])
def test_the_author_reads_the_reviewers_name_by_the_rounds_rule(cast, anonymous, shown):
    """The anonymity rule of reviews.access, in both parts of the email the author gets."""
    work = cast.share()
    cast.open_round(anonymous=anonymous)
    review = PeerReview.objects.get(work=work)
    expected = review.reviewer.name if shown == "reviewer" else shown

    context = review_email_context(review, cast.author)
    text = render_to_string("outcomes/email/review_received.txt", context)
    html = render_to_string("outcomes/email/review_received.html", context)

    assert context["reviewer_name"] == expected
    assert text.splitlines()[2].startswith(f"{expected} has looked at")
    assert f"<p>{expected} has looked at" in html
    if anonymous:
        assert review.reviewer.name not in text + html
