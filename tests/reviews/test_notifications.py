"""Peer review raises notifications (issue 16, item 3): a review waiting, a review
received, a reply; the emails they always sent still go at once by default, and a
person's choice holds them back."""

from __future__ import annotations

import pytest

from accounts.models import EmailDelivery, Notification, NotificationPreference
from reviews import services
from reviews.models import PeerReview

pytestmark = pytest.mark.django_db
ANSWERS = [{"works": "Clear loops.", "deeper": ""}, {"works": "", "deeper": ""}]


def test_a_review_waiting_is_a_notification_beside_its_email(
    cast, django_capture_on_commit_callbacks
):
    cast.share()
    with django_capture_on_commit_callbacks(execute=True):
        cast.open_round()

    notification = Notification.objects.get(recipient=cast.reviewer)
    review = PeerReview.objects.get()
    assert notification.kind == "review_waiting"
    assert notification.text == "A peer review is waiting for you: “Our causal loop map”."
    assert notification.url == review.get_absolute_url()
    assert EmailDelivery.objects.filter(kind="review_allocated").count() == 1


@pytest.mark.parametrize(("anonymous", "who"), [(False, "Rosa Reviewer"), (True, "A peer")])
def test_a_review_received_names_the_reviewer_by_the_rounds_rule(
    cast, anonymous, who, django_capture_on_commit_callbacks
):
    cast.share()
    cast.open_round(anonymous=anonymous)
    review = PeerReview.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)

    notification = Notification.objects.get(recipient=cast.author)
    assert notification.text == f"{who} shared a review of your work “Our causal loop map”."
    assert notification.actor == (None if anonymous else cast.reviewer)
    assert notification.url == f"{review.work.get_absolute_url()}#review-{review.pk}"
    assert EmailDelivery.objects.filter(kind="review_received").count() == 1


def test_a_review_received_by_someone_who_chose_the_digest_is_not_emailed(
    cast, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=cast.author, kind="review_received", email="digest")
    cast.share()
    cast.open_round()
    review = PeerReview.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)

    assert Notification.objects.filter(recipient=cast.author).count() == 1
    assert not EmailDelivery.objects.filter(kind="review_received").exists()


def test_a_reply_tells_the_reviewer_once(cast, django_capture_on_commit_callbacks):
    cast.share()
    cast.open_round()
    review = PeerReview.objects.get()
    services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_reply(review=review, body="Thank you!")
        services.review_reply(review=review, body="Thank you, edited.")

    notification = Notification.objects.get(recipient=cast.reviewer, kind="review_reply")
    assert notification.text == "The author of “Our causal loop map” replied to your review."
    assert EmailDelivery.objects.filter(kind="review_reply").count() == 1
