"""The release step (issue 17, item 4): a round may hold shared reviews until a facilitator
releases them, all or one, after perhaps asking a reviewer to rephrase. The author sees
nothing of a held review — not on any page, in the digest, a notification, an email or a
count — and is told once, at release."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils.html import escape

from accounts.models import EmailDelivery, Notification
from reviews import services
from reviews.models import PeerReview, RephraseRequest

pytestmark = pytest.mark.django_db
ANSWERS = [{"works": "Clear loops.", "deeper": "Name the delays."}, {"works": "", "deeper": ""}]
SECRET = "Name the delays."


def held_round(cast, **kwargs):
    cast.share()
    round_ = cast.open_round(**kwargs)
    round_.holds_reviews = True
    round_.save(update_fields=["holds_reviews"])
    return round_


def share(review):
    return services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)


def author_sees(client, cast, review) -> str:
    """Everything the author reads about their work on the site, as one text."""
    client.force_login(cast.author)
    pages = [
        f"/c/riverside/work/{review.work_id}/",
        "/c/riverside/reviews/",
        f"/c/riverside/review-rounds/{review.round_id}/",
        "/notifications/",
    ]
    text = ""
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text += response.content.decode()
    return text


def test_a_held_review_is_nowhere_for_its_author_until_released(
    client, cast, django_capture_on_commit_callbacks
):
    round_ = held_round(cast)
    review = PeerReview.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        share(review)

    seen = author_sees(client, cast, review)
    assert SECRET not in seen
    assert f"review-{review.pk}" not in seen
    assert "ready to read" not in seen  # the round page's "reviews … are ready to read"
    assert "0 of 1 review shared with their authors" in seen  # the count says nothing yet
    assert "1 more review on the way" in seen  # to the author it is still coming
    assert not Notification.objects.filter(recipient=cast.author).exists()
    assert not EmailDelivery.objects.filter(kind="review_received").exists()
    # The reply form's address is a 404 while it is held.
    response = client.post(f"/c/riverside/reviews/{review.pk}/reply/", {"body": "Thanks"})
    assert response.status_code == 404

    # The facilitator reads it first, marked as waiting.
    client.force_login(cast.facilitator)
    page = client.get(f"/c/riverside/work/{review.work_id}/").content.decode()
    assert escape(SECRET) in page and "waiting for release" in page
    page = client.get(f"/c/riverside/review-rounds/{round_.pk}/").content.decode()
    assert "1 waiting for your release" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/c/riverside/review-rounds/{round_.pk}/release/")
    assert response.status_code == 302

    seen = author_sees(client, cast, review)
    assert escape(SECRET) in seen
    assert Notification.objects.filter(recipient=cast.author, kind="review_received").count() == 1
    assert EmailDelivery.objects.filter(kind="review_received").count() == 1


def test_releasing_a_round_twice_tells_once_and_says_so(
    client, cast, django_capture_on_commit_callbacks
):
    round_ = held_round(cast)
    share(PeerReview.objects.get())
    client.force_login(cast.facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/c/riverside/review-rounds/{round_.pk}/release/", follow=True)
        second = client.post(f"/c/riverside/review-rounds/{round_.pk}/release/", follow=True)

    assert "1 review released" in first.content.decode()
    assert "Nothing is waiting for release" in second.content.decode()
    assert EmailDelivery.objects.filter(kind="review_received").count() == 1
    assert Notification.objects.filter(kind="review_received").count() == 1


def test_releasing_one_review_and_then_again(client, cast, django_capture_on_commit_callbacks):
    other = cast.join(display_name="Olu Other")
    cast.attend(other)
    round_ = held_round(cast, per_work=2)
    first, second = PeerReview.objects.order_by("pk")
    share(first)
    share(second)
    client.force_login(cast.facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/c/riverside/reviews/{first.pk}/release/")
        again = client.post(f"/c/riverside/reviews/{first.pk}/release/", follow=True)

    assert "already released" in again.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert first.released_at is not None and second.released_at is None
    assert EmailDelivery.objects.filter(kind="review_received").count() == 1
    # The rest of the round is still held, and "release all" takes just that one.
    assert services.review_release(round_=round_) == 1


def test_releasing_a_review_not_shared_yet_is_refused(client, cast):
    held_round(cast)
    review = PeerReview.objects.get()
    client.force_login(cast.facilitator)
    response = client.post(f"/c/riverside/reviews/{review.pk}/release/", follow=True)
    assert "isn&#x27;t shared yet" in response.content.decode()
    review.refresh_from_db()
    assert review.released_at is None


def test_release_and_rephrase_are_for_facilitators_only(client, cast):
    held_round(cast)
    review = PeerReview.objects.get()
    share(review)
    for person in (cast.author, cast.reviewer, cast.member, cast.other):
        client.force_login(person)
        assert client.post(f"/c/riverside/reviews/{review.pk}/release/").status_code == 404
        assert client.get(f"/c/riverside/reviews/{review.pk}/rephrase/").status_code == 404
    review.refresh_from_db()
    assert review.released_at is None


def test_a_rephrase_request_returns_the_review_to_its_draft_and_tells_the_reviewer_once(
    client, cast, django_capture_on_commit_callbacks
):
    held_round(cast)
    review = PeerReview.objects.get()
    share(review)
    client.force_login(cast.facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        empty = client.post(f"/c/riverside/reviews/{review.pk}/rephrase/", {"note": ""})
        client.post(f"/c/riverside/reviews/{review.pk}/rephrase/", {"note": "Kinder, please."})
        twice = client.post(
            f"/c/riverside/reviews/{review.pk}/rephrase/", {"note": "Again"}, follow=True
        )

    assert "Write a short note" in empty.content.decode()
    assert "isn&#x27;t shared yet" in twice.content.decode()
    review.refresh_from_db()
    assert review.status == PeerReview.Status.DRAFT and review.answers == ANSWERS
    assert RephraseRequest.objects.get().note == "Kinder, please."
    notification = Notification.objects.get(recipient=cast.reviewer, kind="review_rephrase")
    assert notification.url == review.get_absolute_url()
    email = EmailDelivery.objects.get(kind="review_rephrase")
    assert email.key == f"review-rephrase:{RephraseRequest.objects.get().pk}"
    # The reviewer reads the note above their draft, and shares again; still held.
    client.force_login(cast.reviewer)
    page = client.get(f"/c/riverside/reviews/{review.pk}/").content.decode()
    assert "A facilitator asks you to look again" in page and "Kinder, please." in page
    with django_capture_on_commit_callbacks(execute=True):
        share(review)
    assert not Notification.objects.filter(recipient=cast.author).exists()


def test_a_released_review_cannot_be_rephrased(client, cast):
    held_round(cast)
    review = PeerReview.objects.get()
    share(review)
    services.review_release(round_=review.round)
    client.force_login(cast.facilitator)

    response = client.post(
        f"/c/riverside/reviews/{review.pk}/rephrase/", {"note": "Kinder"}, follow=True
    )

    assert "already with its author" in response.content.decode()
    assert not RephraseRequest.objects.exists()
    review.refresh_from_db()
    assert review.status == PeerReview.Status.SUBMITTED


def test_a_round_without_release_step_has_nothing_to_release_or_rephrase(client, cast):
    cast.share()
    round_ = cast.open_round()
    review = PeerReview.objects.get()
    share(review)
    client.force_login(cast.facilitator)

    released = client.post(f"/c/riverside/review-rounds/{round_.pk}/release/", follow=True)
    rephrased = client.post(
        f"/c/riverside/reviews/{review.pk}/rephrase/", {"note": "x"}, follow=True
    )

    assert "no release step" in released.content.decode()
    assert "no release step" in rephrased.content.decode()
    assert not RephraseRequest.objects.exists()


def test_the_author_of_a_held_review_gets_it_in_the_digest_only_after_release(cast):
    from django.utils import timezone

    from accounts.digest import period_for
    from reviews.digest import digest_sections

    held_round(cast)
    review = PeerReview.objects.get()
    share(review)
    author = cast.author

    def received(now):
        periods = {author.pk: period_for(author, now)}
        sections = digest_sections([author], periods, now)[author.pk]
        return next(s for s in sections if s.key == "reviews_received").items

    # The digest that covers this moment: one period on (a weekly digest covers the week
    # before it, so three days on would still be this week on a Monday or Tuesday).
    now = timezone.now()
    period = period_for(author, now)
    later = now + (period.end - period.start)
    assert received(later) == []
    services.review_release(round_=review.round)
    items = received(later)
    assert len(items) == 1 and "Our causal loop map" in items[0].text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_facilitators_releasing_at_once_tell_the_author_once(cast):
    held_round(cast)
    share(PeerReview.objects.get())
    round_ = PeerReview.objects.get().round
    results, barrier = [], threading.Barrier(2)

    def release():
        barrier.wait()
        try:
            results.append(services.review_release(round_=round_))
        except services.ReviewError as refusal:
            results.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r for r in results if isinstance(r, int)] == [1]
    assert any(isinstance(r, str) and "Nothing is waiting" in r for r in results)
    assert EmailDelivery.objects.filter(kind="review_received").count() == 1
