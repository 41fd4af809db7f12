"""@mentions (issue 16 item 2): how they are written and resolved, who they reach for each
kind of text and visibility, that an edit tells only the newly mentioned, how they are
shown (highlighted or plain, always escaped), the email exactly once, and bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from communities.mentions import MENTIONS_MAX, as_plain_text, mentioned_ids, token, written
from communities.models import Membership
from reflections import services
from reflections.emails import tell_mentioned
from reflections.markdown import render_markdown
from reflections.mentions import mentions_record
from reflections.models import Mention, Reflection, Response
from reviews import services as review_services
from tests.factories import (
    ActionFactory,
    MembershipFactory,
    PeerReviewFactory,
    ReflectionFactory,
    SharedWorkFactory,
    UserFactory,
)


def reflect(cast, body, visibility="community", author=None):
    return services.reflection_save(
        author=author or cast.author,
        community=cast.community,
        data={
            "title": "Maps",
            "loop_level": "single",
            "body": body,
            "session": None,
            "outcome": None,
            "follow_up_of": None,
            "visibility": visibility,
            "answers": {},
        },
    )


def mentioned(obj, link="reflection"):
    return set(Mention.objects.filter(**{link: obj}).values_list("person__email", flat=True))


# --- the written form and resolving typed mentions ------------------------------------------


def test_token_is_stable_and_strips_what_would_break_it(cast):
    cast.member.display_name = "Al[ice] (the) <b>"
    assert token(cast.member) == f"@[Alice the <b>]({cast.member.pk})"


def test_typed_display_name_and_handle_become_the_written_form(cast):
    cast.member.display_name = "Alice Wong"
    cast.member.save()

    result = written(cast.community, "Thanks @Alice Wong, and @bob: see you.")

    assert result.text == (
        f"Thanks @[Alice Wong]({cast.member.pk}), and @[Bob]({cast.facilitator.pk}): see you."
    )
    assert result.ids == [cast.member.pk, cast.facilitator.pk]


def test_typed_mentions_of_non_members_emails_and_ambiguous_names_stay_plain(cast):
    twin = UserFactory(display_name="Alice", email="alice.two@example.org")
    MembershipFactory(community=cast.community, user=twin)
    text = "Ask @dave, @frank, write to carol@example.org, and @Alice (two of them)."

    result = written(cast.community, text)

    assert result.text == text
    assert result.ids == []


def test_mentioned_ids_caps_and_ignores_malformed_tokens():
    text = " ".join(f"@[P{i}]({i})" for i in range(1, 1001))
    text += " @[x](abc) @[](3) @[a]b](4) @[z](99999999999999999999)"

    assert mentioned_ids(text) == list(range(1, MENTIONS_MAX + 1))


# --- who is mentioned and told: each kind and visibility ---------------------------------------


def test_a_community_reflection_mentions_members_not_outsiders(
    cast, django_capture_on_commit_callbacks
):
    body = (
        f"Yes @[Alice]({cast.member.pk}) and @[Dave]({cast.outsider.pk}) "
        f"and @[Frank]({cast.non_member.pk}) and @[Me]({cast.author.pk})"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, body)

    assert mentioned(reflection) == {cast.member.email}
    assert [m.to for m in mail.outbox] == [[cast.member.email]]


def test_a_private_reflection_mentions_nobody(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, "@alice and @bob, have a look", visibility="private")

    assert mentioned(reflection) == set()
    assert mail.outbox == []


def test_a_facilitators_only_reflection_mentions_only_facilitators(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, "@alice @bob @carol", visibility="facilitators")

    assert mentioned(reflection) == {cast.facilitator.email, cast.coordinator.email}
    assert sorted(m.to[0] for m in mail.outbox) == [cast.facilitator.email, cast.coordinator.email]


def test_a_response_mentions_only_who_may_read_what_it_answers(cast):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, visibility=Reflection.Visibility.FACILITATORS
    )

    response = services.response_create(
        author=cast.facilitator,
        community=cast.community,
        kind="reflection",
        target=reflection,
        body="Yes, and @alice @carol",
    )

    assert mentioned(response, "response") == {cast.coordinator.email}


def test_an_action_mentions_members_of_its_community(cast):
    action = services.action_create(
        community=cast.community,
        created_by=cast.facilitator,
        data={"title": "Try maps", "owner": cast.facilitator, "description": "With @alice, @dave"},
    )

    assert mentioned(action, "action") == {cast.member.email}
    action.refresh_from_db()
    assert action.description == f"With @[Alice]({cast.member.pk}), @dave"


def test_a_review_reply_mentions_only_its_readers(cast, django_capture_on_commit_callbacks):
    work = SharedWorkFactory(community=cast.community, author=cast.author)
    review = PeerReviewFactory(work=work, reviewer=cast.member, round__community=cast.community)

    with django_capture_on_commit_callbacks(execute=True):
        reply = review_services.review_reply(review=review, body="Thanks @alice, @bob and @carol")

    # Alice reviewed it; Bob and Carol facilitate. Another member would not see the reply.
    assert mentioned(reply, "review_reply") == {
        cast.member.email,
        cast.facilitator.email,
        cast.coordinator.email,
    }
    told = {m.to[0]: m for m in mail.outbox if "mentioned you" in m.subject}
    assert set(told) == {cast.member.email, cast.facilitator.email, cast.coordinator.email}
    message = told[cast.facilitator.email]
    assert "mentioned you in a reply to a peer review" in message.body
    assert f"#review-{review.pk}" in message.alternatives[0][0]


def test_a_review_reply_does_not_mention_a_member_who_cannot_read_it(cast):
    other = UserFactory(display_name="Olive", email="olive@example.org")
    MembershipFactory(community=cast.community, user=other, role=Membership.Role.MEMBER)
    work = SharedWorkFactory(community=cast.community, author=cast.author)
    review = PeerReviewFactory(work=work, reviewer=cast.member, round__community=cast.community)

    reply = review_services.review_reply(review=review, body="Thanks, @olive")

    assert mentioned(reply, "review_reply") == set()


# --- editing: only the newly mentioned are told, once ---------------------------------------------


def test_editing_tells_only_the_newly_mentioned_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, "@alice")
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_save(
            author=cast.author,
            community=cast.community,
            reflection=reflection,
            data={**_data(reflection), "body": "@bob only"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_save(
            author=cast.author,
            community=cast.community,
            reflection=reflection,
            data={**_data(reflection), "body": "@alice and @bob again"},
        )

    assert [m.to[0] for m in mail.outbox] == [cast.member.email, cast.facilitator.email]
    assert Mention.objects.filter(reflection=reflection).count() == 2


def _data(reflection):
    return {
        name: getattr(reflection, name)
        for name in ("title", "loop_level", "body", "session", "outcome", "follow_up_of")
    } | {"visibility": reflection.visibility, "answers": {}}


def test_editing_a_response_tells_the_newly_mentioned(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    response = services.response_create(
        author=cast.member, community=cast.community, kind="reflection", target=reflection,
        body="Yes, and",
    )  # fmt: skip

    services.response_edit(response=response, body="Yes, and @bob")
    services.response_edit(response=response, body="Yes, and @bob @bob")

    assert mentioned(response, "response") == {cast.facilitator.email}


# --- the email, exactly once --------------------------------------------------------------


def test_the_mention_email_is_sent_exactly_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, "What do you think, @alice? **Maps** again.")
    mention = Mention.objects.get(reflection=reflection)
    with django_capture_on_commit_callbacks(execute=True):
        again = tell_mentioned(mention)

    assert again is False
    assert [m.to for m in mail.outbox] == [[cast.member.email]]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == f"{cast.author.name} mentioned you: “Maps”"
    assert "What do you think, @Alice? Maps again." in message.body
    assert "What do you think, @Alice? Maps again." in html
    assert reflection.get_absolute_url() in message.body


def test_nothing_is_told_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            reflect(cast, "@alice")
            raise RuntimeError

    assert mail.outbox == []
    assert Mention.objects.count() == 0


# --- showing: highlighted or plain, always escaped --------------------------------------------


def test_a_counted_mention_is_highlighted_with_todays_name(cast):
    html = render_markdown(f"Hi @[Old Name]({cast.member.pk})!", {cast.member.pk: "Alice"})

    assert html == '<p>Hi <strong class="mention">@Alice</strong>!</p>\n'


def test_a_mention_that_does_not_count_is_plain_text_never_a_link(cast):
    html = render_markdown(f"Hi @[Dave]({cast.outsider.pk}) and @[x](1)")

    assert html == "<p>Hi @Dave and @x</p>\n"


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "**bold** _it_ `code` <b>",
        "javascript:alert(1)",
    ],
)
def test_names_in_mentions_are_escaped(name):
    for mentioned_names in ({}, {7: name}):
        html = render_markdown(
            f'@[{name}](7) and [t](https://e.org "@[{name}](7)")', mentioned_names
        )

        assert "<script" not in html
        assert "<img" not in html
        assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
        assert "<b>" not in html


def test_placeholders_typed_by_people_are_dropped():
    assert render_markdown("\ue0000\ue001 plain") == "<p>0 plain</p>\n"


def test_plain_text_shows_the_written_name():
    assert as_plain_text("Thanks @[Alice](3)!") == "Thanks @Alice!"


def test_the_reflection_page_highlights_who_was_mentioned(client, cast):
    reflection = reflect(cast, f"Ask @alice and @[Dave]({cast.outsider.pk})")
    cast.member.display_name = "Alice Renamed"
    cast.member.save()
    client.force_login(cast.facilitator)

    page = client.get(reflection.get_absolute_url())

    assert page.status_code == 200
    body = page.content.decode()
    assert '<strong class="mention">@Alice Renamed</strong>' in body
    assert "and @Dave</p>" in body


def test_an_action_page_and_a_review_reply_show_mentions_as_plain_names(client, cast):
    action = ActionFactory(
        community=cast.community, owner=cast.member, description=f"With @[Alice]({cast.member.pk})"
    )
    client.force_login(cast.member)

    page = client.get(action.get_absolute_url())

    assert page.status_code == 200
    assert "With @Alice" in page.content.decode()


@pytest.mark.parametrize("mentions", [1, 25])
def test_a_reflection_with_mentions_costs_the_same_queries(
    client, cast, django_assert_num_queries, mentions
):
    people = [cast.member, cast.facilitator, cast.coordinator]
    for i in range(len(people), mentions):
        person = UserFactory(display_name=f"Person {i}", email=f"p{i}@example.org")
        MembershipFactory(community=cast.community, user=person)
        people.append(person)
    body = " ".join(token(person) for person in people[:mentions])
    reflection = reflect(cast, body)
    Response.objects.create(
        community=cast.community, author=cast.author, reflection=reflection, body=body
    )
    mentions_record(reflection.responses.get(), by=cast.author)
    client.force_login(cast.facilitator)

    # As test_response_signals' reflection page with responses: the reflection's and the
    # responses' mentions cost one query each, however many there are.
    with django_assert_num_queries(12):
        page = client.get(reflection.get_absolute_url())

    assert page.status_code == 200
    assert page.content.decode().count('class="mention"') == 2 * min(mentions, MENTIONS_MAX)


# --- bad input: never a 500 ------------------------------------------------------------------


def test_a_thousand_mentions_tell_at_most_the_cap(client, cast):
    client.force_login(cast.author)
    body = f"@[Alice]({cast.member.pk}) " + " ".join(f"@a{n}" for n in range(1000))
    body += " ".join(f"@[X]({n})" for n in range(1000)) + " @alice" * 200

    response = client.post(
        reverse("reflections:new", args=[cast.community.slug]),
        {"title": "Many", "loop_level": "single", "body": body, "visibility": "community"},
    )

    assert response.status_code == 302
    assert Mention.objects.filter(person=cast.member).count() == 1
    assert Mention.objects.count() == 1


def test_nul_bytes_and_tampered_ids_never_fail(client, cast):
    client.force_login(cast.author)

    response = client.post(
        reverse("reflections:new", args=[cast.community.slug]),
        {
            "title": "Odd",
            "loop_level": "single",
            "body": "@\x00alice @[Bob](99999999999999999) @[Bob](-1) @[",
            "visibility": "community",
        },
    )

    assert response.status_code in (200, 302)
    assert Mention.objects.count() == 0


# --- the autocomplete: the member search for the purpose "mention" ------------------------------


def test_the_autocomplete_offers_matching_members_with_their_written_form(client, cast):
    client.force_login(cast.author)

    page = client.get(
        reverse("communities:member_search", args=[cast.community.slug]),
        {"for": "mention", "name": "mention", "q": "ali"},
        headers={"HX-Request": "true"},
    )

    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('role="option"') == 1
    assert f'data-token="@[Alice]({cast.member.pk})"' in body


def test_the_autocomplete_says_when_nobody_matches_and_refuses_outsiders(client, cast):
    url = reverse("communities:member_search", args=[cast.community.slug])
    query = {"for": "mention", "name": "mention", "q": "dave"}
    client.force_login(cast.author)
    nobody = client.get(url, query)
    client.force_login(cast.outsider)
    outsider = client.get(url, query)

    assert nobody.status_code == 200
    assert "Nobody here matches “dave”." in nobody.content.decode()
    assert outsider.status_code == 404


@pytest.mark.parametrize("page_name", ["new", "respond", "action_new"])
def test_the_forms_offer_mentions(client, cast, page_name):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.facilitator)
    args = {
        "new": [cast.community.slug],
        "respond": [cast.community.slug, "reflection", reflection.pk],
        "action_new": [cast.community.slug],
    }[page_name]

    page = client.get(reverse(f"reflections:{page_name}", args=args))

    assert page.status_code == 200
    assert (
        f'data-mention-url="/c/{cast.community.slug}/members/search/?for=mention&amp;name=mention"'
        in page.content.decode()
    )


def test_the_demo_mentions_member_in_a_response(db, client):
    from django.core.management import call_command

    call_command("seed_demo", force=True)
    mention = Mention.objects.get(person__email="member@example.com")
    client.force_login(mention.person)

    page = client.get(mention.response.reflection.get_absolute_url())

    assert page.status_code == 200
    assert f'<strong class="mention">@{mention.person.name}</strong>' in page.content.decode()
    assert mention.by.email == "ben@demo.copsite.org"


def test_a_mention_is_a_notification_and_its_email_follows_the_persons_choice(
    cast, django_capture_on_commit_callbacks
):
    from accounts.models import Notification, NotificationPreference

    NotificationPreference.objects.create(
        user=cast.member, kind="mention", email=NotificationPreference.Email.NEVER
    )
    with django_capture_on_commit_callbacks(execute=True):
        reflection = reflect(cast, "What do you think, @alice?")

    notification = Notification.objects.get(recipient=cast.member, kind="mention")
    assert notification.url == reflection.get_absolute_url()
    assert notification.text == f"{cast.author.name} mentioned you in a reflection: “Maps”."
    assert mail.outbox == []  # in the site only, as she chose
