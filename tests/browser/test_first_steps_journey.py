"""A newcomer joins a community and the first-steps card ticks "say hello" off after they
write an introduction (issue 14 item 3); a plain member's members page shows no levels
(item 5). Screenshots go to $SCREENSHOT_DIR when it is set (desktop and phone)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def shoot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{folder}/{name}-{size}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_newcomer_joins_and_saying_hello_ticks_itself_off(page, log_in):
    community = CommunityFactory(
        name="River Keepers", slug="river-keepers", domain="Caring for rivers together."
    )
    MembershipFactory(
        community=community,
        user__display_name="Femi",
        role="facilitator",
        level="core",
        introduction="I run the Thursday walks.",
    )
    MembershipFactory(community=community, user__display_name="Pat", level="peripheral")
    newcomer = UserFactory(display_name="Noor")

    log_in(newcomer.email)
    expect(page.get_by_role("heading", name="What copsite is for")).to_be_visible()
    shoot(page, "home-before-joining")
    page.get_by_role("link", name="River Keepers").first.click()
    page.get_by_role("button", name="Join this community").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to River Keepers")

    page.goto("/")
    card = page.get_by_role("region", name="First steps in River Keepers")
    expect(card).to_contain_text("0 of 4 done")
    shoot(page, "home-newcomer")
    card.get_by_role("link", name="Say hello").click()
    page.get_by_label("Say hello in one line").fill("New here, and I love a muddy bank.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")

    page.goto("/")
    card = page.get_by_role("region", name="First steps in River Keepers")
    expect(card).to_contain_text("1 of 4 done")
    expect(card.get_by_role("link", name="Say hello")).to_have_count(0)
    expect(card.get_by_role("listitem").first).to_contain_text("Say hello (done)")

    page.goto("/c/river-keepers/members/")
    members = page.locator("#member-list")
    expect(members).to_contain_text("New here, and I love a muddy bank.")
    expect(members).to_contain_text("I run the Thursday walks.")
    expect(members).not_to_contain_text(re.compile("peripheral|core", re.I))
    expect(page.get_by_label("Level")).to_have_count(0)
    shoot(page, "members-plain")
