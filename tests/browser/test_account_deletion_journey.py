"""Leaving, the way a person would: from the footer's privacy page to "Delete your
account", confirming who they are, choosing by keyboard, confirming, and signed out."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from accounts.models import User
from reflections.models import Reflection
from tests.browser.test_accessibility import serious
from tests.factories import CommunityFactory, MembershipFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def shoot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_member_deletes_their_account_keeping_their_shared_reflection(page, log_in):
    community = CommunityFactory(name="River Keepers", slug="river-keepers")
    person = UserFactory(email="wren@example.org", display_name="Wren Ashby")
    MembershipFactory(community=community, user=person)
    ReflectionFactory(author=person, community=community, title="What the flood taught us")
    ReflectionFactory(
        author=person,
        community=community,
        title="Just for me",
        visibility=Reflection.Visibility.PRIVATE,
    )
    log_in("wren@example.org")

    page.get_by_role("contentinfo").get_by_role("link", name=re.compile("Privacy")).click()
    page.get_by_role("heading", name="Your words, kept with care").wait_for()
    shoot(page, "privacy")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Password").fill("a-good-long-passphrase")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Delete my account", exact=True).wait_for()
    shoot(page, "delete")
    assert serious(page) == []

    # By keyboard: "Delete it" for responses, then on to Continue.
    page.get_by_role("group", name="My responses and replies").get_by_label("Delete it").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Delete my account for good?").wait_for()
    shoot(page, "delete-confirm")
    assert serious(page) == []
    page.get_by_role("button", name="Delete my account").click()

    page.get_by_role("heading", name="Your account is deleted").wait_for()
    shoot(page, "delete-done")
    assert list(Reflection.objects.values_list("title", "author__display_name")) == [
        ("What the flood taught us", "a former member")
    ]
    assert User.objects.get(pk=person.pk).is_active is False
