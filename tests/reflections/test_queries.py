from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from reflections.panels import community_panel, home_panel, session_panel
from tests.factories import ActionFactory, ReflectionFactory, SessionFactory

pytestmark = pytest.mark.django_db


def seed_reflections(cast, n):
    session = SessionFactory(community=cast.community)
    for i in range(n):
        reflection = ReflectionFactory(
            community=cast.community,
            author=cast.author if i % 2 else cast.member,
            session=session,
            visibility=["community", "facilitators", "private"][i % 3],
        )
        action = ActionFactory(
            community=cast.community,
            owner=cast.member,
            session=session,
            status=["proposed", "doing", "done", "dropped"][i % 4],
        )
        action.reflections.add(reflection)
    return session


@pytest.mark.parametrize("rows", [1, 30])
def test_reflections_list_queries_do_not_grow(client, cast, django_assert_num_queries, rows):
    seed_reflections(cast, rows)
    client.force_login(cast.facilitator)

    # The author filter lists nobody until searched (a picker), so no query for members.
    with django_assert_num_queries(7):
        response = client.get(reverse("reflections:list", args=[cast.community.slug]))

    assert response.status_code == 200
    assert len(response.context["page"]) >= 1
    assert escape(response.context["page"][0].title) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_reflection_search_queries_do_not_grow(client, cast, django_assert_num_queries, rows):
    seed_reflections(cast, rows)
    client.force_login(cast.member)

    with django_assert_num_queries(9):
        response = client.get(
            reverse("reflections:list", args=[cast.community.slug]),
            {"q": "Reflection", "loop_level": "single", "author": cast.author.pk},
        )

    assert response.status_code == 200
    assert escape(cast.author.name) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_actions_page_queries_do_not_grow(client, cast, django_assert_max_num_queries, rows):
    seed_reflections(cast, rows)
    client.force_login(cast.member)

    # An upper bound, because the rows differ in kind: at one row the only action is open,
    # so the closed list's one keyset read (core.paging.KeysetPage, no COUNT) finds nothing
    # and its reflections are not read (7); at thirty, closed actions add their reflections
    # (8, was 9 with the Paginator's COUNT), and no more however many.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reflections:actions", args=[cast.community.slug]))

    assert response.status_code == 200
    assert len(response.context["open_actions"]) >= 1
    assert escape(response.context["open_actions"][0].title) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_my_reflections_queries_do_not_grow(client, cast, django_assert_num_queries, rows):
    seed_reflections(cast, rows)
    client.force_login(cast.member)

    # 3 (was 4): keyset links (core.paging.KeysetPage) need no COUNT for page numbers.
    with django_assert_num_queries(3):
        response = client.get(reverse("reflections:mine"))

    assert response.status_code == 200
    mine = cast.member.reflections.order_by("-created_at").first()
    assert escape(mine.title) in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_panels_cost_a_fixed_number_of_queries(rf, cast, django_assert_num_queries, rows):
    from django.template.loader import render_to_string

    from communities.access import community_for

    session = seed_reflections(cast, rows)
    request = rf.get("/")
    request.user = cast.member
    # As the pages have it: the community through the choke point, with my membership.
    access = community_for(cast.member, cast.community.slug)

    # Home's open and done actions are one UNION on PostgreSQL, two queries on SQLite, which
    # cuts no part of a UNION (reflections.panels.home_panel).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        for panel in (
            session_panel(request, access, session),
            home_panel(request),
            community_panel(request, access),
        ):
            render_to_string(panel.template, {"panel": panel.context}, request=request)
