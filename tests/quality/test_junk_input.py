"""Generated junk posted to every form on the site: never a 500.

Forms are found the way a person finds them: by visiting the pages in the permission
matrix as a coordinator and reading each <form method="post"> and its fields. Hypothesis
then fills the fields with junk (empty, huge, control characters, wrong types)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permission_matrix import Site, checked_names, resolve_case

pytestmark = pytest.mark.django_db

JUNK = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.integers(min_value=5000, max_value=60000).map(lambda n: ("ab<>\"'&;/\\" * 6000)[:n]),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "2026-02-30", "25:61", "\x00", "../../etc"]),
)
# Forms that leave the session (log out) would end the walk early; they take no input.
SKIP_ACTIONS = {"/accounts/logout/"}


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken" and attrs.get("type") != "hidden":
                self._current["fields"].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_on_site(site: Site, client: Client) -> list[tuple[str, list[str]]]:
    found = {}
    for name in checked_names():
        url = resolve_case(site, name)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            if action not in SKIP_ACTIONS:
                found.setdefault(action, form["fields"])
    return sorted(found.items())


def test_forms_are_found():
    site = Site()
    client = Client()
    client.force_login(site.users["coordinator"])

    actions = [action for action, _ in forms_on_site(site, client)]

    assert "/settings/" in actions


def test_junk_in_every_form_never_gives_a_server_error():
    site = Site()
    client = Client()
    client.force_login(site.users["coordinator"])
    client.raise_request_exception = False
    forms = forms_on_site(site, client)
    failures = []

    def junk_poster(action, fields):
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(st.fixed_dictionaries({name: JUNK for name in fields}))
        def post_junk(data):
            status = client.post(action, data).status_code
            if status >= 500:
                failures.append((action, status, {k: v[:60] for k, v in data.items()}))

        return post_junk

    for action, fields in forms:
        junk_poster(action, fields)()

    assert failures == []


# Every query parameter a page reads (request.GET and the GET filter forms), each given
# the junk that has broken pages before: NUL (PostgreSQL refuses it in a parameter),
# "²" (str.isdigit() says yes, int() says no), numbers too big for a bigint, an
# impossible date, a huge string.
QUERY_PARAMS = [
    "q", "page", "member", "find", "session", "outcome", "action", "reflection",
    "level", "role", "aspiration", "loop_level", "community", "period", "start", "end",
    "format", "chart", "next",
]  # fmt: skip
QUERY_JUNK = ["a\x00b", "²", "-1", "99999999999999999999999", "2026-02-30", "x" * 3000]


def test_junk_in_every_query_parameter_never_gives_a_server_error():
    site = Site()
    client = Client()
    client.force_login(site.users["coordinator"])
    client.raise_request_exception = False
    failures = []
    for name in checked_names():
        url = resolve_case(site, name)
        if client.get(url).status_code != 200:
            continue
        for junk in QUERY_JUNK:
            query = urlencode({param: junk for param in QUERY_PARAMS})
            status = client.get(url + ("&" if "?" in url else "?") + query).status_code
            if status >= 500:
                failures.append((name, status, junk[:20]))

    assert failures == []
