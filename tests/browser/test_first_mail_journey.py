"""The first hour's first email, in real Chromium: sign up, the verification email arrives
with a plain-text and an HTML part that name the site, its link (taken from the HTML part,
as a person clicking the button would) confirms the address and logs the person in; the
same link a second time is a kind page that offers a new one."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import EmailDelivery

from .conftest import Hrefs, as_path

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_verification_email_in_both_parts_then_logged_in(page):
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    expect(page.locator(".entrance-pitch")).to_contain_text("copsite is where a community")
    page.get_by_label("Email").fill("priya.new@example.org")
    page.get_by_label(re.compile(r"^Password$")).fill("a-good-long-passphrase")
    page.get_by_label("Password again").fill("a-good-long-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    [message] = [m for m in mail.outbox if m.to == ["priya.new@example.org"]]
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    for part in (message.subject, message.body, html):
        assert "copsite" in part
        assert "Hello from !" not in part and " on ." not in part
    assert message.subject == "[copsite] Welcome: please confirm your email address"
    assert "Welcome to copsite" in message.body and "Welcome to copsite" in html
    assert EmailDelivery.objects.get(to_email="priya.new@example.org").body_html == html

    parser = Hrefs()
    parser.feed(html)
    [link] = {href for href in parser.found if "/accounts/confirm-email/" in href}
    assert link in message.body  # the plain text carries the same link

    page.goto(as_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()

    page.goto(as_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used or has expired"
    )
