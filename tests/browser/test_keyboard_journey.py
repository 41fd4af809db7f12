"""Keyboard only: plan a session, RSVP, write a reflection — every control reached with
Tab, each focused control visibly outlined, every action taken with the keyboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from reflections.models import Reflection
from sessions.models import RSVP, Session
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return {
    text: (el.getAttribute("aria-label") || el.textContent || el.value || "").trim(),
    label: label.trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


def tab_to(page, pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused control's text or label matches; each stop must show a
    visible focus outline."""
    wanted = re.compile(pattern, re.I)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"], f"no visible focus on {focused}"
        if wanted.search(focused["label"]) or wanted.search(focused["text"]):
            return
    raise AssertionError(f"Tab never reached {pattern!r}")


def test_plan_rsvp_and_reflect_with_the_keyboard_alone(page, log_in):
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=member)
    starts = timezone.localtime(timezone.now(), community.zoneinfo) + timedelta(days=5)

    log_in("femi@example.org")
    page.goto("/c/maps/sessions/new/")
    tab_to(page, r"^Title")
    page.keyboard.type("Mapping by keyboard")
    tab_to(page, r"^Starts at")
    page.keyboard.type(starts.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(starts.strftime("%I%M%p").replace("PM", "P").replace("AM", "A"))
    tab_to(page, r"^Save draft")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Plan: Mapping by keyboard")).to_be_visible()
    tab_to(page, r"^Publish")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Published")
    session = Session.objects.get(title="Mapping by keyboard")
    assert session.status == Session.Status.SCHEDULED

    page.context.clear_cookies()
    log_in("mina@example.org")
    page.goto(f"/c/maps/sessions/{session.pk}/")
    tab_to(page, r"^Going$")
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Going")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert RSVP.objects.get(session=session, user=member).response == "going"

    page.goto("/c/maps/reflections/new/")
    tab_to(page, r"^Title")
    page.keyboard.type("Typed without a mouse")
    tab_to(page, r"^Your reflection")
    page.keyboard.type("Keyboards **work** here.")
    tab_to(page, r"^Save")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Typed without a mouse")).to_be_visible()
    assert Reflection.objects.filter(author=member, title="Typed without a mouse").exists()
