from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ConfidenceRating
from reflections.models import (
    BODY_MAX_CHARS,
    Action,
    Reflection,
    ReflectionDraft,
)
from tests.factories import (
    ActionFactory,
    ConfidenceRatingFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"reflections:{name}", args=[community.slug, *args])


def valid_post(**overrides):
    data = {
        "title": "What the mapping taught me",
        "loop_level": "double",
        "body": "We assumed **maps** settle arguments.",
        "visibility": "community",
        "prompt_assumption": "That a map is neutral.",
    }
    data.update(overrides)
    return data


# --- permissions: every page × every role -------------------------------------------------

MEMBER_ROLES = ["author", "member", "facilitator", "coordinator"]
REFUSED = {"leader": 404, "non_member": 404, "outsider": 404}


def community_pages(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    action = ActionFactory(community=cast.community, owner=cast.author)
    c = cast.community
    return [
        url("list", c),
        url("new", c),
        url("detail", c, reflection.pk),
        url("actions", c),
        url("action_new", c),
        url("action", c, action.pk),
    ]


@pytest.mark.parametrize("role", [*MEMBER_ROLES, *REFUSED])
def test_community_pages_for_every_role(client, cast, role):
    pages = community_pages(cast)
    client.force_login(getattr(cast, role))

    codes = [client.get(page).status_code for page in pages]

    assert codes == [REFUSED.get(role, 200)] * len(pages)


def test_community_pages_send_anonymous_visitors_to_log_in(client, cast):
    for page in community_pages(cast):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["member", "facilitator", "coordinator", "leader", "outsider"])
def test_edit_and_delete_are_the_authors_alone(client, cast, role):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, title="Mine")
    client.force_login(getattr(cast, role))

    edit = client.post(url("edit", cast.community, reflection.pk), valid_post(title="Hijacked"))
    delete = client.post(url("delete", cast.community, reflection.pk))

    assert (edit.status_code, delete.status_code) == (404, 404)
    reflection.refresh_from_db()
    assert reflection.title == "Mine"


def test_cross_community_reflection_id_is_404(client, cast):
    elsewhere = ReflectionFactory(community=cast.other_community)
    client.force_login(cast.member)

    assert client.get(url("detail", cast.community, elsewhere.pk)).status_code == 404


def test_cross_community_action_id_is_404(client, cast):
    elsewhere = ActionFactory(community=cast.other_community)
    client.force_login(cast.facilitator)

    assert client.get(url("action", cast.community, elsewhere.pk)).status_code == 404
    response = client.post(url("action_status", cast.community, elsewhere.pk), {"status": "done"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["mine", "export_zip", "export_csv"])
def test_personal_pages_need_a_login(client, name):
    response = client.get(reverse(f"reflections:{name}"))

    assert response.status_code == 302


# --- writing ------------------------------------------------------------------------------


def test_member_writes_a_reflection_with_prompt_answers(client, cast):
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), valid_post())

    reflection = Reflection.objects.get()
    assert response.url == reflection.get_absolute_url()
    assert (reflection.author, reflection.loop_level, reflection.answers) == (
        cast.member,
        "double",
        {"assumption": "That a map is neutral."},
    )
    page = client.get(response.url).content.decode()
    assert "<strong>maps</strong>" in page
    assert "That a map is neutral." in page


def test_loop_level_may_stay_not_sure_yet(client, cast):
    client.force_login(cast.member)

    client.post(url("new", cast.community), valid_post(loop_level=""))

    assert Reflection.objects.get().loop_level == ""


def test_empty_reflection_gets_a_field_error_and_saves_nothing(client, cast):
    client.force_login(cast.member)

    response = client.post(
        url("new", cast.community), valid_post(body="", prompt_assumption="", title="Kept")
    )

    assert response.status_code == 200
    assert "Write a few words here" in response.content.decode()
    assert 'value="Kept"' in response.content.decode()
    assert not Reflection.objects.exists()


