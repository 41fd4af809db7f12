"""Mentoring (issue 18, item 5) in real Chromium: a facilitator finds a mentor and a
newcomer with the pickers and pairs them; the newcomer finds the pair's page from their
journey page and writes the shared note; the pair page passes axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from communities.models import Membership, MentoringPair
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def test_facilitator_pairs_two_people_and_the_newcomer_writes_a_note(
    page, log_in, browser, live_server
):
    community = CommunityFactory(slug="maps")
    femi = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=femi, role=Membership.Role.FACILITATOR)
    mira = UserFactory(email="mira@example.org", display_name="Mira")
    MembershipFactory(community=community, user=mira, aspiration=Membership.MENTOR, level="core")
    nico = UserFactory(email="nico@example.org", display_name="Nico")
    MembershipFactory(
        community=community,
        user=nico,
        aspiration=Membership.BUDDY,
        introduction="New here, keen to map.",
    )
    log_in("femi@example.org")

    page.goto("/c/maps/mentoring/")
    expect(page.get_by_role("button", name=re.compile("Mira with Nico"))).to_be_visible()
    page.get_by_role("searchbox", name=re.compile("^Mentor")).fill("mir")
    page.get_by_role("radio", name=re.compile("Mira")).check()
    page.get_by_role("searchbox", name=re.compile("^Newcomer")).fill("nic")
    page.get_by_role("radio", name=re.compile("Nico")).check()
    page.get_by_role("button", name="Pair them", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Mira and Nico are paired")
    expect(page.get_by_role("link", name="Mira mentoring Nico")).to_be_visible()
    pair = MentoringPair.objects.get()
    assert (pair.mentor, pair.newcomer) == (mira, nico)

    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    newcomer = context.new_page()
    newcomer.goto("/accounts/login/")
    newcomer.get_by_label("Email").fill("nico@example.org")
    newcomer.get_by_label("Password").fill("a-good-long-passphrase")
    newcomer.get_by_role("button", name=re.compile("^log in$", re.I)).click()
    newcomer.wait_for_url(re.compile(r"/$"))
    newcomer.goto("/c/maps/me/")
    newcomer.get_by_role("link", name="Your buddy: Mira").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("You and Mira")
    newcomer.get_by_role("textbox", name=re.compile("Our note")).fill("How do I start a first map?")
    newcomer.get_by_role("button", name="Save the note").click()
    expect(newcomer.get_by_role("textbox", name=re.compile("Our note"))).to_have_value(
        "How do I start a first map?"
    )

    results = Axe().run(newcomer, options=WCAG)
    assert results.response["passes"], "axe checked nothing"
    assert results.response["violations"] == [], results.generate_report()
    context.close()
    assert MentoringPair.objects.get().note == "How do I start a first map?"
