"""A member mentions someone in a response with the keyboard alone: typing "@" and a few
letters offers the matching members under the box, the arrow keys and Enter choose one,
and the person is mentioned (highlighted on the page, recorded, emailed once)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import EmailDelivery
from reflections.models import Mention
from tests.factories import CommunityFactory, MembershipFactory, ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = "Yes, and… what does this make you think of in your own practice?"


def test_a_member_mentions_someone_chosen_with_the_keyboard(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    author = UserFactory(email="ada@example.org", display_name="Ada")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    olga = UserFactory(email="olga@example.org", display_name="Olga Petrov")
    oliver = UserFactory(email="oliver@example.org", display_name="Oliver Stone")
    for person in (author, member, olga, oliver):
        MembershipFactory(community=community, user=person)
    reflection = ReflectionFactory(
        community=community, author=author, title="Maps are for arguing", body="Rough ones."
    )

    log_in("mina@example.org")
    page.goto(reflection.get_absolute_url())
    box = page.get_by_label(PROMPT)
    box.focus()
    page.keyboard.type("Yes, and @Ol")

    # Two people match and nobody is chosen yet: the arrow keys choose, Enter inserts.
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions.get_by_role("option")).to_have_count(2)
    expect(suggestions.get_by_role("option", name="Olga Petrov")).to_have_attribute(
        "aria-selected", "false"
    )
    # Open (kept in a data attribute: a textarea may not carry aria-expanded, axe says).
    expect(box).to_have_attribute("data-mentions-open", "true")
    page.keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Olga Petrov")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Oliver Stone")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Enter")

    expect(suggestions).to_have_count(0)
    expect(box).to_be_focused()
    expect(box).to_have_value(f"Yes, and @[Oliver Stone]({oliver.pk}) ")
    page.keyboard.type("draws them too.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post response")).to_be_focused()
    page.keyboard.press("Enter")

    new = page.get_by_role("article", name="Response by Mina")
    expect(new.locator("strong.mention", has_text="@Oliver Stone")).to_be_visible()
    expect(new).to_contain_text("Yes, and @Oliver Stone draws them too.")
    assert list(Mention.objects.values_list("person__email", flat=True)) == [oliver.email]
    assert (
        EmailDelivery.objects.filter(key__startswith="mention:", to_email=oliver.email).count() == 1
    )


def test_enter_before_choosing_anyone_starts_a_new_line(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    author = UserFactory(email="ada@example.org", display_name="Ada")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    olga = UserFactory(email="olga@example.org", display_name="Olga Petrov")
    for person in (author, member, olga):
        MembershipFactory(community=community, user=person)
    reflection = ReflectionFactory(community=community, author=author, title="Maps", body="Rough.")

    log_in("mina@example.org")
    page.goto(reflection.get_absolute_url())
    box = page.get_by_label(PROMPT)
    box.focus()
    page.keyboard.type("Ask @Ol")
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Enter")

    expect(suggestions).to_have_count(0)
    expect(box).to_have_value("Ask @Ol\n")
