"""The reflections list as a member opens it, unfiltered, is read by queries compiled once
(reflections.views._LISTED, core.paging.KeysetQuery) with the viewer and the community as
stand-ins: each viewer must get exactly the rows, authors and response counts the reading
rule built for them gives — a viewer's value kept in the compiled query would show the
next viewer the first one's list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from communities.access import community_for
from core.paging import KeysetPage
from reflections.anonymity import conceal, facilitating
from reflections.models import Reflection, Response
from reflections.views import _LISTED, PAGE_SIZE, _reflections_shown
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


def expected(viewer, community) -> list[tuple]:
    """The page as the filtered list builds it, from the viewer's own objects."""
    access = community_for(viewer, community.slug)
    rows = Reflection.objects.visible_to(viewer, community).order_by("-created_at", "-pk")
    page = KeysetPage(
        rows,
        {},
        PAGE_SIZE,
        field="created_at",
        load=lambda chosen: _reflections_shown(chosen, access, viewer),
    )
    return shown(conceal(page.object_list, viewer, facilitating(access)))


def shown(rows) -> list[tuple]:
    return [
        (r.pk, r.author.name, r.author_concealed, r.without_name, r.response_count) for r in rows
    ]


def test_each_viewer_gets_the_list_the_rule_gives_them(client, riverside, alice, bob, carol):
    now = timezone.now()
    made = {}
    for n, (author, fields) in enumerate(
        [
            (alice, {"visibility": Reflection.Visibility.COMMUNITY}),
            (alice, {"visibility": Reflection.Visibility.PRIVATE}),
            (carol, {"visibility": Reflection.Visibility.FACILITATORS}),
            (carol, {"visibility": Reflection.Visibility.COMMUNITY, "anonymous": True}),
            (bob, {"visibility": Reflection.Visibility.COMMUNITY, "hidden_at": now}),
            (bob, {"visibility": Reflection.Visibility.PRIVATE}),
        ]
    ):
        made[n] = ReflectionFactory(
            community=riverside, author=author, created_at=now - timedelta(hours=n), **fields
        )
    # Responses to the first: one hidden (its author and the facilitators count it).
    Response.objects.create(community=riverside, reflection=made[0], author=bob, body="Yes.")
    Response.objects.create(
        community=riverside, reflection=made[0], author=alice, body="And.", hidden_at=now
    )

    for viewer in (alice, bob, carol, alice):
        client.force_login(viewer)
        page = client.get("/c/riverside/reflections/").context["page"]

        assert shown(page) == expected(viewer, riverside), viewer.name
    if connection.vendor == "postgresql":
        shape = {"field": "created_at", "descending": True, "limit": PAGE_SIZE + 1}
        for facilitator in (True, False):
            assert _LISTED._compiled.compiled(anchored=False, facilitator=facilitator, **shape)