def test_huge_body_is_refused_clearly_and_kept(client, cast):
    client.force_login(cast.member)
    body = "x" * (BODY_MAX_CHARS + 1)

    response = client.post(url("new", cast.community), valid_post(body=body))

    assert response.status_code == 200
    assert f"under {BODY_MAX_CHARS:,} characters" in response.content.decode()
    assert body in response.content.decode()
    assert not Reflection.objects.exists()


def test_preview_of_a_huge_body_renders_only_what_could_be_saved(client, cast):
    client.force_login(cast.member)
    body = "**kept** " + "[" * 300_000

    response = client.post(url("preview", cast.community), {"body": body})

    content = response.content.decode()
    assert response.status_code == 200
    assert "longer than a reflection may be" in content
    assert "<strong>kept</strong>" in content
    assert content.count("[") <= BODY_MAX_CHARS


@pytest.mark.parametrize("field", ["session", "outcome", "follow_up_of"])
def test_links_to_another_community_are_refused(client, cast, field):
    foreign = {
        "session": SessionFactory,
        "outcome": OutcomeFactory,
        "follow_up_of": ActionFactory,
    }[field](community=cast.other_community)
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), valid_post(**{field: foreign.pk}))

    assert response.status_code == 200
    assert "Choose one from this community." in response.content.decode()
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("param", ["session", "outcome", "action"])
def test_preselecting_from_another_community_is_404(client, cast, param):
    foreign = {"session": SessionFactory, "outcome": OutcomeFactory, "action": ActionFactory}[
        param
    ](community=cast.other_community)
    client.force_login(cast.member)

    response = client.get(url("new", cast.community), {param: foreign.pk})

    assert response.status_code == 404


def test_preselecting_session_outcome_and_action(client, cast):
    session = SessionFactory(community=cast.community)
    outcome = OutcomeFactory(community=cast.community)
    action = ActionFactory(community=cast.community, title="Start on time", loop_level="single")
    client.force_login(cast.member)

    response = client.get(
        url("new", cast.community),
        {"session": session.pk, "outcome": outcome.pk, "action": action.pk},
    )

    form = response.context["form"]
    assert (form["session"].value(), form["outcome"].value(), form["follow_up_of"].value()) == (
        session.pk,
        outcome.pk,
        action.pk,
    )
    assert "Did it make a difference?" in response.content.decode()


def test_a_garbled_preselection_is_ignored(client, cast):
    client.force_login(cast.member)

    response = client.get(url("new", cast.community), {"session": "abc"})

    assert response.status_code == 200


def test_confidence_rating_is_stored_for_the_linked_outcome(client, cast):
    outcome = OutcomeFactory(community=cast.community)
    client.force_login(cast.member)

    client.post(url("new", cast.community), valid_post(outcome=outcome.pk, confidence="4"))

    rating = ConfidenceRating.objects.get()
    assert (rating.user, rating.outcome, rating.rating) == (cast.member, outcome, 4)
    # The reflection points down to the rating it recorded.
    assert Reflection.objects.get().confidence_rating == rating


def test_editing_the_confidence_changes_the_same_rating_and_clearing_it_withdraws_it(client, cast):
    outcome = OutcomeFactory(community=cast.community)
    client.force_login(cast.member)
    client.post(url("new", cast.community), valid_post(outcome=outcome.pk, confidence="4"))
    reflection = Reflection.objects.get()
    first = reflection.confidence_rating

    client.post(
        url("edit", cast.community, reflection.pk), valid_post(outcome=outcome.pk, confidence="5")
    )
    reflection.refresh_from_db()
    assert reflection.confidence_rating == first
    assert ConfidenceRating.objects.get().rating == 5

    client.post(url("edit", cast.community, reflection.pk), valid_post(outcome=outcome.pk))
    reflection.refresh_from_db()
    assert reflection.confidence_rating is None
    assert not ConfidenceRating.objects.exists()


