"""My reflections and the closed actions go by "older than this one" links
(core.paging.KeysetPage): rows of one moment are walked by id, each once, and a tampered or
invisible id shows the newest page, never an error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reflections.models import Action, Reflection
from tests.factories import ActionFactory, ReflectionFactory

pytestmark = pytest.mark.django_db

TAMPERED = ["lots", "-1", "1.5", "²", "9" * 30, ""]


# --- my reflections ------------------------------------------------------------------------


def mine(cast, count):
    made = [
        ReflectionFactory(community=cast.community, author=cast.member, title=f"R{n:02}")
        for n in range(count)
    ]
    # All written at one moment: only their ids order them.
    Reflection.objects.filter(pk__in=[r.pk for r in made]).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    return sorted((r.pk for r in made), reverse=True)


def test_my_reflections_walk_rows_of_one_moment_older_and_back(client, cast):
    newest_first = mine(cast, 45)
    client.force_login(cast.member)
    address = reverse("reflections:mine")

    first = client.get(address)
    second = client.get(address, {"before": first.context["page"].older_id})
    third = client.get(address, {"before": second.context["page"].older_id})
    back = client.get(address, {"after": third.context["page"].newer_id})

    assert [r.pk for r in first.context["page"]] == newest_first[:20]
    assert [r.pk for r in second.context["page"]] == newest_first[20:40]
    assert [r.pk for r in third.context["page"]] == newest_first[40:]
    assert [r.pk for r in back.context["page"]] == newest_first[20:40]
    html = second.content.decode()
    assert '<nav class="pagination" aria-label="My reflections, by page">' in html
    assert f'href="?after={newest_first[20]}" rel="prev">Newer</a>' in html
    assert f'href="?before={newest_first[39]}" rel="next">Older</a>' in html
    assert "Older</a>" not in third.content.decode()


@pytest.mark.parametrize("value", [*TAMPERED, "someone else's"])
def test_my_reflections_show_the_newest_page_for_a_tampered_id(client, cast, value):
    newest_first = mine(cast, 25)
    if value == "someone else's":
        # Another person's reflection, even one the viewer may read, is not in this list.
        value = ReflectionFactory(community=cast.community, author=cast.author).pk
    client.force_login(cast.member)

    for param in ("before", "after", "page"):
        response = client.get(reverse("reflections:mine"), {param: value})
        assert response.status_code == 200
        assert [r.pk for r in response.context["page"]] == newest_first[:20]
        assert not response.context["page"].has_previous()


# --- closed actions ------------------------------------------------------------------------


def closed(cast, count, *, status="done"):
    made = [
        ActionFactory(community=cast.community, owner=cast.author, title=f"A{n:02}", status=status)
        for n in range(count)
    ]
    # All closed at one moment (update() passes by auto_now).
    Action.objects.filter(pk__in=[a.pk for a in made]).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    return sorted((a.pk for a in made), reverse=True)


def test_closed_actions_walk_rows_of_one_moment_older_and_back(client, cast):
    newest_first = closed(cast, 45)
    ActionFactory(community=cast.community, owner=cast.author, title="Still open")
    client.force_login(cast.member)
    address = reverse("reflections:actions", args=[cast.community.slug])

    first = client.get(address)
    second = client.get(address, {"before": first.context["closed_page"].older_id})
    third = client.get(address, {"before": second.context["closed_page"].older_id})
    back = client.get(address, {"after": third.context["closed_page"].newer_id})

    assert [a.pk for a in first.context["closed_page"]] == newest_first[:20]
    assert [a.pk for a in second.context["closed_page"]] == newest_first[20:40]
    assert [a.pk for a in third.context["closed_page"]] == newest_first[40:]
    assert [a.pk for a in back.context["closed_page"]] == newest_first[20:40]
    # The open actions stay on every page.
    assert [a.title for a in third.context["open_actions"]] == ["Still open"]
    html = second.content.decode()
    assert '<nav class="pagination" aria-label="Done and dropped actions, by page">' in html
    assert f'href="?before={newest_first[39]}#closed-heading" rel="next">Older</a>' in html
    assert f'href="?after={newest_first[20]}#closed-heading" rel="prev">Newer</a>' in html


@pytest.mark.parametrize("value", [*TAMPERED, "open", "elsewhere"])
def test_closed_actions_show_the_newest_page_for_a_tampered_id(client, cast, value):
    newest_first = closed(cast, 25, status="dropped")
    if value == "open":
        # An open action is not in the closed list: it names nothing there.
        value = ActionFactory(community=cast.community, owner=cast.author).pk
    elif value == "elsewhere":
        value = ActionFactory(community=cast.other_community, status="done").pk
    client.force_login(cast.member)
    address = reverse("reflections:actions", args=[cast.community.slug])

    for param in ("before", "after", "page"):
        response = client.get(address, {param: value})
        assert response.status_code == 200
        assert [a.pk for a in response.context["closed_page"]] == newest_first[:20]
        assert not response.context["closed_page"].has_previous()
