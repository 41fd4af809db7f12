"""Issue 16's whole conversation, as its acceptance tells it: a member responds to a
reflection and mentions the facilitator; the facilitator sees the unread count and the
notification; the facilitator groups two reflections into a theme; members vote; the theme
becomes an action that appears on the next session's opening step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Notification
from communities.models import Membership
from reflections.models import Action, Mention, Response, Theme
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

PROMPT = "Yes, and… what does this make you think of in your own practice?"
STATEMENT = "Rough maps start better conversations"


def test_respond_mention_notify_theme_vote_and_act(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    fran = UserFactory(email="fran@example.org", display_name="Fran Facilitator")
    mina = UserFactory(email="mina@example.org", display_name="Mina")
    ada = UserFactory(email="ada@example.org", display_name="Ada")
    MembershipFactory(community=community, user=fran, role=Membership.Role.FACILITATOR)
    MembershipFactory(community=community, user=mina)
    MembershipFactory(community=community, user=ada)
    held = SessionFactory(
        community=community,
        title="Mapping clinic",
        starts_at=timezone.now() - dt.timedelta(days=1),
        status="completed",
    )
    polish = ReflectionFactory(
        community=community, author=ada, session=held, title="Polish came too early"
    )
    ReflectionFactory(
        community=community,
        author=mina,
        session=held,
        title="Nobody argued with the pretty map",
        loop_level="double",
    )
    following = SessionFactory(community=community, title="Next clinic")
    AgendaItemFactory(
        session=following,
        kind=AgendaItem.Kind.REVIEW_ACTIONS,
        title="Review our open actions",
        position=0,
    )

    # Mina builds on Ada's reflection and mentions Fran, chosen with the keyboard.
    log_in("mina@example.org")
    page.goto(polish.get_absolute_url())
    box = page.get_by_label(PROMPT)
    box.focus()
    page.keyboard.type("Yes, and @Fra")
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions.get_by_role("option", name="Fran Facilitator")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.type("could we try sketches first?")
    page.get_by_role("button", name="Post response").click()
    expect(page.get_by_role("article", name="Response by Mina")).to_contain_text(
        "Yes, and @Fran Facilitator could we try sketches first?"
    )
    response = Response.objects.get()
    assert Mention.objects.get().person == fran

    # Fran sees the unread count in the header and the notification on its page.
    page.context.clear_cookies()
    log_in("fran@example.org")
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^Notifications.*1 unread notification$")).click()
    told = page.get_by_role("button", name=re.compile("Mina mentioned you in a response"))
    expect(told).to_be_visible()
    told.click()
    assert page.url.endswith(response.get_absolute_url())
    assert Notification.objects.get(recipient=fran, kind="mention").read_at is not None

    # Fran groups the two reflections of the held session into a theme.
    page.goto(held.get_absolute_url())
    page.get_by_role("link", name="Group into a theme").click()
    page.get_by_label("The theme, in a line").fill(STATEMENT)
    page.get_by_label(re.compile("^Polish came too early")).check()
    page.get_by_label(re.compile("^Nobody argued with the pretty map")).check()
    page.get_by_role("button", name="Gather the theme").click()
    theme = Theme.objects.get()

    # Two members give it a +1.
    for email in ("mina@example.org", "ada@example.org"):
        page.context.clear_cookies()
        log_in(email)
        page.goto(held.get_absolute_url())
        page.get_by_role("button", name=re.compile(f"^\\+1 for .{STATEMENT}")).click()
        expect(page.locator("#announcer")).to_have_text("Your +1 is counted.")
    expect(page.get_by_text("2 +1s", exact=True)).to_be_visible()
    assert theme.votes.count() == 2

    # Fran makes it an action carried by Mina; the next session opens by reviewing it.
    page.context.clear_cookies()
    log_in("fran@example.org")
    page.goto(held.get_absolute_url())
    page.get_by_role("link", name=re.compile(f"^Make this an action.*{STATEMENT}")).click()
    page.get_by_label("Who carries it?").fill("Mina")
    page.get_by_role("radio", name=re.compile("Mina")).check()
    page.get_by_role("button", name="Make it an action").click()
    action = Action.objects.get()
    assert (action.title, action.owner, action.loop_level) == (STATEMENT, mina, "double")
    page.goto(following.get_absolute_url())
    review = page.locator("li.agenda-item.kind-review_actions")
    expect(review.get_by_role("link", name=STATEMENT)).to_be_visible()
