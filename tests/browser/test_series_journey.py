"""A facilitator plans a fortnightly series from a built-in template, a member says "going
to all", one session is skipped and the series is changed from the fourth on; the member's
calendar feed (expanded by recurring-ical-events) and the series pages then agree."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
import recurring_ical_events
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from sessions.models import Series, Session
from sessions.services import builtin_templates_create
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WHEN = re.compile(r'<span class="when">([^<]+)</span>\s*(<span class="badge status-cancelled">)?')


def test_plan_series_rsvp_all_skip_split_and_the_feed_agrees(page, log_in):
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    member = UserFactory(email="mina@example.org", display_name="Mina", timezone="Europe/London")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=member)
    starts = (timezone.localtime(timezone.now(), community.zoneinfo) + timedelta(days=3)).replace(
        hour=18, minute=0
    )

    # Every community starts with the built-in templates (a factory-made one is given them).
    builtin_templates_create(community=community)
    clinic = community.session_templates.get(name="Clinic on real work")
    plan = list(clinic.items.order_by("position").values_list("title", flat=True))

    log_in("femi@example.org")
    page.goto("/c/maps/sessions/new/")
    page.get_by_role("link", name="Clinic on real work").click()
    expect(page.get_by_text("Planning from")).to_contain_text("Clinic on real work")
    page.get_by_label("Title").fill("Wednesday chats")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Repeats").select_option(label="every 2 weeks")
    page.get_by_label("after a number of sessions").check()
    page.get_by_role("spinbutton", name="Number of sessions").fill("6")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Plan: Wednesday chats")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    series = Series.objects.get()
    assert series.sessions.filter(status="scheduled").count() == 6
    # Each session of the series has the template's plan, opening with our open actions.
    for occurrence in series.sessions.all():
        assert list(occurrence.agenda_items.values_list("title", flat=True)) == plan
    assert plan[0].startswith("Review our open actions")

    page.context.clear_cookies()
    log_in("mina@example.org")
    page.goto(series.get_absolute_url())
    page.get_by_role("button", name="Going to all", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("every session of the series")

    sessions = list(series.sessions.order_by("starts_at"))
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(sessions[1].get_absolute_url())
    page.get_by_role("link", name="Skip this session").click()
    page.get_by_label("Why is it cancelled?").fill("Half-term")
    page.get_by_role("button", name="Skip this session").click()
    expect(page.get_by_text("This session is cancelled: Half-term")).to_be_visible()

    # Time passes (in the database): the first session is held, so a change from the
    # fourth on splits the series.
    Session.objects.filter(pk=sessions[0].pk).update(
        starts_at=timezone.now() - timedelta(days=1), status="completed"
    )
    page.goto(f"/c/maps/sessions/{sessions[3].pk}/edit/")
    later = timezone.localtime(sessions[3].starts_at, community.zoneinfo).replace(hour=19)
    page.get_by_label("Starts at").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("this and the following sessions").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Saved for the series")
    assert Series.objects.count() == 2

    # The member's feed, expanded by someone else's code, and the series pages agree.
    client = Client()
    client.force_login(member)
    listed = []
    for each in Series.objects.order_by("pk"):
        body = client.get(each.get_absolute_url()).content.decode()
        listed += [m.group(1) for m in WHEN.finditer(body) if not m.group(2)]
    feed = client.get(f"/calendar/{member.calendar_token}.ics").content
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(feed)).between(
        timezone.now() - timedelta(days=400), timezone.now() + timedelta(days=400)
    )
    tz = member.zoneinfo
    from_feed = sorted(event["DTSTART"].dt.astimezone(tz) for event in events)
    # The held session is listed by its day, the coming ones by day and time.
    held, *coming = from_feed
    assert sorted(listed) == sorted(
        [f"{held:%-d %b %Y}"] + [f"{when:%A %-d %B %Y, %H:%M}" for when in coming]
    )
    assert [f"{when:%H:%M}" for when in coming] == ["18:00", "19:00", "19:00", "19:00"]
