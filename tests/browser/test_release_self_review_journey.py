"""Issue 17 in a browser: a round holding reviews for release, with self-review first.
Femi opens it (both steps ticked), Rosa shares her review, Ada sees only that one is on
the way, Femi releases it, and Ada writes her own view first, then reads it beside
Rosa's. axe-core on each page the journey stops at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from communities.models import Membership
from reviews.models import PeerReview, SelfReview
from tests.browser.conftest import mapping_session
from tests.browser.test_peer_review_journey import Accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_held_review_released_then_read_beside_the_authors_own_view(page, log_in):
    _community, people, session = mapping_session(
        [
            ("ada", "Ada", Membership.Role.MEMBER, Membership.Level.PERIPHERAL),
            ("rosa", "Rosa", Membership.Role.MEMBER, Membership.Level.CORE),
            ("femi", "Femi", Membership.Role.FACILITATOR, Membership.Level.CORE),
        ],
        attended=("ada", "rosa"),
        prompts=("Are the loops clear?",),
    )
    from reviews import services

    work = services.work_share(session=session, author=people["ada"], title="River basin map")
    axe = Accessibility(page)

    def as_(key):
        page.context.clear_cookies()
        log_in(f"{key}@example.org")

    as_("femi")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Open a review round").click()
    page.get_by_label(re.compile("map complex systems more confidently")).check()
    page.get_by_label("Facilitators read reviews before authors do").check()
    page.get_by_label("Invite authors to a self-review first").check()
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("main")).to_contain_text("Release step")
    axe.check()

    as_("rosa")
    page.goto(PeerReview.objects.get().get_absolute_url())
    page.get_by_label("What works").fill("The feedback loops read clearly.")
    page.get_by_role("button", name="Share it").click()
    expect(page.get_by_role("status")).to_contain_text("The facilitators pass it on")

    as_("ada")
    page.goto(work.get_absolute_url())
    expect(page.locator("main")).to_contain_text("1 more review on the way")
    expect(page.locator("main")).not_to_contain_text("The feedback loops read clearly.")
    axe.check()

    as_("femi")
    page.goto(PeerReview.objects.get().round.get_absolute_url())
    page.get_by_role("button", name=re.compile("Release 1 held review")).click()
    expect(page.get_by_role("status")).to_contain_text("1 review released")
    axe.check()

    as_("ada")
    page.goto(work.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Your view first")
    expect(page.locator("main")).not_to_contain_text("The feedback loops read clearly.")
    page.get_by_role("link", name="Write my view").click()
    axe.check()
    page.get_by_label("What could go deeper").fill("I am unsure where the delays sit.")
    page.get_by_role("button", name="Save my view").click()
    beside = page.get_by_role("table", name="Your view beside this review")
    expect(beside).to_contain_text("I am unsure where the delays sit.")
    expect(beside).to_contain_text("The feedback loops read clearly.")
    axe.check()
    assert SelfReview.objects.get().status == "written"
    assert axe.found == {}
