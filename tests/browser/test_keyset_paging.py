"""Long lists go by "Older"/"Newer" links (core.paging.KeysetPage): the closed actions, in a
real browser, without JavaScript needed, the links named and in their place."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import ActionFactory, CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SCREENSHOTS_DIR")


def test_closed_actions_go_older_and_back_newer(page, log_in):
    from axe_playwright_python.sync_playwright import Axe

    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=member)
    ActionFactory(community=community, owner=member, title="Bring rough maps")
    for n in range(25):
        ActionFactory(community=community, owner=member, title=f"Closed {n:02}", status="done")

    log_in("mina@example.org")
    page.goto("/c/mapping/actions/")
    pages = page.get_by_role("navigation", name="Done and dropped actions, by page")
    expect(pages.get_by_role("link", name="Newer")).to_have_count(0)
    expect(page.get_by_text("Closed 24")).to_be_visible()
    pages.get_by_role("link", name="Older").click()

    expect(page).to_have_url(re.compile(r"\?before=\d+#closed-heading$"))
    expect(page.get_by_text("Closed 04")).to_be_visible()
    expect(page.get_by_text("Closed 05")).to_have_count(0)
    expect(page.get_by_text("Bring rough maps")).to_be_visible()
    expect(pages.get_by_role("link", name="Older")).to_have_count(0)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "closed-actions-older.png"), full_page=True)

    pages.get_by_role("link", name="Newer").click()
    expect(page.get_by_text("Closed 05")).to_be_visible()
    expect(page.get_by_text("Closed 04")).to_have_count(0)
