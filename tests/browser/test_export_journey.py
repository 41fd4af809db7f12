"""Take my data with me, in real Chromium: from the settings page to the export page, one
click to ask, the one email with its link, and the zip downloaded from that link. A
coordinator exports an archived community from its settings."""

from __future__ import annotations

import os
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from privacy.models import Export
from tests.browser.conftest import link_in_mail
from tests.factories import CommunityFactory, MembershipFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("COPSITE_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_member_takes_their_data_with_them(page, log_in, tmp_path):
    community = CommunityFactory(name="River Keepers", slug="river-keepers")
    member = UserFactory(display_name="Mira")
    MembershipFactory(community=community, user=member)
    ReflectionFactory(community=community, author=member, title="What the weir taught me")

    log_in(member.email)
    page.goto("/settings/")
    page.get_by_role("link", name="Take your data with you").click()
    expect(page.get_by_role("heading", name="No export yet")).to_be_visible()
    shot(page, "export-none")
    page.get_by_role("button", name="Prepare my export").click()

    expect(page.get_by_role("heading", name="Ready to download")).to_be_visible()
    expect(page.get_by_text("We're preparing your export")).to_be_visible()
    shot(page, "export-ready")
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    page.goto(link_in_mail(message, "/settings/export/"))
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the zip").click()
    path = tmp_path / "export.zip"
    downloading.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert "README.txt" in names
    assert any("what-the-weir-taught-me" in name for name in names)
    assert Export.objects.count() == 1


def test_a_coordinator_exports_an_archived_community(page, log_in):
    community = CommunityFactory(name="Old Mill", slug="old-mill", archived=True)
    coordinator = UserFactory(display_name="Cora")
    MembershipFactory(community=community, user=coordinator, role="coordinator", level="core")

    log_in(coordinator.email)
    page.goto("/c/old-mill/settings/")
    page.get_by_role("link", name="Export this community").click()
    page.get_by_role("button", name="Prepare the export").click()

    expect(page.get_by_role("heading", name="Ready to download")).to_be_visible()
    shot(page, "export-community-ready")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the zip").click()
    assert downloading.value.suggested_filename.startswith("copsite-old-mill-")
