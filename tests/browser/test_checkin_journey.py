"""Check in, don't demote, in real Chromium: the facilitator finds a quiet member "worth a
hello", sends one with one click, and the email is recorded once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import EmailDelivery
from communities.models import CheckIn
from tests.factories import CommunityFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_facilitator_sends_a_quiet_member_one_hello(page, log_in):
    community = CommunityFactory(name="River Keepers", slug="river-keepers")
    facilitator = UserFactory(display_name="Femi")
    MembershipFactory(community=community, user=facilitator, role="facilitator", level="core")
    quiet = UserFactory(display_name="Quinn")
    long_ago = timezone.now() - timedelta(days=300)
    MembershipFactory(community=community, user=quiet, level="active", joined_at=long_ago)
    SessionFactory(community=community, title="Spring walk along the weir")

    log_in(facilitator.email)
    page.goto("/c/river-keepers/journeys/")
    page.get_by_role("button", name="Check for new suggestions").click()
    hello = page.locator(".quiet-members li").filter(has_text="Quinn")
    expect(page.get_by_role("heading", name="Worth a hello")).to_be_visible()
    # Quiet is met with a hello, not a list of steps back.
    expect(page.get_by_text("a gentle step back")).to_have_count(1)
    hello.get_by_role("button", name=re.compile("^Send a hello")).click()
    expect(page.locator("#quiet-" + str(quiet.memberships.get().pk))).to_contain_text(
        "Hello sent on"
    )

    page.reload()
    expect(hello).to_contain_text("Hello sent on")
    expect(hello.get_by_role("button")).to_have_count(0)
    assert CheckIn.objects.filter(membership__user=quiet).count() == 1
    assert EmailDelivery.objects.filter(kind="communities:checkin").count() == 1
    [message] = [m for m in mail.outbox if m.to == [quiet.email]]
    assert "Spring walk along the weir" in message.body
