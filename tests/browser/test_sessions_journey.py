from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from sessions.models import Session
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_publish_rsvp_and_record_attendance(page, log_in):
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=member)
    starts = (timezone.localtime(timezone.now(), community.zoneinfo) + timedelta(days=7)).replace(
        hour=18, minute=30
    )

    # The facilitator plans a session with three agenda items.
    log_in("femi@example.org")
    page.goto("/c/maps/sessions/")
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Title").fill("Leverage points")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Plan: Leverage points")).to_be_visible()

    agenda = page.locator("#agenda")
    for title, minutes in [("Warm-up", "10"), ("Live mapping", "30"), ("Swap maps", "15")]:
        agenda.get_by_label("Item title").fill(title)
        agenda.get_by_label("Minutes").fill(minutes)
        agenda.get_by_role("button", name="Add to agenda").click()
        expect(page.locator("#agenda .agenda-builder")).to_contain_text(title)
    expect(page.locator("#agenda .total")).to_have_text("55 of 60 minutes planned.")

    # One reorder: "Swap maps" moves above "Live mapping".
    page.get_by_role("button", name="Move “Swap maps” up").click()
    expect(page.locator("#agenda .agenda-title")).to_have_text(
        ["Warm-up", "Swap maps", "Live mapping"]
    )
    # A loop bookend overflows the session: a kind warning, not a block.
    page.get_by_role("button", name=re.compile("Add “Reflect” at the end")).click()
    expect(page.locator("#agenda")).to_contain_text("runs 5 minutes over the session")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Leverage points")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Published")
    session = Session.objects.get(title="Leverage points")
    assert session.status == Session.Status.SCHEDULED
    assert list(session.agenda_items.values_list("title", flat=True)) == [
        "Warm-up",
        "Swap maps",
        "Live mapping",
        "Reflect",
    ]

    # The member RSVPs going (htmx swaps the box in place).
    page.context.clear_cookies()
    log_in("mina@example.org")
    page.get_by_role("link", name="Leverage points").click()
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.locator("#rsvp-box")).to_contain_text("Going (1): Mina")
    expect(page.get_by_role("button", name="Going", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert session.rsvps.get().response == "going"

    # Time passes: the session starts (shifted in the database, not in the browser).
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(f"/c/maps/sessions/{session.pk}/")
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("group", name="Said they'd come")).to_contain_text("Mina")
    page.get_by_label(re.compile("^Mina")).check()
    page.get_by_role("button", name="Save attendance").click()

    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    assert list(session.attendances.values_list("user__email", flat=True)) == ["mina@example.org"]


def test_planner_shows_the_facilitators_own_time_while_typing(page, log_in):
    community = CommunityFactory(slug="maps", timezone="Europe/London")
    facilitator = UserFactory(email="femi@example.org", timezone="America/New_York")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    log_in("femi@example.org")

    page.goto("/c/maps/sessions/new/")
    page.get_by_label("Starts at").fill("2031-07-01T18:30")

    # 18:30 in London (BST) is 13:30 in New York (EDT).
    expect(page.locator(".your-time")).to_have_text(
        "That is Tuesday 1 July at 13:30 your time (America/New_York)."
    )
