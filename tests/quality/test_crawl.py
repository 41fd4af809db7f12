"""The demo site crawled as each demo account (issue 14, acceptance): from the home page,
every link shown is followed (GET only, this site only, each address once), and none leads
to a 404 or a 500. A link that leads nowhere is a broken promise to the person who clicks
it, whichever role they have."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROLES = [
    "newcomer@example.com",
    "member@example.com",
    "facilitator@example.com",
    "coordinator@example.com",
    "leader@example.com",
    None,  # nobody signed in
]
HREF = re.compile(r'href="([^"]+)"')
# Links that end the visit, leave the product or only download a file (a 200 by design,
# covered by their own tests), and pages that page on without end.
SKIP = re.compile(r"^/(accounts/logout|admin|static|media)/|[?&](format=csv|page=\d{2,})")
ENOUGH = 1500  # pages per role: more than the demo site has, so every link is followed
# Where the visit starts: the home page, and what a person reaches through a form rather
# than a link (the header's search box), so every result's link is followed too.
STARTS = ["/", "/search/?q=map"]


def internal(href: str) -> str | None:
    href = urldefrag(href.replace("&amp;", "&"))[0]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return None if SKIP.search(href) else href


def walk(client, starts, limit: int):
    """The pages reached from `starts` by following the links each shows, and redirects
    (GET only, this site only, each address once, at most `limit` requests): yields each
    (path, response). Only a 200 HTML page's links and a redirect's target are followed."""
    seen, queue, asked = set(starts), deque(starts), 0
    while queue and asked < limit:
        path = queue.popleft()
        response = client.get(path)
        asked += 1
        yield path, response
        if response.status_code in (301, 302):
            found = [response["Location"]]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found = HREF.findall(response.content.decode())
        else:
            found = []
        for href in found:
            target = internal(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", force=True)
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command as run

        run("flush", interactive=False)


@pytest.mark.parametrize("email", ROLES, ids=lambda email: (email or "anonymous").split("@")[0])
def test_every_link_shown_to_each_role_leads_somewhere(client, demo, email):
    from accounts.models import User

    if email:
        client.force_login(User.objects.get(email=email))
    seen, broken = set(), []
    for path, response in walk(client, STARTS, ENOUGH):
        seen.add(path)
        if response.status_code in (404, 500):
            broken.append((path, response.status_code))

    assert broken == []
    assert len(seen) > (3 if email is None else 15)
    # Every signed-in person's header leads to their notifications (a list, paged).
    assert ("/notifications/" in seen) is (email is not None)
