from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from reviews import services
from reviews.models import PeerReview
from reviews.tasks import review_nudges_scan

pytestmark = pytest.mark.django_db


def pairs(round_):
    return sorted(
        (review.work.title, review.reviewer.display_name)
        for review in round_.reviews.exclude(status="declined").select_related("work", "reviewer")
    )


def mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_round_open_allocates_among_attendees_never_to_the_author(cast):
    cast.attend(cast.join(display_name="Tess Third"))
    cast.share(title="River map")
    cast.share(author=cast.reviewer, title="Harbour map")

    round_ = cast.open_round(per_work=2)

    assert pairs(round_) == [
        ("Harbour map", "Ada Author"),
        ("Harbour map", "Tess Third"),
        ("River map", "Rosa Reviewer"),
        ("River map", "Tess Third"),
    ]


def test_round_open_leaves_out_attendees_who_have_since_left(cast):
    from communities.models import Membership

    gone = cast.attend(cast.join(display_name="Gus Gone"))
    Membership.objects.filter(user=gone).update(status=Membership.Status.LEFT)
    cast.share(title="River map")

    round_ = cast.open_round(per_work=2)

    assert pairs(round_) == [("River map", "Rosa Reviewer")]


def test_round_open_uses_the_outcomes_prompts_as_rubric(cast):
    round_ = cast.open_round()

    assert [p["prompt"] for p in round_.prompts] == ["Are the loops clear?", "What is missing?"]


def test_work_shared_into_an_open_round_is_allocated(cast):
    round_ = cast.open_round()

    work = cast.share(title="Late map")

    assert [(r.work, r.reviewer) for r in round_.reviews.all()] == [(work, cast.reviewer)]


def test_decline_reallocates_to_another_attendee(cast):
    third = cast.attend(cast.join(display_name="Tess Third"))
    cast.share()
    round_ = cast.open_round()
    first = round_.reviews.get()

    replacement = services.review_decline(review=first)

    first.refresh_from_db()
    assert first.status == "declined"
    assert replacement.reviewer == ({cast.reviewer, third} - {first.reviewer}).pop()
    assert round_.reviews.exclude(status="declined").count() == 1


def test_decline_with_nobody_left_returns_none_and_keeps_the_decline(cast):
    cast.share()
    review = cast.open_round().reviews.get()

    replacement = services.review_decline(review=review)

    review.refresh_from_db()
    assert (replacement, review.status) == (None, "declined")


def test_second_round_on_a_session_never_asks_the_same_reviewer_twice(cast):
    third = cast.attend(cast.join(display_name="Tess Third"))
    work = cast.share()
    first = cast.open_round()
    services.review_round_close(round_=first)
    earlier = first.reviews.get().reviewer

    second = cast.open_round()

    assert [r.reviewer for r in second.reviews.filter(work=work)] == [
        ({cast.reviewer, third} - {earlier}).pop()
    ]


def test_submit_emails_the_author_exactly_once_in_text_and_html(
    cast, django_capture_on_commit_callbacks
):
    cast.share(title="River map")
    review = cast.open_round().reviews.get()
    answers = [{"works": "The loops read well.", "deeper": ""}]

    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(review=review, answers=answers, stage="developing", submit=True)
    with pytest.raises(services.ReviewError):
        services.review_save(review=review, answers=answers, stage="", submit=True)

    [message] = mail_to(cast.author)
    assert "River map" in message.subject
    assert "Rosa Reviewer has looked at" in message.body
    assert "Rosa Reviewer has looked at" in html_of(message)
    assert f"/c/riverside/work/{review.work_id}/" in message.body


def test_anonymous_review_email_never_names_the_reviewer(cast, django_capture_on_commit_callbacks):
    cast.share()
    review = cast.open_round(anonymous=True).reviews.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(
            review=review, answers=[{"works": "Good.", "deeper": ""}], stage="", submit=True
        )

    [message] = mail_to(cast.author)
    for part in (message.subject, message.body, html_of(message)):
        assert "Rosa" not in part
    assert "A peer has looked at" in message.body


def test_allocation_emails_the_reviewer(cast, django_capture_on_commit_callbacks):
    cast.share(title="River map")

    with django_capture_on_commit_callbacks(execute=True):
        cast.open_round()

    [message] = mail_to(cast.reviewer)
    assert "waiting for your review" in message.subject
    assert "River map" in message.body
    assert "River map" in html_of(message)


