"""The pulse after a session, as people take it: the facilitator marks a session held,
five attendees answer "How was this session for you?" (four faces, one optional line),
and the facilitator then sees how people found it — never who said what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from sessions.models import RSVP, PulseAnswer, Session
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = [
    ("Great", "More time in pairs"),
    ("Good", ""),
    ("Great", "Share the map beforehand"),
    ("Mixed", "A quieter room"),
    ("Good", ""),
]


def test_session_held_five_answer_the_pulse_facilitator_sees_the_summary(page, log_in):
    community = CommunityFactory(slug="maps", name="Systems Mapping")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    session = SessionFactory(
        community=community,
        title="Leverage points",
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=60,
    )
    session.facilitators.add(facilitator)
    attendees = []
    for index in range(5):
        person = UserFactory(email=f"att{index}@example.org", display_name=f"Attendee {index}")
        MembershipFactory(community=community, user=person)
        session.rsvps.create(user=person, response=RSVP.Response.GOING)
        attendees.append(person)
    url = f"/c/maps/sessions/{session.pk}/"

    # The facilitator records who came and marks the session held.
    log_in("femi@example.org")
    page.goto(url + "attendance/")
    for person in attendees:
        page.get_by_label(re.compile(person.display_name)).check()
    page.get_by_label("Mark the session as held").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("heading", name="Leverage points")).to_be_visible()
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    pulse = page.locator("#pulse-box")
    expect(pulse).to_contain_text("once at least 5 people have answered")

    # Five attendees answer, each on the session page (the htmx form swaps in place).
    for person, (face, words) in zip(attendees, ANSWERS, strict=True):
        page.context.clear_cookies()
        log_in(person.email)
        page.goto(url)
        group = page.get_by_role("group", name="How was this session for you?")
        group.get_by_label(face).check()
        if words:
            page.get_by_label("What would make the next one better?").fill(words)
        page.get_by_role("button", name="Save my answer").click()
        expect(page.locator("#pulse-box")).to_contain_text(
            "your answer is saved, without your name"
        )
        expect(page.get_by_role("button", name="Change my answer")).to_be_visible()
        # Until five have answered, the attendee (and everyone else) sees no summary.
        expect(page.locator(".pulse-summary")).to_have_count(0)

    assert PulseAnswer.objects.filter(session=session).count() == 5

    # The facilitator now sees the distribution and the words, and no name beside them.
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(url)
    pulse = page.locator("#pulse-box")
    expect(pulse).to_contain_text("5 people answered.")
    table = pulse.get_by_role("table", name="How people found this session")
    expect(table.get_by_role("row", name="Great 2")).to_be_visible()
    expect(table.get_by_role("row", name="Good 2")).to_be_visible()
    expect(table.get_by_role("row", name="Mixed 1")).to_be_visible()
    expect(pulse.locator(".pulse-texts li")).to_have_text(
        ["A quieter room", "More time in pairs", "Share the map beforehand"]
    )
    for person in attendees:
        expect(pulse).not_to_contain_text(person.display_name)
