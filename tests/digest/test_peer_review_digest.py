"""Peer review in the digest: reviews waiting for me (overdue first) and reviews I
received, never naming an anonymous round's reviewers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.digest import digest_send_due, period_for
from communities.models import Membership
from outcomes import digest as outcomes_digest
from reviews import digest as reviews_digest
from reviews.models import PeerReview
from tests.factories import OutcomeFactory, SessionFactory, UserFactory
from tests.reviews.builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Monday 2026-11-23 08:00 in London: the default weekly digest; it covers 16–23 Nov.
MONDAY_8_LONDON = dt.datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)
LAST_WEEK = MONDAY_8_LONDON - dt.timedelta(days=3)
S = PeerReview.Status


def url(review) -> str:
    return settings.SITE_URL + reverse(
        "reviews:review", kwargs={"slug": review.round.community.slug, "pk": review.pk}
    )


def work_url(review) -> str:
    """Where an author reads a review of their work: beside it, on the work's page."""
    return settings.SITE_URL + review.work.get_absolute_url() + f"#review-{review.pk}"


@pytest.fixture
def world(riverside, alice):
    """The cast's Riverside, where alice is a member; Ada and Kit, two more members (her
    peers, who review and are reviewed), are built here."""
    ada = UserFactory(display_name="Ada Lovelace")
    kit = UserFactory(display_name="Kit Marlowe")
    community = riverside
    for person in (ada, kit):
        Membership.objects.create(community=community, user=person)
    session = SessionFactory(community=community, starts_at=LAST_WEEK - dt.timedelta(days=7))
    outcome = OutcomeFactory(community=community)
    return {"alice": alice, "ada": ada, "kit": kit, "community": community,
            "session": session, "outcome": outcome}  # fmt: skip


def rounds(world, **fields):
    return review_round(world["session"], [world["outcome"]], **fields)


@pytest.fixture
def alices_digest(django_capture_on_commit_callbacks):
    """Run the hourly digest task at Monday 08:00 and return alice's text and HTML."""

    def run() -> tuple[str, str]:
        with (
            time_machine.travel(MONDAY_8_LONDON, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            digest_send_due()
        message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
        return message.body, message.alternatives[0][0]

    return run


def test_digest_lists_reviews_waiting_for_me_overdue_first(world, alices_digest):
    ada, kit, alice = world["ada"], world["kit"], world["alice"]
    soon = rounds(world, due_on=dt.date(2026, 11, 30))
    late = rounds(world, due_on=dt.date(2026, 11, 20))
    closed = rounds(world, due_on=dt.date(2026, 11, 1), status="closed")
    on_time = peer_review(
        soon, shared_work(world["session"], ada, title="Loops map"), alice, S.DRAFT
    )
    overdue = peer_review(late, shared_work(world["session"], kit, title="Power map"), alice)
    peer_review(closed, shared_work(world["session"], kit, title="Closed map"), alice)
    peer_review(soon, shared_work(world["session"], kit, title="Done map"), alice, S.SUBMITTED)
    peer_review(soon, shared_work(world["session"], ada, title="Declined map"), alice, S.DECLINED)
    peer_review(soon, shared_work(world["session"], alice, title="Alice's map"), ada)

    text, html = alices_digest()

    for part in (text, html):
        assert "Reviews waiting for you".upper() in part.upper()
        assert part.index("Power map") < part.index("Loops map")
        assert "Was due 20 Nov — still welcome whenever you can." in part
        assert "Due 30 Nov · your draft is saved" in part
        for absent in ("Closed map", "Done map", "Declined map", "Alice&#x27;s map", "Alice's map"):
            assert absent not in part
    assert "Your review of “Power map” (Riverside)\n  Was due 20 Nov" in text
    assert url(overdue) in text
    assert f'<a href="{url(on_time)}"' in html


def test_digest_lists_reviews_i_received_without_naming_anonymous_reviewers(
    world, alices_digest, client
):
    ada, kit, alice, session = world["ada"], world["kit"], world["alice"], world["session"]
    named, anonymous = rounds(world), rounds(world, anonymous=True)
    loops = shared_work(session, alice, title="Loops map")
    from_ada = peer_review(named, loops, ada, S.SUBMITTED, submitted_at=LAST_WEEK)
    from_kit = peer_review(
        anonymous, shared_work(session, alice, title="Power map"), kit, S.SUBMITTED,
        submitted_at=LAST_WEEK,
    )  # fmt: skip
    peer_review(named, loops, kit, S.SUBMITTED, submitted_at=LAST_WEEK - dt.timedelta(days=8))
    peer_review(named, shared_work(session, alice, title="Drafted map"), kit, S.DRAFT)

    text, html = alices_digest()

    for part in (text, html):
        assert "A review of your “Loops map” from Ada Lovelace" in part
        assert "A review of your “Power map” from a peer" in part
        assert "Kit" not in part
        assert "Drafted map" not in part
        assert part.count("A review of your") == 2
    assert work_url(from_ada) in text and work_url(from_kit) in text
    assert f'<a href="{work_url(from_kit)}"' in html
    assert url(from_ada) not in text + html
    # The link opens for its reader: the review's page is the reviewer's alone (404 to alice).
    client.force_login(alice)
    page = client.get(work_url(from_ada).removeprefix(settings.SITE_URL).partition("#")[0])
    assert page.status_code == 200
    assert f'id="review-{from_ada.pk}"' in page.content.decode()


def test_digest_leaves_out_reviews_in_a_muted_community(world, django_capture_on_commit_callbacks):
    Membership.objects.filter(user=world["alice"]).update(muted=True)
    peer_review(rounds(world), shared_work(world["session"], world["ada"]), world["alice"])

    with (
        time_machine.travel(MONDAY_8_LONDON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        digest_send_due()

    assert [m for m in mail.outbox if m.to == ["alice@example.org"]] == []


@pytest.mark.parametrize("size", [1, 30])
def test_peer_review_sections_cost_the_same_queries_for_1_and_many_people(
    world, django_assert_num_queries, size
):
    community, session = world["community"], world["session"]
    people = [world["alice"]] + [UserFactory() for _ in range(size - 1)]
    for person in people[1:]:
        Membership.objects.create(community=community, user=person)
    round_ = rounds(world)
    for person in people:
        peer_review(round_, shared_work(session, world["ada"]), person)
        mine = shared_work(session, person)
        peer_review(round_, mine, world["kit"], S.SUBMITTED, submitted_at=LAST_WEEK)
    now = MONDAY_8_LONDON.astimezone(dt.UTC)
    periods = {person.pk: period_for(person, now) for person in people}

    # Memberships, waiting reviews, received reviews.
    with django_assert_num_queries(3):
        sections = reviews_digest.digest_sections(people, periods, now)
    # Memberships, proposed outcomes and their endorsements — two when nothing is
    # proposed, as here: an empty list of outcomes asks the database nothing.
    with django_assert_num_queries(2):
        endorse = outcomes_digest.digest_sections(people, periods, now)

    sections = {person: sections[person] + endorse[person] for person in sections}
    counts = {key: len(s.items) for s in sections[people[-1].pk] for key in [s.key]}
    assert counts == {"reviews_waiting": 1, "reviews_received": 1, "endorse": 0}