def test_confidence_without_an_outcome_is_a_field_error(client, cast):
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), valid_post(confidence="4"))

    assert "Choose the outcome this rating is about" in response.content.decode()
    assert not Reflection.objects.exists()


def test_confidence_is_shown_to_author_and_facilitators_only(client, cast):
    outcome = OutcomeFactory(community=cast.community)
    reflection = ReflectionFactory(community=cast.community, author=cast.author, outcome=outcome)
    reflection.confidence_rating = ConfidenceRatingFactory(
        user=cast.author, outcome=outcome, rating=2
    )
    reflection.save()
    seen = {}
    for role in ("author", "member", "facilitator"):
        client.force_login(getattr(cast, role))
        seen[role] = (
            "confidence 2 of 5" in client.get(reflection.get_absolute_url()).content.decode()
        )

    assert seen == {"author": True, "member": False, "facilitator": True}


def test_preview_without_javascript_shows_the_preview_and_saves_nothing(client, cast):
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), valid_post(preview="1"))

    assert "<strong>maps</strong>" in response.content.decode()
    assert not Reflection.objects.exists()


def test_htmx_preview_renders_the_sanitised_fragment(client, cast):
    client.force_login(cast.member)

    response = client.post(
        url("preview", cast.community), {"body": "_hi_ <b>x</b>"}, headers={"HX-Request": "true"}
    )

    assert "<em>hi</em> &lt;b&gt;x&lt;/b&gt;" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_prompts_swap_to_the_chosen_level_and_keep_typed_answers(client, cast):
    client.force_login(cast.member)

    response = client.post(
        url("prompts", cast.community),
        {"loop_level": "triple", "prompt_intended": "Typed already"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "Which value, principle" in html
    assert "Typed already" in html
    assert "Which assumption does this make you question?" not in html


def test_without_javascript_every_prompt_shows(client, cast):
    client.force_login(cast.member)

    html = client.get(url("new", cast.community)).content.decode()

    for question in ("What was supposed to happen?", "Which assumption", "Which value"):
        assert question in html


def test_autosave_keeps_a_draft_and_the_form_restores_it(client, cast):
    client.force_login(cast.member)

    saved = client.post(
        url("draft", cast.community),
        {"title": "Half a thought", "body": "Still typing"},
        headers={"HX-Request": "true"},
    )
    page = client.get(url("new", cast.community)).content.decode()

    assert "Draft kept at" in saved.content.decode()
    assert 'value="Half a thought"' in page
    assert "Still typing" in page


def test_saving_the_reflection_drops_its_draft(client, cast):
    client.force_login(cast.member)
    client.post(url("draft", cast.community), {"title": "Draft"})

    client.post(url("new", cast.community), valid_post())

    assert not ReflectionDraft.objects.exists()


def test_keep_as_draft_without_javascript_redirects_back(client, cast):
    client.force_login(cast.member)

    response = client.post(url("draft", cast.community), {"title": "No JS"})

    assert response.url == url("new", cast.community)
    assert ReflectionDraft.objects.get().data["title"] == "No JS"


def test_discarding_a_draft(client, cast):
    client.force_login(cast.member)
    client.post(url("draft", cast.community), {"title": "Draft"})

    client.post(url("draft_discard", cast.community))

    assert not ReflectionDraft.objects.exists()


def test_drafts_of_someone_elses_reflection_are_refused(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    response = client.post(url("draft", cast.community), {"draft_for": reflection.pk})

    assert response.status_code == 404
    assert not ReflectionDraft.objects.exists()


def test_author_edits_with_a_draft_and_saves(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.author)
    client.post(url("draft", cast.community), {"draft_for": reflection.pk, "title": "Edited draft"})

    page = client.get(url("edit", cast.community, reflection.pk)).content.decode()
    response = client.post(url("edit", cast.community, reflection.pk), valid_post(title="New"))

    assert 'value="Edited draft"' in page
    reflection.refresh_from_db()
    assert (response.status_code, reflection.title) == (302, "New")
    assert not ReflectionDraft.objects.exists()


def test_delete_asks_first_then_deletes(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.author)

    confirm = client.get(url("delete", cast.community, reflection.pk))
    assert Reflection.objects.exists()
    response = client.post(url("delete", cast.community, reflection.pk))

    assert "Yes, delete it" in confirm.content.decode()
    assert response.url == url("list", cast.community)
    assert not Reflection.objects.exists()


def test_facilitators_see_no_edit_button_on_others_reflections(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.facilitator)

    html = client.get(reflection.get_absolute_url()).content.decode()

    assert url("edit", cast.community, reflection.pk) not in html


# --- reading ------------------------------------------------------------------------------


def test_list_filters_by_level_session_outcome_and_author(client, cast):
    session = SessionFactory(community=cast.community)
    outcome = OutcomeFactory(community=cast.community)
    ReflectionFactory(
        community=cast.community, author=cast.author, title="Alpha", loop_level="single"
    )
    ReflectionFactory(
        community=cast.community,
        author=cast.member,
        title="Beta",
        loop_level="double",
        session=session,
        outcome=outcome,
    )
    client.force_login(cast.member)
    page = url("list", cast.community)

    def titles(**params):
        response = client.get(page, params)
        return [r.title for r in response.context["page"]]

    assert titles(loop_level="single") == ["Alpha"]
    assert titles(session=session.pk) == ["Beta"]
    assert titles(outcome=outcome.pk) == ["Beta"]
    assert titles(author=cast.author.pk) == ["Alpha"]
    assert titles(loop_level="none") == []
    assert titles(q="alp") == ["Alpha"]
    assert titles() == ["Beta", "Alpha"]


def test_list_items_say_their_session_who_sees_them_and_what_was_hidden(client, cast):
    session = SessionFactory(community=cast.community, title="River <walk>")
    ReflectionFactory(
        community=cast.community, author=cast.author, title="Noticed & named", session=session
    )
    ReflectionFactory(
        community=cast.community,
        author=cast.author,
        title="For the facilitators",
        visibility=Reflection.Visibility.FACILITATORS,
    )
    ReflectionFactory(
        community=cast.community, author=cast.author, title="Put away", hidden_at=timezone.now()
    )
    page = url("list", cast.community)

    client.force_login(cast.facilitator)
    html = client.get(page).content.decode()
    client.force_login(cast.member)
    as_member = client.get(page).content.decode()

    assert ">Noticed &amp; named</a></h2>" in html
    assert "\n· River &lt;walk&gt;" in html
    assert '<span class="badge">hidden</span>' in html and "Put away" in html
    assert "seen by me and the community&#x27;s facilitators</span>" in html
    assert "Put away" not in as_member and "For the facilitators" not in as_member
    assert '<span class="badge">hidden</span>' not in as_member


def test_list_ignores_a_filter_from_another_community(client, cast):
    ReflectionFactory(community=cast.community, author=cast.author, title="Alpha")
    foreign = SessionFactory(community=cast.other_community)
    client.force_login(cast.member)

    response = client.get(url("list", cast.community), {"session": foreign.pk})

    assert [r.title for r in response.context["page"]] == ["Alpha"]


def test_list_paginates_newest_first(client, cast):
    for n in range(25):
        ReflectionFactory(community=cast.community, author=cast.author, title=f"R{n:02}")
    client.force_login(cast.member)

    first = client.get(url("list", cast.community)).context["page"]
    # The "Older" link names the page's oldest row (core.paging.KeysetPage).
    second = client.get(url("list", cast.community), {"before": first.older_id}).context["page"]

    assert [r.title for r in first][:2] == ["R24", "R23"]
    assert len(second) == 5


def test_list_htmx_returns_only_the_results(client, cast):
    client.force_login(cast.member)

    response = client.get(url("list", cast.community), headers={"HX-Request": "true"})

    assert response.content.decode().lstrip().startswith('<section id="results"')


def test_empty_list_says_what_to_do_next(client, cast):
    client.force_login(cast.member)

    html = client.get(url("list", cast.community)).content.decode()

    assert "write the first one" in html


def test_my_reflections_spans_communities(client, cast):
    ReflectionFactory(community=cast.community, author=cast.member, title="Here")
    ReflectionFactory(community=cast.other_community, author=cast.member, title="There")
    ReflectionFactory(community=cast.community, author=cast.author, title="Not mine")
    client.force_login(cast.member)

    response = client.get(reverse("reflections:mine"))

    assert sorted(r.title for r in response.context["page"]) == ["Here", "There"]


def test_csv_export_defuses_spreadsheet_formulas(client, cast):
    ReflectionFactory(community=cast.community, author=cast.member, title="=HYPERLINK(1)")
    client.force_login(cast.member)

    content = client.get(reverse("reflections:export_csv")).content.decode()

    assert "'=HYPERLINK(1)" in content


# --- actions ------------------------------------------------------------------------------


def test_facilitator_creates_an_action_from_a_reflection(client, cast):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, loop_level="double"
    )
    client.force_login(cast.facilitator)

    form_page = client.get(url("action_new", cast.community), {"reflection": reflection.pk})
    response = client.post(
        url("action_new", cast.community) + f"?reflection={reflection.pk}",
        {
            "title": "Bring rough sketches",
            "owner": cast.author.pk,
            "due_date": "2030-01-15",
            "loop_level": "double",
            "reflections": [reflection.pk],
        },
    )

    assert form_page.context["form"]["loop_level"].value() == "double"
    assert form_page.context["form"]["owner"].value() == cast.author.pk
    action = Action.objects.get()
    assert response.url == action.get_absolute_url()
    assert (action.owner, action.created_by, list(action.reflections.all())) == (
        cast.author,
        cast.facilitator,
        [reflection],
    )


def test_action_from_a_session(client, cast):
    session = SessionFactory(community=cast.community)
    client.force_login(cast.member)

    response = client.post(
        url("action_new", cast.community) + f"?session={session.pk}",
        {"title": "Shorter intros", "owner": cast.member.pk, "session": session.pk},
    )

    assert response.status_code == 302
    assert Action.objects.get().session == session


def test_action_owner_must_be_an_active_member(client, cast):
    client.force_login(cast.facilitator)

    response = client.post(
        url("action_new", cast.community), {"title": "X", "owner": cast.outsider.pk}
    )

    assert "Choose someone who is an active member of this community." in (
        response.content.decode()
    )
    assert not Action.objects.exists()


def test_action_cannot_link_a_reflection_the_creator_cannot_see(client, cast):
    private = ReflectionFactory(community=cast.community, author=cast.author, visibility="private")
    client.force_login(cast.facilitator)

    get = client.get(url("action_new", cast.community), {"reflection": private.pk})
    post = client.post(
        url("action_new", cast.community),
        {"title": "X", "owner": cast.member.pk, "reflections": [private.pk]},
    )

    assert get.status_code == 404
    assert post.status_code == 200
    assert not Action.objects.exists()


def test_action_from_a_foreign_session_is_404(client, cast):
    foreign = SessionFactory(community=cast.other_community)
    client.force_login(cast.member)

    assert client.get(url("action_new", cast.community), {"session": foreign.pk}).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("author", True), ("facilitator", True), ("coordinator", True), ("member", False)],
)
def test_who_may_move_an_action_on(client, cast, role, allowed):
    action = ActionFactory(community=cast.community, owner=cast.author)
    client.force_login(getattr(cast, role))

    response = client.post(url("action_status", cast.community, action.pk), {"status": "doing"})

    action.refresh_from_db()
    assert response.status_code == (302 if allowed else 404)
    assert action.status == ("doing" if allowed else "proposed")


