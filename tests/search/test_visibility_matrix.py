"""THE visibility matrix of dialogue (issue 16, acceptance): for every kind of content and
every viewer, a response to it, a notification about it, a search result for it and that
result's snippet reach exactly the people who may see the original.

The writer is another member of Riverside; the viewers are the cast (tests/people.py):
alice (a member), bob (the facilitator), the writer (the author), dave (a member of
another community), erin (a leader) and nobody signed in. Each original mentions every
viewer who is a member (a mention is the notification a text can send to anyone), holds
the word searched for, and, when it can be answered, has an answer of its own on its page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Notification
from communities.mentions import token
from impact.models import ImpactStory
from reflections import services
from reflections.mentions import mentions_record
from reflections.models import Reflection
from sessions.models import Session
from tests.factories import (
    ImpactStoryFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    SessionFactory,
    SharedWorkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VIEWERS = ("alice", "bob", "writer", "dave", "erin", "anonymous")
MEMBERS = {"alice", "bob", "writer"}
FACILITATORS_AND_AUTHOR = {"bob", "writer"}
WORD = "quokkas"
ANSWER = "Yes, and the wombat heuristic held for us too."


@dataclass
class Made:
    title: str  # the search result's title, as shown
    url: str  # the page that shows the answer (None: nothing answers it)
    answer: str | None  # the answer shown there
    mentions: bool  # whether the original's text mentioned the viewers


@dataclass
class World:
    cast: object
    writer: object

    def person(self, name):
        return self.writer if name == "writer" else self.cast.person(name)

    def client(self, name):
        if name == "writer":
            from django.test import Client

            client = Client()
            client.force_login(self.writer)
            return client
        return self.cast.client(name)

    def mentions(self) -> str:
        people = [self.cast.alice, self.cast.bob, self.cast.dave, self.cast.erin]
        return " ".join(token(person) for person in people)


@pytest.fixture
def world(cast):
    writer = UserFactory(email="writer@example.org", display_name="Writer")
    MembershipFactory(community=cast.riverside, user=writer)
    return World(cast, writer)


def _answer(world, kind, target, body=ANSWER):
    return services.response_create(
        author=world.writer, community=world.cast.riverside, kind=kind, target=target, body=body
    )


def _reflection(world, visibility, text):
    reflection = ReflectionFactory(
        community=world.cast.riverside,
        author=world.writer,
        title=f"A {visibility} reflection",
        body=text,
        visibility=visibility,
    )
    mentions_record(reflection, by=world.writer)
    return reflection


def _session(world, status, text=""):
    return SessionFactory(
        community=world.cast.riverside,
        title=f"A {status} session",
        description=text or "We will practise listening.",
        status=status,
    )


def _work(world, text=""):
    return SharedWorkFactory(
        session=SessionFactory(community=world.cast.riverside, status="completed"),
        author=world.writer,
        title="A shared map",
        description=text or "My first try.",
    )


# --- the originals ---------------------------------------------------------------------------


def reflection(visibility):
    def make(world):
        text = f"We talked about {WORD} for long. {world.mentions()}"
        thing = _reflection(world, visibility, text)
        _answer(world, "reflection", thing)
        return Made(thing.title, thing.get_absolute_url(), ANSWER, mentions=True)

    return make


def session(status):
    def make(world):
        thing = _session(world, status, f"We will practise {WORD} together.")
        _answer(world, "session", thing)
        return Made(thing.title, thing.get_absolute_url(), ANSWER, mentions=False)

    return make


def shared_work(world):
    thing = _work(world, f"My first try at {WORD}.")
    _answer(world, "work", thing)
    return Made(thing.title, thing.get_absolute_url(), ANSWER, mentions=False)


def outcome(world):
    thing = OutcomeFactory(
        community=world.cast.riverside,
        statement="name our outcome",
        why=f"Because {WORD} matter to the people we serve.",
    )
    return Made(thing.statement, None, None, mentions=False)


def story(status):
    def make(world):
        thing = ImpactStoryFactory(
            community=world.cast.riverside,
            author=world.writer,
            title=f"A {status} story",
            what_happened=f"We met and {WORD} changed how we work.",
            status=status,
        )
        return Made(thing.title, None, None, mentions=False)

    return make


def response_to(target_kind, make_target, *, hidden=False):
    """A response (the original) to a target holding neither the word nor a mention."""

    def make(world):
        kind, target = make_target(world)
        answer = f"Yes, and {WORD} held for us too."
        response = _answer(world, kind, target, body=answer)
        if hidden:
            services.content_hide(content=response, by=world.cast.bob, reason="Off topic")
        # Mentions added by an edit: a hidden response tells only who still reads it.
        services.response_edit(response=response, body=f"{answer} {world.mentions()}")
        title = f"Response to “{target.title}”"
        return Made(title, target.get_absolute_url(), answer, mentions=True)

    return make


V = Reflection.Visibility
S = Session.Status


def _target_reflection(visibility):
    return lambda world: ("reflection", _reflection(world, visibility, "A quiet afternoon."))


CASES = {
    "private reflection": (reflection(V.PRIVATE), {"writer"}),
    "facilitators-only reflection": (reflection(V.FACILITATORS), FACILITATORS_AND_AUTHOR),
    "community reflection": (reflection(V.COMMUNITY), MEMBERS),
    "shared work": (shared_work, MEMBERS),
    "scheduled session": (session(S.SCHEDULED), MEMBERS),
    "draft session": (session(S.DRAFT), {"bob"}),
    "outcome": (outcome, MEMBERS),
    "published story": (story(ImpactStory.Status.PUBLISHED), {*MEMBERS, "erin"}),
    "draft story": (story(ImpactStory.Status.DRAFT), {"writer"}),
    "response to a private reflection": (
        response_to("reflection", _target_reflection(V.PRIVATE)),
        {"writer"},
    ),
    "response to a facilitators-only reflection": (
        response_to("reflection", _target_reflection(V.FACILITATORS)),
        FACILITATORS_AND_AUTHOR,
    ),
    "response to a community reflection": (
        response_to("reflection", _target_reflection(V.COMMUNITY)),
        MEMBERS,
    ),
    "response to shared work": (
        response_to("work", lambda world: ("work", _work(world))),
        MEMBERS,
    ),
    "response to a session": (
        response_to("session", lambda world: ("session", _session(world, S.SCHEDULED))),
        MEMBERS,
    ),
    "hidden response": (
        response_to("reflection", _target_reflection(V.COMMUNITY), hidden=True),
        FACILITATORS_AND_AUTHOR,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_dialogue_reaches_exactly_who_sees_the_original(world, case):
    make, seers = CASES[case]
    made = make(world)

    for name in VIEWERS:
        sees = name in seers
        client = world.client(name)

        # A search result, and its highlighted snippet.
        page = client.get("/search/", {"q": WORD}).content.decode()
        assert (made.title in page) is sees, (name, "search result")
        assert ("<mark>" in page) is sees, (name, "snippet")

        # The answer, on the original's page.
        if made.answer is not None:
            shown = client.get(made.url)
            assert (made.answer in shown.content.decode()) is sees, (name, "response")

        # The notification of a mention (never of oneself), in the list and the count.
        if made.mentions and name != "anonymous":
            person = world.person(name)
            told = sees and name != "writer"
            mentions = Notification.objects.filter(recipient=person, kind="mention")
            assert mentions.exists() is told, (name, "notification")
            listed = client.get("/notifications/").content.decode()
            assert ("mentioned you" in listed) is told, (name, "notification list")
