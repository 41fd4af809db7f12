"""Generated junk sent to every form on the site: never a 500, nothing half-saved.

Forms are found the way a person finds them: by visiting the pages in the permission
matrix (as a coordinator, and as a leader for the portfolio) and reading each <form> and
its fields. Hypothesis then fills the fields with junk (empty, huge, control characters,
wrong types, the calendar's edges) or, for selects and radio groups, their real choices.
POST forms are posted; GET forms (filters, search, the dashboard's period) are fetched."""

from __future__ import annotations

import contextlib
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permission_matrix import Site, checked_names, is_allauth, resolve_case, url_names

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
    def __init__(self, method: str = "post"):
        super().__init__()
        self.method = method
        self.forms: list[dict] = []
        self._current = None
        self._select: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == self.method:
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken" and attrs.get("type") != "hidden":
                options = self._current["fields"].setdefault(name, [])
                if attrs.get("type") in ("radio", "checkbox") and attrs.get("value") is not None:
                    options.append(attrs["value"])
                self._select = options if tag == "select" else None
        elif self._current is not None and tag == "option" and self._select is not None:
            self._select.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if tag == "select":
            self._select = None


def junk_for(fields: dict[str, list[str]]):
    """Junk for each field; a select or radio group also gets its own real choices, so a
    form's deeper branches (a custom period, a chosen filter) are reached as well."""
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.sampled_from(options), JUNK) if options else JUNK
            for name, options in fields.items()
        }
    )


def forms_on_site(site: Site, client: Client, method: str = "post") -> list[tuple[str, dict]]:
    found = {}
    for name in checked_names():
        url = resolve_case(site, name)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(method)
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            if action not in SKIP_ACTIONS:
                found.setdefault(action, form["fields"])
    return sorted(found.items())


OUR_APPS = (
    "accounts",
    "communities",
    "cop_sessions",
    "outcomes",
    "reviews",
    "reflections",
    "impact",
)


# Figures a dashboard computed and keeps, like the cache: the first GET of a period may
# store them (impact.figures.windows), and that is no write of anyone's data.
DERIVED = {"impact.StoredFigures"}