def test_dropping_needs_a_line_on_why(client, cast):
    action = ActionFactory(community=cast.community, owner=cast.author)
    client.force_login(cast.author)

    refused = client.post(url("action_status", cast.community, action.pk), {"status": "dropped"})
    accepted = client.post(
        url("action_status", cast.community, action.pk),
        {"status": "dropped", "status_note": "The digest does this already."},
    )

    assert "Say in a line why it is dropped" in refused.content.decode()
    action.refresh_from_db()
    assert (accepted.status_code, action.status, action.status_note) == (
        302,
        "dropped",
        "The digest does this already.",
    )


def test_marking_done_invites_a_follow_up_reflection(client, cast):
    action = ActionFactory(community=cast.community, owner=cast.author)
    client.force_login(cast.author)

    response = client.post(
        url("action_status", cast.community, action.pk), {"status": "done"}, follow=True
    )

    html = response.content.decode()
    assert "Did it make a difference?" in html
    assert f"{url('new', cast.community)}?action={action.pk}" in html
    action.refresh_from_db()
    assert action.done_at is not None


def test_follow_up_reflection_links_to_the_action(client, cast):
    action = ActionFactory(community=cast.community, owner=cast.author, status="done")
    client.force_login(cast.author)

    client.post(url("new", cast.community), valid_post(follow_up_of=action.pk))

    assert list(action.follow_ups.all()) == [Reflection.objects.get()]
    html = client.get(action.get_absolute_url()).content.decode()
    assert "What the mapping taught me" in html


