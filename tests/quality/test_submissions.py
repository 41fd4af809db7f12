"""Double submits: every create form carries a one-time submission token, so a double click
or a retried POST creates one object and the second POST gets the first one's answer."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailDelivery, SubmissionToken
from accounts.submissions import FIELD, submission_tokens_prune
from communities.models import Community, Invitation, JourneyStep, Membership
from impact.models import ImpactStory
from outcomes.models import ConfidenceRating, Endorsement, Outcome
from reflections.models import Action, Reflection
from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork
from sessions.models import AgendaItem, Session
from tests.factories import (
    AttendanceFactory,
    CommunityFactory,
    MembershipFactory,
    OutcomeFactory,
    SessionFactory,
    UserFactory,
)
from tests.racing import race

TOKEN = "a-fresh-token-from-the-form-0001"
TOKEN_INPUT = re.compile(r'<input type="hidden" name="submission_token" value="([\w-]+)">')


@dataclass
class World:
    community: Community
    member: object
    facilitator: object
    session: Session
    outcome: Outcome
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(riverside, alice, bob):
    """The cast (tests/people.py): alice posts as a member, bob as the facilitator of a
    session in Riverside, an open community."""
    session = SessionFactory(community=riverside)
    session.facilitators.add(bob)
    outcome = OutcomeFactory(community=riverside)
    return World(riverside, alice, bob, session, outcome)


def reflection_data(**overrides):
    return {
        "title": "What the map showed",
        "body": "Loops.",
        "visibility": "community",
        **overrides,
    }


def later(days: int = 10) -> str:
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- every create form: (who posts, the form page, where it posts, what it posts, what it makes)


def _reflection(w):
    url = reverse("reflections:new", args=["riverside"])
    return w.member, url, url, reflection_data(), Reflection.objects


def _action(w):
    url = reverse("reflections:action_new", args=["riverside"])
    data = {"title": "Try the loop map", "owner": w.member.pk}
    return w.member, url, url, data, Action.objects


def _community(w):
    url = reverse("communities:new")
    data = {
        "name": "Systems Thinking",
        "domain": "Maps",
        "purpose": "Learn together",
        "visibility": "open",
        "timezone": "UTC",
    }
    return w.member, url, url, data, Community.objects.filter(name="Systems Thinking")


def _join(w):
    newcomer = UserFactory()
    page = reverse("communities:home", args=["riverside"])
    url = reverse("communities:join", args=["riverside"])
    return newcomer, page, url, {}, Membership.objects.filter(user=newcomer)


def _join_request(w):
    w.community.visibility = Community.Visibility.REQUEST
    w.community.save()
    newcomer = UserFactory()
    url = reverse("communities:join", args=["riverside"])
    data = {"note": "Hello"}
    return newcomer, url, url, data, Membership.objects.filter(user=newcomer)


def _invitation(w):
    url = reverse("communities:invitations", args=["riverside"])
    coordinator = MembershipFactory(community=w.community, role=Membership.Role.COORDINATOR).user
    data = {"emails": "new.person@example.org", "message": ""}
    return coordinator, url, url, data, Invitation.objects


def _journey_move(w):
    membership = Membership.objects.get(user=w.member)
    page = reverse("communities:journeys", args=["riverside"]) + f"?member={membership.pk}"
    url = reverse("communities:journey_move", args=["riverside"])
    data = {"person": membership.user_id, "to_level": "active", "note": "Led a session."}
    return w.facilitator, page, url, data, JourneyStep.objects


def _session(w):
    url = reverse("sessions:new", args=["riverside"])
    data = {"title": "Leverage points", "starts_local": later(), "duration_minutes": "90"}
    return w.facilitator, url, url, data, Session.objects.filter(title="Leverage points")


def _agenda_item(w):
    draft = SessionFactory(community=w.community, status=Session.Status.DRAFT)
    draft.facilitators.add(w.facilitator)
    page = reverse("sessions:edit", args=["riverside", draft.pk])
    url = reverse("sessions:agenda_add", args=["riverside", draft.pk])
    data = {"new-title": "Mapping", "new-minutes": "20"}
    return w.facilitator, page, url, data, AgendaItem.objects.filter(session=draft)


def _outcome(w):
    url = reverse("outcomes:list", args=["riverside"])
    data = {"statement": "read feedback loops", "why": "They are everywhere."}
    return w.member, url, url, data, Outcome.objects.filter(statement="read feedback loops")


def _endorsement(w):
    page = reverse("outcomes:list", args=["riverside"])
    url = reverse("outcomes:endorse", args=["riverside", w.outcome.pk])
    return w.member, page, url, {}, Endorsement.objects


def _confidence(w):
    url = reverse("outcomes:confidence", args=["riverside", w.outcome.pk])
    page = reverse("outcomes:outcome", args=["riverside", w.outcome.pk])
    return w.member, page, url, {"rating": "4"}, ConfidenceRating.objects


def _held(w):
    held = SessionFactory(community=w.community, starts_at=timezone.now() - timedelta(days=1))
    held.facilitators.add(w.facilitator)
    AttendanceFactory(session=held, user=w.member)
    return held


def _shared_work(w):
    held = _held(w)
    url = reverse("reviews:work_new", args=["riverside", held.pk])
    data = {"title": "River map", "link": "https://example.org/map"}
    return w.member, url, url, data, SharedWork.objects


def _review_round(w):
    held = _held(w)
    url = reverse("reviews:round_new", args=["riverside", held.pk])
    data = {
        "outcomes": [w.outcome.pk],
        "reviewers_per_work": "2",
        "anonymous": "named",
        "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    return w.facilitator, url, url, data, ReviewRound.objects


def _review_reply(w):
    held = _held(w)
    reviewer = MembershipFactory(community=w.community).user
    AttendanceFactory(session=held, user=reviewer)
    work = SharedWork.objects.create(
        community=w.community,
        session=held,
        author=w.member,
        title="River map",
        link="https://x.org",
    )
    round_ = ReviewRound.objects.create(
        community=w.community, session=held, due_on=timezone.localdate(), opened_by=w.facilitator
    )
    review = PeerReview.objects.create(
        round=round_,
        work=work,
        reviewer=reviewer,
        status=PeerReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        answers=[{"works": "Clear.", "deeper": "More."}],
    )
    page = reverse("reviews:work", args=["riverside", work.pk])
    url = reverse("reviews:review_reply", args=["riverside", review.pk])
    return w.member, page, url, {"body": "Thank you!"}, ReviewReply.objects


def _story(w):
    url = reverse("dashboard:story_create", args=["riverside"])
    data = {"title": "The map that stuck", "what_happened": "We drew it."}
    return w.member, url, url, data, ImpactStory.objects


CREATE_FORMS = {
    "reflection": _reflection,
    "action": _action,
    "community": _community,
    "join": _join,
    "join request": _join_request,
    "invitation": _invitation,
    "journey move": _journey_move,
    "session": _session,
    "agenda item": _agenda_item,
    "outcome": _outcome,
    "endorsement": _endorsement,
    "confidence rating": _confidence,
    "shared work": _shared_work,
    "review round": _review_round,
    "review reply": _review_reply,
    "impact story": _story,
}


@pytest.mark.parametrize("form", CREATE_FORMS)
def test_two_posts_with_one_token_create_one_object(client, world, form):
    person, page, url, data, made = CREATE_FORMS[form](world)
    client.force_login(person)
    before = made.count()
    token = TOKEN_INPUT.search(client.get(page).content.decode()).group(1)

    first = client.post(url, {**data, FIELD: token})
    emails = EmailDelivery.objects.count()
    second = client.post(url, {**data, FIELD: token})

    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert made.count() == before + 1
    # The second POST was answered from the claimed token: it wrote and sent nothing.
    assert EmailDelivery.objects.count() == emails
    claimed = SubmissionToken.objects.filter(user=person, token=token)
    assert list(claimed.values_list("path", "result_url")) == [(url, first["Location"])]


@pytest.mark.parametrize("form", ["reflection", "outcome", "impact story"])
def test_a_post_without_a_token_still_creates(client, world, form):
    person, _, url, data, made = CREATE_FORMS[form](world)
    client.force_login(person)

    responses = [client.post(url, data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert made.count() == 2


def test_twenty_identical_reflection_posts_make_one_reflection(client, world):
    client.force_login(world.member)
    url = reverse("reflections:new", args=["riverside"])

    answers = [client.post(url, {**reflection_data(), FIELD: TOKEN}) for _ in range(20)]

    reflection = Reflection.objects.get()
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reflection.get_absolute_url())
    }


def test_the_same_token_from_another_person_is_their_own(client, world):
    url = reverse("reflections:new", args=["riverside"])
    other = MembershipFactory(community=world.community).user

    for person in (world.member, other):
        client.force_login(person)
        client.post(url, {**reflection_data(), FIELD: TOKEN})

    assert sorted(Reflection.objects.values_list("author_id", flat=True)) == sorted(
        [world.member.pk, other.pk]
    )


def test_the_same_token_with_other_content_is_a_new_submission(client, world):
    """A form reopened with the back button, changed and sent again keeps its old token:
    what the person wrote the second time is saved, not swallowed."""
    client.force_login(world.member)
    url = reverse("reflections:new", args=["riverside"])

    client.post(url, {**reflection_data(title="First thoughts"), FIELD: TOKEN})
    second = client.post(url, {**reflection_data(title="Second thoughts"), FIELD: TOKEN})

    assert second.status_code == 302
    assert sorted(Reflection.objects.values_list("title", flat=True)) == [
        "First thoughts",
        "Second thoughts",
    ]
    assert second["Location"] == Reflection.objects.get(title="Second thoughts").get_absolute_url()


def test_a_form_with_errors_leaves_its_token_free_for_the_corrected_form(client, world):
    client.force_login(world.member)
    url = reverse("reflections:new", args=["riverside"])

    refused = client.post(url, {**reflection_data(title=""), FIELD: TOKEN})
    saved = client.post(url, {**reflection_data(), FIELD: TOKEN})

    assert refused.status_code == 200
    assert saved.status_code == 302
    assert Reflection.objects.count() == 1
    # The re-rendered form carries a fresh token of its own.
    assert TOKEN_INPUT.search(refused.content.decode()).group(1) != TOKEN


@pytest.mark.parametrize("junk", ["short", "x" * 65, "bad\x00token-0123456789abcdef", "€" * 30])
def test_a_malformed_token_is_ignored_not_stored(client, world, junk):
    client.force_login(world.member)

    response = client.post(
        reverse("reflections:new", args=["riverside"]), {**reflection_data(), FIELD: junk}
    )

    assert response.status_code == 302
    assert Reflection.objects.count() == 1
    assert not SubmissionToken.objects.exists()


def test_htmx_agenda_add_refreshes_the_token_and_a_repeat_goes_to_the_planner(client, world):
    *_, url, data, made = _agenda_item(world)
    client.force_login(world.facilitator)
    htmx = {"HTTP_HX_REQUEST": "true"}

    first = client.post(url, {**data, FIELD: TOKEN}, **htmx)
    repeat = client.post(url, {**data, FIELD: TOKEN}, **htmx)
    fresh = TOKEN_INPUT.search(first.content.decode()).group(1)
    another = client.post(url, {**data, "new-title": "Debrief", FIELD: fresh}, **htmx)

    assert first.status_code == 200
    assert fresh != TOKEN
    assert repeat["HX-Redirect"].endswith("/edit/#agenda")
    assert another.status_code == 200
    assert list(made.order_by("position").values_list("title", flat=True)) == ["Mapping", "Debrief"]


def test_htmx_confidence_rating_repeat_saves_one_rating(client, world):
    *_, url, data, made = _confidence(world)
    client.force_login(world.member)
    htmx = {"HTTP_HX_REQUEST": "true"}

    first = client.post(url, {**data, FIELD: TOKEN}, **htmx)
    repeat = client.post(url, {**data, FIELD: TOKEN}, **htmx)

    assert first.status_code == 200
    assert TOKEN_INPUT.search(first.content.decode()).group(1) != TOKEN
    assert repeat["HX-Redirect"] == reverse(
        "outcomes:outcome", args=["riverside", world.outcome.pk]
    )
    assert made.count() == 1


def test_day_old_tokens_are_pruned(world):
    now = timezone.now()
    old = SubmissionToken.objects.create(user=world.member, token="old" * 8, path="/x/")
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=1, hours=1))
    SubmissionToken.objects.create(user=world.member, token="new" * 8, path="/x/")

    pruned = submission_tokens_prune(now=now)

    assert pruned == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["new" * 8]


def test_the_nightly_task_prunes_day_old_tokens_and_beat_runs_it(world, settings):
    from accounts.tasks import submission_tokens_prune as task

    old = SubmissionToken.objects.create(user=world.member, token="old" * 8, path="/x/")
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    task.delay()

    assert not SubmissionToken.objects.exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["submission-tokens-prune"]
    assert schedule["task"] == task.name


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_identical_reflection_posts_make_one_reflection():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises every write)")
    community = CommunityFactory(name="Riverside", slug="riverside")
    member = MembershipFactory(community=community).user
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(member)
        clients.append(client)
    lock, answers = threading.Lock(), []
    url = reverse("reflections:new", args=["riverside"])

    def work():
        with lock:
            client = clients.pop()
        response = client.post(url, {**reflection_data(), FIELD: TOKEN})
        answers.append((response.status_code, response["Location"]))

    errors = race(work, workers=20)

    reflection = Reflection.objects.get()
    assert errors == []
    assert answers == [(302, reflection.get_absolute_url())] * 20
