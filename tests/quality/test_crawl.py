"""The demo site crawled as each demo account (issue 14, acceptance): from the home page,
every kind of link shown is followed (GET only, this site only, each address once), and
none leads to a 404 or a 500. A link that leads nowhere is a broken promise to the person
who clicks it, whichever role they have.

A kind of link is its page (the URL's name), the community it is in and the query's
keys: `/c/riverside/sessions/12/` and `/c/riverside/sessions/13/` are one kind. The crawl
follows the first EACH addresses of every kind it finds, not all of them: the demo's
facilitator is shown some 1,000 addresses of 100 kinds (sixty sessions, each with its
agenda editor, attendance, ics…), and following every one took a minute and a half of
the suite per role for what three of each already prove; every page, each role, is also
requested by the permission matrix."""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

# One process seeds the demo once for all six roles.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("crawl")]

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
ENOUGH = 1000  # pages per role: more than the crawl finds (about 250), so every kind is followed
# Where the visit starts: the home page, and what a person reaches through a form rather
# than a link (the header's search box), so every result's link is followed too.
STARTS = ["/", "/search/?q=map"]
EACH = 3  # addresses followed of each kind of link


def kind(path: str) -> tuple:
    """What makes two addresses the same kind of link: the URL's name, its community and
    the query's keys (an address that resolves to nothing is its own kind: it is a 404
    the crawl must report)."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (path,)
    keys = frozenset(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return (match.view_name, match.kwargs.get("slug"), keys)


def internal(href: str) -> str | None:
    href = urldefrag(href.replace("&amp;", "&"))[0]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return None if SKIP.search(href) else href


def walk(client, starts, limit: int, each: int = EACH):
    """The pages reached from `starts` by following the links each shows, and redirects
    (GET only, this site only, each address once, the first `each` addresses of each
    `kind`, at most `limit` requests): yields each (path, response). Only a 200 HTML
    page's links and a redirect's target are followed."""
    seen, queue, asked = set(starts), deque(starts), 0
    kinds = Counter(kind(path) for path in starts)
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
                found_kind = kind(target)
                if kinds[found_kind] < each:
                    kinds[found_kind] += 1
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
    assert len(seen) < ENOUGH  # the walk ended by itself: no kind of link was left unvisited
    # Every signed-in person's header leads to their notifications (a list, paged).
    assert ("/notifications/" in seen) is (email is not None)
