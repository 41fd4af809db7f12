"""Responses ("Yes, and…"): who reaches them, who may write them, replies, bad input,
the author's email, moderation and flags (issue 16, items 1 and 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reflections import services
from reflections.access import responses_visible_to
from reflections.emails import tell_author_of_response
from reflections.models import Flag, ModerationEntry, Reflection, Response
from tests.factories import ReflectionFactory, SessionFactory, SharedWorkFactory

pytestmark = pytest.mark.django_db

ROLES = ["author", "member", "facilitator", "coordinator", "outsider", "leader", "non_member"]
EVERYONE_IN = {"author", "member", "facilitator", "coordinator"}
# Who may see each kind of thing, and so its responses.
SEES = {
    "private": {"author"},
    "facilitators": {"author", "facilitator", "coordinator"},
    "community": EVERYONE_IN,
    "work": EVERYONE_IN,
    "session": EVERYONE_IN,
    "draft_session": {"facilitator", "coordinator"},
}
CASES = [(target, role, role in SEES[target]) for target in SEES for role in ROLES]
BODY = "Yes, and the wombat heuristic held for us too."


def person(cast, role):
    return {"non_member": cast.non_member, "outsider": cast.outsider}.get(role) or getattr(
        cast, role
    )


def make_target(cast, kind):
    """(kind for the URL, the thing, who writes the response on it)."""
    if kind in ("private", "facilitators", "community"):
        return (
            "reflection",
            ReflectionFactory(community=cast.community, author=cast.author, visibility=kind),
            cast.author,
        )
    if kind == "work":
        session = SessionFactory(community=cast.community, status="completed")
        return "work", SharedWorkFactory(session=session, author=cast.author), cast.author
    if kind == "session":
        return "session", SessionFactory(community=cast.community), cast.author
    return "session", SessionFactory(community=cast.community, status="draft"), cast.facilitator


def respond_url(community, kind, target):
    return reverse(
        "reflections:respond", kwargs={"slug": community.slug, "kind": kind, "pk": target.pk}
    )


def add_response(kind, target, author, body=BODY, **fields):
    return Response.objects.create(
        community=target.community, author=author, body=body, **{kind: target}, **fields
    )


# --- the visibility matrix --------------------------------------------------------------


@pytest.mark.parametrize(("target_kind", "role", "sees"), CASES)
def test_a_response_reaches_exactly_who_sees_what_it_answers(client, cast, target_kind, role, sees):
    kind, target, writer = make_target(cast, target_kind)
    response = add_response(kind, target, writer)
    viewer = person(cast, role)

    assert responses_visible_to(viewer).filter(pk=response.pk).exists() == sees
    client.force_login(viewer)
    page = client.get(target.get_absolute_url())
    assert (BODY in page.content.decode()) == sees
    if sees:
        assert page.status_code == 200


@pytest.mark.parametrize("target_kind", list(SEES))
def test_nobody_signed_out_reaches_a_response(client, cast, target_kind):
    kind, target, writer = make_target(cast, target_kind)
    response = add_response(kind, target, writer)
    from django.contrib.auth.models import AnonymousUser

    assert not responses_visible_to(AnonymousUser()).filter(pk=response.pk).exists()
    page = client.get(target.get_absolute_url())
    assert BODY not in page.content.decode()


@pytest.mark.parametrize(("target_kind", "role", "may"), CASES)
def test_only_who_sees_it_may_respond(client, cast, target_kind, role, may):
    kind, target, _ = make_target(cast, target_kind)
    client.force_login(person(cast, role))

    answer = client.post(respond_url(cast.community, kind, target), {"body": BODY})

    assert answer.status_code == (302 if may else 404)
    assert Response.objects.count() == (1 if may else 0)


def test_a_visitor_of_an_open_communitys_session_page_sees_no_responses_and_no_form(client, cast):
    session = SessionFactory(community=cast.community)
    add_response("session", session, cast.member)
    client.force_login(cast.non_member)

    page = client.get(session.get_absolute_url())

    assert page.status_code == 200
    assert BODY not in page.content.decode()
    assert "Post response" not in page.content.decode()


def test_a_response_follows_its_reflection_when_it_is_made_private(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    Reflection.objects.filter(pk=reflection.pk).update(visibility="private")

    assert not responses_visible_to(cast.member).filter(pk=response.pk).exists()
    assert responses_visible_to(cast.author).filter(pk=response.pk).exists()


# --- writing, the form, replies -----------------------------------------------------------


def test_the_form_invites_building_on_it(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    page = client.get(reflection.get_absolute_url())

    assert "Yes, and… what does this make you think of in your own practice?" in (
        page.content.decode()
    )


def test_responding_without_javascript_redirects_to_the_new_response(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(respond_url(cast.community, "reflection", reflection), {"body": "**Yes**"})

    response = Response.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"{reflection.get_absolute_url()}#response-{response.pk}"
    assert (response.author, response.reflection, response.community) == (
        cast.member,
        reflection,
        cast.community,
    )
    page = client.get(reflection.get_absolute_url())
    assert "<strong>Yes</strong>" in page.content.decode()


def test_responding_with_htmx_swaps_in_the_conversation_and_announces_it(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": BODY},
        HTTP_HX_REQUEST="true",
    )

    response = Response.objects.get()
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.lstrip().startswith("<section") or 'id="responses"' in html
    assert f'id="response-{response.pk}" data-focus-after-swap' in html
    assert "Your response is posted." in answer["HX-Trigger-After-Settle"]


def test_markdown_in_a_response_is_sanitised_like_a_reflection(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    add_response(
        "reflection",
        reflection,
        cast.member,
        body="<script>alert(1)</script> [x](javascript:alert(1)) *fine*",
    )
    client.force_login(cast.author)

    html = client.get(reflection.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<em>fine</em>" in html


def test_a_reply_joins_the_response_it_answers(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    top = add_response("reflection", reflection, cast.author)
    client.force_login(cast.member)

    client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": "A reply", "parent": top.pk},
    )

    reply = Response.objects.exclude(pk=top.pk).get()
    assert reply.parent == top


def test_a_reply_to_a_reply_attaches_to_the_top_response(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    top = add_response("reflection", reflection, cast.author)
    reply = add_response("reflection", reflection, cast.member, parent=top)
    client.force_login(cast.facilitator)

    client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": "Deeper", "parent": reply.pk},
    )

    assert Response.objects.get(body="Deeper").parent == top


def test_a_reply_to_a_response_of_another_reflection_is_refused(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    other = ReflectionFactory(community=cast.community, author=cast.author)
    elsewhere = add_response("reflection", other, cast.author)
    client.force_login(cast.member)

    answer = client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": "Misplaced", "parent": elsewhere.pk},
    )

    assert answer.status_code == 404
    assert not Response.objects.filter(body="Misplaced").exists()


@pytest.mark.parametrize("parent", ["abc", "99999999", str(2**63), "-1"])
def test_a_tampered_parent_is_a_404(client, cast, parent):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(
        respond_url(cast.community, "reflection", reflection), {"body": "x", "parent": parent}
    )

    assert answer.status_code == 404
    assert Response.objects.count() == 0


def test_responding_to_another_communitys_reflection_is_a_404(client, cast):
    theirs = ReflectionFactory(community=cast.other_community, author=cast.outsider)
    client.force_login(cast.member)

    answer = client.post(respond_url(cast.community, "reflection", theirs), {"body": BODY})

    assert answer.status_code == 404
    assert Response.objects.count() == 0


def test_an_unknown_kind_is_a_404(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(respond_url(cast.community, "action", reflection), {"body": BODY})

    assert answer.status_code == 404


def test_responding_to_a_reflection_deleted_meanwhile_says_so_and_keeps_the_text(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    url = respond_url(cast.community, "reflection", reflection)
    reflection.delete()
    client.force_login(cast.member)

    answer = client.post(url, {"body": "What I thought <b>carefully</b>"})

    html = answer.content.decode()
    assert answer.status_code == 404
    assert "This is no longer here" in html
    assert escape("What I thought <b>carefully</b>") in html
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a few words first"),
        ("   \n ", "Write a few words first"),
        ("x" * 50_000, "keep it under 4,000 characters"),
        ("before\x00after", "Null characters are not allowed"),
    ],
)
def test_bad_bodies_give_a_field_error_and_keep_the_text(client, cast, body, error):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(respond_url(cast.community, "reflection", reflection), {"body": body})

    assert answer.status_code == 200
    assert error in answer.content.decode()
    if body.strip() and "\x00" not in body:
        assert body[:4000] in answer.content.decode()
    assert Response.objects.count() == 0


def test_bad_input_with_htmx_comes_back_in_the_conversation(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    answer = client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": "y" * 5000},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200
    assert 'id="responses"' in answer.content.decode()
    assert "y" * 5000 in answer.content.decode()
    assert Response.objects.count() == 0


def test_a_double_submit_posts_one_response(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    data = {"body": BODY, "submission_token": "same-token-for-both-clicks"}
    url = respond_url(cast.community, "reflection", reflection)

    first = client.post(url, data)
    second = client.post(url, data)

    assert Response.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_double_submit_with_htmx_posts_one_response(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    data = {"body": BODY, "submission_token": "same-token-for-both-clicks"}
    url = respond_url(cast.community, "reflection", reflection)

    client.post(url, data, HTTP_HX_REQUEST="true")
    second = client.post(url, data, HTTP_HX_REQUEST="true")

    assert Response.objects.count() == 1
    assert second["HX-Redirect"].endswith(f"#response-{Response.objects.get().pk}")


# --- edit and delete your own ---------------------------------------------------------------


def test_the_author_edits_their_response(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    client.force_login(cast.member)
    url = reverse("reflections:response_edit", args=[cast.community.slug, response.pk])

    assert client.get(url).status_code == 200
    answer = client.post(url, {"body": "Thought again"})

    response.refresh_from_db()
    assert answer.status_code == 302
    assert response.body == "Thought again"
    assert response.edited_at is not None


@pytest.mark.parametrize("role", ["author", "facilitator", "coordinator", "outsider", "leader"])
def test_nobody_else_edits_or_deletes_a_response(client, cast, role):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    client.force_login(person(cast, role))
    slug = cast.community.slug

    edit = client.post(
        reverse("reflections:response_edit", args=[slug, response.pk]), {"body": "x"}
    )
    delete = client.post(reverse("reflections:response_delete", args=[slug, response.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    response.refresh_from_db()
    assert response.body == BODY


def test_deleting_asks_first_then_removes_the_response_and_its_replies(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    add_response("reflection", reflection, cast.author, parent=response)
    client.force_login(cast.member)
    url = reverse("reflections:response_delete", args=[cast.community.slug, response.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete your response?" in confirm.content.decode()
    assert "1 reply" in confirm.content.decode()
    assert Response.objects.count() == 2

    answer = client.post(url)

    assert answer.status_code == 302
    assert Response.objects.count() == 0


def test_editing_a_response_with_bad_input_keeps_the_text(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    client.force_login(cast.member)

    answer = client.post(
        reverse("reflections:response_edit", args=[cast.community.slug, response.pk]),
        {"body": "z" * 4001},
    )

    assert answer.status_code == 200
    assert "z" * 4001 in answer.content.decode()
    response.refresh_from_db()
    assert response.body == BODY


# --- the author is told, exactly once ---------------------------------------------------------


def test_the_author_of_the_reflection_is_emailed_once(cast, django_capture_on_commit_callbacks):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Maps")

    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_create(
            author=cast.member,
            community=cast.community,
            kind="reflection",
            target=reflection,
            body="Yes, and **rough maps** win.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = tell_author_of_response(response)

    assert again == 0
    assert [m.to for m in mail.outbox] == [[cast.author.email]]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "Maps" in message.subject
    assert "rough maps win" in message.body
    assert "rough maps win" in html
    assert f"#response-{response.pk}" in message.body
    assert f"#response-{response.pk}" in html


def test_a_reply_tells_the_responder_and_not_the_replier(cast, django_capture_on_commit_callbacks):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    top = add_response("reflection", reflection, cast.member)

    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(
            author=cast.author,
            community=cast.community,
            kind="reflection",
            target=reflection,
            body="Thanks!",
            parent=top,
        )

    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    assert "replied to your response" in mail.outbox[0].body


def test_responding_to_your_own_reflection_emails_nobody(cast, django_capture_on_commit_callbacks):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)

    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(
            author=cast.author,
            community=cast.community,
            kind="reflection",
            target=reflection,
            body="A note to add",
        )

    assert mail.outbox == []


def test_the_author_of_shared_work_is_told(cast, django_capture_on_commit_callbacks):
    work = SharedWorkFactory(
        session=SessionFactory(community=cast.community, status="completed"), author=cast.author
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(
            author=cast.member, community=cast.community, kind="work", target=work, body="Nice"
        )

    assert [m.to for m in mail.outbox] == [[cast.author.email]]


# --- moderation ------------------------------------------------------------------------------


def hide(client, cast, kind, pk, reason="Not how we talk here."):
    client.force_login(cast.facilitator)
    return client.post(
        reverse("reflections:hide", args=[cast.community.slug, kind, pk]), {"reason": reason}
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("member", True),  # its author
        ("author", False),  # the reflection's author, another member
        ("facilitator", True),
        ("coordinator", True),
        ("outsider", False),
        ("leader", False),
    ],
)
def test_a_hidden_response_stays_with_its_author_and_the_facilitators(client, cast, role, sees):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    assert hide(client, cast, "response", response.pk).status_code == 302
    viewer = person(cast, role)

    client.force_login(viewer)
    page = client.get(reflection.get_absolute_url()).content.decode()
    listing = client.get(reverse("reflections:list", args=[cast.community.slug]))

    assert (BODY in page) == sees
    assert responses_visible_to(viewer).filter(pk=response.pk).exists() == sees
    if sees:
        assert "Hidden by a facilitator" in page
        assert "Not how we talk here." in page
    if listing.status_code == 200:
        rows = {r.pk: r.response_count for r in listing.context["page"]}
        assert rows[reflection.pk] == (1 if sees else 0)


def test_hiding_is_recorded_and_can_be_undone(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)

    hide(client, cast, "response", response.pk, reason="Unkind")
    client.post(
        reverse("reflections:hide", args=[cast.community.slug, "response", response.pk]),
        {"show": "1"},
    )

    response.refresh_from_db()
    assert response.hidden_at is None
    assert [(e.act, e.by, e.reason) for e in ModerationEntry.objects.order_by("at", "pk")] == [
        ("hidden", cast.facilitator, "Unkind"),
        ("shown", cast.facilitator, ""),
    ]


def test_hiding_needs_a_reason(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)

    answer = hide(client, cast, "response", response.pk, reason="")

    assert answer.status_code == 200
    assert "Say which of the community" in answer.content.decode()
    response.refresh_from_db()
    assert response.hidden_at is None


@pytest.mark.parametrize("role", ["member", "author", "outsider", "leader"])
def test_only_facilitators_hide(client, cast, role):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.member)
    client.force_login(person(cast, role))

    answer = client.post(
        reverse("reflections:hide", args=[cast.community.slug, "response", response.pk]),
        {"reason": "x"},
    )

    assert answer.status_code == 404
    response.refresh_from_db()
    assert response.hidden_at is None


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("author", True),
        ("member", False),
        ("facilitator", True),
        ("coordinator", True),
        ("outsider", False),
        ("leader", False),
    ],
)
def test_a_hidden_community_reflection_stays_with_its_author_and_facilitators(
    client, cast, role, sees
):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    hide(client, cast, "reflection", reflection.pk, reason="Names a client")
    client.force_login(person(cast, role))

    page = client.get(reflection.get_absolute_url())

    assert page.status_code == (200 if sees else 404)
    if sees:
        assert "Names a client" in page.content.decode()


def test_a_private_reflection_is_not_the_communitys_to_hide(client, cast):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, visibility="facilitators"
    )

    answer = hide(client, cast, "reflection", reflection.pk)

    assert answer.status_code == 404


def test_any_member_flags_once_and_facilitators_see_it(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.author)
    client.force_login(cast.member)
    url = reverse("reflections:flag", args=[cast.community.slug, "response", response.pk])

    assert client.get(url).status_code == 200
    client.post(url, {"note": "Feels harsh"})
    client.post(url, {"note": "Feels harsh"})

    assert Flag.objects.count() == 1
    flags_url = reverse("reflections:flags", args=[cast.community.slug])
    assert client.get(flags_url).status_code == 404
    client.force_login(cast.facilitator)
    page = client.get(flags_url)
    assert page.status_code == 200
    assert "Feels harsh" in page.content.decode()
    assert ModerationEntry.objects.get().act == "flagged"


def test_resolving_a_flag_takes_it_off_the_page(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    flag = Flag.objects.create(
        community=cast.community, reflection=reflection, flagged_by=cast.member
    )
    client.force_login(cast.facilitator)

    client.post(reverse("reflections:flag_resolve", args=[cast.community.slug, flag.pk]))

    flag.refresh_from_db()
    assert flag.resolved_by == cast.facilitator
    page = client.get(reverse("reflections:flags", args=[cast.community.slug]))
    assert "Nothing waiting" in page.content.decode()


def test_hiding_resolves_the_flags_on_it(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = add_response("reflection", reflection, cast.author)
    Flag.objects.create(community=cast.community, response=response, flagged_by=cast.member)

    hide(client, cast, "response", response.pk)

    assert Flag.objects.filter(resolved_at__isnull=True).count() == 0


@pytest.mark.parametrize("role", ["outsider", "leader", "non_member"])
def test_people_outside_cannot_flag(client, cast, role):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(person(cast, role))

    answer = client.post(
        reverse("reflections:flag", args=[cast.community.slug, "reflection", reflection.pk])
    )

    assert answer.status_code == 404
    assert Flag.objects.count() == 0


def test_a_flag_on_a_reflection_one_cannot_see_is_a_404(client, cast):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, visibility="private"
    )
    client.force_login(cast.member)

    answer = client.post(
        reverse("reflections:flag", args=[cast.community.slug, "reflection", reflection.pk])
    )

    assert answer.status_code == 404


# --- pages built on it -------------------------------------------------------------------------


def test_the_work_page_shows_its_conversation(client, cast):
    work = SharedWorkFactory(
        session=SessionFactory(community=cast.community, status="completed"), author=cast.author
    )
    add_response("work", work, cast.facilitator)
    client.force_login(cast.member)

    page = client.get(work.get_absolute_url())

    assert page.status_code == 200
    assert BODY in page.content.decode()


def test_counts_show_on_the_reviews_page_and_the_sessions_list(client, cast):
    session = SessionFactory(
        community=cast.community,
        status="completed",
        starts_at=timezone.now() - dt.timedelta(days=2),
    )
    work = SharedWorkFactory(session=session, author=cast.member)
    for _ in range(3):
        add_response("work", work, cast.author)
    add_response("session", session, cast.author)
    add_response("session", session, cast.author)
    client.force_login(cast.member)

    reviews = client.get(reverse("reviews:reviews", args=[cast.community.slug]))
    sessions = client.get(reverse("sessions:list", args=[cast.community.slug]))

    assert "3 responses" in reviews.content.decode()
    assert "2 responses" in sessions.content.decode()


def test_replies_under_a_hidden_response_are_hidden_and_not_counted(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    top = add_response("reflection", reflection, cast.member)
    reply = add_response("reflection", reflection, cast.coordinator, parent=top)
    hide(client, cast, "response", top.pk)

    client.force_login(cast.author)
    listing = client.get(reverse("reflections:list", args=[cast.community.slug]))

    assert not responses_visible_to(cast.author).filter(pk=reply.pk).exists()
    assert responses_visible_to(cast.facilitator).filter(pk=reply.pk).exists()
    assert {r.pk: r.response_count for r in listing.context["page"]}[reflection.pk] == 0


@pytest.mark.parametrize("rows", [1, 12])
def test_the_flags_page_costs_the_same_queries(client, cast, django_assert_num_queries, rows):
    for _ in range(rows):
        reflection = ReflectionFactory(community=cast.community, author=cast.author)
        response = add_response("reflection", reflection, cast.author)
        services.content_flag(content=response, by=cast.member, note="Harsh?")
        services.content_flag(content=reflection, by=cast.member, note="Names a client?")
    client.force_login(cast.facilitator)

    with django_assert_num_queries(6):
        page = client.get(reverse("reflections:flags", args=[cast.community.slug]))

    assert page.status_code == 200
    assert len(page.context["flags"]) == rows * 2
    assert "Their concern: Names a client?" in page.content.decode()


def test_a_response_is_a_notification_for_the_author_and_the_digest_choice_holds_the_email(
    cast, django_capture_on_commit_callbacks
):
    from accounts.models import Notification, NotificationPreference

    NotificationPreference.objects.create(
        user=cast.author, kind="response", email=NotificationPreference.Email.DIGEST
    )
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Maps")
    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_create(
            author=cast.member,
            community=cast.community,
            kind="reflection",
            target=reflection,
            body="Yes, and rough maps win.",
        )

    notification = Notification.objects.get(recipient=cast.author)
    assert (notification.kind, notification.url) == ("response", response.get_absolute_url())
    assert notification.text == f"{cast.member.name} responded to “Maps”."
    assert mail.outbox == []  # the digest's conversations carry it instead


def test_the_flags_page_names_nothing_the_facilitator_may_not_read(cast):
    from reflections.models import Flag

    private = ReflectionFactory(
        community=cast.community, author=cast.author, title="Only mine", visibility="private"
    )
    shared = ReflectionFactory(community=cast.community, author=cast.author, title="For all")
    for reflection in (private, shared):
        Flag.objects.create(
            community=cast.community, flagged_by=cast.author, note="check", reflection=reflection
        )
    client = Client()
    client.force_login(cast.facilitator)

    page = client.get(reverse("reflections:flags", args=[cast.community.slug])).content.decode()

    assert "For all" in page
    assert "Only mine" not in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_reply_to_a_response_deleted_meanwhile_keeps_the_words(client, cast, htmx):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    top = add_response("reflection", reflection, cast.author)
    gone = top.pk
    top.delete()
    client.force_login(cast.member)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    answer = client.post(
        respond_url(cast.community, "reflection", reflection),
        {"body": "My careful reply, <kept>", "parent": gone},
        **headers,
    )

    page = answer.content.decode()
    assert answer.status_code == (200 if htmx else 404)
    assert "was deleted meanwhile" in page
    assert escape("My careful reply, <kept>") in page
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_list_counts_exactly_the_responses_each_viewer_may_read(client, cast, role):
    """The reflections list counts responses with `shown_q` alone (its rows went through
    the reading rule; access.responses_answering_readable): for every viewer and every
    visibility, each row's count is that of the full audience rule."""
    from communities.access import community_for
    from reflections.access import responses_for

    reflections = [
        ReflectionFactory(community=cast.community, author=cast.author, visibility=visibility)
        for visibility in ("private", "facilitators", "community")
    ]
    for reflection in reflections:
        add_response("reflection", reflection, cast.author)
        hidden = add_response("reflection", reflection, cast.member)
        add_response("reflection", reflection, cast.facilitator, parent=hidden)
        Response.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    viewer = person(cast, role)
    client.force_login(viewer)

    listing = client.get(reverse("reflections:list", args=[cast.community.slug]))

    if listing.status_code != 200:
        return
    access = community_for(viewer, cast.community.slug)
    counts = {r.pk: r.response_count for r in listing.context["page"]}
    expected = {
        r.pk: responses_for(access, viewer).filter(reflection=r).count()
        for r in reflections
        if r.pk in counts
    }
    assert counts == expected
    assert set(counts) == {r.pk for r in Reflection.objects.visible_to(viewer, cast.community)}


@pytest.mark.parametrize("role", ROLES)
def test_the_responses_of_one_kind_are_exactly_those_the_rule_lets_through(cast, role):
    """responses_of_kind_for (the response counts of a list) narrows the audience rule to
    one kind's branch and settles "facilitator" from the membership: the same rows as
    responses_for, for every kind of target, hidden threads and every viewer."""
    from communities.access import CommunityAccess
    from communities.models import Membership
    from reflections.access import responses_for, responses_of_kind_for

    for target_kind in SEES:
        kind, target, writer = make_target(cast, target_kind)
        top = add_response(kind, target, writer)
        add_response(kind, target, cast.member, parent=top)
        hidden = add_response(kind, target, cast.member, hidden_at=timezone.now())
        add_response(kind, target, writer, parent=hidden)
    viewer = person(cast, role)
    membership = Membership.objects.active().filter(community=cast.community, user=viewer).first()
    access = CommunityAccess(community=cast.community, membership=membership)

    for kind in Response.Kind.values:
        expected = set(
            responses_for(access, viewer)
            .filter(**{f"{kind}__isnull": False})
            .values_list("pk", flat=True)
        )
        narrowed = set(responses_of_kind_for(access, viewer, kind).values_list("pk", flat=True))
        assert narrowed == expected
