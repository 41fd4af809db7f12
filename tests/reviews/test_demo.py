"""The demo gives the main community the whole triple to explore: outcomes, aligned
activities, shared work and peer reviews, replies, confidence over time, and a gap of
each kind on the alignment map."""

from __future__ import annotations

import pytest

from outcomes.demo import MAPPING
from outcomes.models import ConfidenceRating, Outcome
from reviews import selectors
from reviews.demo import CLOSED_ROUND_SESSION, OPEN_ROUND_SESSION, STALLED_ROUND_SESSION
from reviews.models import (
    CalibrationExample,
    PeerReview,
    PracticeReview,
    RephraseRequest,
    ReviewReply,
    ReviewRound,
    SharedWork,
)

pytestmark = pytest.mark.django_db
MAIN = "systems-mapping"


@pytest.fixture
def main(demo_site):
    """The demo's main community; the demo is seeded once for the module (tests/conftest.py)."""
    from communities.models import Community

    return Community.objects.get(slug=MAIN)


def test_demo_outcomes_are_agreed_with_prompts_and_a_proposal_is_endorsed(main):
    mapping = Outcome.objects.get(community=main, statement=MAPPING)
    proposal = Outcome.objects.get(community=main, status="proposed")

    assert mapping.status == "agreed"
    assert 2 <= len(mapping.review_prompts) <= 5
    assert proposal.endorsements.count() == 3


def test_demo_has_shared_work_rounds_reviews_and_replies(main):
    # The two rounds of issue 17 (release step; self-review and calibration) are apart.
    work = SharedWork.objects.filter(
        community=main,
        session__title__in=[OPEN_ROUND_SESSION, CLOSED_ROUND_SESSION, STALLED_ROUND_SESSION],
    )
    rounds = ReviewRound.objects.filter(community=main, holds_reviews=False, self_review=False)
    reviews = PeerReview.objects.filter(round__in=rounds)

    assert work.count() == 8  # Five, and three in the round past its due date (issue 17).
    assert work.exclude(link="").count() == 7
    uploaded = work.get(file_name="school-meals-loops.md")
    assert uploaded.file.read().startswith(b"# School meals")
    assert sorted(rounds.values_list("status", "anonymous")) == [
        ("closed", True),
        ("open", False),
        ("open", False),
    ]
    assert (reviews.submitted().count(), reviews.waiting().count()) == (11, 6)
    assert ReviewReply.objects.filter(review__round__community=main).count() == 3
    assert all(r.reviewer_id != r.work.author_id for r in reviews.select_related("work"))


def test_demo_member_has_one_review_waiting_and_confidence_over_time(main):
    waiting = PeerReview.objects.waiting().filter(
        reviewer__email="member@example.com", round__self_review=False
    )
    ratings = ConfidenceRating.objects.filter(
        user__email="member@example.com", outcome__statement=MAPPING
    ).exclude(note="")  # the dashboard's history adds rated months without notes

    assert waiting.count() == 1
    assert waiting.get().round.due_on > waiting.get().round.created_at.date()
    assert [r.rating for r in ratings.order_by("created_at")] == [2, 3, 4]


def test_demo_alignment_map_shows_a_complete_triple_and_each_kind_of_gap(main):
    agreed = list(Outcome.objects.filter(community=main, status="agreed"))
    items, _totals = selectors.aligned_items(main)
    selectors.rounds_on_the_map(main, items)
    mapping_items = items[Outcome.objects.get(community=main, statement=MAPPING).pk]

    assert [o.statement for o in agreed if not items.get(o.pk)]  # no activity yet
    assert any(item.rounds for item in mapping_items)  # outcome ↔ activity ↔ review
    assert any(item.needs_review for item in mapping_items)  # never reviewed
    assert list(selectors.unaligned_activities(main))  # aligned to nothing


def test_demo_pages_show_peer_review_to_the_member(client, main):
    client.login(email="member@example.com", password="practice-together")

    alignment = client.get(f"/c/{MAIN}/alignment/").content.decode()
    digest = client.get("/settings/digest-preview/").content.decode()

    assert "4 of 4 reviews shared" in alignment
    assert "4 of 6 reviews shared" in alignment
    assert "No activity is planned for this outcome yet." in alignment
    assert "No one has looked at the work from this activity together yet." in alignment
    assert "Activities that serve no outcome yet" in alignment
    assert "Your review of “Loop sketch: school meals”" in digest


def test_demo_has_a_stalled_overdue_round_with_a_reassignment_and_helpful_marks(main):
    from django.utils import timezone

    round_ = ReviewRound.objects.get(community=main, session__title=STALLED_ROUND_SESSION)
    reviews = round_.reviews.all()

    assert round_.due_on < timezone.localdate()  # Overdue: Reassign and Extend in use.
    assert reviews.filter(status="allocated", reassigned_at=None, automatic=False).exists()
    assert reviews.filter(status="draft").exists()
    assert reviews.filter(automatic=True, reassigned_from__isnull=False).count() == 1
    assert reviews.exclude(helpful_at=None).count() == 2
    assert selectors.round_heard(round_) == {"heard": 0, "total": 3}
    assert selectors.helpful_share(main) is not None


def test_demo_has_a_round_with_a_release_step_the_member_sees_nothing_of(client, main):
    held = ReviewRound.objects.get(community=main, holds_reviews=True)
    secret = PeerReview.objects.held().get(round=held, work__author__email="member@example.com")
    assert PeerReview.objects.held().filter(round=held).count() == 2
    assert RephraseRequest.objects.filter(review__round=held).count() == 1
    assert PeerReview.objects.released().filter(round=held).count() == 1

    client.login(email="member@example.com", password="practice-together")
    page = client.get(f"/c/{MAIN}/work/{secret.work_id}/").content.decode()
    notifications = client.get("/notifications/").content.decode()

    assert "The paradigm level is named." not in page + notifications
    assert "2 more reviews on the way" in page
    client.login(email="facilitator@example.com", password="practice-together")
    round_page = client.get(f"/c/{MAIN}/review-rounds/{held.pk}/").content.decode()
    assert "2 waiting for your release" in round_page


def test_demo_has_a_round_with_self_review_and_a_calibration_example(client, main):
    calibrated = ReviewRound.objects.get(community=main, self_review=True)
    assert CalibrationExample.objects.filter(round=calibrated).exists()
    assert PracticeReview.objects.filter(example__round=calibrated).count() == 1
    mine = SharedWork.objects.get(session=calibrated.session, author__email="member@example.com")

    client.login(email="member@example.com", password="practice-together")
    work_page = client.get(f"/c/{MAIN}/work/{mine.pk}/").content.decode()
    round_page = client.get(f"/c/{MAIN}/review-rounds/{calibrated.pk}/").content.decode()

    assert "Your view first" in work_page
    assert "Their own week is inviting." not in work_page
    assert "Practise on an example first" in round_page