def test_editing_an_action_keeps_reflections_the_editor_cannot_see(client, cast):
    private = ReflectionFactory(
        community=cast.community, author=cast.author, visibility="private", title="Secret"
    )
    action = ActionFactory(community=cast.community, owner=cast.author)
    action.reflections.add(private)
    client.force_login(cast.facilitator)

    edit_page = client.get(url("action_edit", cast.community, action.pk)).content.decode()
    assert "Secret" not in edit_page

    response = client.post(
        url("action_edit", cast.community, action.pk),
        {"title": "Renamed", "owner": cast.author.pk},
    )

    action.refresh_from_db()
    assert (response.status_code, action.title) == (302, "Renamed")
    assert list(action.reflections.all()) == [private]


def test_a_member_may_not_edit_someone_elses_action(client, cast):
    action = ActionFactory(community=cast.community, owner=cast.author)
    client.force_login(cast.member)

    assert client.get(url("action_edit", cast.community, action.pk)).status_code == 404


def test_actions_page_shows_open_then_closed(client, cast):
    ActionFactory(community=cast.community, title="Open one", status="doing")
    ActionFactory(community=cast.community, title="Closed one", status="dropped", status_note="x")
    client.force_login(cast.member)

    response = client.get(url("actions", cast.community))

    assert [a.title for a in response.context["open_actions"]] == ["Open one"]
    assert [a.title for a in response.context["closed_page"]] == ["Closed one"]


