"""A member looks at their next digest and answers a session's RSVP from it: the link
lands on the session page, and only the button there saves the answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import RSVP
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_answers_an_rsvp_from_the_digest_preview(page, log_in, live_server, settings):
    settings.SITE_URL = live_server.url  # the digest's links are absolute
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=member)
    session = SessionFactory(
        community=community, title="Live mapping", starts_at=timezone.now() + timedelta(days=2)
    )

    log_in("mina@example.org")
    page.goto("/settings/digest-preview/")
    expect(page.get_by_role("heading", name="Your next digest, as it stands now")).to_be_visible()
    email = page.frame_locator('iframe[title="Your digest email"]')
    expect(email.get_by_role("link", name=re.compile("^Live mapping — "))).to_be_visible()
    email.get_by_role("link", name="Maybe", exact=True).click()

    page.wait_for_url(re.compile(rf"/c/mapping/sessions/{session.pk}/\?rsvp=maybe"))
    expect(page.get_by_role("status").filter(has_text="in your digest")).to_contain_text(
        "You chose “maybe” in your digest."
    )
    assert not RSVP.objects.filter(session=session).exists()  # following the link saved nothing
    page.get_by_role("button", name="Maybe", exact=True).click()

    expect(page.get_by_text("Your answer: maybe.")).to_be_visible()
    assert RSVP.objects.get(session=session, user=member).response == "maybe"
