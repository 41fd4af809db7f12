from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from communities.models import Membership
from reflections.models import Action, Reflection
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


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_reflection_becomes_an_action_that_closes_the_loop(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    facilitator = UserFactory(email="femi@example.org", display_name="Femi")
    MembershipFactory(community=community, user=member)
    MembershipFactory(community=community, user=facilitator, role=Membership.Role.FACILITATOR)
    session = SessionFactory(community=community, title="Next mapping session")
    AgendaItemFactory(
        session=session, kind=AgendaItem.Kind.REVIEW_ACTIONS, title="Review our open actions"
    )

    # The member writes a double-loop reflection, previewing the Markdown as they type.
    log_in("mina@example.org")
    page.goto("/c/mapping/reflections/new/")
    expect(page.get_by_role("heading", name="Write a reflection")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Maps are for arguing")
    page.get_by_label(re.compile("^Double loop")).check()
    expect(page.get_by_label("Which assumption does this make you question?")).to_be_visible()
    expect(page.get_by_label("What was supposed to happen?")).to_have_count(0)
    page.get_by_label("Which assumption does this make you question?").fill(
        "That a polished map is better."
    )
    page.get_by_label("Your reflection").fill("Bring **rough** maps and <script>x</script>")
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("rough")
    expect(preview).to_contain_text("<script>x</script>")
    expect(page.locator("#draft-status")).to_contain_text("Draft kept")
    page.get_by_label(re.compile("^Everyone in the community")).check()
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("heading", name="Maps are for arguing")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Everyone in this community will see it.")
    reflection = Reflection.objects.get()
    assert (reflection.loop_level, reflection.visibility) == ("double", "community")

    # The facilitator turns it into an action the member carries.
    page.context.clear_cookies()
    log_in("femi@example.org")
    page.goto(reflection.get_absolute_url())
    page.get_by_role("link", name="Turn this into an action").click()
    page.get_by_label("What we'll do differently").fill("Bring rough sketches")
    # The reflection's author is offered as the one who carries it, already chosen.
    expect(page.get_by_role("radio", name="Mina")).to_be_checked()
    page.get_by_label("Due date").fill("2030-01-15")
    page.get_by_label("Session").select_option(label="Next mapping session")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("heading", name="Bring rough sketches")).to_be_visible()
    assert_accessible(page)
    action = Action.objects.get()
    assert (action.owner, action.loop_level, list(action.reflections.all())) == (
        member,
        "double",
        [reflection],
    )

    # The next session's page shows it once: under its "Review our open actions" agenda
    # item (a plan without that step shows the open actions as one collapsed panel).
    page.goto(session.get_absolute_url())
    expect(page.get_by_text("Bring rough sketches")).to_have_count(1)
    expect(
        page.get_by_role("region", name="Agenda")
        .get_by_role("listitem")
        .filter(has_text="Review our open actions")
    ).to_contain_text("Bring rough sketches")
    page.goto("/c/mapping/actions/")
    assert_accessible(page)
    expect(page.get_by_role("region", name="Open actions")).to_contain_text("Bring rough sketches")

    # The member marks it done from their home page and writes the follow-up.
    page.context.clear_cookies()
    log_in("mina@example.org")
    page.get_by_role("region", name="Actions I carry").get_by_role(
        "link", name="Bring rough sketches"
    ).click()
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_role("status")).to_contain_text("Did it make a difference?")
    page.get_by_role("link", name="Write a follow-up reflection").click()
    expect(page.get_by_role("heading", name="Did it make a difference?")).to_be_visible()
    page.get_by_label("Your reflection").fill("Yes: we argued more and polished less.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("A follow-up on the action")).to_be_visible()
    assert_accessible(page)
    page.goto("/c/mapping/reflections/")
    assert_accessible(page)
    follow_up = Reflection.objects.get(follow_up_of=action)
    assert follow_up.author == member


def test_member_finds_a_reflection_by_searching_and_deletes_their_own(page, log_in):
    community = CommunityFactory(name="Mapping Practice", slug="mapping")
    member = UserFactory(email="mina@example.org", display_name="Mina")
    MembershipFactory(community=community, user=member)
    ReflectionFactory(community=community, author=member, title="About causal loops")
    ReflectionFactory(community=community, author=member, title="About stakeholders")

    log_in("mina@example.org")
    page.goto("/c/mapping/reflections/")
    results = page.get_by_role("region", name="Reflections")
    expect(results.get_by_role("link")).to_have_count(2)
    page.get_by_label("Words in the title or text").fill("causal")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=causal"))

    results.get_by_role("link", name="About causal loops").click()
    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("status")).to_contain_text("Your reflection is deleted.")
    assert list(Reflection.objects.values_list("title", flat=True)) == ["About stakeholders"]
