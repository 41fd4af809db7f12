"""A person whose emails bounced sees it on their settings page, asks to confirm their
address again, follows the link and gets their email back."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.bounces import email_suppress
from accounts.models import EmailSuppression
from tests.browser.conftest import link_in_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SCREENSHOTS_DIR")


def test_bounced_person_confirms_their_address_again(page, log_in, live_server, settings):
    settings.SITE_URL = live_server.url  # the confirmation link is absolute
    UserFactory(email="mina@example.org", display_name="Mina")
    email_suppress(
        address="mina@example.org",
        reason="bounced",
        occurred_at=datetime.fromisoformat("2026-11-27T12:00Z"),
    )

    log_in("mina@example.org")
    page.goto("/settings/")
    notice = page.get_by_role("region", name="We've stopped emailing you")
    expect(notice).to_contain_text(
        "Emails to mina@example.org bounced on 27 Nov 2026; we've stopped sending. "
        "Confirm your address again to resume"
    )
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "settings-bounced.png"), full_page=True)
        notice.screenshot(path=str(Path(SHOTS) / "settings-bounced-notice.png"))
    notice.get_by_role("button", name="Confirm my address again").click()

    expect(page.get_by_text("isn't confirmed yet. We've sent a link there")).to_be_visible()
    page.goto(link_in_mail(mail.outbox[-1], "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).not_to_have_url(re.compile("/confirm-email/"))
    page.goto("/settings/")

    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(page.get_by_text("we've stopped sending")).to_have_count(0)
    assert not EmailSuppression.objects.exists()
