"""Every query the pages compile once (core.compiled) is kept, in each shape the pages ask
for: one whose stand-ins went missing from its SQL would be built afresh on every request,
giving the same rows but none of the speed, and no other test would notice."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from reflections.voices import LAST_SESSIONS, VOICES_ROWS
from reviews.selectors import MAP_LATEST

pytestmark = pytest.mark.django_db

UNION_CUT = connection.features.supports_slicing_ordering_in_compound
# SQLite is sent dates and times as text, which core.compiled never takes for a stand-in:
# there (the embedded default) the queries with a moment among their values are built
# afresh each time; on PostgreSQL every one is kept.
TIMES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a moment is sent as text on SQLite"
)

KEPT = [
    ("communities.access", "_community_at", {}),
    ("communities.access", "_membership_of", {}),
    ("communities.selectors", "_quiet", {}),
    ("communities.selectors", "_suggestions", {"inward": True}),
    ("communities.selectors", "_suggestions", {"inward": False}),
    ("communities.selectors", "_history_of", {"rows": 50, "one": False}),
    ("communities.selectors", "_history_of", {"rows": 50, "one": True}),
    pytest.param(*("communities.selectors", "_steps", {}), marks=TIMES),
    pytest.param(*("communities.selectors", "_milestones", {"facilitator": True}), marks=TIMES),
    pytest.param(*("communities.selectors", "_milestones", {"facilitator": False}), marks=TIMES),
    ("outcomes.panels", "_agreed", {}),
    ("sessions.access", "_session_at", {"facilitator": True, "with_series": True}),
    ("sessions.selectors", "_going_or_came_ids", {"in_series": True}),
    ("sessions.selectors", "_going_or_came_ids", {"in_series": False}),
    ("sessions.selectors", "_agenda_items", {}),
    ("sessions.selectors", "_served", {}),
    ("sessions.access", "_session_at", {"facilitator": False, "with_series": False}),
    pytest.param(*("sessions.panels", "_next_session", {}), marks=TIMES),
    pytest.param(*("sessions.models", "_previous_occurrence", {}), marks=TIMES),
    pytest.param(*("reflections.panels", "_session_actions", {"first": True}), marks=TIMES),
    pytest.param(*("reflections.panels", "_session_actions", {"first": False}), marks=TIMES),
    ("reflections.panels", "_recent", {"facilitator": True}),
    ("reflections.panels", "_recent", {"facilitator": False}),
    pytest.param(
        *("reflections.voices", "_community_rows", {"last": LAST_SESSIONS, "limit": VOICES_ROWS}),
        marks=TIMES,
    ),
    ("reviews.selectors", "_aligned_rows", {"latest": MAP_LATEST}),
    ("reviews.selectors", "_rounds_rows", {"any_of": True, "latest": MAP_LATEST}),
    pytest.param(*("reviews.selectors", "_agreed_marked", {}), marks=TIMES),
    ("reviews.views", "_WAITING", {}),
    ("search.selectors", "_memberships_of", {}),
    ("reviews.views", "_GIVEN", {}),
]


def _id(case) -> str:
    module, name, options = case.values if hasattr(case, "values") else case
    return f"{module}.{name}{sorted(options.items())}"


@pytest.mark.parametrize(("module", "name", "options"), KEPT, ids=[_id(case) for case in KEPT])
def test_each_compiled_query_is_kept(module, name, options):
    compiled = getattr(importlib.import_module(module), name)

    assert compiled.compiled(**options) is not None


@pytest.mark.skipif(not UNION_CUT, reason="SQLite cuts no part of a UNION: two queries there")
def test_the_home_actions_union_is_kept():
    from reflections.panels import _my_actions_compiled

    assert _my_actions_compiled.compiled() is not None


# Keyset lists compiled once (core.paging.KeysetQuery): each page a view reads — the first,
# older and newer than a row — in each shape its options give.
KEYSET_KEPT = [
    ("reviews.views", "_ROUNDS", "created_at", False, "ROUNDS_PER_PAGE", {}),
    pytest.param(
        *("sessions.views", "_UPCOMING", "starts_at", True, "UPCOMING_PAGE"),
        {"facilitator": True},
        marks=TIMES,
    ),
    pytest.param(
        *("sessions.views", "_UPCOMING", "starts_at", True, "UPCOMING_PAGE"),
        {"facilitator": False},
        marks=TIMES,
    ),
]


@pytest.mark.parametrize(
    ("module", "name", "field", "ascending", "per_page", "options"), KEYSET_KEPT
)
def test_each_compiled_keyset_list_is_kept(module, name, field, ascending, per_page, options):
    views = importlib.import_module(module)
    query = getattr(views, name)
    limit = getattr(views, per_page) + 1

    for anchored in (False, True):
        for older in (True, False):
            shape = {"field": field, "descending": older != ascending, "limit": limit}
            assert query._compiled.compiled(anchored=anchored, **shape, **options) is not None
