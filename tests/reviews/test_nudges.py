"""An overdue review is nudged once, by the hourly beat task, however often it runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from reviews.models import PeerReview
from reviews.tasks import review_nudges_scan
from tests.factories import OutcomeFactory, SessionFactory

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
S = PeerReview.Status


@pytest.fixture
def world(riverside, alice, member_of):
    """The cast's Riverside, where alice reviews the work of another member (built here)."""
    community = riverside
    session = SessionFactory(community=community, starts_at=NOW - dt.timedelta(days=14))
    outcome = OutcomeFactory(community=community)
    author = member_of(community)
    return {"community": community, "session": session, "outcome": outcome,
            "author": author, "reviewer": alice}  # fmt: skip


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Run the beat task at NOW, with its after-commit sends; returns the nudges recorded."""

    def run() -> int:
        with (
            time_machine.travel(NOW, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return review_nudges_scan.delay().get()

    return run


def link(review) -> str:
    return settings.SITE_URL + reverse(
        "reviews:review", kwargs={"slug": review.round.community.slug, "pk": review.pk}
    )


def overdue_review(world, *, due_on=dt.date(2026, 11, 20), status=S.ALLOCATED, **round_fields):
    round_ = review_round(world["session"], [world["outcome"]], due_on=due_on, **round_fields)
    work = shared_work(world["session"], world["author"], title="Referral route map")
    return peer_review(round_, work, world["reviewer"], status)


def test_overdue_review_is_nudged_exactly_once_however_often_beat_runs(world, scan):
    review = overdue_review(world, status=S.DRAFT)

    first, second = scan(), scan()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    message = mail.outbox[0]
    assert message.subject == 'A gentle nudge: your review of "Referral route map"'
    assert "Hello Alice," in message.body
    assert "was hoped for by Friday 20 November" in message.body
    assert f"Write it: {link(review)}" in message.body
    html = message.alternatives[0][0]
    assert "<strong>Referral route map</strong> in Riverside" in html
    assert f'<a href="{link(review)}">Write the review</a>' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_review_due_tomorrow_is_not_nudged_yet(world, scan):
    overdue_review(world, due_on=NOW.date() + dt.timedelta(days=1))

    assert (scan(), mail.outbox) == (0, [])


def test_review_due_today_is_nudged_on_the_due_date(world, scan):
    # Issue 17's cadence: the second reminder comes on the due date itself.
    overdue_review(world, due_on=NOW.date())

    assert (scan(), scan(), len(mail.outbox)) == (1, 0, 1)


def test_reviewer_who_turned_off_review_emails_is_not_nudged(world, scan):
    overdue_review(world)
    world["reviewer"].review_emails = False
    world["reviewer"].save()

    assert (scan(), mail.outbox) == (0, [])


def test_review_in_a_closed_round_is_not_nudged(world, scan):
    round_ = review_round(
        world["session"], [world["outcome"]], due_on=dt.date(2026, 11, 1), status="closed"
    )
    peer_review(round_, shared_work(world["session"], world["author"]), world["reviewer"])

    assert (scan(), mail.outbox) == (0, [])


@pytest.mark.parametrize("status", [S.SUBMITTED, S.DECLINED])
def test_shared_or_declined_review_is_not_nudged(world, scan, status):
    overdue_review(world, status=status)

    assert (scan(), mail.outbox) == (0, [])


def test_each_overdue_review_gets_its_own_nudge_and_others_none(world, scan, member_of, frank):
    first = overdue_review(world)
    second = overdue_review(world)
    other = member_of(world["community"])
    round_ = review_round(world["session"], [world["outcome"]], due_on=dt.date(2026, 11, 30))
    peer_review(round_, shared_work(world["session"], world["author"]), other)
    # frank (asked for above) is someone with nothing to review: no nudge for him.

    scan()

    assert [m.to for m in mail.outbox] == [["alice@example.org"], ["alice@example.org"]]
    assert {link(first), link(second)} == {
        line.removeprefix("Write it: ") for m in mail.outbox for line in m.body.splitlines()
        if line.startswith("Write it: ")
    }  # fmt: skip