@pytest.mark.parametrize("name", ["preview", "prompts", "draft", "draft_discard"])
@pytest.mark.parametrize(
    ("role", "status"), [("leader", 404), ("non_member", 404), ("outsider", 404)]
)
def test_form_helpers_refuse_people_outside_the_community(client, cast, name, role, status):
    client.force_login(getattr(cast, role))

    response = client.post(url(name, cast.community), {"body": "x", "title": "x"})

    assert response.status_code == status
    assert not ReflectionDraft.objects.exists()


@pytest.mark.parametrize("name", ["preview", "prompts", "draft", "draft_discard"])
def test_form_helpers_send_anonymous_visitors_to_log_in(client, cast, name):
    response = client.post(url(name, cast.community), {"body": "x"})

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date", "next tuesday", "Enter a valid date."),
        ("loop_level", "quadruple", "Select a valid choice."),
        ("title", "", "This field is required."),
        ("owner", "", "Choose who carries this action."),
    ],
)
def test_bad_action_input_gets_field_errors(client, cast, field, value, message):
    client.force_login(cast.member)
    data = {"title": "Shorter intros", "owner": cast.member.pk, field: value}

    response = client.post(url("action_new", cast.community), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_unknown_action_status_is_a_field_error(client, cast):
    action = ActionFactory(community=cast.community, owner=cast.member)
    client.force_login(cast.member)

    response = client.post(url("action_status", cast.community, action.pk), {"status": "won"})

    assert "Select a valid choice." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "proposed"


def test_restored_draft_keeps_default_visibility(client, cast):
    client.force_login(cast.member)
    client.post(url("draft", cast.community), {"title": "Draft", "visibility": ""})

    response = client.get(url("new", cast.community))

    assert response.context["form"]["visibility"].value() == "community"


def test_a_closing_tab_keeps_its_draft_quietly(client, cast):
    client.force_login(cast.member)

    response = client.post(url("draft", cast.community), {"title": "Last words", "beacon": "1"})

    assert response.status_code == 204
    assert ReflectionDraft.objects.get().data["title"] == "Last words"
    page = client.get(url("list", cast.community)).content.decode()
    assert "Your draft is kept" not in page


def test_preview_without_javascript_does_not_judge_a_half_written_form(client, cast):
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), {"body": "_draft_", "preview": "1"})

    html = response.content.decode()
    assert "<em>draft</em>" in html
    assert "This field is required." not in html