def test_empty_submit_is_refused_and_keeps_nothing_shared(cast):
    cast.share()
    review = cast.open_round().reviews.get()

    with pytest.raises(services.ReviewError, match="Write something"):
        services.review_save(
            review=review, answers=[{"works": "  ", "deeper": ""}], stage="", submit=True
        )

    review.refresh_from_db()
    assert review.status == "allocated"


def test_overdue_review_is_nudged_once(cast, django_capture_on_commit_callbacks):
    cast.share(title="River map")
    cast.open_round(due_in=1)
    later = timezone.now() + timedelta(days=3)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = review_nudges_scan()
        second = review_nudges_scan()

    nudges = [m for m in mail_to(cast.reviewer) if "nudge" in m.subject]
    assert (first, second, len(nudges)) == (1, 0, 1)
    assert "River map" in nudges[0].body
    assert "River map" in html_of(nudges[0])


def test_submitted_and_declined_reviews_are_never_nudged(cast, django_capture_on_commit_callbacks):
    third = cast.attend(cast.join(display_name="Tess Third"))
    cast.share()
    cast.share(author=third, title="Forest map")
    round_ = cast.open_round(due_in=1)
    reviews = list(round_.reviews.order_by("pk"))
    services.review_save(
        review=reviews[0], answers=[{"works": "Yes", "deeper": ""}], stage="", submit=True
    )
    services.review_decline(review=reviews[1])
    still_waiting = PeerReview.objects.waiting().count()

    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        sent = services.review_nudges_send_due()

    assert sent == still_waiting


# --- replies ---------------------------------------------------------------------------------


@pytest.fixture
def shared_review(cast):
    """Rosa's review of Ada's work, shared in an anonymous round."""
    cast.share(title="Ada's river map")
    review = cast.open_round(anonymous=True).reviews.get()
    return services.review_save(
        review=review, answers=[{"works": "Clear loops.", "deeper": ""}], stage="", submit=True
    )


def test_reply_emails_the_reviewer_once_in_text_and_html(
    cast, shared_review, django_capture_on_commit_callbacks
):
    body = "Thank you, Rosa!\nI'll redraw the feedback loop."

    with django_capture_on_commit_callbacks(execute=True):
        services.review_reply(review=shared_review, body=body)

    [message] = mail_to(cast.reviewer)
    link = f"/c/riverside/work/{shared_review.work_id}/#review-{shared_review.pk}"
    assert message.subject == 'Ada Author replied to your review of "Ada\'s river map"'
    assert 'Ada Author read your peer review of "Ada\'s river map" in' in message.body
    assert body in message.body
    assert link in message.body
    html = html_of(message)
    assert "Ada Author read your peer review of <strong>Ada&#x27;s river map</strong>" in html
    assert "<p>Thank you, Rosa!<br>I&#x27;ll redraw the feedback loop.</p>" in html
    assert f'<a href="{settings.SITE_URL}{link}">See it beside your review</a>' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_edited_reply_sends_nothing_new(cast, shared_review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reply(review=shared_review, body="Thanks!")
    with django_capture_on_commit_callbacks(execute=True):
        edited = services.review_reply(review=shared_review, body="Thanks, it helped a lot.")

    [message] = mail_to(cast.reviewer)
    assert "Thanks!" in message.body
    assert edited.body == "Thanks, it helped a lot."


def test_reply_sends_nothing_to_a_reviewer_who_turned_off_review_emails(
    cast, shared_review, django_capture_on_commit_callbacks
):
    cast.reviewer.review_emails = False
    cast.reviewer.save(update_fields=["review_emails"])

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.review_reply(review=shared_review, body="Thanks!")

    assert (mail_to(cast.reviewer), reply.body) == ([], "Thanks!")


def test_review_subjects_keep_apostrophes_as_written(cast, django_capture_on_commit_callbacks):
    cast.share(title="Ada's river map")
    with django_capture_on_commit_callbacks(execute=True):
        review = cast.open_round().reviews.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(
            review=review, answers=[{"works": "Clear.", "deeper": ""}], stage="", submit=True
        )

    [allocated] = mail_to(cast.reviewer)
    [received] = mail_to(cast.author)
    assert allocated.subject == "A piece of work is waiting for your review in " + str(
        cast.community.name
    )
    assert received.subject == 'A peer review of "Ada\'s river map" is ready for you'
