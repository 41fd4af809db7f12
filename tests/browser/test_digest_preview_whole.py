"""The digest preview shows the whole email: the frame grows to the email's height, so its
last lines are on the page, not hidden behind a frame's own scroll bar."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_long_digest_preview_shows_the_whole_email(page, log_in, viewport):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=member)
    for day in range(1, 9):
        SessionFactory(community=community, starts_at=timezone.now() + timedelta(days=day))
    for _ in range(12):
        ReflectionFactory(community=community, created_at=timezone.now() - timedelta(hours=1))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})

    log_in("mina@example.org")
    page.goto("/settings/digest-preview/")
    frame = page.locator("iframe.digest-frame")
    email = page.frame_locator("iframe.digest-frame")
    expect(email.get_by_text("Take what's useful and leave the rest.")).to_be_attached()
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe.digest-frame');"
        " const d = f.contentDocument.documentElement;"
        " return d.scrollHeight <= f.clientHeight; }"
    )
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"digest-{viewport[0]}.png"), full_page=True)

    box = frame.bounding_box()
    assert box["height"] > 1000  # far taller than the old 32rem box
    assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
    # The email's last words sit inside the frame's box, with nothing cut off below.
    expect(email.get_by_role("link", name="Stop this digest")).to_be_visible()
