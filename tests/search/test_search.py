"""Search (/search/?q=): it finds what a person may see, and nothing else — not a title,
not a snippet, not a count. People come from the cast (tests/people.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from impact.models import ImpactStory
from outcomes.models import Outcome
from reflections.models import Reflection
from sessions.models import Session
from tests.factories import (
    AgendaItemFactory,
    CommunityFactory,
    ImpactStoryFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
    SharedWorkFactory,
)
from tests.people import NAMES

pytestmark = pytest.mark.django_db

EVERYONE = set(NAMES) - {"anonymous"}
RIVERSIDE = {"alice", "bob", "carol"}
FACILITATORS = {"bob", "carol"}
EMPTY = "Nothing matches"


def search(cast, name, **params):
    return cast.client(name).get("/search/", params)


def main_of(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


# Each case: make(cast, word) → (title of what was made); the word is in its text only, so
# a person who sees its snippet sees <mark>word</mark>, and its title is never the query.
def reflection(visibility):
    def make(cast, word):
        ReflectionFactory(
            community=cast.riverside,
            author=cast.alice,
            title=f"A {visibility} reflection",
            body=f"After the session we talked about {word} for a long time.",
            visibility=visibility,
        )
        return f"A {visibility} reflection"

    return make


def session(status):
    def make(cast, word):
        SessionFactory(
            community=cast.riverside,
            title=f"A {status} session",
            description=f"We will practise {word} together.",
            status=status,
        )
        return f"A {status} session"

    return make


def outcome(status):
    def make(cast, word):
        OutcomeFactory(
            community=cast.riverside,
            statement=f"name our {status} outcome",
            why=f"Because {word} matters to the people we serve.",
            status=status,
        )
        return f"name our {status} outcome"

    return make


def shared_work(cast, word):
    SharedWorkFactory(
        session=SessionFactory(community=cast.riverside, status="completed"),
        author=cast.alice,
        title="A shared map",
        description=f"My first try at {word}.",
    )
    return "A shared map"


def story(status):
    def make(cast, word):
        ImpactStoryFactory(
            community=cast.riverside,
            author=cast.alice,
            title=f"A {status} story",
            what_happened=f"We met and {word} changed how we work.",
            status=status,
        )
        return f"A {status} story"

    return make


V = Reflection.Visibility
CASES = {
    "private reflection": (reflection(V.PRIVATE), {"alice"}),
    "facilitators-only reflection": (reflection(V.FACILITATORS), {"alice", *FACILITATORS}),
    "community reflection": (reflection(V.COMMUNITY), RIVERSIDE),
    "draft session": (session(Session.Status.DRAFT), FACILITATORS),
    "scheduled session": (session(Session.Status.SCHEDULED), RIVERSIDE),
    "cancelled session": (session(Session.Status.CANCELLED), RIVERSIDE),
    "completed session": (session(Session.Status.COMPLETED), RIVERSIDE),
    "proposed outcome": (outcome(Outcome.Status.PROPOSED), RIVERSIDE),
    "agreed outcome": (outcome(Outcome.Status.AGREED), RIVERSIDE),
    "retired outcome": (outcome(Outcome.Status.RETIRED), RIVERSIDE),
    "shared work": (shared_work, RIVERSIDE),
    "published story": (story(ImpactStory.Status.PUBLISHED), {*RIVERSIDE, "erin"}),
    "draft story": (story(ImpactStory.Status.DRAFT), {"alice"}),
}


@pytest.mark.parametrize("case", CASES)
def test_search_result_and_snippet_reach_exactly_who_sees_the_original(cast, case):
    make, seers = CASES[case]
    title = make(cast, "quokkas")

    for name in EVERYONE:
        response = search(cast, name, q="quokkas")
        content = response.content.decode()

        assert response.status_code == 200, name
        if name in seers:
            assert title in content, name
            assert "<mark>quokkas</mark>" in content, name
        else:
            assert title not in content, name
            assert "<mark>" not in content, name
            assert EMPTY in content, name


def test_search_hides_everything_from_anonymous(cast):
    CASES["community reflection"][0](cast, "quokkas")

    response = search(cast, "anonymous", q="quokkas")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_search_says_the_same_for_hidden_matches_as_for_no_match(cast):
    CASES["private reflection"][0](cast, "quokkas")

    hidden = main_of(search(cast, "bob", q="quokkas"))
    nothing = main_of(search(cast, "bob", q="wombats"))

    assert hidden.replace("quokkas", "wombats") == nothing


def test_search_puts_a_title_hit_above_a_body_hit(cast):
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Mostly weather", body="A lighthouse."
    )
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="The lighthouse", body="Weather."
    )

    content = search(cast, "alice", q="lighthouse").content.decode()

    assert content.index("<mark>lighthouse</mark>") < content.index("Mostly weather")


# Stems and whole-word marks are PostgreSQL's full text; SQLite finds and marks the words as
# typed (tests/search/test_sqlite.py).
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's full-text search"
)


@postgresql_only
def test_search_stems_words_in_the_community_language(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Field notes", body="maps")

    content = search(cast, "alice", q="mapping").content.decode()

    assert "Field notes" in content
    assert "<mark>maps</mark>" in content


def test_search_follows_a_change_of_the_community_language(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Field notes", body="maps")
    cast.riverside.language = "simple"
    cast.riverside.save()

    stemmed = search(cast, "alice", q="mapping").content.decode()
    exact = search(cast, "alice", q="maps").content.decode()

    assert "Field notes" not in stemmed
    assert "Field notes" in exact


@postgresql_only
def test_search_stems_french_in_a_french_community(cast):
    cast.riverside.language = "french"
    cast.riverside.save()
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Notes", body="Nous avons cartographié."
    )

    content = search(cast, "alice", q="cartographier").content.decode()

    assert "<mark>cartographié</mark>" in content


def test_search_finds_a_session_by_its_agenda_even_after_an_edit(cast):
    gathering = SessionFactory(community=cast.riverside, title="Monthly gathering")
    item = AgendaItemFactory(session=gathering, title="Warm-up", description="")

    before = search(cast, "alice", q="fishbowl").content.decode()
    item.description = "A fishbowl conversation."
    item.save()
    after = search(cast, "alice", q="fishbowl").content.decode()

    assert "Monthly gathering" not in before
    assert "Monthly gathering" in after


def test_search_escapes_what_people_wrote(cast):
    ReflectionFactory(
        community=cast.riverside,
        author=cast.alice,
        title="<b>Bold</b> lighthouse",
        body="<script>alert('lighthouse')</script> <img src=x onerror=alert(1)>",
    )

    content = search(cast, "alice", q="lighthouse").content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "<b>Bold</b>" not in content
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>lighthouse</mark>" in content


def test_search_links_each_result_to_its_page(cast):
    thing = ReflectionFactory(community=cast.riverside, author=cast.alice, body="lighthouse")

    content = search(cast, "alice", q="lighthouse").content.decode()

    assert f'href="/c/riverside/reflections/{thing.pk}/"' in content


# --- filters -----------------------------------------------------------------------------


def test_search_filters_by_community(cast):
    both = CommunityFactory(name="Seaside", slug="seaside")
    cast.alice.memberships.create(community=both)
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="River note", body="tide")
    ReflectionFactory(community=both, author=cast.alice, title="Sea note", body="tide")

    content = search(cast, "alice", q="tide", community="seaside").content.decode()

    assert "Sea note" in content
    assert "River note" not in content


def test_search_refuses_a_community_one_is_not_in(cast):
    ReflectionFactory(community=cast.hillside, author=cast.dave, title="Hill note", body="tide")

    response = search(cast, "alice", q="tide", community="hillside")

    assert response.status_code == 200
    assert "Hill note" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


def test_search_filters_by_kind(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="A note", body="tide")
    SessionFactory(community=cast.riverside, title="A gathering", description="tide")

    content = search(cast, "alice", q="tide", kind="session").content.decode()

    assert "A gathering" in content
    assert "A note" not in content


def test_search_filters_by_loop_level_leaving_out_kinds_without_one(cast):
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Deep", body="tide", loop_level="double"
    )
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Shallow", body="tide", loop_level=""
    )
    SessionFactory(community=cast.riverside, title="A gathering", description="tide")

    content = search(cast, "alice", q="tide", loop_level="double").content.decode()

    assert "Deep" in content
    assert "Shallow" not in content
    assert "A gathering" not in content


def test_search_takes_every_loop_level_the_reflections_filter_offers(cast):
    """The reflections page's "Search everything" button sends its filter's loop level:
    each of its choices, "Not sure yet" too, is a search filter, never a field error."""
    from reflections.forms import ReflectionFilterForm

    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Deep", body="tide", loop_level="double"
    )
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Shallow", body="tide", loop_level=""
    )
    offered = ReflectionFilterForm(community=cast.riverside).fields["loop_level"].choices

    for value, _label in offered:
        response = search(cast, "alice", q="tide", loop_level=value, community="riverside")
        assert response.status_code == 200
        assert "field-invalid" not in main_of(response), value
    unsure = main_of(search(cast, "alice", q="tide", loop_level="none"))
    assert "Shallow" in unsure
    assert "Deep" not in unsure


def test_search_filters_by_date(cast):
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=400)
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Old", body="tide")
    Reflection.objects.filter(title="Old").update(created_at=old)
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="New", body="tide")
    since = (timezone.now() - dt.timedelta(days=30)).date().isoformat()

    content = search(cast, "alice", q="tide", since=since).content.decode()

    assert "New" in content
    assert ">Old<" not in content


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 1000},
        {"q": "tide " * 200},
        {"q": "\"'&|!():*<->-\\ \"\" '' & | !! ((("},
        {"q": 'tide & | ! <-> :* -tide "unclosed'},
        {"q": "-"},
        {"q": "the a of"},
        {"q": "tide", "kind": "nonsense"},
        {"q": "tide", "loop_level": "quadruple"},
        {"q": "tide", "community": "nowhere"},
        {"q": "tide", "since": "not a date"},
        {"q": "tide", "since": "2026-05-01", "until": "2026-01-01"},
        {"q": "tide", "page": "99999"},
        {"q": "tide", "page": "-1"},
        {"q": "tide", "page": "²"},
        {"q": "tide", "page": "9" * 40},
        {"q": ["tide", "other"]},
    ],
)
def test_search_answers_bad_input_without_an_error(cast, params):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Note", body="tide")

    response = search(cast, "alice", **params)

    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()


def test_search_with_nul_is_not_found(cast):
    response = search(cast, "alice", q="tide\x00")

    assert response.status_code == 404


def test_search_without_words_invites_some(cast):
    content = search(cast, "alice").content.decode()

    assert "Type a few words" in content


def test_search_keeps_a_too_long_query_with_a_field_error(cast):
    content = search(cast, "alice", q="y" * 1000).content.decode()

    assert "up to 300 characters" in content
    assert "y" * 1000 in content


def test_search_beyond_the_last_page_shows_the_first(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Note", body="tide")

    content = search(cast, "alice", q="tide", page="40").content.decode()

    assert "Note" in content


def test_search_pages_without_counting(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(21):
        ReflectionFactory(community=cast.riverside, author=cast.alice, title=f"N{i}", body="tide")

    with CaptureQueriesContext(connection) as queries:
        first = search(cast, "alice", q="tide").content.decode()
    second = search(cast, "alice", q="tide", page="2").content.decode()

    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert 'rel="next"' in first
    assert 'rel="next"' not in second
    assert 'rel="prev"' in second
    assert first.count('class="search-hit"') == 20
    assert second.count('class="search-hit"') == 1


# --- the boxes that lead here --------------------------------------------------------------


def test_header_has_a_labelled_search_box_for_people_signed_in(cast):
    content = cast.client("alice").get("/").content.decode()

    assert 'action="/search/"' in content
    assert '<label for="site-search-q"' in content


def test_reflections_page_has_a_box_scoped_to_its_community(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="River note", body="tide")
    both = CommunityFactory(name="Seaside", slug="seaside")
    cast.alice.memberships.create(community=both)
    ReflectionFactory(community=both, author=cast.alice, title="Sea note", body="tide")

    page = cast.client("alice").get("/c/riverside/reflections/").content.decode()
    results = search(cast, "alice", q="tide", community="riverside").content.decode()

    # One box: the filter's words, sent to the search by a second button.
    assert 'formaction="/search/" name="community" value="riverside"' in page
    assert page.count('name="q"') == 2  # the header's, and the one box
    assert 'id="community-search-q"' not in page
    assert "River note" in results
    assert "Sea note" not in results


# --- the fallback without PostgreSQL (icontains), run here on the same rows ----------------


@pytest.fixture
def fallback(monkeypatch):
    """The search as it runs on SQLite (the embedded default): by icontains, on the same
    fields, through the same scoped querysets."""
    monkeypatch.setattr("search.selectors.full_text", lambda: False)
    monkeypatch.setattr("search.views.full_text", lambda: False)


def test_fallback_finds_words_as_typed_and_says_so(cast, fallback):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Notes", body="maps")

    found = search(cast, "alice", q="MAP").content.decode()
    stemmed = search(cast, "alice", q="mapping").content.decode()

    assert "<mark>map</mark>s" in found
    assert "exactly as you type them" in found
    assert "Notes" not in stemmed


@pytest.mark.parametrize("case", CASES)
def test_fallback_keeps_to_who_sees_the_original(cast, fallback, case):
    make, seers = CASES[case]
    title = make(cast, "quokkas")

    for name in EVERYONE:
        content = search(cast, name, q="quokkas").content.decode()

        assert (title in content) == (name in seers), name
        assert ("<mark>quokkas</mark>" in content) == (name in seers), name


def test_fallback_puts_a_title_hit_first_and_finds_an_agenda_once(cast, fallback):
    gathering = SessionFactory(community=cast.riverside, title="Monthly gathering")
    AgendaItemFactory(session=gathering, title="A fishbowl", description="fishbowl again")
    AgendaItemFactory(session=gathering, title="Another fishbowl")
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Fishbowl", body="-")

    content = search(cast, "alice", q="fishbowl").content.decode()

    assert content.count("Monthly gathering") == 1
    assert content.index("<mark>Fishbowl</mark>") < content.index("Monthly gathering")


def test_fallback_escapes_what_people_wrote(cast, fallback):
    ReflectionFactory(
        community=cast.riverside, author=cast.alice, title="Note", body="<script>tide</script>"
    )

    content = search(cast, "alice", q="tide").content.decode()

    assert "&lt;script&gt;<mark>tide</mark>&lt;/script&gt;" in content


def test_marked_snippet_cuts_around_the_first_hit():
    from core.search import START_SEL, STOP_SEL, highlighted, marked_in_python

    text = "word " * 100 + "tide and Tide"

    snippet = marked_in_python(text, "tide", width=60)

    assert snippet.startswith("…")
    assert f"{START_SEL}tide{STOP_SEL} and {START_SEL}Tide{STOP_SEL}" in snippet
    assert highlighted(f"a<{START_SEL}b{STOP_SEL}>") == "a&lt;<mark>b</mark>&gt;"


def test_story_snippet_skips_the_steps_left_empty(cast):
    ImpactStoryFactory(
        community=cast.riverside,
        author=cast.alice,
        title="A story",
        what_happened="We met.",
        what_difference_it_made="The quokkas came back.",
    )

    content = search(cast, "alice", q="quokkas").content.decode()

    assert "<mark>quokkas</mark> came back" in content
    assert "… …" not in content


def test_queries_are_parsed_in_the_languages_of_ones_communities_and_simple():
    from core.search import configs_for

    assert configs_for(["french", "french"]) == ["english", "french", "simple"]
    assert configs_for([]) == ["english", "simple"]
    assert configs_for(["klingon"]) == ["english", "simple"]


def test_every_app_registers_what_it_lets_people_find():
    from core.plugins import search_providers

    assert list(search_providers()) == [
        "reflection",
        "response",
        "theme",
        "session",
        "outcome",
        "work",
        "story",
    ]


@pytest.mark.parametrize("how", ["full_text", "fallback"])
def test_snippets_show_a_mention_as_the_name_never_its_markup(cast, monkeypatch, how):
    if how == "fallback":
        monkeypatch.setattr("search.selectors.full_text", lambda: False)
    ReflectionFactory(
        community=cast.riverside,
        author=cast.alice,
        title="Note",
        body=f"Asked @[Bob Builder]({cast.bob.pk}) about the lighthouse tide.",
    )

    content = search(cast, "alice", q="lighthouse").content.decode()

    assert "@Bob Builder about the" in content
    assert f"({cast.bob.pk})" not in content and "@[" not in content


# --- responses -----------------------------------------------------------------------------


def _response(cast, target, body, **fields):
    from reflections.models import Response

    kind = {"Reflection": "reflection", "Session": "session", "SharedWork": "work"}[
        type(target).__name__
    ]
    return Response.objects.create(
        community=target.community, author=cast.alice, body=body, **{kind: target}, **fields
    )


@pytest.mark.parametrize("how", ["full_text", "fallback"])
def test_search_finds_a_response_by_its_text_named_by_what_it_answers(cast, monkeypatch, how):
    if how == "fallback":
        monkeypatch.setattr("search.selectors.full_text", lambda: False)
    answered = ReflectionFactory(community=cast.riverside, author=cast.bob, title="Tide notes")
    asked = f"Asked @[Bob Builder]({cast.bob.pk}) about the lighthouse tide."
    found = _response(cast, answered, asked)
    reply = _response(cast, answered, "The lighthouse again.", parent=found)

    content = search(cast, "carol", q="lighthouse").content.decode()

    assert "Response to “Tide notes”" in content
    assert "Reply on “Tide notes”" in content
    assert f"/c/riverside/reflections/{answered.pk}/#response-{found.pk}" in content
    assert f"#response-{reply.pk}" in content
    assert "<mark>lighthouse</mark>" in content
    assert "@Bob Builder about the" in content
    assert f"({cast.bob.pk})" not in content and "@[" not in content


def test_search_filters_responses_by_kind_community_loop_level_and_date(cast):
    import datetime as dt

    from django.utils import timezone

    from reflections.models import Response

    deep = ReflectionFactory(
        community=cast.riverside, author=cast.bob, title="Deep", body="x", loop_level="double"
    )
    gathering = SessionFactory(community=cast.riverside, title="Gathering", description="x")
    _response(cast, deep, "A tide of answers.")
    old = _response(cast, gathering, "An old tide.")
    Response.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    seaside = CommunityFactory(name="Seaside", slug="seaside")
    cast.alice.memberships.create(community=seaside)
    elsewhere = ReflectionFactory(community=seaside, author=cast.alice, title="Sea", body="x")
    _response(cast, elsewhere, "A sea tide.")
    since = (timezone.now() - dt.timedelta(days=30)).date().isoformat()

    def titles(**params):
        content = search(cast, "alice", q="tide", kind="response", **params).content.decode()
        return {t for t in ("“Deep”", "“Gathering”", "“Sea”") if t in content}

    assert titles() == {"“Deep”", "“Gathering”", "“Sea”"}
    assert titles(community="riverside") == {"“Deep”", "“Gathering”"}
    assert titles(loop_level="double") == {"“Deep”"}
    assert titles(loop_level="single") == set()
    assert titles(since=since) == {"“Deep”", "“Sea”"}
    assert titles(until=since) == {"“Gathering”"}


# --- the compiled search, kept per viewer and criteria (search.selectors.matching) --------


@postgresql_only  # The union is compiled and kept on PostgreSQL only.
def test_search_kept_compiled_finds_each_search_by_its_own_words(cast):
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Tides", body="tide")
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Ports", body="harbour")

    first = main_of(search(cast, "alice", q="tide"))
    second = main_of(search(cast, "alice", q="harbour"))
    third = main_of(search(cast, "alice", q="tide"))

    assert "Tides" in first and "Ports" not in first
    assert "Ports" in second and "Tides" not in second
    assert third == first


def test_search_kept_compiled_follows_who_may_see_between_two_searches(cast):
    """The same person searches twice with the same words; between the two they become a
    leader and a facilitator of another community, then neither: each search shows
    exactly what they may see at that moment."""
    from communities.models import Membership, OrganisationRole
    from communities.organisations import grant, revoke
    from tests.factories import MembershipFactory

    ImpactStoryFactory(community=cast.hillside, title="A Hillside story", what_happened="tide")
    ReflectionFactory(
        community=cast.hillside,
        author=cast.dave,
        title="A Hillside note",
        body="tide",
        visibility=Reflection.Visibility.FACILITATORS,
    )

    def found():
        content = main_of(search(cast, "alice", q="tide"))
        return {title for title in ("A Hillside story", "A Hillside note") if title in content}

    # Leading is leading an organisation: Hillside's (communities.organisations).
    organisation = cast.hillside.organisation
    assert found() == set()
    grant(organisation, cast.alice, OrganisationRole.Role.LEADER)
    assert found() == {"A Hillside story"}
    MembershipFactory(community=cast.hillside, user=cast.alice, role="facilitator")
    assert found() == {"A Hillside story", "A Hillside note"}
    revoke(organisation, cast.alice, OrganisationRole.Role.LEADER)
    Membership.objects.filter(community=cast.hillside, user=cast.alice).update(status="left")
    assert found() == set()


def test_search_kept_compiled_follows_a_role_and_a_membership_between_two_searches(cast):
    """The viewer's communities are read on each request (search.selectors.among): a
    facilitator made a member stops finding facilitators-only and hidden reflections at
    once, and an author who left still finds their own, and only their own."""
    from django.utils import timezone

    from communities.models import Membership

    ReflectionFactory(
        community=cast.riverside,
        author=cast.alice,
        title="For facilitators",
        body="tide",
        visibility=Reflection.Visibility.FACILITATORS,
    )
    ReflectionFactory(
        community=cast.riverside,
        author=cast.alice,
        title="Hidden note",
        body="tide",
        hidden_at=timezone.now(),
    )
    ReflectionFactory(community=cast.riverside, author=cast.bob, title="Bob's own", body="tide")
    ReflectionFactory(community=cast.riverside, author=cast.alice, title="Open note", body="tide")
    titles = ("For facilitators", "Hidden note", "Bob's own", "Open note")

    def found():
        content = main_of(search(cast, "bob", q="tide"))
        return {title for title in titles if title.replace("'", "&#x27;") in content}

    assert found() == set(titles)
    Membership.objects.filter(community=cast.riverside, user=cast.bob).update(role="member")
    assert found() == {"Bob's own", "Open note"}
    Membership.objects.filter(community=cast.riverside, user=cast.bob).update(status="left")
    assert found() == {"Bob's own"}
