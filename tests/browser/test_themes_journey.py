"""Converging on action (issue 16, item 5): after a held session the facilitator groups
two reflections into a theme, a member gives it a +1 (swapped in place, focus kept,
announced), the facilitator makes it an action with an owner, and the action shows on the
next session's opening step, "Review our open actions"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership
from reflections.models import Action, Theme, ThemeVote
from sessions.models import AgendaItem
from tests.factories import (
    AgendaItemFactory,
    CommunityFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENT = "Rough maps start better conversations"


def test_reflections_become_a_theme_then_an_action_on_the_next_session(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    facilitator = UserFactory(email="fran@example.org", display_name="Fran")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    author = UserFactory(email="ada@example.org", display_name="Ada")
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=member)
    MembershipFactory(community=community, user=author)
    held = SessionFactory(
        community=community,
        title="Mapping clinic",
        starts_at=timezone.now() - dt.timedelta(days=1),
        status="completed",
    )
    ReflectionFactory(
        community=community, author=author, session=held, title="Polish came too early"
    )
    ReflectionFactory(
        community=community,
        author=member,
        session=held,
        title="Nobody argued with the pretty map",
        loop_level="double",
    )
    ReflectionFactory(
        community=community,
        author=author,
        session=held,
        title="Only for me",
        visibility="private",
    )
    following = SessionFactory(community=community, title="Next clinic")
    AgendaItemFactory(
        session=following,
        kind=AgendaItem.Kind.REVIEW_ACTIONS,
        title="Review our open actions",
        position=0,
    )

    # The facilitator groups two reflections from the held session into a theme.
    log_in("fran@example.org")
    page.goto(held.get_absolute_url())
    page.get_by_role("link", name="Group into a theme").click()
    expect(page.get_by_role("heading", name="Group into a theme")).to_be_visible()
    expect(page.get_by_text("Only for me")).to_have_count(0)
    page.get_by_label("The theme, in a line").fill(STATEMENT)
    page.get_by_label(re.compile("^Polish came too early")).check()
    page.get_by_label(re.compile("^Nobody argued with the pretty map")).check()
    page.get_by_role("button", name="Gather the theme").click()
    theme = Theme.objects.get()
    assert page.url.endswith(f"{held.get_absolute_url()}#theme-{theme.pk}")
    expect(page.get_by_text(STATEMENT, exact=True)).to_be_visible()
    expect(page.get_by_text("double loop", exact=False).first).to_be_visible()

    # A member gives it a +1: the box is swapped in place, focus kept, and announced.
    page.context.clear_cookies()
    log_in("mina@example.org")
    page.goto(held.get_absolute_url())
    vote = page.get_by_role("button", name=re.compile(f"^\\+1 for .{STATEMENT}"))
    vote.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 +1", exact=True)).to_be_visible()
    expect(
        page.get_by_role("button", name=re.compile(f"^\\+1 given for .{STATEMENT}"))
    ).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Your +1 is counted.")
    assert ThemeVote.objects.get().user == member
    assert page.url.endswith(held.get_absolute_url())

    # The facilitator makes it an action, carried by Mina.
    page.context.clear_cookies()
    log_in("fran@example.org")
    page.goto(held.get_absolute_url())
    page.get_by_role("link", name=re.compile(f"^Make this an action.*{STATEMENT}")).click()
    expect(page.get_by_role("heading", name="Make this an action")).to_be_visible()
    page.get_by_label("Who carries it?").fill("Mina")
    page.get_by_role("radio", name=re.compile("Mina")).check()
    page.get_by_role("button", name="Make it an action").click()
    action = Action.objects.get()
    assert (action.title, action.owner, action.loop_level) == (STATEMENT, member, "double")
    expect(page.get_by_role("heading", name=STATEMENT)).to_be_visible()

    # The next session opens by reviewing it.
    page.goto(following.get_absolute_url())
    review = page.locator("li.agenda-item.kind-review_actions")
    expect(review).to_contain_text("Review our open actions")
    expect(review.get_by_role("link", name=STATEMENT)).to_be_visible()
