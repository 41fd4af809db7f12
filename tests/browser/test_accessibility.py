"""axe-core in real Chromium on the main pages, as a member, a facilitator and a leader:
no serious or critical violations. And a keyboard-only walk with visible focus."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from .conftest import serious

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "practice-together"
MAIN = "/c/systems-mapping"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
# The main pages, checked at both sizes for each role, by path; the demo data gives them real
# content. "{session}" (upcoming), "{past_session}" (held, with an open review round),
# "{reflection}" (community-visible), "{outcome}" (agreed) and "{review}" (waiting for the
# member) are filled from the demo. The leader is in no community: their main pages are the
# ones a leader has.
MEMBER_MAIN = [
    "/",
    "/communities/",
    f"{MAIN}/",
    f"{MAIN}/members/",
    f"{MAIN}/me/",
    f"{MAIN}/sessions/",
    f"{MAIN}/sessions/{{session}}/",
    f"{MAIN}/sessions/{{past_session}}/",
    f"{MAIN}/outcomes/",
    f"{MAIN}/alignment/",
    f"{MAIN}/reviews/",
    f"{MAIN}/reflections/",
    f"{MAIN}/reflections/{{reflection}}/",
    f"{MAIN}/actions/",
    "/notifications/",
    "/settings/",
    "/stories/",
    "/search/?q=map",
]
MAIN_PAGES = {
    "member@example.com": MEMBER_MAIN,
    "facilitator@example.com": [*MEMBER_MAIN, f"{MAIN}/journeys/", f"{MAIN}/dashboard/"],
    "leader@example.com": [
        "/",
        "/communities/",
        f"{MAIN}/",
        "/settings/",
        "/dashboard/",
        f"{MAIN}/dashboard/",
        "/stories/",
    ],
    "coordinator@example.com": [],
}
# Further pages each role visits, checked at desktop size only (to keep the run short).
MORE_PAGES = {
    "member@example.com": [
        f"{MAIN}/reflections/new/",
        f"{MAIN}/outcomes/{{outcome}}/",
        f"{MAIN}/reviews/{{review}}/",
        f"{MAIN}/work/{{work}}/",
        "/reflections/mine/",
        "/settings/digest-preview/",
        f"{MAIN}/stories/new/",
        "/settings/export/",
    ],
    "facilitator@example.com": [
        f"{MAIN}/requests/",
        f"{MAIN}/invitations/",
        f"{MAIN}/sessions/new/",
        f"{MAIN}/sessions/{{session}}/edit/",
        f"{MAIN}/sessions/{{session}}/save-as-template/",
        f"{MAIN}/sessions/templates/",
        f"{MAIN}/sessions/templates/{{template}}/edit/",
        f"{MAIN}/sessions/templates/{{template}}/delete/",
        f"{MAIN}/sessions/new/?template={{template}}",
        f"{MAIN}/actions/new/",
    ],
    "coordinator@example.com": [
        f"{MAIN}/settings/",
        f"{MAIN}/sessions/settings/",
        f"{MAIN}/settings/export/",
    ],
    "leader@example.com": ["/dashboard/report/", f"{MAIN}/dashboard/report/"],
}
ANONYMOUS_PAGES = [
    "/privacy/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/used-or-expired/",
    "/accounts/password/reset/key/1-used-or-expired/",
]

# The account pages of someone who is in (allauth's, in copsite's layout), reached from
# Settings; the email page with a change of address waiting to be confirmed.
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/accounts/password/reset/",
]


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, verbosity=0)


def test_anonymous_pages_have_no_serious_violations(page):
    found = {}
    for path in ANONYMOUS_PAGES:
        page.goto(path)
        if problems := serious(page):
            found[path] = problems

    assert found == {}


def test_account_pages_have_no_serious_violations(page, log_in):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    person = UserFactory(email="priya@example.org", display_name="")
    EmailAddress.objects.create(user=person, email="priya.new@example.org", verified=False)
    log_in("priya@example.org")
    found = {}
    for path in ACCOUNT_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        if problems := serious(page):
            found[path] = problems

    assert found == {}
    page.goto("/accounts/email/")
    assert page.get_by_text("You asked to change it to priya.new@example.org").is_visible()


@pytest.mark.parametrize("email", list(MAIN_PAGES))
def test_main_pages_have_no_serious_violations(browser, live_server, demo, email):
    """One browser context per size: the main pages at 1280×800 and 390×844, the others at
    1280×800."""
    from outcomes.models import Outcome
    from reflections.models import Reflection
    from reviews.models import PeerReview, ReviewRound, SharedWork
    from sessions.models import Session, SessionTemplate

    main = {"community__slug": "systems-mapping"}
    open_round = ReviewRound.objects.filter(**main, status="open").first()
    ids = {
        "outcome": Outcome.objects.filter(**main, status="agreed").first().pk,
        # The member has more than one review waiting (the calibrated round's too): any.
        "review": PeerReview.objects.waiting()
        .filter(round__community__slug="systems-mapping", reviewer__email="member@example.com")
        .order_by("pk")
        .first()
        .pk,
        "work": SharedWork.objects.filter(**main).first().pk,
        "round": open_round.pk,
        "past_session": open_round.session_id,
        "session": Session.objects.filter(**main, status="scheduled").first().pk,
        "reflection": Reflection.objects.filter(**main, visibility="community").first().pk,
        "template": SessionTemplate.objects.get(**main, builtin="clinic").pk,
    }
    found = {}
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
        page.wait_for_url(re.compile(r"/$"))
        paths = MAIN_PAGES[email] + (MORE_PAGES[email] if size == "desktop" else [])
        for path in paths:
            response = page.goto(path.format(**ids))
            assert response.status == 200, (size, path)
            if problems := serious(page):
                found[f"{size} {path}"] = problems
        context.close()

    assert found == {}


def test_conversation_pages_have_no_serious_violations(page, log_in, demo):
    """The pages of responses and moderation (issue 16), as the member who wrote a reply
    in the demo and as the facilitator: a reflection with its conversation (a hidden
    response among them for the facilitator), responding, editing, deleting and flagging a
    response, and the Flags page with its open flag."""
    from reflections.models import Response

    main = Response.objects.filter(community__slug="systems-mapping")
    own = main.filter(author__email="member@example.com", parent__isnull=False)[0]
    other = main.filter(parent__isnull=True, hidden_at__isnull=True).exclude(
        author__email="member@example.com"
    )[0]
    hidden = main.get(hidden_at__isnull=False)
    reflection = own.reflection_id
    pages = {
        "member@example.com": [
            f"{MAIN}/reflections/{reflection}/",
            f"{MAIN}/respond/reflection/{reflection}/",
            f"{MAIN}/responses/{own.pk}/edit/",
            f"{MAIN}/responses/{own.pk}/delete/",
            f"{MAIN}/moderate/response/{other.pk}/flag/",
        ],
        "facilitator@example.com": [
            f"{MAIN}/reflections/{hidden.reflection_id}/",
            f"{MAIN}/flags/",
            f"{MAIN}/moderate/response/{other.pk}/hide/",
            f"{MAIN}/moderate/response/{hidden.pk}/hide/",
        ],
    }
    found = {}
    for email, paths in pages.items():
        page.context.clear_cookies()
        log_in(email, PASSWORD)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            if problems := serious(page):
                found[path] = problems

    assert found == {}


def test_theme_pages_have_no_serious_violations(page, log_in, demo):
    """Converging on action (issue 16): the themes page as a member, and as the facilitator
    the held session with its themes, grouping into a theme, and making one an action."""
    from reflections.models import Theme

    themes = Theme.objects.filter(community__slug="systems-mapping")
    open_theme = themes.get(action__isnull=True)
    session = open_theme.session_id
    pages = {
        "member@example.com": [f"{MAIN}/themes/", f"{MAIN}/sessions/{session}/"],
        "facilitator@example.com": [
            f"{MAIN}/themes/",
            f"{MAIN}/sessions/{session}/",
            f"{MAIN}/themes/new/?session={session}",
            f"{MAIN}/themes/new/",
            f"{MAIN}/themes/{open_theme.pk}/action/",
        ],
    }
    found = {}
    for email, paths in pages.items():
        page.context.clear_cookies()
        log_in(email, PASSWORD)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            if problems := serious(page):
                found[path] = problems

    assert found == {}


def test_keyboard_reaches_settings_with_visible_focus(page, log_in, demo):
    log_in("member@example.com", PASSWORD)

    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent.trim()")
    assert skip == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Settings":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/settings/")
    assert page.get_by_role("heading", name="Settings").is_visible()