def test_a_follow_up_with_errors_still_names_its_action(client, cast):
    action = ActionFactory(community=cast.community, title="Start on time", status="done")
    client.force_login(cast.member)

    response = client.post(url("new", cast.community), valid_post(title="", follow_up_of=action.pk))

    html = response.content.decode()
    assert "This field is required." in html
    assert ">Start on time</a>" in html


def test_draft_sessions_are_not_offered_or_preselected(client, cast):
    planned = SessionFactory(community=cast.community, status="draft", title="Secret plan")
    client.force_login(cast.member)

    page = client.get(url("new", cast.community)).content.decode()
    preselect = client.get(url("new", cast.community), {"session": planned.pk})

    assert "Secret plan" not in page
    assert preselect.status_code == 404


@pytest.mark.parametrize("role", ["leader", "non_member", "outsider"])
def test_author_and_action_pages_are_404_outside_the_community(client, cast, role):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    action = ActionFactory(community=cast.community, owner=cast.author)
    client.force_login(getattr(cast, role))
    c = cast.community

    codes = [
        client.get(url("edit", c, reflection.pk)).status_code,
        client.get(url("delete", c, reflection.pk)).status_code,
        client.get(url("action_edit", c, action.pk)).status_code,
        client.post(url("action_status", c, action.pk), {"status": "done"}).status_code,
    ]

    assert codes == [404, 404, 404, 404]
    action.refresh_from_db()
    assert action.status == "proposed"


def test_author_and_action_pages_send_anonymous_visitors_to_log_in(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    action = ActionFactory(community=cast.community, owner=cast.author)
    c = cast.community

    codes = [
        client.get(url("edit", c, reflection.pk)).status_code,
        client.get(url("delete", c, reflection.pk)).status_code,
        client.get(url("action_edit", c, action.pk)).status_code,
        client.post(url("action_status", c, action.pk), {"status": "done"}).status_code,
    ]

    assert codes == [302, 302, 302, 302]


def test_a_late_autosave_after_saving_brings_no_stale_draft_back(client, cast):
    client.force_login(cast.member)
    client.post(url("new", cast.community), valid_post(title="Just saved"))

    late = client.post(
        url("draft", cast.community), {"title": "Just saved"}, headers={"HX-Request": "true"}
    )

    assert late.status_code == 204
    assert not ReflectionDraft.objects.exists()


def test_markdown_export_carries_links_prompts_and_body(client, cast):
    session = SessionFactory(community=cast.community, title="March mapping")
    outcome = OutcomeFactory(community=cast.community, statement="map calmly")
    ReflectionFactory(
        community=cast.community,
        author=cast.member,
        title="Export me",
        session=session,
        outcome=outcome,
        loop_level="double",
        answers={"assumption": "Maps settle arguments."},
        body="**Body** text",
    )
    client.force_login(cast.member)

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("reflections:export_zip")).content))
    (name,) = archive.namelist()
    text = archive.read(name).decode()

    assert name.endswith("-export-me.md")
    assert "# Export me" in text
    assert "- Session: March mapping" in text
    assert "- Outcome: We want to be able to map calmly" in text
    assert "## Which assumption does this make you question?\n\nMaps settle arguments." in text
    assert text.rstrip().endswith("**Body** text")


