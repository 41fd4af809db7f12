"""axe-core in real Chromium on the main pages, as a member, a facilitator and a leader:
no serious or critical violations. And a keyboard-only walk with visible focus."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "practice-together"
MAIN = "/c/systems-mapping"
# Pages each role visits, by path; the demo data gives them real content. "{session}",
# "{reflection}" and the peer-review ids are filled from the demo: a scheduled session, a
# community-visible reflection, an agreed outcome, the review waiting for the member, a
# piece of shared work, an open review round and the session it reviews.
PAGES = {
    "member@example.com": [
        "/",
        "/communities/",
        f"{MAIN}/",
        f"{MAIN}/members/",
        f"{MAIN}/me/",
        f"{MAIN}/sessions/",
        f"{MAIN}/sessions/{{session}}/",
        f"{MAIN}/reflections/",
        f"{MAIN}/reflections/new/",
        f"{MAIN}/reflections/{{reflection}}/",
        f"{MAIN}/actions/",
        f"{MAIN}/outcomes/",
        f"{MAIN}/outcomes/{{outcome}}/",
        f"{MAIN}/alignment/",
        f"{MAIN}/reviews/",
        f"{MAIN}/reviews/{{review}}/",
        f"{MAIN}/work/{{work}}/",
        "/reflections/mine/",
        "/settings/",
        "/settings/digest-preview/",
        "/stories/",
        f"{MAIN}/stories/new/",
    ],
    "facilitator@example.com": [
        "/",
        f"{MAIN}/journeys/",
        f"{MAIN}/requests/",
        f"{MAIN}/invitations/",
        f"{MAIN}/sessions/new/",
        f"{MAIN}/sessions/{{session}}/edit/",
        f"{MAIN}/actions/new/",
        f"{MAIN}/dashboard/",
    ],
    "coordinator@example.com": [f"{MAIN}/settings/", f"{MAIN}/sessions/settings/"],
    "leader@example.com": [
        "/",
        "/communities/",
        "/dashboard/",
        "/dashboard/report/",
        f"{MAIN}/dashboard/",
        f"{MAIN}/dashboard/report/",
        "/stories/",
    ],
}
ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/used-or-expired/",
    "/accounts/password/reset/key/1-used-or-expired/",
]


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, verbosity=0)


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_anonymous_pages_have_no_serious_violations(page):
    found = {}
    for path in ANONYMOUS_PAGES:
        page.goto(path)
        if problems := serious(page):
            found[path] = problems

    assert found == {}


@pytest.mark.parametrize("email", list(PAGES))
def test_main_pages_have_no_serious_violations(page, log_in, demo, email):
    from outcomes.models import Outcome
    from reflections.models import Reflection
    from reviews.models import PeerReview, ReviewRound, SharedWork
    from sessions.models import Session

    main = {"community__slug": "systems-mapping"}
    open_round = ReviewRound.objects.filter(**main, status="open").first()
    ids = {
        "outcome": Outcome.objects.filter(**main, status="agreed").first().pk,
        "review": PeerReview.objects.waiting()
        .get(round__community__slug="systems-mapping", reviewer__email="member@example.com")
        .pk,
        "work": SharedWork.objects.filter(**main).first().pk,
        "round": open_round.pk,
        "past_session": open_round.session_id,
        "session": Session.objects.filter(community__slug="systems-mapping", status="scheduled")
        .first()
        .pk,
        "reflection": Reflection.objects.filter(
            community__slug="systems-mapping", visibility="community"
        )
        .first()
        .pk,
    }
    log_in(email, PASSWORD)
    found = {}
    for path in PAGES[email]:
        response = page.goto(path.format(**ids))
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
