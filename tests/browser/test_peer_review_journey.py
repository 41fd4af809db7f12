from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from reviews.models import PeerReview, ReviewReply, SharedWork
from sessions.models import Session
from tests.browser.conftest import mapping_session
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Accessibility:
    """axe-core on every page the journey stops at: no serious or critical violations."""

    def __init__(self, page):
        self.page, self.found = page, {}

    def check(self):
        # After a click that navigates, wait for the new page: axe on a document still being
        # replaced finds no documentElement (a flake seen once under load).
        self.page.wait_for_load_state()
        results = Axe().run(self.page)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if problems:
            self.found[self.page.url] = problems


def test_share_open_a_round_review_and_reply(page, log_in):
    _community, _people, session = mapping_session(
        [
            ("ada", "Ada", Membership.Role.MEMBER, Membership.Level.PERIPHERAL),
            ("rosa", "Rosa", Membership.Role.MEMBER, Membership.Level.CORE),
            ("femi", "Femi", Membership.Role.FACILITATOR, Membership.Level.CORE),
        ],
        attended=("ada", "rosa"),
    )

    # Ada attended, so the session's page invites her to share her work, with a file.
    log_in("ada@example.org")
    page.goto(session.get_absolute_url())
    axe = Accessibility(page)
    axe.check()
    page.get_by_role("link", name="Share your work").click()
    axe.check()
    page.get_by_label("Title").fill("River basin map")
    page.get_by_label("Description").fill("My first causal loop diagram.")
    page.get_by_label("File").set_input_files(
        {"name": "map.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 a map"}
    )
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", name="River basin map")).to_be_visible()
    expect(page.get_by_role("link", name="map.pdf")).to_be_visible()
    axe.check()
    assert SharedWork.objects.get().file_type == "application/pdf"

    # Femi opens an anonymous round on the session.
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Open a review round").click()
    axe.check()
    page.get_by_label(re.compile("map complex systems more confidently")).check()
    page.get_by_role("radio", name=re.compile("Anonymous")).check()
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Review round for Causal loops")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Rosa")
    axe.check()

    # Rosa finds the review waiting on her home page, keeps a draft, then shares it.
    page.context.clear_cookies()
    log_in("rosa@example.org")
    axe.check()
    page.get_by_role("link", name="“River basin map”").click()
    axe.check()
    first = page.get_by_role("group", name="Are the loops clear?")
    first.get_by_label("What works").fill("The feedback loops read clearly.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved")
    expect(first.get_by_label("What works")).to_have_value("The feedback loops read clearly.")
    first.get_by_label("What could go deeper").fill("Mark the delays.")
    page.get_by_role("radio", name="developing").check()
    page.get_by_role("button", name="Share with the author").click()
    expect(page.get_by_role("status")).to_contain_text("your review is shared")
    axe.check()
    assert PeerReview.objects.get().status == "submitted"

    # Ada reads it without Rosa's name, and replies.
    page.context.clear_cookies()
    log_in("ada@example.org")
    page.goto("/c/maps/reviews/")
    axe.check()
    page.get_by_role("link", name="River basin map").click()
    expect(page.get_by_role("heading", name="From A peer")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The feedback loops read clearly.")
    expect(page.locator("main")).not_to_contain_text("Rosa")
    page.get_by_label("Your reply").fill("Thank you — I'll add the delays.")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.locator("main")).to_contain_text("Your reply: Thank you — I'll add the delays.")
    assert ReviewReply.objects.get().body == "Thank you — I'll add the delays."
    axe.check()
    page.get_by_role("link", name="Outcomes").click()
    page.get_by_role("link", name=re.compile("map complex systems more confidently")).click()
    page.get_by_role("radio", name=re.compile("^4")).check()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.locator("#confidence-box")).to_contain_text("Your ratings over time: 4")
    axe.check()
    assert axe.found == {}


