"""work_shared and reviews_given: registered with the engagement signals, one query each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from communities import engagement
from reviews.models import PeerReview
from tests.factories import OutcomeFactory, SessionFactory

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
SUBMITTED, DRAFT, DECLINED = (
    PeerReview.Status.SUBMITTED,
    PeerReview.Status.DRAFT,
    PeerReview.Status.DECLINED,
)


@pytest.fixture
def world(community, member_of):
    now = timezone.now()
    session = SessionFactory(community=community, starts_at=now - dt.timedelta(days=10))
    sam, ada, kit = (member_of(community) for _ in range(3))
    elsewhere = SessionFactory(starts_at=now - dt.timedelta(days=10))
    return {
        "community": community,
        "now": now,
        "session": session,
        "people": (sam, ada, kit),
        "round": review_round(session, [OutcomeFactory(community=community)]),
        "elsewhere": elsewhere,
    }


def test_outcome_signals_are_registered_with_their_labels():
    sources = engagement.signal_sources()

    assert sources["work_shared"][0] == "pieces of work shared"
    assert sources["reviews_given"][0] == "peer reviews given"


def test_work_shared_counts_each_authors_work_in_the_window(world):
    sam, ada, _ = world["people"]
    shared_work(world["session"], sam)
    shared_work(world["session"], sam)
    shared_work(world["session"], ada, created_at=world["now"] - dt.timedelta(days=100))
    shared_work(world["elsewhere"], ada)
    _, source = engagement.signal_sources()["work_shared"]

    counts = source(world["community"], world["now"] - dt.timedelta(days=90))

    assert counts == {sam.pk: 2}


def test_reviews_given_counts_only_reviews_shared_in_the_window(world):
    sam, ada, kit = world["people"]
    round_, now = world["round"], world["now"]
    by_sam = shared_work(world["session"], sam)
    by_ada = shared_work(world["session"], ada)
    peer_review(round_, by_sam, ada, SUBMITTED)
    peer_review(round_, by_sam, kit, SUBMITTED)
    peer_review(round_, by_ada, kit, SUBMITTED, submitted_at=now - dt.timedelta(days=91))
    peer_review(round_, by_ada, sam, DRAFT)
    other = review_round(world["elsewhere"], [OutcomeFactory()])
    peer_review(other, shared_work(world["elsewhere"], sam), ada, SUBMITTED)
    _, source = engagement.signal_sources()["reviews_given"]

    counts = source(world["community"], now - dt.timedelta(days=90))

    assert counts == {ada.pk: 1, kit.pk: 1}


def test_outcome_signals_cost_one_query_each(world, django_assert_num_queries):
    sam, ada, kit = world["people"]
    for author, reviewer in ((sam, ada), (ada, kit), (kit, sam)):
        peer_review(world["round"], shared_work(world["session"], author), reviewer, SUBMITTED)
    since = world["now"] - dt.timedelta(days=90)

    for name in ("work_shared", "reviews_given"):
        with django_assert_num_queries(1):
            assert len(engagement.signal_sources()[name][1](world["community"], since)) == 3


def test_reviews_given_suggest_a_move_toward_active(world):
    sam, ada, kit = world["people"]
    work = [shared_work(world["session"], person) for person in (ada, kit)]
    for piece in work:
        peer_review(world["round"], piece, sam, SUBMITTED)
    peer_review(world["round"], shared_work(world["session"], kit), ada, DECLINED)

    moves = engagement.suggested_moves(world["community"], now=world["now"])

    by_user = {move.user_id: move for move in moves}
    assert by_user[sam.pk].to_level == "active"
    assert by_user[sam.pk].signals == {"reviews_given": 2}
    assert "peer reviews given: 2" in by_user[sam.pk].evidence