def test_editing_shows_the_saved_confidence_and_ignores_an_older_draft(client, cast):
    outcome = OutcomeFactory(community=cast.community)
    reflection = ReflectionFactory(community=cast.community, author=cast.author, outcome=outcome)
    reflection.confidence_rating = ConfidenceRatingFactory(
        user=cast.author, outcome=outcome, rating=3
    )
    client.force_login(cast.author)
    client.post(url("draft", cast.community), {"draft_for": reflection.pk, "title": "Old draft"})
    reflection.save()  # a later save makes the draft stale

    response = client.get(url("edit", cast.community, reflection.pk))

    form = response.context["form"]
    assert form["confidence"].value() == "3"
    assert form["title"].value() == reflection.title
    assert response.context["draft"] is None


def test_discarding_an_edit_draft_returns_to_the_edit_form(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.author)
    client.post(url("draft", cast.community), {"draft_for": reflection.pk, "title": "Draft"})

    response = client.post(url("draft_discard", cast.community), {"draft_for": reflection.pk})

    assert response.url == url("edit", cast.community, reflection.pk)
    assert not ReflectionDraft.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "new", {"session": "²"}),
        ("get", "action_new", {"reflection": "²"}),
        ("get", "action_new", {"reflection": "99999999999999999999999"}),
        ("post", "new", {"follow_up_of": "²", "title": "t", "body": "b"}),
        ("post", "draft", {"draft_for": "²", "body": "b"}),
        ("post", "draft_discard", {"draft_for": "²"}),
    ],
)
def test_ids_that_are_digits_but_not_numbers_are_never_a_server_error(
    client, cast, method, name, data
):
    """ "²" passes str.isdigit() but int() refuses it."""
    client.force_login(cast.member)

    response = getattr(client, method)(url(name, cast.community), data)

    assert response.status_code < 500


def test_autosave_drops_nul_characters_postgresql_cannot_store(client, cast):
    client.force_login(cast.member)

    client.post(url("draft", cast.community), {"title": "Half\x00 a thought", "body": "a\x00b"})
    page = client.get(url("new", cast.community)).content.decode()

    assert 'value="Half a thought"' in page


def test_loop_levels_are_worded_in_everyday_words_beside_the_terms(client, cast):
    from reflections.models import LOOP_PLAIN
    from tests.factories import ActionFactory, ReflectionFactory

    for level in LOOP_PLAIN:
        ReflectionFactory(community=cast.community, author=cast.author, loop_level=level)
    ActionFactory(community=cast.community, owner=cast.author, loop_level="double")
    client.force_login(cast.member)

    reflections = client.get(f"/c/{cast.community.slug}/reflections/")
    actions = client.get(f"/c/{cast.community.slug}/actions/")

    assert (reflections.status_code, actions.status_code) == (200, 200)
    html = reflections.content.decode()
    for level, words in LOOP_PLAIN.items():
        assert f'{level} loop</span> <span class="plain">{words}</span>' in html
    assert "<summary>What are learning loops?</summary>" in html
    assert '<span class="plain">questioning what we do</span>' in actions.content.decode()