def row_counts() -> dict[str, int]:
    """Rows in every table of our apps: a refused form must not change any of them. Each
    model's count (through its default manager, as .count() would) is one subquery of a
    single statement: the walks below count before and after every post, so one query
    instead of one per model is most of their time saved."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and model._meta.label not in DERIVED
    ]
    counts, params = [], []
    for model in models:
        sql, model_params = model._default_manager.order_by().values("pk").query.sql_with_params()
        # The ORM's own SQL, its values passed as parameters: nothing from outside.
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        params.extend(model_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, row, strict=True)}


def test_forms_are_found(cast):
    site = Site(cast)
    client = Client()
    client.force_login(site.users["coordinator"])

    actions = [action for action, _ in forms_on_site(site, client)]

    assert "/settings/" in actions


# Each form gets a dozen generated posts, the same dozen every run.
JUNK_RUNS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_junk_in_every_form_never_gives_a_server_error(cast):
    site = Site(cast)
    client = Client()
    client.force_login(site.users["coordinator"])
    client.raise_request_exception = False
    forms = forms_on_site(site, client)
    failures = []

    def junk_poster(action, fields):
        @JUNK_RUNS
        @given(junk_for(fields))
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


# Every query parameter a page reads (request.GET and the GET filter forms), each given
# the junk that has broken pages before: NUL (PostgreSQL refuses it in a parameter),
# "²" (str.isdigit() says yes, int() says no), numbers too big for a bigint, an
# impossible date, a huge string.
QUERY_PARAMS = [
    "q", "page", "member", "find", "session", "outcome", "action", "reflection",
    "level", "role", "aspiration", "loop_level", "community", "period", "start", "end",
    "format", "chart", "next", "before", "after",
]  # fmt: skip
QUERY_JUNK = ["a\x00b", "²", "-1", "99999999999999999999999", "2026-02-30", "x" * 3000]


def test_junk_in_every_query_parameter_never_gives_a_server_error(cast):
    site = Site(cast)
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


def test_junk_in_every_search_and_filter_form_never_gives_a_server_error(cast):
    """GET forms too (filters, search, the dashboard's period): junk never a 500, and a
    GET never writes anything."""
    site = Site(cast)
    client = Client()
    client.force_login(site.users["leader"])
    client.raise_request_exception = False
    forms = forms_on_site(site, client, "get")
    client.force_login(site.users["coordinator"])
    forms = sorted(dict(forms + forms_on_site(site, client, "get")).items())
    assert {"/dashboard/", "/stories/"} <= {action for action, _ in forms}
    failures = []

    def junk_getter(action, fields):
        @JUNK_RUNS
        @given(junk_for(fields))
        def get_junk(data):
            before = row_counts()
            status = client.get(action, data).status_code
            if status >= 500 or row_counts() != before:
                failures.append((action, status, {k: v[:60] for k, v in data.items()}))

        return get_junk

    for action, fields in forms:
        # The leader sees the portfolio; the coordinator every page of community A.
        leader = action.startswith("/dashboard/")
        client.force_login(site.users["leader" if leader else "coordinator"])
        junk_getter(action, fields)()

    assert failures == []


# --- NUL, which PostgreSQL refuses in any text, anywhere in a request ---------------------

NUL = "%00"


def with_nul_in_each_segment(url: str) -> list[str]:
    """The URL with NUL in each of its path segments in turn: appended, and alone."""
    segments = url.split("/")
    variants = []
    for i, segment in enumerate(segments):
        if segment:
            for junk in (segment + NUL, NUL):
                variants.append("/".join([*segments[:i], junk, *segments[i + 1 :]]))
    return variants


# Paths whose tokens and keys reach a database lookup as text (the calendar feed, the
# unsubscribe and invitation links, allauth's confirmation and reset keys).
TOKEN_PATHS = [
    f"/calendar/{NUL}.ics", f"/calendar/abc{NUL}def.ics", f"/unsubscribe/digest/{NUL}/",
    f"/unsubscribe/{NUL}/abc/", f"/invitations/{NUL}/", f"/invitations/abc{NUL}/",
    f"/accounts/confirm-email/abc{NUL}/", f"/accounts/password/reset/key/1-abc{NUL}/",
]  # fmt: skip


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_nul_in_any_path_segment_is_a_404(role, cast):
    site = Site(cast)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(site.users[role])
    urls = [resolve_case(site, name) for name in checked_names()]
    urls.append(f"/calendar/{site.users['core'].calendar_token}.ics")
    wrong = {}
    for variant in [variant for url in urls for variant in with_nul_in_each_segment(url)]:
        if (status := client.get(variant).status_code) != 404:
            wrong[variant] = status
    for url in TOKEN_PATHS:
        for method in (client.get, client.post):
            if (status := method(url).status_code) != 404:
                wrong[method.__name__, url] = status

    assert wrong == {}


@pytest.mark.parametrize("role", ["anonymous", "coordinator"])
def test_nul_in_any_query_parameter_is_a_404(role, cast):
    site = Site(cast)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(site.users[role])
    urls = [resolve_case(site, name) for name in checked_names()]
    for name in (n for n in url_names() if is_allauth(n)):
        with contextlib.suppress(NoReverseMatch):  # Pages that need a key: in TOKEN_PATHS.
            urls.append(reverse(name))
    wrong = {}
    for url in urls:
        for query in (urlencode(dict.fromkeys(QUERY_PARAMS, "a\x00b")), "a%00b=1", "next=%00"):
            junk = url + ("&" if "?" in url else "?") + query
            if (status := client.get(junk).status_code) != 404:
                wrong[junk] = status

    assert wrong == {}


@pytest.mark.parametrize("role", ["anonymous", "core", "coordinator"])
def test_nul_in_every_form_field_is_never_a_server_error(role, cast):
    """Every form of the site and of allauth, each of its free fields given NUL: a field
    error, never a 500, and nothing stored with it."""
    site = Site(cast)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(site.users[role])
    forms = dict(forms_on_site(site, client))
    for name in (n for n in url_names() if is_allauth(n)):
        with contextlib.suppress(NoReverseMatch):
            url = reverse(name)
            if client.get(url).status_code == 200 and url not in SKIP_ACTIONS:
                parser = FormParser()
                parser.feed(client.get(url).content.decode())
                for form in parser.forms:
                    forms.setdefault(form["action"] or url, form["fields"])
    assert len(forms) > 3
    failures = {}
    for action, fields in sorted(forms.items()):
        if action in SKIP_ACTIONS:
            continue
        data = {name: options[0] if options else "a\x00b" for name, options in fields.items()}
        if (status := client.post(action, data).status_code) >= 500:
            failures[action] = status

    assert failures == {}


def test_nul_in_a_cookie_is_ignored_not_a_server_error(cast):
    """A session or CSRF cookie holding NUL (a session key reaches a lookup) is as if it
    were not sent: the visitor is simply signed out."""
    site = Site(cast)
    mangled = "sessionid=abcdefghijk\x00lmnopqrstuvwxyz12345; csrftoken=a\x00b"
    client = Client(raise_request_exception=False, HTTP_COOKIE=mangled)

    statuses = [client.get(url).status_code for url in ("/", "/accounts/login/", "/healthz")]
    feed = client.get(f"/calendar/{site.users['core'].calendar_token}.ics").status_code

    assert (statuses, feed) == ([302, 200, 200], 200)
