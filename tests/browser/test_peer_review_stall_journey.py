"""Issue 17: a round that never stalls, end to end in Chromium. A facilitator opens a round;
one reviewer never writes; time passes (the beat's scans run here, in the test process,
with the clock frozen at each step of the cadence): a reminder at half the time, a nudge on
the due date, then two days later the missing review goes to someone who has finished
theirs. They write it, the author marks it helpful, and the round closes with every author
heard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.models import EmailDelivery
from communities.models import Membership
from reviews.models import PeerReview, ReviewRound, SharedWork
from reviews.services import review_save
from reviews.tasks import review_cadence_scan, review_nudges_scan
from tests.browser.conftest import mapping_session

from .test_peer_review_journey import Accessibility

pytestmark = pytest.mark.django_db(transaction=True)
ANSWER = [{"works": "Clear loops.", "deeper": "Mark the delays."}, {"works": "", "deeper": ""}]


def emails(user, kind: str) -> int:
    return EmailDelivery.objects.filter(to_email=user.email, kind=kind).count()


def test_a_stalled_review_is_reminded_reassigned_written_and_the_round_closes(page, log_in):
    community, people, session = mapping_session(
        [
            ("ada", "Ada", Membership.Role.MEMBER, Membership.Level.PERIPHERAL),
            ("rosa", "Rosa", Membership.Role.MEMBER, Membership.Level.CORE),
            ("tess", "Tess", Membership.Role.MEMBER, Membership.Level.ACTIVE),
            ("uma", "Uma", Membership.Role.MEMBER, Membership.Level.ACTIVE),
            ("femi", "Femi", Membership.Role.FACILITATOR, Membership.Level.CORE),
        ],
        attended=("ada", "rosa", "tess", "uma"),
    )
    river = SharedWork.objects.create(
        community=community, session=session, author=people["ada"], title="River basin map",
        link="https://example.org/river",
    )  # fmt: skip
    SharedWork.objects.create(
        community=community, session=session, author=people["rosa"], title="Harbour map",
        link="https://example.org/harbour",
    )  # fmt: skip
    axe = Accessibility(page)

    # Femi opens a round: two reviewers a piece, named, due in a week.
    log_in("femi@example.org")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Open a review round").click()
    page.get_by_label(re.compile("map complex systems more confidently")).check()
    page.get_by_label("Reviewers for each piece of work").fill("2")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Where we are: Reviewing")).to_be_visible()
    expect(page.locator("main")).to_contain_text("0 of 2 pieces have all their reviews.")
    axe.check()
    round_ = ReviewRound.objects.get()
    opened = round_.opened_at

    # Everyone writes except the second reviewer of the River map (Tess or Uma): four
    # people, four reviews, one each, so Rosa reviews the River map and Ada the Harbour map.
    stalled = round_.reviews.exclude(reviewer=people["rosa"]).get(work=river)
    for review in round_.reviews.exclude(pk=stalled.pk):
        review_save(review=review, answers=ANSWER, stage="", submit=True)
    silent = stalled.reviewer
    finisher = people["uma"] if silent == people["tess"] else people["tess"]

    # Time passes; the hourly scans run with the clock frozen at each step of the cadence.
    def scans_at(days: int):
        with time_machine.travel(opened + timedelta(days=days), tick=False):
            return review_cadence_scan(), review_nudges_scan()

    scans_at(2)
    assert emails(silent, "review_reminder") == 0
    scans_at(4)  # Half the time: a gentle reminder, once.
    scans_at(4)
    assert emails(silent, "review_reminder") == 1
    scans_at(7)  # The due date: a nudge, once.
    scans_at(7)
    assert emails(silent, "review_nudge") == 1
    assert not PeerReview.objects.filter(automatic=True).exists()
    cadence, _ = scans_at(9)  # Two days after: someone who has finished theirs is asked.
    scans_at(9)
    assert cadence["reassigned"] == 1
    asked = PeerReview.objects.get(automatic=True)
    assert (asked.reviewer, asked.work, asked.reassigned_from) == (finisher, river, stalled)
    assert emails(finisher, "review_reassigned") == 1
    assert emails(people["femi"], "review_round_waiting") == 1
    assert (emails(silent, "review_reminder"), emails(silent, "review_nudge")) == (1, 1)

    # Femi's view of the round shows who was asked automatically, and who was replaced.
    page.reload()
    row = page.locator(f"#work-{river.pk}")
    expect(row).to_contain_text("asked automatically")
    expect(row).to_contain_text("replaced; their draft is kept")
    expect(page.get_by_role("link", name=re.compile("^Reassign"))).to_have_count(1)
    expect(page.get_by_role("button", name="Extend the due date")).to_be_visible()
    axe.check()

    # The one asked writes the review from their list of reviews.
    page.context.clear_cookies()
    log_in(finisher.email)
    page.goto("/c/maps/reviews/")
    page.get_by_role("link", name=re.compile("River basin map")).first.click()
    first = page.get_by_role("group", name="Are the loops clear?")
    first.get_by_label("What works").fill("The river's delays are drawn honestly.")
    page.get_by_role("button", name="Share with the author").click()
    expect(page.get_by_role("status")).to_contain_text("your review is shared")
    axe.check()

    # Ada reads it and tells the reviewer, privately, that it helped.
    page.context.clear_cookies()
    log_in("ada@example.org")
    page.goto(river.get_absolute_url())
    card = page.locator(f"#review-{asked.pk}")
    expect(card).to_contain_text("The river's delays are drawn honestly.")
    axe.check()
    card.get_by_label("A line of thanks (optional)").fill("The delays were what I missed.")
    card.get_by_role("button", name="Yes, tell them it helped").click()
    expect(page.locator(f"#review-{asked.pk}")).to_contain_text(
        "You told the reviewer this review helped"
    )
    assert emails(finisher, "review_helpful") == 1
    assert PeerReview.objects.get(pk=asked.pk).helpful_note == "The delays were what I missed."

    # Femi sees every author heard and closes the round.
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(round_.get_absolute_url())
    expect(page.locator("main")).to_contain_text("2 of 2 pieces have all their reviews.")
    expect(page.locator("main")).not_to_contain_text("The delays were what I missed.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("heading", name="Where we are: Closed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2 of 2 pieces have all their reviews.")
    axe.check()
    assert axe.found == {}
