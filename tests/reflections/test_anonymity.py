"""Anonymous to peers (issue 18, item 3): a reflection or a response shared "with the
community, without my name". Members see "a member", the facilitators (and coordinators)
and the author see who wrote it, leaders see neither; the choice is fixed once shared.

The acceptance test is the matrix below: every place an author could show, for every
viewer, says whether the author's name appears."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts.digest import digest_preview
from accounts.models import Notification
from communities.mentions import token
from reflections import services
from reflections.anonymity import A_MEMBER, CONCEALED, FACILITATORS_SEE
from reflections.forms import GUESS_WARNING
from reflections.models import Mention, Reflection, Response
from tests.factories import ReflectionFactory, UserFactory

pytestmark = pytest.mark.django_db

# A name that appears nowhere on a page unless the author is named.
NAME = "Zelda Quietvoice"
TITLE = "Unnamed doubts about the wombat map"
BODY = "Experts speak first and the wombat discussion stops there."


@pytest.fixture
def world(cast, member_of, django_capture_on_commit_callbacks):
    """An anonymous reflection by `writer`, and an anonymous response of theirs (with an
    @mention of the member) on the member's named reflection; emails sent."""
    writer = member_of(cast.community, user=UserFactory(display_name=NAME))
    for _ in range(3):  # five members or more: no "people may guess" warning
        member_of(cast.community)
    with django_capture_on_commit_callbacks(execute=True):
        anonymous = services.reflection_save(
            author=writer,
            community=cast.community,
            data=_reflection_data(title=TITLE, body=f"{BODY} {token(cast.member)}", anonymous=True),
        )
        named = ReflectionFactory(
            community=cast.community, author=cast.member, title="Named wombat thoughts"
        )
        response = services.response_create(
            author=writer,
            community=cast.community,
            kind="reflection",
            target=named,
            body=f"Yes, and the wombat {token(cast.member)} knows.",
            anonymous=True,
        )
    return {
        "cast": cast,
        "writer": writer,
        "anonymous": anonymous,
        "named": named,
        "response": response,
    }


def _reflection_data(**fields):
    data = {
        "title": "A title",
        "loop_level": "double",
        "body": "Some words.",
        "session": None,
        "outcome": None,
        "follow_up_of": None,
        "visibility": Reflection.Visibility.COMMUNITY,
        "answers": {},
        "confidence": None,
    }
    return {**data, **fields}


def _viewer(world, role):
    cast = world["cast"]
    return {"author": world["writer"]}.get(role) or getattr(cast, role)


def _page(client, world, surface):
    cast, anonymous, named = world["cast"], world["anonymous"], world["named"]
    slug = cast.community.slug
    urls = {
        "list": reverse("reflections:list", args=[slug]),
        "list_by_author": reverse("reflections:list", args=[slug])
        + f"?author={world['writer'].pk}",
        "detail": reverse("reflections:detail", args=[slug, anonymous.pk]),
        "thread": reverse("reflections:detail", args=[slug, named.pk]),
        "community_home": reverse("communities:home", args=[slug]),
        "search": reverse("search:results") + "?q=wombat",
        "search_by_name": reverse("search:results") + "?q=Quietvoice",
        "dashboard": reverse("dashboard:community", args=[slug]),
        "report": reverse("dashboard:community_report", args=[slug]),
        "export_csv": reverse("reflections:export_csv"),
        "export_zip": reverse("reflections:export_zip"),
        "notifications": reverse("notifications"),
        "respond": reverse("reflections:respond", args=[slug, "reflection", named.pk]),
    }
    response = client.get(urls[surface])
    return response.status_code, response.content.decode(errors="replace")


