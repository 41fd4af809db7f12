"""A facilitator saves a session's plan as a template, finds it in the library through the
Facilitate menu, and plans the next session from it: the new draft has the plan, its
title carries the date, and its loop bookends are where they were."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from sessions import services
from sessions.models import AgendaItem, Session
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_save_a_plan_as_a_template_and_plan_the_next_session_from_it(page, log_in):
    community = CommunityFactory(slug="maps", name="Systems Mapping", timezone="Europe/London")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    session = SessionFactory(community=community, title="Leverage points", duration_minutes=60)
    session.facilitators.add(facilitator)
    services.agenda_bookend_add(session=session, kind=AgendaItem.Kind.REVIEW_ACTIONS)
    services.agenda_item_add(session=session, data={"title": "Live mapping", "minutes": 35})
    services.agenda_bookend_add(session=session, kind=AgendaItem.Kind.REFLECT)
    starts = (timezone.localtime(timezone.now(), community.zoneinfo) + timedelta(days=9)).replace(
        hour=18, minute=30
    )

    # From the planner: save its plan as a template.
    log_in("femi@example.org")
    page.goto(f"/c/maps/sessions/{session.pk}/edit/")
    page.get_by_role("link", name="Save as template").click()
    page.get_by_label("Template name").fill("Our mapping clinic")
    page.get_by_label("Title of sessions from it").fill("Mapping clinic, {date}")
    page.get_by_role("button", name="Save as template").click()
    expect(page.get_by_role("heading", name="Session templates", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Saved “Our mapping clinic”")
    expect(page.locator(".template", has_text="Our mapping clinic")).to_contain_text("Live mapping")

    # The library is in the Facilitate menu, wherever the facilitator is in the community.
    page.goto("/c/maps/")
    page.locator("summary", has_text="Facilitate").click()
    page.get_by_role("link", name="Session templates").click()
    page.get_by_role("link", name="Plan a session from “Our mapping clinic”").click()

    # The new-session page starts from the template: an empty title takes the pattern.
    expect(page.get_by_text("Planning from Our mapping clinic")).to_be_visible()
    expect(page.get_by_label("Length (minutes)")).to_have_value("60")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save draft").click()

    title = f"Mapping clinic, {starts.day} {starts:%b %Y}"
    expect(page.get_by_role("heading", name=f"Plan: {title}")).to_be_visible()
    expect(page.locator("#agenda .agenda-title")).to_have_text(
        ["Review our open actions", "Live mapping", "Reflect"]
    )
    expect(page.locator("#agenda .total")).to_have_text("55 of 60 minutes planned.")
    planned = Session.objects.get(title=title)
    assert planned.status == Session.Status.DRAFT
    assert list(planned.agenda_items.values_list("kind", flat=True)) == [
        AgendaItem.Kind.REVIEW_ACTIONS,
        AgendaItem.Kind.ACTIVITY,
        AgendaItem.Kind.REFLECT,
    ]
    # The saved session's own plan is untouched.
    assert session.agenda_items.count() == 3
