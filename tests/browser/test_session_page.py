"""The session page in real Chromium (issue 14 items 4 and 6): the RSVP is in the first
screenful on a laptop and a phone, and a keyboard-only RSVP keeps focus on the control
used while the polite live region says what changed; the planner's htmx edits do the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from sessions.models import RSVP
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommunityFactory,
    MembershipFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVE = """() => {
  const el = document.activeElement;
  return {id: el.id, tag: el.tagName, text: (el.textContent || "").trim(),
          label: el.getAttribute("aria-label") || "", pressed: el.getAttribute("aria-pressed")};
}"""


@pytest.fixture
def session(db):
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    femi = UserFactory(email="femi@example.org", display_name="Femi")
    mina = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=femi, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=mina)
    session = SessionFactory(
        community=community,
        title="Leverage points in the water system we all share",
        starts_at=timezone.now() + timedelta(days=3),
        location="Library room 2",
        online_url="https://meet.example.org/a-rather-long-meeting-link-for-leverage-points",
        description="We map where a small shift changes a lot.\n\n" * 6,
    )
    session.facilitators.add(femi)
    for title, kind in [("Check in", "activity"), ("Review our open actions", "review_actions")]:
        AgendaItemFactory(session=session, title=title, kind=kind, minutes=15)
    for i in range(6):
        person = UserFactory(display_name=f"Rower {i}")
        MembershipFactory(community=community, user=person)
        RSVPFactory(session=session, user=person)
        ActionFactory(community=community, owner=person, title=f"Try something new {i}")
    return session


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_rsvp_is_in_the_first_screenful(page, log_in, session, width, height):
    page.set_viewport_size({"width": width, "height": height})
    log_in("mina@example.org")

    page.goto(session.get_absolute_url())

    assert page.evaluate("window.scrollY") == 0
    for name in ("Going", "Maybe", "Not going"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    calendar = page.get_by_role("link", name="Add to my calendar (.ics)").bounding_box()
    assert calendar["y"] + calendar["height"] <= height
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_rsvp_keeps_focus_and_announces_the_answer(page, log_in, session):
    log_in("mina@example.org")
    page.goto(session.get_absolute_url())

    # A handful of Tab stops: "Skip to content", then "Skip to your RSVP".
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["text"] == "Skip to your RSVP"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["text"] == "Going"

    page.keyboard.press("Enter")

    expect(page.locator("#announcer")).to_have_text("Your answer: going.")
    expect(page.locator("#rsvp-box")).to_contain_text("Going (7)")
    focused = page.evaluate(ACTIVE)
    assert focused["id"] == "rsvp-going" and focused["pressed"] == "true"
    assert RSVP.objects.get(session=session, user__display_name="Mina").response == "going"

    # The next control along, by keyboard, keeps its place too and is announced.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_have_text("Your answer: maybe.")
    assert page.evaluate(ACTIVE)["id"] == "rsvp-maybe"


def test_planner_edits_keep_focus_on_the_item_and_announce(page, log_in, session):
    log_in("femi@example.org")
    page.goto(f"/c/maps/sessions/{session.pk}/edit/")

    page.get_by_role("button", name="Move “Review our open actions” up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_contain_text("Moved “Review our open actions” up.")
    # It is first now, so its "up" control is gone: focus goes to its edit link.
    assert page.evaluate(ACTIVE)["label"] == "Edit “Review our open actions”"

    page.keyboard.press("Enter")
    # Its replacement, the edit form, takes focus on its first field.
    page.wait_for_function(
        "() => document.activeElement.closest('#agenda form[data-focus-after-swap]')"
        " && document.activeElement.tagName === 'INPUT'"
    )
    page.keyboard.press("Control+A")
    page.keyboard.type("Our actions")
    page.locator("#agenda form[data-focus-after-swap] button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_contain_text("Saved “Our actions”.")
    assert page.evaluate(ACTIVE)["label"] == "Edit “Our actions”"
