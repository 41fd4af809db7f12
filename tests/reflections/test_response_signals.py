"""What responses feed: the engagement signal, the digest's conversations, the demo, and
the bounded queries of the pages that show them (issue 16, items 1, 7 and 8)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.digest import Period
from communities.access import community_for
from communities.engagement import signal_sources
from reflections.digest import digest_sections
from reflections.models import Flag, Reflection, Response
from reflections.panels import session_responses_panel, work_panel
from tests.factories import ReflectionFactory, SessionFactory, SharedWorkFactory

pytestmark = pytest.mark.django_db


def respond(target, author, kind="reflection", **fields):
    return Response.objects.create(
        community=target.community, author=author, body=f"Yes, and {author.name}", **{kind: target},
        **fields,
    )  # fmt: skip


# --- the engagement signal ------------------------------------------------------------------


def test_responses_given_counts_building_on_others_only(cast):
    since = timezone.now() - timedelta(days=90)
    theirs = ReflectionFactory(community=cast.community, author=cast.author)
    mine = ReflectionFactory(community=cast.community, author=cast.member)
    work = SharedWorkFactory(
        session=SessionFactory(community=cast.community, status="completed"), author=cast.author
    )
    respond(theirs, cast.member)
    respond(work, cast.member, kind="work")
    respond(work.session, cast.member, kind="session")
    respond(mine, cast.member)  # on one's own reflection: not building on others
    respond(theirs, cast.member, hidden_at=timezone.now())  # hidden: not counted
    respond(theirs, cast.member, created_at=timezone.now() - timedelta(days=120))
    elsewhere = ReflectionFactory(community=cast.other_community, author=cast.outsider)
    respond(elsewhere, cast.outsider)
    label, source = signal_sources()["responses_given"]

    assert label == "builds on others' reflections"
    assert source(cast.community, since) == {cast.member.pk: 3}


def test_responses_given_is_one_query(cast, django_assert_num_queries):
    respond(ReflectionFactory(community=cast.community, author=cast.author), cast.member)
    _, source = signal_sources()["responses_given"]

    with django_assert_num_queries(1):
        source(cast.community, timezone.now() - timedelta(days=90))


# --- the digest's conversations ---------------------------------------------------------------


def week_of(now):
    start = now - timedelta(days=7)
    return Period("weekly", "this week", start, now)


def conversations(people, now):
    periods = {person.pk: week_of(now) for person in people}
    sections = digest_sections(people, periods, now)
    return {
        person.pk: next(s for s in sections[person.pk] if s.key == "conversations").items
        for person in people
    }


def test_the_digest_tells_of_responses_to_you_and_threads_you_took_part_in(cast):
    now = timezone.now()
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Maps")
    top = respond(reflection, cast.member, created_at=now - timedelta(days=2))
    respond(reflection, cast.facilitator, parent=top, created_at=now - timedelta(days=1))

    items = conversations([cast.author, cast.member, cast.coordinator], now)

    author_items = [item.text for item in items[cast.author.pk]]
    assert author_items == [
        "Bob responded to “Maps”, Riverside",
        "Alice responded to “Maps”, Riverside",
    ]
    # Alice wrote the response Bob replied to: that reply is to her.
    assert [item.text for item in items[cast.member.pk]] == ["Bob responded to “Maps”, Riverside"]
    assert items[cast.coordinator.pk] == []
    assert items[cast.author.pk][0].url.endswith(f"#response-{top.pk + 1}")


def test_the_digest_tells_of_new_replies_in_a_thread_one_replied_in(cast):
    now = timezone.now()
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Maps")
    top = respond(reflection, cast.member, created_at=now - timedelta(days=20))
    respond(reflection, cast.coordinator, parent=top, created_at=now - timedelta(days=10))
    respond(reflection, cast.facilitator, parent=top, created_at=now - timedelta(days=1))

    items = conversations([cast.coordinator], now)

    assert [item.text for item in items[cast.coordinator.pk]] == [
        "Bob replied in a conversation on “Maps”, Riverside"
    ]


def test_the_digest_keeps_to_what_the_reader_may_see(cast):
    now = timezone.now()
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Maps")
    top = respond(reflection, cast.member, created_at=now - timedelta(days=20))
    respond(reflection, cast.author, parent=top, created_at=now - timedelta(days=1))
    respond(reflection, cast.facilitator, created_at=now - timedelta(days=1), hidden_at=now)
    # The author made the reflection private since: Alice may no longer read the reply.
    Reflection.objects.filter(pk=reflection.pk).update(visibility="private")

    items = conversations([cast.author, cast.member], now)

    assert items[cast.member.pk] == []
    assert items[cast.author.pk] == []  # the only response to her is hidden


def test_the_digest_conversations_cost_three_queries(cast, django_assert_num_queries):
    now = timezone.now()
    people = [cast.author, cast.member, cast.facilitator, cast.coordinator]
    for n in range(5):
        reflection = ReflectionFactory(community=cast.community, author=cast.author)
        top = respond(reflection, cast.member, created_at=now - timedelta(hours=n + 2))
        respond(reflection, cast.facilitator, parent=top, created_at=now - timedelta(hours=1))
    periods = {person.pk: week_of(now) for person in people}

    # memberships, the reflections section's two, actions, ways in; then new responses,
    # who took part in their threads, and who may read them.
    with django_assert_num_queries(7):
        digest_sections(people, periods, now)


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_has_conversations_a_hidden_response_and_an_open_flag():
    call_command("seed_demo", force=True)
    community = apps.get_model("communities", "Community").objects.get(slug="systems-mapping")
    responses = Response.objects.filter(community=community)

    assert responses.filter(parent__isnull=True).count() >= 3
    assert responses.filter(parent__isnull=False).exists()
    hidden = responses.get(hidden_at__isnull=False)
    assert hidden.hidden_reason
    assert Flag.objects.filter(community=community, resolved_at__isnull=True).count() == 1


# --- bounded queries --------------------------------------------------------------------------


def seed_conversation(cast, reflection, n):
    for i in range(n):
        top = respond(reflection, [cast.member, cast.facilitator, cast.author][i % 3])
        respond(reflection, cast.coordinator, parent=top)


@pytest.mark.parametrize("rows", [1, 25])
def test_a_reflection_with_responses_costs_the_same_queries(
    client, cast, django_assert_num_queries, rows
):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    seed_conversation(cast, reflection, rows)
    client.force_login(cast.member)

    # Two of them are the mentions of the reflection and of its responses (one each).
    with django_assert_num_queries(12):
        page = client.get(reflection.get_absolute_url())

    assert page.status_code == 200
    assert page.content.decode().count('class="response"') == rows * 2


@pytest.mark.parametrize("rows", [1, 25])
def test_the_reflections_list_with_many_responses_costs_the_same_queries(
    client, cast, django_assert_num_queries, rows
):
    for _ in range(3):
        reflection = ReflectionFactory(community=cast.community, author=cast.author)
        seed_conversation(cast, reflection, rows)
    client.force_login(cast.member)

    # As without responses (tests/reflections/test_queries.py): the counts ride in the
    # page's own query.
    with django_assert_num_queries(7):
        page = client.get(reverse("reflections:list", args=[cast.community.slug]))

    assert page.status_code == 200
    assert f"{rows * 2} responses" in page.content.decode()


@pytest.mark.parametrize("rows", [1, 25])
def test_the_session_and_work_conversations_cost_two_queries_each(
    rf, cast, django_assert_num_queries, rows
):
    session = SessionFactory(community=cast.community, status="completed")
    work = SharedWorkFactory(session=session, author=cast.author)
    for i in range(rows):
        respond(session, cast.author, kind="session")
        respond(work, cast.member, kind="work", created_at=timezone.now() + dt.timedelta(seconds=i))
    request = rf.get("/")
    request.user = cast.member
    access = community_for(cast.member, cast.community.slug)

    # Each: the responses, and their mentions.
    with django_assert_num_queries(4):
        html = "".join(
            render_to_string(panel.template, {"panel": panel.context}, request=request)
            for panel in (
                session_responses_panel(request, access, session),
                work_panel(request, access, work),
            )
        )

    assert html.count('class="response"') == rows * 2
