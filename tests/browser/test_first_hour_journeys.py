"""Issue 14's acceptance journeys, each from the very start in real Chromium: a brand-new
person signs up, confirms from the verification email (both parts carry the link), joins an
open community from the home's teaser and sees "Say hello" tick itself off; a person starts
a community and its setup checklist completes step by step, then goes away. Screenshots
go to $SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import CommunityFactory, MembershipFactory, UserFactory

from .conftest import Hrefs, as_path
from .test_first_steps_journey import shoot

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_confirm_join_and_say_hello_ticks_itself_off(page):
    community = CommunityFactory(
        name="River Keepers", slug="river-keepers", domain="Caring for rivers together."
    )
    MembershipFactory(community=community, user__display_name="Femi", role="facilitator")

    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("priya.new@example.org")
    page.get_by_label(re.compile(r"^Password$")).fill("a-good-long-passphrase")
    page.get_by_label("Password again").fill("a-good-long-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    [message] = [m for m in mail.outbox if m.to == ["priya.new@example.org"]]
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    parser = Hrefs()
    parser.feed(html)
    [link] = {href for href in parser.found if "/accounts/confirm-email/" in href}
    assert link in message.body  # both parts carry the same link

    page.goto(as_path(link))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", name="What copsite is for")).to_be_visible()
    page.get_by_role("link", name="River Keepers").first.click()
    page.get_by_role("button", name="Join this community").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to River Keepers")

    page.goto("/")
    card = page.get_by_role("region", name="First steps in River Keepers")
    expect(card).to_contain_text("0 of 4 done")
    page.goto("/c/river-keepers/")
    page.get_by_role("navigation", name="River Keepers").get_by_role(
        "link", name="My journey"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My journey in River Keepers")
    page.get_by_label("Say hello in one line").fill("New here, and I love a muddy bank.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")

    page.goto("/")
    card = page.get_by_role("region", name="First steps in River Keepers")
    expect(card).to_contain_text("1 of 4 done")
    expect(card.get_by_role("link", name="Say hello")).to_have_count(0)
    expect(card.get_by_role("listitem").first).to_contain_text("Say hello (done)")
    shoot(page, "home-hello-done")


def test_a_new_community_s_setup_checklist_completes(page, log_in):
    founder = UserFactory(display_name="Cora")
    log_in(founder.email)
    page.goto("/communities/new/")
    page.get_by_label("Name").fill("Bee Circle")
    # What we care about is asked for on creation, so that step is done from the start.
    page.get_by_label("What we care about (domain)").fill("Keeping bees in the city.")
    page.get_by_role("button", name="Create the community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bee Circle")
    shoot(page, "setup-checklist-complete")
    home = page.url

    def checklist():
        page.goto(home)
        return page.get_by_role("region", name="Setting up Bee Circle")

    def follow(label):
        checklist().get_by_role("link", name=label).click()

    def ticked(label, count):
        card = checklist()
        expect(card).to_contain_text(f"{count} of 5 done")
        expect(card.get_by_role("link", name=label)).to_have_count(0)
        expect(card).to_contain_text(f"{label} (done)")

    ticked("Say what we care about", 1)
    shoot(page, "setup-checklist-start")

    follow("Write the purpose")
    page.get_by_label(re.compile("Purpose")).fill("Learn to keep healthy hives together.")
    page.get_by_role("button", name="Save settings").click()
    ticked("Write the purpose", 2)

    follow("Propose a first outcome")
    page.get_by_label("We want to be able to …").fill("split a hive without losing the queen")
    page.get_by_role("button", name="Propose").click()
    ticked("Propose a first outcome", 3)

    follow("Plan a first session")
    starts = timezone.localtime() + timedelta(days=7)
    page.get_by_label("Title").fill("Our first hive visit")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save draft").click()
    ticked("Plan a first session", 4)
    shoot(page, "setup-checklist-four-done")

    follow("Invite people")
    page.get_by_label("Email addresses").fill("beekeeper@example.org")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent")

    page.goto(home)
    expect(page.get_by_role("region", name="Setting up Bee Circle")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bee Circle")
    shoot(page, "setup-checklist-complete")
