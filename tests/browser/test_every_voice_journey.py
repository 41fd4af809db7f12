"""Every voice (issue 18)'s acceptance journey: a member shares a reflection with the
community without their name → another member responds → the facilitator sees who wrote
it, the member does not → the session is held → five attendees answer the pulse → the
facilitator sees how people found it, never who said what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from reflections.models import Reflection, Response
from sessions.models import RSVP, PulseAnswer, Session
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Do we defer to the experts too much?"
# What waits on the server (a save, a swapped-in response) gets longer than the default
# five seconds: on a loaded machine a page can take that long, and the journey is not
# about speed.
SERVER = 20_000


def _people():
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    people = {}
    for email, name, role in [
        ("zoe@example.org", "Zoe", Membership.Role.MEMBER),
        ("mina@example.org", "Mina", Membership.Role.MEMBER),
        ("fay@example.org", "Fay", Membership.Role.FACILITATOR),
        ("ada@example.org", "Ada", Membership.Role.MEMBER),
        ("ben@example.org", "Ben", Membership.Role.MEMBER),
        ("cy@example.org", "Cy", Membership.Role.MEMBER),
    ]:
        people[name] = UserFactory(email=email, display_name=name)
        MembershipFactory(community=community, user=people[name], role=role)
    return community, people


def _as(page, log_in, email):
    page.context.clear_cookies()
    log_in(email)


# Each attendee's answer to the pulse: a face and, for some, a line.
PULSE = {
    "Zoe": ("Great", "More time in pairs"),
    "Mina": ("Good", ""),
    "Ada": ("Great", "Share the map beforehand"),
    "Ben": ("Mixed", "A quieter room"),
    "Cy": ("Good", ""),
}


def test_anonymous_reflection_answered_then_the_pulse_after_the_session(page, log_in):
    community, people = _people()
    session = SessionFactory(
        community=community,
        title="Who speaks first?",
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=60,
    )
    session.facilitators.add(people["Fay"])
    for name in PULSE:
        session.rsvps.create(user=people[name], response=RSVP.Response.GOING)

    # Zoe writes a reflection and shares it with the community, without her name: the form
    # says in one sentence that the facilitators will still see it is her.
    _as(page, log_in, "zoe@example.org")
    page.goto(f"/c/{community.slug}/reflections/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your reflection").fill("When the experts speak first, the rest of us stop.")
    without_name = page.get_by_label(re.compile("without my name"))
    expect(without_name).to_be_visible()
    expect(page.get_by_text(re.compile("Facilitators will still see it's you"))).to_be_visible()
    without_name.check()
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=SERVER)
    expect(page.get_by_text(re.compile("without your name"))).to_be_visible()
    reflection = Reflection.objects.get(title=TITLE)
    assert reflection.anonymous and reflection.author == people["Zoe"]
    # Her own page names her, and says the members see "a member".
    expect(page.locator(".reflection .meta")).to_contain_text("Zoe")
    expect(page.locator(".reflection .meta")).to_contain_text("members see “a member”")

    # Mina finds it in the community's reflections by "a member", and responds.
    _as(page, log_in, "mina@example.org")
    page.goto(f"/c/{community.slug}/reflections/")
    item = page.locator(".reflection-item", has_text=TITLE)
    expect(item).to_contain_text("a member")
    expect(item).not_to_contain_text("Zoe")
    item.get_by_role("link", name=TITLE).click()
    expect(page.locator(".reflection .meta")).to_contain_text("By a member", timeout=SERVER)
    page.get_by_label(re.compile("^Yes, and")).fill("Yes, and a round where everyone speaks once.")
    page.get_by_role("button", name="Post response").click()
    expect(page.get_by_role("article", name="Response by Mina")).to_be_visible(timeout=SERVER)
    assert Response.objects.get(reflection=reflection).author == people["Mina"]
    expect(page.locator("main")).not_to_contain_text("Zoe")

    # Fay, the facilitator, sees who wrote it (and that members don't).
    _as(page, log_in, "fay@example.org")
    page.goto(reflection.get_absolute_url())
    meta = page.locator(".reflection .meta")
    expect(meta).to_contain_text("Zoe")
    expect(meta).to_contain_text("members see “a member”")
    expect(page.get_by_role("article", name="Response by Mina")).to_be_visible()

    # Mina, back on the page, still does not.
    _as(page, log_in, "mina@example.org")
    page.goto(reflection.get_absolute_url())
    expect(page.locator(".reflection .meta")).to_contain_text("a member")
    expect(page.locator("main")).not_to_contain_text("Zoe")

    # The session is held: Fay records who came; until five answer, nobody sees a summary.
    _as(page, log_in, "fay@example.org")
    url = f"/c/{community.slug}/sessions/{session.pk}/"
    page.goto(url + "attendance/")
    for name in PULSE:
        page.get_by_label(re.compile(name)).check()
    page.get_by_label("Mark the session as held").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("heading", name="Who speaks first?")).to_be_visible(timeout=SERVER)
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    expect(page.locator("#pulse-box")).to_contain_text("once at least 5 people have answered")

    # Five attendees answer "How was this session for you?" on the session page.
    for name, (face, words) in PULSE.items():
        _as(page, log_in, people[name].email)
        page.goto(url)
        group = page.get_by_role("group", name="How was this session for you?")
        group.get_by_label(face).check()
        if words:
            page.get_by_label("What would make the next one better?").fill(words)
        page.get_by_role("button", name="Save my answer").click()
        expect(page.locator("#pulse-box")).to_contain_text(
            "your answer is saved, without your name", timeout=SERVER
        )
        expect(page.locator(".pulse-summary")).to_have_count(0)
    assert PulseAnswer.objects.filter(session=session).count() == 5

    # Fay sees the distribution and the words, with no name beside them.
    _as(page, log_in, "fay@example.org")
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
    for name in PULSE:
        expect(pulse).not_to_contain_text(name)