# Pages: facilitators, the coordinator and the author see the name; members and leaders
# do not (leaders never read the words at all: a 404 or a page without them).
PAGES = ["list", "list_by_author", "detail", "thread", "community_home"]
NAMES_SHOWN = {"author", "facilitator", "coordinator"}
ROLES = ["member", "leader", "facilitator", "coordinator", "author"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("surface", PAGES)
def test_pages_show_the_author_to_facilitators_and_the_author_only(client, world, surface, role):
    client.force_login(_viewer(world, role))

    status, content = _page(client, world, surface)

    shown = escape(NAME) in content
    if surface == "list_by_author":
        # The filter echoes the person the viewer chose; what matters is what it finds.
        found = escape(TITLE) in content
        assert found == (role in NAMES_SHOWN), f"{role} finds it by its author"
    elif role in NAMES_SHOWN:
        assert status == 200
        assert shown, f"{role} should see the author on {surface}"
    else:
        assert not shown, f"{role} sees the author on {surface}"
    if role == "member":
        assert status == 200
        if surface != "list_by_author":
            assert str(A_MEMBER) in content
        if surface in ("list", "detail", "community_home"):
            assert escape(TITLE) in content


# Everything that leaves a page, or lists across communities: nobody but the author sees
# the name there (an inbox is forwarded outside the community's roles).
ELSEWHERE = [
    "search",
    "search_by_name",
    "dashboard",
    "report",
    "export_csv",
    "export_zip",
    "notifications",
    "respond",
]


@pytest.mark.parametrize("role", ["member", "leader", "facilitator", "coordinator"])
@pytest.mark.parametrize("surface", ELSEWHERE)
def test_search_exports_dashboards_and_notifications_never_name_the_author(
    client, world, surface, role
):
    client.force_login(_viewer(world, role))

    status, content = _page(client, world, surface)

    assert status in (200, 404)
    assert NAME not in content
    assert escape(NAME) not in content


@pytest.mark.parametrize("role", ["member", "facilitator", "coordinator"])
def test_search_finds_the_anonymous_reflection_without_its_author(client, world, role):
    client.force_login(_viewer(world, role))

    _, content = _page(client, world, "search")

    assert "Unnamed doubts" in content
    assert NAME not in content


@pytest.mark.parametrize("role", ["member", "facilitator", "coordinator"])
def test_digests_never_name_an_anonymous_author(world, role):
    person = _viewer(world, role)

    digest = digest_preview(person)

    for part in ("subject", "body_text", "body_html"):
        assert NAME not in digest[part]
        assert escape(NAME) not in digest[part]
    if role == "member":
        # The new reflection, and the response to the member's own.
        assert TITLE in digest["body_text"]
        assert f"{TITLE} — {A_MEMBER}" in digest["body_text"]
        assert "A member responded" in digest["body_text"]


def test_the_response_and_mention_emails_and_notifications_say_a_member(world):
    member = world["cast"].member
    told = [m for m in mail.outbox if member.email in m.to]

    assert told, "the member is told of the response and the mentions"
    for message in told:
        assert NAME not in message.subject
        assert NAME not in message.body
        for alternative, _ in getattr(message, "alternatives", []):
            assert NAME not in alternative
    notes = Notification.objects.filter(recipient=member)
    assert notes.count() >= 2
    assert all(NAME not in note.text for note in notes)
    assert all(note.actor_id is None for note in notes)
    assert any(note.text.startswith("A member responded") for note in notes)
    assert any(note.text.startswith("A member mentioned you") for note in notes)
    # The mention remembers who wrote it (for the facilitators), and tells nobody.
    assert Mention.objects.filter(person=member, by=world["writer"]).count() == 2


# --- the form: offered with one sentence, fixed once shared ----------------------------------


def test_the_new_form_offers_without_my_name_with_the_one_sentence(client, cast):
    client.force_login(cast.member)

    page = client.get(reverse("reflections:new", args=[cast.community.slug])).content.decode()

    assert "without my name" in page
    assert escape(str(FACILITATORS_SEE)) in page


def test_a_small_community_is_warned_that_people_may_guess(client, cast):
    # Riverside has the cast's four members (and the author): fewer than five active ones
    # apart from the author fixture, which is not asked for here.
    client.force_login(cast.member)
    members = cast.community.memberships.filter(status="active").count()

    page = client.get(reverse("reflections:new", args=[cast.community.slug])).content.decode()

    assert members < 5
    assert escape(str(GUESS_WARNING)) in page


def test_a_community_of_five_or_more_is_not_warned(client, cast, member_of):
    for _ in range(3):
        member_of(cast.community)
    client.force_login(cast.member)

    page = client.get(reverse("reflections:new", args=[cast.community.slug])).content.decode()

    assert escape(str(GUESS_WARNING)) not in page


def _post_form(client, cast, url, **fields):
    data = {"title": "Who decides?", "body": "I wonder.", "visibility": "community", **fields}
    return client.post(url, data)


def test_posting_without_my_name_saves_it_anonymous_and_shared(client, cast):
    client.force_login(cast.member)

    response = _post_form(
        client,
        cast,
        reverse("reflections:new", args=[cast.community.slug]),
        visibility="without_name",
    )

    reflection = Reflection.objects.get(title="Who decides?")
    assert response.status_code == 302
    assert reflection.anonymous
    assert reflection.visibility == Reflection.Visibility.COMMUNITY
    assert reflection.author == cast.member


@pytest.mark.parametrize("visibility", ["community", "private", "facilitators", "without_name"])
def test_a_tampered_edit_never_unmasks_an_anonymous_reflection(client, cast, visibility):
    reflection = ReflectionFactory(community=cast.community, author=cast.member, anonymous=True)
    client.force_login(cast.member)
    url = reverse("reflections:edit", args=[cast.community.slug, reflection.pk])

    page = client.get(url).content.decode()
    response = _post_form(client, cast, url, visibility=visibility, anonymous="")

    reflection.refresh_from_db()
    assert response.status_code == 302
    assert reflection.title == "Who decides?"
    assert reflection.anonymous
    assert reflection.visibility == Reflection.Visibility.COMMUNITY
    # The edit form shows the choice as fixed, and offers no named one.
    assert 'value="without_name"' in page
    assert 'value="private"' not in page


def test_a_named_reflection_cannot_be_made_anonymous_afterwards(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.member)
    client.force_login(cast.member)
    url = reverse("reflections:edit", args=[cast.community.slug, reflection.pk])

    page = client.get(url).content.decode()
    response = _post_form(client, cast, url, visibility="without_name")

    reflection.refresh_from_db()
    assert 'value="without_name"' not in page
    assert response.status_code == 200  # a field error, what was typed kept
    assert "Who decides?" in response.content.decode()
    assert not reflection.anonymous


def test_a_response_posted_without_my_name_stays_so_when_edited(client, cast):
    target = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    url = reverse("reflections:respond", args=[cast.community.slug, "reflection", target.pk])

    form_page = client.get(url).content.decode()
    client.post(url, {"body": "Yes, and quietly.", "anonymous": "on"})
    response = Response.objects.get(body="Yes, and quietly.")
    edit_url = reverse("reflections:response_edit", args=[cast.community.slug, response.pk])
    edit_page = client.get(edit_url).content.decode()
    client.post(edit_url, {"body": "Yes, and loudly.", "anonymous": ""})

    response.refresh_from_db()
    assert escape(str(FACILITATORS_SEE)) in form_page
    assert response.anonymous
    assert response.body == "Yes, and loudly."
    assert 'name="anonymous"' not in edit_page


def test_a_reply_to_an_anonymous_response_does_not_name_its_author(client, cast):
    target = ReflectionFactory(community=cast.community, author=cast.author)
    top = Response.objects.create(
        community=cast.community, reflection=target, author=cast.author, body="Hm.", anonymous=True
    )
    client.force_login(cast.member)
    url = reverse("reflections:respond", args=[cast.community.slug, "reflection", target.pk])

    page = client.post(url, {"body": "", "parent": top.pk}).content.decode()

    assert f"Reply to {A_MEMBER}" in page
    assert escape(cast.author.name) not in page


def test_an_action_from_an_anonymous_reflection_does_not_name_its_author(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, anonymous=True)
    client.force_login(cast.member)

    page = client.get(
        reverse("reflections:action_new", args=[cast.community.slug]),
        {"reflection": reflection.pk},
    )

    assert page.context["form"].initial["owner"] == cast.member.pk
    assert escape(cast.author.name) not in page.content.decode()


def test_the_author_filter_finds_anonymous_ones_for_facilitators_and_the_author(client, cast):
    ReflectionFactory(
        community=cast.community, author=cast.author, anonymous=True, title="Quiet one"
    )
    url = reverse("reflections:list", args=[cast.community.slug])

    seen = {}
    for person in (cast.member, cast.facilitator, cast.author):
        client.force_login(person)
        seen[person] = "Quiet one" in client.get(url, {"author": cast.author.pk}).content.decode()

    assert seen == {cast.member: False, cast.facilitator: True, cast.author: True}


def test_the_stand_in_is_drawn_as_the_neutral_avatar():
    from core.templatetags.looks import avatar

    drawn = avatar(CONCEALED, "small")

    assert "avatar-neutral" in drawn
    assert 'data-initials=""' in drawn


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_with_anonymous_reflections_costs_the_same_queries(
    client, cast, django_assert_num_queries, rows
):
    for i in range(rows):
        ReflectionFactory(community=cast.community, author=cast.author, anonymous=i % 2 == 0)
    client.force_login(cast.member)

    with django_assert_num_queries(7):
        response = client.get(reverse("reflections:list", args=[cast.community.slug]))

    assert response.status_code == 200
    assert (escape(cast.author.name) in response.content.decode()) == (rows > 1)


def test_the_demo_has_an_anonymous_reflection_with_a_response():
    from django.core.management import call_command

    call_command("seed_demo", force=True)

    reflection = Reflection.objects.get(anonymous=True)
    assert reflection.visibility == Reflection.Visibility.COMMUNITY
    assert reflection.responses.filter(anonymous=False).exists()
    assert reflection.responses.filter(anonymous=True).exists()
