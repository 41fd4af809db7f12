from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from communities import engagement
from communities.models import Community, Membership
from tests.factories import MembershipFactory, UserFactory

from .conftest import link_in_mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def attended():
    """Stands in for the sessions app's `sessions_attended` source (default threshold 3):
    {user_id: sessions attended}; the registry is restored afterwards."""
    saved = dict(engagement._SOURCES)
    counts: dict[int, int] = {}
    engagement.register_signal(
        "sessions_attended", "sessions attended here", active=3, core=6, order=10
    )(lambda community, since: dict(counts))
    yield counts
    engagement._SOURCES.clear()
    engagement._SOURCES.update(saved)


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_create_invite_sign_up_and_celebrate_a_move(page, log_in, attended):
    coordinator = UserFactory(display_name="Cora")
    facilitator = UserFactory(display_name="Femi")

    # The coordinator starts a community and invites someone by email.
    log_in(coordinator.email)
    page.get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Start a community").click()
    page.get_by_label("Name").fill("River Keepers")
    page.get_by_label("What we care about (domain)").fill("Caring for rivers together.")
    page.get_by_label("Invitation only").check()
    page.get_by_role("button", name="Create the community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("River Keepers")
    community = Community.objects.get(name="River Keepers")
    MembershipFactory(community=community, user=facilitator, role="facilitator", level="core")

    page.locator("summary", has_text="Facilitate").click()
    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Email addresses").fill("river@example.org, not-an-address")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to river@example.org")
    expect(page.get_by_role("status")).to_contain_text("“not-an-address” is not an email")
    invitation_path = link_in_mail(mail.outbox[-1], "/invitations/")
    log_out(page)

    # The invitee follows the link, signs up, and lands as a member.
    page.goto(invitation_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("You're invited to River Keepers")
    page.get_by_role("link", name="Create an account to join").click()
    expect(page.get_by_label("Email")).to_have_value("river@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-good-long-passphrase")
    page.get_by_label("Password again").fill("a-good-long-passphrase")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to River Keepers!")
    expect(page.get_by_role("heading", level=1)).to_have_text("River Keepers")
    river = Membership.objects.get(community=community, user__email="river@example.org")
    assert (river.status, river.level) == ("active", "peripheral")
    log_out(page)

    # River takes part; the facilitator is offered the move, confirms it, and it is
    # celebrated on the community home.
    attended[river.user_id] = 4
    log_in(facilitator.email)
    page.goto(f"/c/{community.slug}/journeys/")
    page.get_by_role("button", name="Check for new suggestions").click()
    suggestion = page.locator(".suggestion").filter(has_text="river")
    expect(suggestion).to_contain_text("sessions attended here: 4")
    suggestion.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(suggestion).to_contain_text("Confirmed: river is now active.")
    page.get_by_role("link", name="Community home").click()
    expect(
        page.get_by_text("river moved from peripheral to active — welcome further in!")
    ).to_be_visible()
