"""The timezone select offers the device's own zone first, and chooses it only where
nothing was chosen yet."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_kolkata(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Kolkata")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-good-long-passphrase")
    page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
    page.wait_for_url(re.compile(r"/$"))


def test_settings_offer_this_devices_zone_first_without_changing_the_saved_one(in_kolkata):
    UserFactory(email="priya@example.org", timezone="Europe/London")
    log_in(in_kolkata, "priya@example.org")

    in_kolkata.goto("/settings/")
    select = in_kolkata.get_by_label("Timezone")

    first = select.locator("option").first
    expect(first).to_have_text("Asia/Kolkata (this device)")
    expect(select).to_have_value("Europe/London")  # a saved choice is never changed


def test_a_new_community_takes_this_devices_zone(in_kolkata):
    UserFactory(email="priya@example.org")
    log_in(in_kolkata, "priya@example.org")

    in_kolkata.goto("/communities/new/")
    select = in_kolkata.get_by_label("Timezone")

    expect(select.locator("option").first).to_have_text("Asia/Kolkata (this device)")
    expect(select).to_have_value("Asia/Kolkata")


def test_signing_up_keeps_this_devices_zone(browser, live_server):
    """Sign-up's hidden field takes the browser's zone (static/js/site.js); after confirming
    the address, settings show it chosen, and the greeting uses the name given."""
    from django.core import mail

    from accounts.models import User

    from .conftest import link_in_mail

    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Priya")
    page.get_by_label("Email").fill("priya.new@example.org")
    page.get_by_label(re.compile(r"^Password$")).fill("a-good-long-passphrase")
    page.get_by_label("Password again").fill("a-good-long-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(link_in_mail(mail.outbox[-1], "/accounts/confirm-email/"))
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya")
    page.get_by_role("link", name="Settings").click()

    expect(page.get_by_label("Timezone")).to_have_value("America/New_York")
    assert User.objects.get(email="priya.new@example.org").timezone == "America/New_York"
    context.close()