def test_from_a_proposed_outcome_to_a_complete_alignment_triple(page, log_in):
    """Biggs' triple, end to end: an outcome co-designed by members, an activity aligned to
    it, and the work from that activity looked at in a peer review."""
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    for key, name, role, level in [
        ("ada", "Ada", Membership.Role.MEMBER, Membership.Level.PERIPHERAL),
        ("rosa", "Rosa", Membership.Role.MEMBER, Membership.Level.CORE),
        ("femi", "Femi", Membership.Role.FACILITATOR, Membership.Level.CORE),
    ]:
        MembershipFactory(
            community=community,
            user=UserFactory(email=f"{key}@example.org", display_name=name),
            role=role,
            level=level,
        )
    statement = "map complex systems more confidently"

    def as_(key):
        page.context.clear_cookies()
        log_in(f"{key}@example.org")

    # Ada proposes an outcome.
    as_("ada")
    page.goto("/c/maps/outcomes/")
    page.get_by_label("We want to be able to …").fill(statement)
    page.get_by_label("Why it matters to us").fill("Our maps disagree more than our systems do.")
    page.get_by_role("button", name="Propose").click()
    proposed = page.locator("section", has=page.get_by_role("heading", name="Proposed"))
    expect(proposed).to_contain_text(statement)

    # Rosa endorses it (htmx swaps the count in place).
    as_("rosa")
    page.goto("/c/maps/outcomes/")
    page.get_by_role("button", name=re.compile("Endorse")).click()
    expect(page.locator(".endorse-box")).to_contain_text("1 endorsement")

    # Femi agrees it, with the prompts a peer will look for.
    as_("femi")
    page.goto("/c/maps/outcomes/")
    page.get_by_role("link", name="Agree it").click()
    page.get_by_label("Review prompts").fill("Are the loops clear?\nWhat is missing?")
    page.get_by_role("button", name="Agree this outcome").click()
    agreed = page.locator("section", has=page.get_by_role("heading", name="Agreed"))
    expect(agreed).to_contain_text(statement)

    # Femi plans a session whose main activity serves the outcome, and publishes it.
    starts = (timezone.localtime(timezone.now(), community.zoneinfo) + timedelta(days=3)).replace(
        hour=18, minute=0
    )
    page.goto("/c/maps/sessions/")
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Title").fill("Causal loops")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_role("button", name="Save draft").click()
    agenda = page.locator("#agenda")
    agenda.get_by_label("Item title").fill("Live mapping")
    agenda.get_by_label("Minutes").fill("30")
    agenda.get_by_label(re.compile(statement)).check()
    agenda.get_by_role("button", name="Add to agenda").click()
    expect(page.locator("#agenda .serves")).to_contain_text(statement)
    page.get_by_role("button", name="Publish").click()
    session = Session.objects.get(title="Causal loops")
    expect(page.locator("main")).to_contain_text(statement)

    # The session happens; Femi records that Ada and Rosa came.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Record attendance").click()
    # Neither said they'd come: both are walk-ins, found by name.
    walk_ins = page.get_by_label("Find someone who came")
    walk_ins.fill("Ada")
    page.get_by_role("checkbox", name=re.compile("^Ada")).check()
    walk_ins.fill("Rosa")
    page.get_by_role("checkbox", name=re.compile("^Rosa")).check()
    expect(page.get_by_role("checkbox", name=re.compile("^Ada"))).to_be_checked()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")

    # Ada shares her map from the session.
    as_("ada")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Share your work").click()
    page.get_by_label("Title").fill("River basin map")
    page.get_by_label("Link").fill("https://maps.example.org/river-basin")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", name="River basin map")).to_be_visible()

    # Femi opens a named round with the outcome's prompts as its rubric.
    as_("femi")
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Open a review round").click()
    page.get_by_label(re.compile(statement)).check()
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("table")).to_contain_text("Rosa")

    # Rosa writes the review and shares it.
    as_("rosa")
    page.get_by_role("link", name="“River basin map”").click()
    first = page.get_by_role("group", name="Are the loops clear?")
    first.get_by_label("What works").fill("Each loop is labelled with its polarity.")
    first.get_by_label("What could go deeper").fill("Show where the delays sit.")
    page.get_by_role("button", name="Share with the author").click()
    expect(page.get_by_role("status")).to_contain_text("your review is shared")

    # Ada reads it — named, as the round said — and replies.
    as_("ada")
    page.goto("/c/maps/reviews/")
    page.get_by_role("link", name="River basin map").click()
    expect(page.get_by_role("heading", name="From Rosa")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Each loop is labelled with its polarity.")
    page.get_by_label("Your reply").fill("Thanks, Rosa — delays next.")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.locator("main")).to_contain_text("Your reply: Thanks, Rosa — delays next.")

    # The alignment map shows the complete triple: outcome, activity, review.
    page.goto("/c/maps/alignment/")
    expect(page.locator("#coverage")).to_contain_text("1 of 1")
    triple = page.locator("section", has=page.get_by_role("heading", name=re.compile(statement)))
    expect(triple).to_contain_text("Causal loops — Live mapping")
    expect(triple).to_contain_text("1 of 1 review shared")
    expect(page.locator(".gap")).to_have_count(0)
