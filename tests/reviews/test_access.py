"""reviews.access: the object rules of peer review and the anonymity rule, written once."""

from __future__ import annotations

import pytest
from django.http import Http404

from communities.access import community_for
from reviews.access import (
    own_work_for,
    review_for_author,
    review_for_reviewer,
    reviewer_is_named,
    reviewer_name,
    round_for,
    work_for,
)
from reviews.models import PeerReview

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(cast):
    """A review by the reviewer of the author's work, shared, in a round of each kind."""

    def build(anonymous: bool) -> PeerReview:
        round_ = review_round(cast.session, [cast.outcome], anonymous=anonymous)
        work = shared_work(cast.session, cast.author)
        return peer_review(round_, work, cast.reviewer, status=PeerReview.Status.SUBMITTED)

    return build


# reader → (named in an open round, named in an anonymous round)
NAMED = {
    "author": (True, False),
    "reviewer": (True, True),
    "member": (True, False),
    "facilitator": (True, True),
}


@pytest.mark.parametrize("reader", NAMED)
@pytest.mark.parametrize("anonymous", [False, True])
def test_who_may_see_the_reviewers_name(cast, shared, reader, anonymous):
    review = shared(anonymous)
    viewer = getattr(cast, reader)
    facilitator = reader == "facilitator"

    named = reviewer_is_named(
        review, viewer_id=viewer.pk, author_id=cast.author.pk, facilitator=facilitator
    )
    name = reviewer_name(
        review, viewer=viewer, author_id=cast.author.pk, is_facilitator=facilitator
    )

    assert named == NAMED[reader][anonymous]
    expected = "You" if reader == "reviewer" else ("Rosa Reviewer" if named else "A peer")
    assert name == expected


def test_an_author_who_facilitates_still_never_sees_an_anonymous_reviewer(cast, shared):
    review = shared(anonymous=True)

    assert not reviewer_is_named(
        review, viewer_id=cast.author.pk, author_id=cast.author.pk, facilitator=True
    )


def test_objects_of_another_community_are_404(cast, shared):
    review = shared(anonymous=False)
    elsewhere = community_for(cast.other, cast.other_community.slug)

    for opener in (
        lambda: work_for(elsewhere, review.work_id),
        lambda: round_for(elsewhere, review.round_id),
        lambda: review_for_reviewer(elsewhere, cast.reviewer, review.pk),
        lambda: review_for_author(elsewhere, cast.author, review.pk),
    ):
        with pytest.raises(Http404):
            opener()


def test_a_review_opens_only_for_its_reviewer_and_its_author(cast, shared):
    review = shared(anonymous=False)
    access = community_for(cast.member, cast.community.slug)

    assert review_for_reviewer(access, cast.reviewer, review.pk) == review
    assert review_for_author(access, cast.author, review.pk) == review
    for person in (cast.member, cast.facilitator, cast.author):
        with pytest.raises(Http404):
            review_for_reviewer(access, person, review.pk)
    for person in (cast.member, cast.facilitator, cast.reviewer):
        with pytest.raises(Http404):
            review_for_author(access, person, review.pk)


def test_only_the_author_reaches_their_work_to_take_it_down(cast, shared):
    work = shared(anonymous=False).work
    access = community_for(cast.facilitator, cast.community.slug)

    assert own_work_for(access, cast.author, work.pk) == work
    with pytest.raises(Http404):
        own_work_for(access, cast.facilitator, work.pk)
