"""Reviewing as a skill (issue 17, item 5): self-review first — the author may answer the
round's prompts about their own work before reading their peers (one click skips it),
then sees their view beside theirs — and calibration: a reviewer new to the round's
outcomes may practise on the facilitators' example, then sees the example review beside
theirs. Nothing is scored."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from reviews import services
from reviews.models import CalibrationExample, PeerReview, PracticeReview, SelfReview

pytestmark = pytest.mark.django_db
ANSWERS = [{"works": "Clear loops.", "deeper": "Name the delays."}, {"works": "", "deeper": ""}]
MY_VIEW = {"works_0": "I like my loops.", "deeper_0": "I am unsure of the delays."}
EXAMPLE = {
    "title": "A sample loop map",
    "description": "Three loops about rent and wages.",
    "link": "",
    "works_0": "Each loop is named.",
    "deeper_0": "Which loop dominates?",
    "stage": "confident",
}


def self_review_round(cast):
    work = cast.share()
    round_ = cast.open_round()
    round_.self_review = True
    round_.save(update_fields=["self_review"])
    review = PeerReview.objects.get()
    services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)
    return work, round_, review


def test_the_author_is_invited_to_a_self_review_before_reading_peers(client, cast):
    work, round_, _review = self_review_round(cast)
    client.force_login(cast.author)

    page = client.get(f"/c/riverside/work/{work.pk}/").content.decode()

    assert "Your view first" in page
    assert "1 review from the round on Causal loops is ready for you" in page
    assert "Clear loops." not in page
    assert f"/work/{work.pk}/rounds/{round_.pk}/self-review/" in page


def test_skipping_is_one_click_and_shows_the_reviews(client, cast):
    work, round_, _review = self_review_round(cast)
    client.force_login(cast.author)
    url = f"/c/riverside/work/{work.pk}/rounds/{round_.pk}/self-review/"

    first = client.post(url, {"action": "skip"})
    again = client.post(url, {"action": "skip"})

    assert first.status_code == again.status_code == 302
    assert SelfReview.objects.get().status == "skipped"
    page = client.get(f"/c/riverside/work/{work.pk}/").content.decode()
    assert "Clear loops." in page and "Your view first" not in page
    assert "Your view beside this review" not in page


def test_a_written_self_review_sits_beside_the_peers_review(client, cast):
    work, round_, _review = self_review_round(cast)
    client.force_login(cast.author)
    url = f"/c/riverside/work/{work.pk}/rounds/{round_.pk}/self-review/"

    empty = client.post(url, {"action": "write", "works_0": "  "})
    assert "Write something for at least one prompt" in empty.content.decode()
    assert not SelfReview.objects.exists()
    response = client.post(url, {"action": "write", **MY_VIEW, "stage": "emerging"}, follow=True)

    page = response.content.decode()
    assert "Your view beside this review" in page
    assert "I like my loops." in page and "Clear loops." in page
    own = SelfReview.objects.get()
    assert (own.status, own.stage) == ("written", "emerging")
    assert own.answers[0] == {"works": "I like my loops.", "deeper": "I am unsure of the delays."}


def test_only_the_author_reaches_the_self_review(client, cast):
    work, round_, _ = self_review_round(cast)
    url = f"/c/riverside/work/{work.pk}/rounds/{round_.pk}/self-review/"
    for person in (cast.reviewer, cast.member, cast.facilitator, cast.other):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "skip"}).status_code == 404
    # A round without the step is a 404 too, for the author.
    round_.self_review = False
    round_.save()
    client.force_login(cast.author)
    assert client.get(url).status_code == 404
    assert not SelfReview.objects.exists()


def test_a_self_review_can_be_written_while_reviews_are_still_coming(client, cast):
    work = cast.share()
    round_ = cast.open_round()
    round_.self_review = True
    round_.save()
    client.force_login(cast.author)
    page = client.get(f"/c/riverside/work/{work.pk}/").content.decode()
    assert "invites you to look at your own work first" in page


# --- calibration -------------------------------------------------------------------------


def calibrated_round(cast):
    cast.share()
    round_ = cast.open_round()
    services.calibration_example_save(
        round_=round_,
        by=cast.facilitator,
        title=EXAMPLE["title"],
        description=EXAMPLE["description"],
        link="",
        answers=[{"works": "Each loop is named.", "deeper": "Which loop dominates?"}],
        stage="confident",
    )
    return round_


def test_a_facilitator_adds_the_example_and_nobody_else_can(client, cast):
    cast.share()
    round_ = cast.open_round()
    url = f"/c/riverside/review-rounds/{round_.pk}/example/"
    for person in (cast.author, cast.reviewer, cast.member, cast.other):
        client.force_login(person)
        assert client.post(url, EXAMPLE).status_code == 404
    client.force_login(cast.facilitator)

    missing = client.post(url, {**EXAMPLE, "works_0": "", "deeper_0": ""})
    assert "Write the example review" in missing.content.decode()
    assert 'value="A sample loop map"' in missing.content.decode()  # kept what was typed
    assert client.post(url, EXAMPLE).status_code == 302
    client.post(url, {**EXAMPLE, "title": "Renamed"})

    example = CalibrationExample.objects.get()
    assert (example.title, example.stage) == ("Renamed", "confident")
    assert example.answers[0] == {"works": "Each loop is named.", "deeper": "Which loop dominates?"}


def test_a_reviewer_new_to_the_outcome_practises_then_sees_the_example_beside(client, cast):
    round_ = calibrated_round(cast)
    review = PeerReview.objects.get()
    client.force_login(cast.reviewer)
    assert (
        "Practise on an example first"
        in client.get(f"/c/riverside/review-rounds/{round_.pk}/").content.decode()
    )
    assert (
        "Practise on the example"
        in client.get(f"/c/riverside/reviews/{review.pk}/").content.decode()
    )
    url = f"/c/riverside/review-rounds/{round_.pk}/practice/"

    page = client.get(url).content.decode()
    assert "Three loops about rent and wages." in page
    assert "Which loop dominates?" not in page  # the example review comes after
    response = client.post(url, {"action": "write", "works_0": "Loops are named."}, follow=True)

    page = response.content.decode()
    assert "Your practice beside the example review" in page
    assert "Loops are named." in page and "Which loop dominates?" in page
    assert PracticeReview.objects.get().status == "written"
    assert client.post(url, {"action": "write", "works_0": "Again"}).status_code == 302
    assert PracticeReview.objects.count() == 1
    review_page = client.get(f"/c/riverside/reviews/{review.pk}/").content.decode()
    assert "Practise on the example" not in review_page


def test_skipping_the_practice_is_one_click_and_counts_once(client, cast):
    round_ = calibrated_round(cast)
    client.force_login(cast.reviewer)
    url = f"/c/riverside/review-rounds/{round_.pk}/practice/"

    client.post(url, {"action": "skip"})
    client.post(url, {"action": "skip"})

    assert PracticeReview.objects.get().status == "skipped"
    assert (
        "Practise on an example first"
        not in client.get(f"/c/riverside/review-rounds/{round_.pk}/").content.decode()
    )


def test_a_reviewer_who_reviewed_the_outcome_before_is_not_invited(client, cast):
    cast.share()
    earlier = cast.open_round()
    services.review_save(review=earlier.reviews.get(), answers=ANSWERS, stage="", submit=True)
    services.review_round_close(round_=earlier)
    round_ = calibrated_round(cast)
    client.force_login(cast.reviewer)

    page = client.get(f"/c/riverside/review-rounds/{round_.pk}/").content.decode()

    assert "Practise on an example first" not in page
    # They may still open the example from its address.
    assert client.get(f"/c/riverside/review-rounds/{round_.pk}/practice/").status_code == 200


def test_only_the_rounds_reviewers_reach_its_example(client, cast):
    round_ = calibrated_round(cast)
    url = f"/c/riverside/review-rounds/{round_.pk}/practice/"
    for person in (cast.author, cast.member, cast.other, cast.outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "skip"}).status_code == 404
    assert not PracticeReview.objects.exists()


@pytest.mark.parametrize("prompts", [1, 12])
def test_the_new_pages_queries_do_not_grow(client, cast, django_assert_num_queries, prompts):
    cast.outcome.review_prompts = [f"Prompt {i}?" for i in range(prompts)]
    cast.outcome.save()
    work, round_, review = self_review_round(cast)
    services.calibration_example_save(
        round_=round_, by=cast.facilitator, title="Ex", description="D", link="",
        answers=[{"works": "w", "deeper": "d"}] * prompts, stage="",
    )  # fmt: skip
    round_.holds_reviews = True
    round_.save()
    pages = [
        (cast.author, f"/c/riverside/work/{work.pk}/rounds/{round_.pk}/self-review/", 7),
        (cast.reviewer, f"/c/riverside/review-rounds/{round_.pk}/practice/", 7),
        (cast.facilitator, f"/c/riverside/review-rounds/{round_.pk}/example/", 8),
        (cast.facilitator, f"/c/riverside/reviews/{review.pk}/rephrase/", 5),
    ]
    for person, url, queries in pages:
        client.force_login(person)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        assert escape(f"Prompt {prompts - 1}?") in response.content.decode()


@pytest.mark.parametrize("reviews", [1, 4])
def test_the_work_page_with_a_self_review_beside_costs_the_same(
    client, cast, django_assert_num_queries, reviews
):
    from tests.factories import AttendanceFactory, MembershipFactory

    for _ in range(reviews - 1):
        AttendanceFactory(
            session=cast.session, user=MembershipFactory(community=cast.community).user
        )
    work = cast.share()
    round_ = cast.open_round(per_work=reviews)
    round_.self_review = True
    round_.save()
    for review in PeerReview.objects.all():
        services.review_save(review=review, answers=ANSWERS, stage="", submit=True)
    services.self_review_save(round_=round_, work=work, answers=ANSWERS)
    client.force_login(cast.author)

    with django_assert_num_queries(11):
        response = client.get(f"/c/riverside/work/{work.pk}/")

    assert response.content.decode().count("Your view beside this review") == reviews
