"""Pickers that scale (issue 14, item 7) in real Chromium: a facilitator recording who came
finds a walk-in by typing, chooses them with the keyboard alone, and saves; the page with
its suggestions open passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def test_a_walk_in_is_found_by_typing_and_chosen_with_the_keyboard(page, log_in):
    community = CommunityFactory(slug="maps")
    femi = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=femi, role=Membership.Role.FACILITATOR)
    mina = MembershipFactory(community=community, user__display_name="Mina").user
    sam = MembershipFactory(community=community, user__display_name="Sam Rivers").user
    for n in range(30):
        MembershipFactory(community=community, user__display_name=f"Rower {n:02d}")
    session = SessionFactory(community=community, starts_at=timezone.now() - timedelta(hours=1))
    RSVPFactory(session=session, user=mina, response="going")
    log_in("femi@example.org")

    page.goto(f"/c/maps/sessions/{session.pk}/attendance/")
    # The list starts from who said they'd come; nobody else is listed until searched for.
    expect(page.get_by_role("group", name="Said they'd come")).to_contain_text("Mina")
    expect(page.get_by_text("Rower 00")).to_have_count(0)

    search = page.get_by_label("Find someone who came")
    search.focus()
    page.keyboard.type("sam")
    choice = page.get_by_role("checkbox", name="Sam Rivers")
    expect(choice).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("1 person matches “sam”.")
    # Enter in the search box searches; it never sends the form.
    page.keyboard.press("Enter")
    expect(search).to_be_focused()
    assert not session.attendances.exists()

    page.keyboard.press("Tab")  # the Find button
    page.keyboard.press("Tab")
    expect(choice).to_be_focused()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()

    # A second search keeps the person already chosen.
    search.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("rower")
    expect(page.get_by_role("checkbox", name="Rower 09")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Sam Rivers")).to_be_checked()
    expect(page.get_by_text("Rower 10")).to_have_count(0)

    results = Axe().run(page, options=WCAG)
    assert results.response["passes"], "axe checked nothing"
    assert results.response["violations"] == [], results.generate_report()

    page.get_by_role("button", name="Save attendance").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    assert dict(session.attendances.values_list("user__display_name", "walk_in")) == {
        "Sam Rivers": True
    }
    assert sam.pk in session.attendances.values_list("user_id", flat=True)


def test_enter_in_another_box_of_a_form_with_a_picker_saves_it(page, log_in):
    community = CommunityFactory(slug="maps")
    femi = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=femi, role=Membership.Role.FACILITATOR)
    log_in("femi@example.org")
    starts = timezone.localtime(timezone.now() + timedelta(days=7), community.zoneinfo)

    page.goto("/c/maps/sessions/new/")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Title").fill("Mapping clinic")
    page.get_by_label("Title").press("Enter")

    # Saved as a draft (the form's own button), not a "Find" of co-facilitators.
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")
    assert community.sessions.get().title == "Mapping clinic"
