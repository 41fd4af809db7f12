"""Generated junk posted to every form on the site: never a 500, nothing half-saved.

Forms are found the way a person finds them: by visiting the pages in the permission
matrix as a coordinator and reading each <form method="post"> and its fields. Hypothesis
then fills the fields with junk (empty, huge, control characters, wrong types)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.apps import apps
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
    # The calendar's edges: arithmetic on them (timezones, a day after) overflows.
    st.sampled_from(["0001-01-01", "9999-12-31", "9999-12-31T23:59", "0001-01-01T00:00"]),
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


OUR_APPS = ("accounts", "communities", "cop_sessions", "outcomes", "reflections")


def row_counts() -> dict[str, int]:
    """Rows in every table of our apps: a refused form must not change any of them."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


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
            before = row_counts()
            status = client.post(action, data).status_code
            if status >= 500:
                failures.append((action, status, {k: v[:60] for k, v in data.items()}))
            elif status not in (301, 302, 303) and (after := row_counts()) != before:
                # A refused form (errors shown again) must leave nothing half-saved.
                changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
                failures.append((action, status, changed))

        return post_junk

    for action, fields in forms:
        junk_poster(action, fields)()

    assert failures == []
