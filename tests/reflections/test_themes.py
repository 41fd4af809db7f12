"""Themes: converging on action (issue 16, item 5). A facilitator groups reflections and
responses shared with the community into themes on a held session or the themes page;
members "+1" them; a theme becomes an action once, which the next session's opening step
shows like any open action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reflections import services
from reflections.models import Action, Reflection, Response, Theme, ThemeVote
from sessions.models import AgendaItem
from tests.factories import AgendaItemFactory, ReflectionFactory, SessionFactory

pytestmark = pytest.mark.django_db

ROLES = ["author", "member", "facilitator", "coordinator", "outsider", "leader", "non_member"]
MEMBERS = {"author", "member", "facilitator", "coordinator"}
FACILITATORS = {"facilitator", "coordinator"}


def person(cast, role):
    return {"non_member": cast.non_member, "outsider": cast.outsider}.get(role) or getattr(
        cast, role
    )


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def held(cast):
    """A session held yesterday, with two community reflections from it."""
    session = SessionFactory(
        community=cast.community,
        title="Mapping clinic",
        starts_at=timezone.now() - dt.timedelta(days=1),
        status="completed",
    )
    first = ReflectionFactory(
        community=cast.community,
        author=cast.author,
        session=session,
        title="Maps hide the people",
        loop_level="single",
    )
    second = ReflectionFactory(
        community=cast.community,
        author=cast.member,
        session=session,
        title="Who draws the map decides",
        loop_level="double",
    )
    return session, first, second


def make_theme(cast, held, statement="Maps are about power"):
    session, first, second = held
    return services.theme_create(
        community=cast.community,
        created_by=cast.facilitator,
        statement=statement,
        reflections=[first, second],
        session=session,
    )


# --- services -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": "private"},
        {"visibility": "facilitators"},
        {"hidden_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["private", "facilitators", "hidden"],
)
def test_theme_create_refuses_reflections_not_shared_with_the_community(cast, held, change):
    session, first, _ = held
    Reflection.objects.filter(pk=first.pk).update(**change)

    with pytest.raises(services.ThemeRefused):
        services.theme_create(
            community=cast.community,
            created_by=cast.facilitator,
            statement="Anything",
            reflections=[first],
            session=session,
        )

    assert Theme.objects.count() == 0


def test_theme_create_refuses_another_communitys_reflection(cast, held):
    _session, first, _ = held
    elsewhere = ReflectionFactory(community=cast.other_community, author=cast.outsider)

    with pytest.raises(services.ThemeRefused):
        services.theme_create(
            community=cast.community,
            created_by=cast.facilitator,
            statement="Anything",
            reflections=[first, elsewhere],
        )

    assert Theme.objects.count() == 0


def test_theme_create_refuses_a_reflection_of_another_session(cast, held):
    session, first, _ = held
    other = ReflectionFactory(community=cast.community, author=cast.author)

    with pytest.raises(services.ThemeRefused):
        services.theme_create(
            community=cast.community,
            created_by=cast.facilitator,
            statement="Anything",
            reflections=[first, other],
            session=session,
        )


def test_theme_create_refuses_responses_to_private_hidden_or_other_community_things(cast, held):
    session, first, _ = held
    private = ReflectionFactory(
        community=cast.community, author=cast.author, visibility="private", session=session
    )
    to_private = Response.objects.create(
        community=cast.community, reflection=private, author=cast.author, body="Me again"
    )
    hidden = Response.objects.create(
        community=cast.community,
        reflection=first,
        author=cast.member,
        body="Rude",
        hidden_at=timezone.now(),
    )
    elsewhere = Response.objects.create(
        community=cast.other_community,
        reflection=ReflectionFactory(community=cast.other_community, author=cast.outsider),
        author=cast.outsider,
        body="Elsewhere",
    )
    for response in (to_private, hidden, elsewhere):
        with pytest.raises(services.ThemeRefused):
            services.theme_create(
                community=cast.community,
                created_by=cast.facilitator,
                statement="Anything",
                reflections=[first],
                responses=[response],
            )
    assert Theme.objects.count() == 0


def test_theme_create_gathers_shared_reflections_and_responses(cast, held):
    session, first, second = held
    answer = Response.objects.create(
        community=cast.community, reflection=first, author=cast.member, body="Yes, and…"
    )

    theme = services.theme_create(
        community=cast.community,
        created_by=cast.facilitator,
        statement="Maps are about power",
        reflections=[first, second],
        responses=[answer],
        session=session,
    )

    assert set(theme.reflections.all()) == {first, second}
    assert list(theme.responses.all()) == [answer]


def test_a_theme_keeps_the_deepest_loop_level_of_its_reflections(cast, held):
    from communities.access import community_for
    from reflections.selectors import themes_for

    theme = make_theme(cast, held)
    access = community_for(cast.member, cast.community.slug)

    assert services.theme_loop_level(theme) == "double"
    assert themes_for(access, cast.member)[0].loop_level == "double"
    deeper = ReflectionFactory(community=cast.community, author=cast.author, loop_level="triple")
    theme.reflections.add(deeper)
    assert themes_for(access, cast.member)[0].loop_level == "triple"


def test_theme_vote_toggles_one_vote_per_person(cast, held):
    theme = make_theme(cast, held)

    assert services.theme_vote_toggle(theme=theme, user=cast.member) is True
    assert services.theme_vote_toggle(theme=theme, user=cast.author) is True
    assert ThemeVote.objects.filter(theme=theme).count() == 2
    assert services.theme_vote_toggle(theme=theme, user=cast.member) is False
    assert list(ThemeVote.objects.filter(theme=theme).values_list("user", flat=True)) == [
        cast.author.pk
    ]


def test_theme_to_action_happens_once(cast, held):
    session, first, second = held
    theme = make_theme(cast, held)

    action = services.theme_to_action(theme=theme, created_by=cast.facilitator, owner=cast.member)
    again = services.theme_to_action(
        theme=Theme.objects.get(pk=theme.pk), created_by=cast.facilitator, owner=cast.author
    )

    assert again == action
    assert Action.objects.count() == 1
    assert (action.title, action.owner, action.loop_level, action.session) == (
        "Maps are about power",
        cast.member,
        "double",
        session,
    )
    assert set(action.reflections.all()) == {first, second}
    assert Theme.objects.get(pk=theme.pk).action == action


# --- views: who sees what -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_themes_page_for_every_role(client, cast, held, role):
    make_theme(cast, held)

    response = client_for(client, person(cast, role)).get(
        reverse("reflections:themes", args=[cast.community.slug])
    )

    if role in MEMBERS:
        assert response.status_code == 200
        assert "Maps are about power" in response.content.decode()
        assert ("Make this an action" in response.content.decode()) == (role in FACILITATORS)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_session_page_shows_themes_to_members_only(client, cast, held, role):
    session, *_ = held
    make_theme(cast, held)

    response = client_for(client, person(cast, role)).get(session.get_absolute_url())

    content = response.content.decode() if response.status_code == 200 else ""
    assert ("Maps are about power" in content) == (role in MEMBERS)
    assert ("Group into a theme" in content) == (role in FACILITATORS)


@pytest.mark.parametrize("role", ROLES)
def test_grouping_page_for_facilitators_only(client, cast, held, role):
    session, *_ = held
    url = reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}"

    response = client_for(client, person(cast, role)).get(url)

    assert response.status_code == (200 if role in FACILITATORS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_voting_for_members_only(client, cast, held, role):
    theme = make_theme(cast, held)
    url = reverse("reflections:theme_vote", args=[cast.community.slug, theme.pk])

    response = client_for(client, person(cast, role)).post(url)

    assert response.status_code == (302 if role in MEMBERS else 404)
    assert ThemeVote.objects.count() == (1 if role in MEMBERS else 0)


@pytest.mark.parametrize("role", ROLES)
def test_making_an_action_for_facilitators_only(client, cast, held, role):
    theme = make_theme(cast, held)
    url = reverse("reflections:theme_action", args=[cast.community.slug, theme.pk])

    response = client_for(client, person(cast, role)).get(url)

    assert response.status_code == (200 if role in FACILITATORS else 404)


# --- views: grouping, voting, acting ----------------------------------------------------------


def test_facilitator_groups_reflections_without_js(client, cast, held):
    session, first, second = held
    url = reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}"
    client.force_login(cast.facilitator)
    page = client.get(url).content.decode()
    assert "Maps hide the people" in page

    response = client.post(
        url, {"statement": "Maps are about power", "reflections": [first.pk, second.pk]}
    )

    theme = Theme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{session.get_absolute_url()}#theme-{theme.pk}"
    assert (theme.session, theme.created_by) == (session, cast.facilitator)
    assert "Maps are about power" in client.get(session.get_absolute_url()).content.decode()


def test_grouping_offers_only_shared_reflections(client, cast, held):
    session, *_ = held
    ReflectionFactory(
        community=cast.community,
        author=cast.author,
        session=session,
        visibility="facilitators",
        title="Just for the facilitators",
    )
    client.force_login(cast.facilitator)

    page = client.get(
        reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}"
    ).content.decode()

    assert "Maps hide the people" in page
    assert "Just for the facilitators" not in page


@pytest.mark.parametrize(
    ("statement", "error"),
    [("", "Write the theme in a line."), ("x" * 201, "at most 200"), ("a\x00b", "Null characters")],
    ids=["empty", "too-long", "nul"],
)
def test_grouping_bad_statement_keeps_what_was_typed(client, cast, held, statement, error):
    session, first, _ = held
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}",
        {"statement": statement, "reflections": [first.pk]},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Theme.objects.count() == 0


def test_grouping_a_private_reflection_by_tampered_id_is_a_field_error(client, cast, held):
    session, first, _ = held
    private = ReflectionFactory(
        community=cast.community, author=cast.author, session=session, visibility="private"
    )
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}",
        {"statement": "Kept as typed", "reflections": [first.pk, private.pk]},
    )

    assert response.status_code == 200
    assert "Choose reflections shared with the whole community." in response.content.decode()
    assert "Kept as typed" in response.content.decode()
    assert Theme.objects.count() == 0


def test_grouping_with_a_nul_in_an_id_is_a_field_error(client, cast, held):
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_new", args=[cast.community.slug]),
        {"statement": "Kept", "reflections": ["1\x00"], "responses": ["x"]},
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Theme.objects.count() == 0


def test_grouping_with_nothing_chosen_says_so(client, cast, held):
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_new", args=[cast.community.slug]), {"statement": "Alone"}
    )

    assert response.status_code == 200
    assert "Choose at least one reflection or response" in response.content.decode()


def test_grouping_for_another_communitys_session_is_404(client, cast, held):
    elsewhere = SessionFactory(community=cast.other_community, status="completed")
    client.force_login(cast.facilitator)

    response = client.get(
        reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={elsewhere.pk}"
    )

    assert response.status_code == 404


def test_double_submit_makes_one_theme(client, cast, held):
    session, first, second = held
    url = reverse("reflections:theme_new", args=[cast.community.slug]) + f"?session={session.pk}"
    client.force_login(cast.facilitator)
    data = {
        "statement": "Once",
        "reflections": [first.pk, second.pk],
        "submission_token": "a" * 32,
    }

    first_answer = client.post(url, data)
    second_answer = client.post(url, data)

    assert Theme.objects.count() == 1
    assert second_answer["Location"] == first_answer["Location"]


def test_vote_with_htmx_swaps_the_box_and_announces(client, cast, held):
    theme = make_theme(cast, held)
    client.force_login(cast.member)
    url = reverse("reflections:theme_vote", args=[cast.community.slug, theme.pk])

    response = client.post(url, {"back": "session"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 +1" in content and 'aria-pressed="true"' in content
    assert "Your +1 is counted." in response["HX-Trigger-After-Settle"]
    again = client.post(url, {"back": "session"}, HTTP_HX_REQUEST="true")
    assert "0 +1s" in again.content.decode()
    assert ThemeVote.objects.count() == 0


def test_vote_without_js_returns_to_the_session(client, cast, held):
    session, *_ = held
    theme = make_theme(cast, held)
    client.force_login(cast.member)

    response = client.post(
        reverse("reflections:theme_vote", args=[cast.community.slug, theme.pk]), {"back": "session"}
    )

    assert response["Location"] == f"{session.get_absolute_url()}#theme-{theme.pk}"


def test_vote_counts_show_but_voters_do_not(client, cast, held):
    theme = make_theme(cast, held)
    services.theme_vote_toggle(theme=theme, user=cast.author)
    client.force_login(cast.member)

    content = client.get(reverse("reflections:themes", args=[cast.community.slug])).content
    page = content.decode()

    assert "1 +1" in page
    assert cast.author.display_name not in page.split("Themes, most +1s first")[1]


def test_vote_on_another_communitys_theme_is_404(client, cast, held):
    theme = make_theme(cast, held)
    client.force_login(cast.outsider)

    in_theirs = client.post(
        reverse("reflections:theme_vote", args=[cast.other_community.slug, theme.pk])
    )

    assert in_theirs.status_code == 404
    assert ThemeVote.objects.count() == 0


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
def test_vote_on_a_tampered_id_is_404(client, cast, held, pk):
    client.force_login(cast.member)

    response = client.post(f"/c/{cast.community.slug}/themes/{pk}/vote/")

    assert response.status_code == 404


def test_theme_becomes_an_action_on_the_next_sessions_opening_step(client, cast, held):
    theme = make_theme(cast, held)
    following = SessionFactory(community=cast.community, title="Next clinic")
    AgendaItemFactory(
        session=following,
        kind=AgendaItem.Kind.REVIEW_ACTIONS,
        title="Review our open actions",
        position=0,
    )
    client.force_login(cast.facilitator)
    url = reverse("reflections:theme_action", args=[cast.community.slug, theme.pk])

    response = client.post(url, {"owner": cast.member.pk, "due_date": "2031-01-31"})

    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    assert (action.owner, action.due_date) == (cast.member, dt.date(2031, 1, 31))
    assert Theme.objects.get(pk=theme.pk).action == action
    again = client.post(url, {"owner": cast.author.pk})
    assert again["Location"] == action.get_absolute_url()
    assert Action.objects.count() == 1
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Maps are about power" in page


@pytest.mark.parametrize(
    "data",
    [{"due_date": ""}, {"owner": "999999"}, {"owner": "x\x00"}, {"owner": "1", "due_date": "soon"}],
    ids=["no-owner", "unknown", "nul", "bad-date"],
)
def test_theme_action_bad_input_is_a_field_error(client, cast, held, data):
    theme = make_theme(cast, held)
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_action", args=[cast.community.slug, theme.pk]), data
    )

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert Action.objects.count() == 0


def test_theme_action_owner_from_another_community_is_refused(client, cast, held):
    theme = make_theme(cast, held)
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("reflections:theme_action", args=[cast.community.slug, theme.pk]),
        {"owner": cast.outsider.pk},
    )

    assert "Choose someone who is an active member" in response.content.decode()
    assert Action.objects.count() == 0


# --- bounded queries ------------------------------------------------------------------------


# The same literal at 1 and 12 themes: the themes cost two queries (the themes with their
# counts and loop levels, and the reflections each shows), however many there are; one
# more is the facilitator's quiet voices panel looking at attendance, +1 for the pulse
# summary a facilitator sees on a held session, +1 for the facilitation panel (is the
# viewer one of the session's facilitators).
SESSION_PAGE_QUERIES = 19
THEMES_PAGE_QUERIES = 6
VOTE_QUERIES = 12


def many_themes(cast, held, rows):
    session = held[0]
    for i in range(rows):
        theme = make_theme(cast, held, statement=f"Theme {i:02d}")
        services.theme_vote_toggle(theme=theme, user=cast.author)
        if i % 2:
            services.theme_to_action(theme=theme, created_by=cast.facilitator, owner=cast.member)
    return session


@pytest.mark.parametrize("rows", [1, 12])
def test_session_page_with_themes_costs_the_same_queries(
    client, cast, held, rows, django_assert_num_queries
):
    session = many_themes(cast, held, rows)
    client.force_login(cast.facilitator)

    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        response = client.get(session.get_absolute_url())

    assert response.status_code == 200
    assert "Theme 00" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 12])
def test_themes_page_costs_the_same_queries(client, cast, held, rows, django_assert_num_queries):
    many_themes(cast, held, rows)
    client.force_login(cast.member)

    with django_assert_num_queries(THEMES_PAGE_QUERIES):
        response = client.get(reverse("reflections:themes", args=[cast.community.slug]))

    assert response.status_code == 200
    assert "Theme 00" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 12])
def test_vote_fragment_costs_the_same_queries(client, cast, held, rows, django_assert_num_queries):
    many_themes(cast, held, rows)
    theme = Theme.objects.get(statement="Theme 00")
    client.force_login(cast.member)
    url = reverse("reflections:theme_vote", args=[cast.community.slug, theme.pk])

    with django_assert_num_queries(VOTE_QUERIES):
        response = client.post(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Theme 00" in response.content.decode()


def test_demo_has_two_voted_themes_on_a_held_session_one_an_action():
    call_command("seed_demo", force=True)
    themes = Theme.objects.filter(community__slug="systems-mapping").order_by("created_at", "pk")

    assert themes.count() == 2
    assert all(theme.session is not None and theme.session.is_held for theme in themes)
    assert [theme.votes.count() for theme in themes] == [4, 2]
    assert [theme.action is not None for theme in themes] == [False, True]
    assert themes[1].action.is_open
    assert set(themes[1].action.reflections.all()) == set(themes[1].reflections.all())
    assert themes[1].action.loop_level == "triple"

    call_command("seed_demo", force=True)

    assert Theme.objects.filter(community__slug="systems-mapping").count() == 2


def test_facilitator_groups_from_the_themes_page_without_a_session(client, cast, held):
    _session, first, _ = held
    answer = Response.objects.create(
        community=cast.community, reflection=first, author=cast.member, body="Yes, and maps."
    )
    client.force_login(cast.facilitator)
    url = reverse("reflections:theme_new", args=[cast.community.slug])

    response = client.post(
        url, {"statement": "Without a session", "reflections": [first.pk], "responses": [answer.pk]}
    )

    theme = Theme.objects.get()
    assert response["Location"] == theme.get_absolute_url()
    assert theme.session is None
    assert list(theme.responses.all()) == [answer]
    page = client.get(reverse("reflections:themes", args=[cast.community.slug])).content.decode()
    assert "Without a session" in page and "1 response" in page


def test_a_reflection_made_private_later_no_longer_shows_in_its_theme(client, cast, held):
    _session, first, second = held
    make_theme(cast, held)
    Reflection.objects.filter(pk=first.pk).update(visibility="private")
    client.force_login(cast.member)

    page = client.get(reverse("reflections:themes", args=[cast.community.slug])).content.decode()

    assert second.title in page
    assert first.title not in page


# --- later-hidden items, notifications, edit and delete, search --------------------------------


def test_items_hidden_after_grouping_are_neither_counted_nor_give_the_loop_level(cast, held):
    from communities.access import community_for
    from reflections.selectors import themes_for

    _session, first, second = held
    answer = Response.objects.create(
        community=cast.community, author=cast.member, body="Yes, and…", reflection=first
    )
    theme = make_theme(cast, held)
    theme.responses.add(answer)
    now = timezone.now()
    Reflection.objects.filter(pk=second.pk).update(hidden_at=now)  # the "double" one
    Response.objects.filter(pk=answer.pk).update(hidden_at=now)

    for viewer in (cast.member, cast.facilitator):
        shown = themes_for(community_for(viewer, cast.community.slug), viewer)[0]
        assert shown.loop_level == "single"
        assert shown.response_count == 0
        assert [r.pk for r in shown.shown_reflections] == [first.pk]
    assert services.theme_loop_level(theme) == "single"
    action = services.theme_to_action(theme=theme, created_by=cast.facilitator, owner=cast.member)
    assert (action.loop_level, list(action.reflections.all())) == ("single", [first])


def test_contributors_are_told_when_a_theme_is_gathered_and_when_it_becomes_an_action(
    cast, held, django_capture_on_commit_callbacks, mailoutbox
):
    from accounts.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        theme = make_theme(cast, held)
        services.theme_to_action(theme=theme, created_by=cast.facilitator, owner=cast.member)

    told = Notification.objects.filter(kind="theme")
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted(
        [cast.author.email, cast.member.email] * 2
    )
    assert {n.text for n in told.filter(recipient=cast.author)} == {
        f"{cast.facilitator.name} gathered what you wrote into a theme: “Maps are about power”.",
        "A theme from what you wrote is now an action: “Maps are about power”.",
    }
    # In the digest by default: nobody is emailed at once.
    assert not told.filter(emailed=True).exists()
    assert mailoutbox == []


def test_a_facilitator_rewords_a_theme_and_a_blank_one_keeps_what_was_typed(client, cast, held):
    theme = make_theme(cast, held)
    url = reverse("reflections:theme_edit", args=[cast.community.slug, theme.pk])
    client.force_login(cast.facilitator)

    blank = client.post(url, {"statement": "  "})
    too_long = client.post(url, {"statement": "x" * 500})
    saved = client.post(url, {"statement": "Maps carry power"})

    assert blank.status_code == 200 and "Write the theme in a line." in blank.content.decode()
    assert too_long.status_code == 200 and "x" * 500 in too_long.content.decode()
    assert "Reword “Maps are about power”" in too_long.content.decode()
    assert saved.status_code == 302
    assert Theme.objects.get(pk=theme.pk).statement == "Maps carry power"


@pytest.mark.parametrize("role", ["member", "author", "outsider", "leader"])
def test_only_facilitators_reword_or_delete_a_theme(client, cast, held, role):
    theme = make_theme(cast, held)
    client.force_login(person(cast, role))

    for name in ("reflections:theme_edit", "reflections:theme_delete"):
        url = reverse(name, args=[cast.community.slug, theme.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"statement": "Mine now"}).status_code == 404
    assert Theme.objects.get(pk=theme.pk).statement == "Maps are about power"


def test_deleting_a_theme_asks_first_and_takes_its_votes_not_its_reflections(client, cast, held):
    _session, first, second = held
    theme = make_theme(cast, held)
    services.theme_vote_toggle(theme=theme, user=cast.member)
    url = reverse("reflections:theme_delete", args=[cast.community.slug, theme.pk])
    client.force_login(cast.facilitator)

    asked = client.get(url)
    assert "with its 1 +1" in asked.content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists()

    done = client.post(url)

    assert done.status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert not ThemeVote.objects.exists()
    assert Reflection.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert client.post(url).status_code == 404  # a double submit finds nothing to delete


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_a_theme_for_the_communitys_members_only(client, cast, held, role):
    make_theme(cast, held, statement="Maps are about lighthouses")
    client.force_login(person(cast, role))

    page = client.get("/search/", {"q": "lighthouses"}).content.decode()

    assert ("Maps are about <mark>lighthouses</mark>" in page) is (role in MEMBERS)
