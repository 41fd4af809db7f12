"""A member builds on a reflection with the keyboard alone: the response appears in place
(htmx), keyboard focus stays where they were, and the live region says it is posted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reflections.models import Response
from tests.factories import CommunityFactory, MembershipFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = "Yes, and… what does this make you think of in your own practice?"


def test_a_member_responds_to_a_reflection_with_the_keyboard(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    author = UserFactory(email="ada@example.org", display_name="Ada")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=author)
    MembershipFactory(community=community, user=member)
    reflection = ReflectionFactory(
        community=community, author=author, title="Maps are for arguing", body="Rough ones."
    )

    log_in("mina@example.org")
    page.goto(reflection.get_absolute_url())
    expect(page.get_by_role("heading", name="Responses")).to_be_visible()
    expect(page.get_by_text("No responses yet.")).to_be_visible()

    # Keyboard only: Tab until the prompt's field has focus, type, Tab to the button, Enter.
    box = page.get_by_label(PROMPT)
    for _ in range(60):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    page.keyboard.type("Yes, and in my team we bring **ugly** maps on purpose.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post response")).to_be_focused()
    page.keyboard.press("Enter")

    # The conversation is swapped in place: the new response, focus kept, announced.
    new = page.get_by_role("article", name="Response by Mina")
    expect(new).to_be_visible()
    expect(new.locator("strong", has_text="ugly")).to_be_visible()
    expect(page.get_by_role("heading", name="Responses (1)")).to_be_visible()
    expect(page.get_by_role("button", name="Post response")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Your response is posted.")
    expect(page.get_by_label(PROMPT)).to_have_value("")
    assert page.url.endswith(reflection.get_absolute_url())
    assert Response.objects.get().author == member

    # Replying works the same way, inside the thread.
    page.get_by_text("Reply to Mina", exact=True).click()
    page.get_by_label("Your reply to Mina").fill("And a timer helps.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("article", name="Reply by Mina")).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("Your reply is posted.")
    expect(page.get_by_role("button", name="Post reply")).to_be_focused()
    assert Response.objects.filter(parent__isnull=False).count() == 1
