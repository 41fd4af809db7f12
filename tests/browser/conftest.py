"""Real Chromium (Debian's package) driven by Playwright for Python; never a downloaded browser."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process. Under pytest-xdist (`make test`) each process launches
    its own, and Playwright gives every launch a fresh temporary profile, so two processes
    never share one; each process's live_server listens on a port the system picks for it
    (pytest-django's default address, "localhost", names none)."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " but REQUIRE_BROWSER=1")
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    def do(email, password="a-good-long-passphrase"):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
        page.wait_for_url(re.compile(r"/$"))

    return do


def link_in_mail(message, pattern: str) -> str:
    """The first link in an email's plain text that matches `pattern`, as a path."""
    url = re.search(rf"https?://\S*{pattern}\S*", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class Hrefs(HTMLParser):
    """The links of an email's HTML part, in order (feed() it the part)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.found.append(dict(attrs).get("href", ""))


def as_path(url: str) -> str:
    """An absolute link from an email, as a path the browser's base URL takes."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def mapping_session(cast, *, attended, prompts=("Are the loops clear?", "What is missing?")):
    """The peer-review journeys' setting: Systems Mapping with `cast` ([(key, name, role,
    level)], each key@example.org), an agreed outcome with review `prompts`, and "Causal
    loops" held yesterday, attended by the `attended` keys. Returns (community, people,
    session)."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import (
        AttendanceFactory,
        CommunityFactory,
        MembershipFactory,
        OutcomeFactory,
        SessionFactory,
        UserFactory,
    )

    community = CommunityFactory(slug="maps", name="Systems Mapping")
    people = {}
    for key, name, role, level in cast:
        people[key] = UserFactory(email=f"{key}@example.org", display_name=name)
        MembershipFactory(community=community, user=people[key], role=role, level=level)
    OutcomeFactory(
        community=community,
        statement="map complex systems more confidently",
        review_prompts=list(prompts),
    )
    session = SessionFactory(
        community=community,
        title="Causal loops",
        starts_at=timezone.now() - timedelta(days=1),
        status="completed",
    )
    for key in attended:
        AttendanceFactory(session=session, user=people[key])
    return community, people, session


# Every rule still runs; only the violations' nodes are described (axe-core's API, section
# 4, "Performance": building selectors for every passing node was more than half of each
# run, 3.0 → 1.2 s on the community dashboard). Passed rules are still listed, by id.
AXE_OPTIONS = {"resultTypes": ["violations"]}


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
