"""Impact stories: permissions × role, the guided form, publishing, filters, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import escape

from communities.models import Membership
from impact.models import ImpactStory
from tests.factories import (
    ActionFactory,
    ImpactStoryFactory,
    OutcomeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
F, CO = Membership.Role.FACILITATOR, Membership.Role.COORDINATOR
ROLES = [
    "anonymous",
    "non_member",
    "author",
    "member",
    "facilitator",
    "coordinator",
    "leader",
    "other_member",
]


@pytest.fixture
def cast(riverside, hillside, alice, bob, carol, dave, erin, frank, member_of):
    """The cast (tests/people.py) by role, plus an author: another member of Riverside."""
    author = member_of(riverside)
    people = {
        "community": riverside,
        "anonymous": None,
        "non_member": frank,
        "author": author,
        "member": alice,
        "facilitator": bob,
        "coordinator": carol,
        "leader": erin,
        "other_member": dave,
        "other": hillside,
    }
    people["story"] = ImpactStoryFactory(community=riverside, author=author, title="Published one")
    people["draft"] = ImpactStoryFactory(
        community=riverside, author=author, title="Draft one", status="draft", published_at=None
    )
    people["elsewhere"] = ImpactStoryFactory(community=hillside, title="Another community's")
    return people


def login(client, cast, role):
    if cast[role] is not None:
        client.force_login(cast[role])


DETAIL = {
    "anonymous": 302,
    "non_member": 404,
    "author": 200,
    "member": 200,
    "facilitator": 200,
    "coordinator": 200,
    "leader": 200,
    "other_member": 404,
}
EDIT = DETAIL | {"member": 404, "facilitator": 404, "coordinator": 404, "leader": 404}
DRAFT = {role: 404 for role in ROLES} | {"anonymous": 302, "author": 200}
CREATE = {role: 404 for role in ROLES} | {
    "anonymous": 302,
    "author": 200,
    "member": 200,
    "facilitator": 200,
    "coordinator": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_story_detail_permissions(client, cast, role):
    login(client, cast, role)

    assert client.get(f"/stories/{cast['story'].pk}/").status_code == DETAIL[role]
    assert client.get(f"/stories/{cast['draft'].pk}/").status_code == DRAFT[role]


@pytest.mark.parametrize("role", ROLES)
def test_story_edit_and_publish_permissions(client, cast, role):
    login(client, cast, role)
    draft = cast["draft"]

    assert client.get(f"/stories/{cast['story'].pk}/edit/").status_code == EDIT[role]
    response = client.post(f"/stories/{draft.pk}/publish/")

    draft.refresh_from_db()
    assert response.status_code == (302 if role in ("author", "anonymous") else 404)
    assert draft.is_published == (role == "author")


@pytest.mark.parametrize("role", ROLES)
def test_story_create_permissions(client, cast, role):
    login(client, cast, role)

    response = client.get(f"/c/{cast['community'].slug}/stories/new/")

    assert response.status_code == CREATE[role]


@pytest.mark.parametrize("role", ROLES)
def test_story_list_shows_what_each_person_may_read(client, cast, role):
    login(client, cast, role)

    response = client.get("/stories/")

    if role == "anonymous":
        assert response.status_code == 302
        return
    page = response.content.decode()
    sees_community = role in ("author", "member", "facilitator", "coordinator", "leader")
    assert ("Published one" in page) == sees_community
    assert ("Draft one" in page) == (role == "author")
    assert ("Another community&#x27;s" in page) == (role in ("leader", "other_member"))


def test_story_list_filters_by_community_and_outcome(client, cast):
    community = cast["community"]
    outcome = OutcomeFactory(community=community)
    cast["story"].outcomes.add(outcome)
    ImpactStoryFactory(community=community, title="Not about the outcome")
    client.force_login(cast["leader"])

    by_outcome = client.get(f"/stories/?outcome={outcome.pk}").content.decode()
    by_community = client.get(f"/stories/?community={cast['other'].slug}").content.decode()

    assert "Published one" in by_outcome
    assert "Not about the outcome" not in by_outcome
    assert "Another community&#x27;s" in by_community
    assert "Published one" not in by_community


def test_story_list_filter_with_a_stranger_community_is_a_field_error(client, cast):
    client.force_login(cast["member"])

    response = client.get(f"/stories/?community={cast['other'].slug}")

    assert response.status_code == 200
    assert "community" in response.context["form"].errors


def test_story_new_goes_straight_to_the_only_community(client, cast):
    client.force_login(cast["member"])

    response = client.get("/stories/new/")

    assert response["Location"] == f"/c/{cast['community'].slug}/stories/new/"


def test_story_new_without_a_community_explains(client, cast):
    client.force_login(cast["leader"])

    response = client.get("/stories/new/")

    assert "Impact stories are written by members of a community" in response.content.decode()


def test_story_create_saves_a_draft_with_its_links(client, cast):
    community = cast["community"]
    session = SessionFactory(community=community, status="completed")
    outcome = OutcomeFactory(community=community)
    client.force_login(cast["member"])

    response = client.post(
        f"/c/{community.slug}/stories/new/",
        {
            "title": "The map that helped",
            "what_happened": "We mapped it.",
            "what_difference_it_made": "Referrals got quicker.",
            "sessions": [session.pk],
            "outcomes": [outcome.pk],
        },
    )

    story = ImpactStory.objects.get(title="The map that helped")
    assert response["Location"] == story.get_absolute_url()
    assert (story.author, story.community, story.status) == (
        cast["member"],
        community,
        ImpactStory.Status.DRAFT,
    )
    assert list(story.sessions.all()) == [session]
    assert list(story.outcomes.all()) == [outcome]
    detail = client.get(story.get_absolute_url()).content.decode()
    assert "What difference it made" in detail
    assert "What it gave us" not in detail  # an empty step is not shown


def test_story_links_actions_of_its_own_community_only(client, cast):
    from reflections.models import Action

    community = cast["community"]
    mine = Action.objects.create(community=community, owner=cast["member"], title="Map first")
    foreign = Action.objects.create(community=cast["other"], owner=cast["other_member"], title="X")
    client.force_login(cast["member"])
    url = f"/c/{community.slug}/stories/new/"

    refused = client.post(url, {"title": "S1", "what_happened": "x", "actions": [foreign.pk]})
    client.post(url, {"title": "S2", "what_happened": "x", "actions": [mine.pk]})

    assert "actions" in refused.context["form"].errors
    story = ImpactStory.objects.get(title="S2")
    assert list(story.actions.all()) == [mine]
    assert "Map first" in client.get(story.get_absolute_url()).content.decode()


def test_story_create_needs_the_first_step_and_keeps_input(client, cast):
    client.force_login(cast["member"])

    response = client.post(
        f"/c/{cast['community'].slug}/stories/new/",
        {"title": "Half a story", "what_it_gave_us": "An idea."},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["what_happened"] == ["This field is required."]
    assert "An idea." in response.content.decode()
    assert not ImpactStory.objects.filter(title="Half a story").exists()


def test_story_create_refuses_another_communitys_session(client, cast):
    foreign = SessionFactory(community=cast["other"], status="completed")
    client.force_login(cast["member"])

    response = client.post(
        f"/c/{cast['community'].slug}/stories/new/",
        {"title": "Sneaky", "what_happened": "x", "sessions": [foreign.pk]},
    )

    assert "sessions" in response.context["form"].errors
    assert not ImpactStory.objects.filter(title="Sneaky").exists()


def test_story_edit_by_the_author_saves(client, cast):
    story = cast["story"]
    client.force_login(cast["author"])

    response = client.post(
        f"/stories/{story.pk}/edit/",
        {"title": "Renamed", "what_happened": "Still true."},
    )

    story.refresh_from_db()
    assert response.status_code == 302
    assert (story.title, story.what_happened) == ("Renamed", "Still true.")


def test_story_publish_twice_keeps_the_first_date(client, cast):
    story = cast["story"]
    first = story.published_at
    client.force_login(cast["author"])

    client.post(f"/stories/{story.pk}/publish/")

    story.refresh_from_db()
    assert story.published_at == first


def test_story_author_who_left_cannot_edit(client, cast):
    Membership.objects.filter(user=cast["author"]).update(status=Membership.Status.LEFT)
    client.force_login(cast["author"])

    assert client.get(f"/stories/{cast['draft'].pk}/edit/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_story_list_query_count_is_bounded(client, cast, django_assert_num_queries, count):
    stories = ImpactStoryFactory.create_batch(count, community=cast["community"])
    client.force_login(cast["leader"])

    # 6 (was 7): keyset links (core.paging.KeysetPage) need no COUNT for page numbers.
    with django_assert_num_queries(6):
        response = client.get("/stories/")

    assert response.status_code == 200
    assert escape(stories[-1].title) in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_story_detail_query_count_is_bounded(client, cast, django_assert_num_queries, count):
    community, story = cast["community"], cast["story"]
    story.sessions.set(SessionFactory.create_batch(count, community=community, status="completed"))
    story.outcomes.set(OutcomeFactory.create_batch(count, community=community))
    story.actions.set(ActionFactory.create_batch(count, community=community))
    client.force_login(cast["leader"])

    with django_assert_num_queries(6):
        response = client.get(f"/stories/{story.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count(f"/c/{community.slug}/sessions/") == count


# --- paging: "older than this one" links (core.paging.KeysetPage) ------------------------


def one_moment(cast, count):
    """`count` stories of Riverside published at one moment, newest (highest id) first."""
    made = ImpactStoryFactory.create_batch(count, community=cast["community"])
    ImpactStory.objects.filter(pk__in=[s.pk for s in made]).update(
        published_at=cast["story"].published_at - dt.timedelta(days=1)
    )
    return sorted((s.pk for s in made), reverse=True)


def test_story_list_walks_stories_of_one_moment_older_and_back(client, cast):
    newest_first = one_moment(cast, 44)
    client.force_login(cast["author"])

    def ids(**params):
        response = client.get("/stories/", params)
        return response, [s.pk for s in response.context["page"]]

    first, on_first = ids()
    second, on_second = ids(before=first.context["page"].older_id)
    third, on_third = ids(before=second.context["page"].older_id)
    _, back = ids(after=third.context["page"].newer_id)

    # The author's draft first, then the newest published story, then the rest by id.
    listed = [cast["draft"].pk, cast["story"].pk, *newest_first]
    assert on_first == listed[:20]
    assert on_second == listed[20:40]
    assert on_third == listed[40:]
    assert back == listed[20:40]
    html = second.content.decode()
    assert '<nav class="pagination" aria-label="Impact stories, by page">' in html
    assert f'href="?before={listed[39]}" rel="next">Older stories</a>' in html
    assert f'href="?after={listed[20]}" rel="prev">Newer stories</a>' in html
    assert "Older stories" not in third.content.decode()


def test_story_list_links_keep_the_filters(client, cast):
    one_moment(cast, 25)
    client.force_login(cast["member"])

    response = client.get("/stories/", {"community": cast["community"].slug, "page": "3"})

    page = response.context["page"]
    assert f"?community={cast['community'].slug}&amp;before={page.older_id}" in (
        response.content.decode()
    )


@pytest.mark.parametrize("value", ["lots", "-1", "1.5", "²", "9" * 30, "", "a draft", "elsewhere"])
def test_story_list_shows_the_newest_page_for_a_tampered_id(client, cast, value):
    one_moment(cast, 25)
    if value == "a draft":
        # Someone else's draft names nothing for the member: it is not in their list.
        value = cast["draft"].pk
    elif value == "elsewhere":
        value = cast["elsewhere"].pk
    client.force_login(cast["member"])
    newest = [s.pk for s in client.get("/stories/").context["page"]]

    for param in ("before", "after", "page"):
        response = client.get("/stories/", {param: value})
        assert response.status_code == 200
        assert [s.pk for s in response.context["page"]] == newest
        assert not response.context["page"].has_previous()
