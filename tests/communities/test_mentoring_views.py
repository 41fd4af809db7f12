"""Mentoring pages: the facilitators' pairs page and each pair's own page (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership, MentoringPair, PairMeeting
from tests.factories import MembershipFactory, RSVPFactory, SessionFactory
from tests.factories.communities import MentoringPairFactory
from tests.html import text

pytestmark = pytest.mark.django_db
MENTOR, BUDDY = Membership.MENTOR, Membership.BUDDY


def opted_in(community, aspiration, name):
    return MembershipFactory(
        community=community, aspiration=aspiration, user__display_name=name
    ).user


def as_(client, user):
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- pairing --------------------------------------------------------------------------------


def test_facilitator_pairs_two_people(client, riverside, bob, django_capture_on_commit_callbacks):
    mentor = opted_in(riverside, MENTOR, "Mira")
    newcomer = opted_in(riverside, BUDDY, "Nico")
    url = f"/c/{riverside.slug}/mentoring/"

    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, bob).post(
            url, {"mentor": mentor.pk, "newcomer": newcomer.pk}, follow=True
        )
        # A double submit: the one pair, nobody told twice.
        client.post(url, {"mentor": mentor.pk, "newcomer": newcomer.pk})

    pair = MentoringPair.objects.get()
    assert (pair.mentor, pair.newcomer, pair.paired_by) == (mentor, newcomer, bob)
    assert "Mira and Nico are paired" in " ".join(messages_of(response))
    assert "Mira mentoring Nico" in text(response.content.decode())
    assert len(mail.outbox) == 2


def test_suggested_pair_is_one_click(client, riverside, bob):
    mentor = opted_in(riverside, MENTOR, "Mira")
    opted_in(riverside, BUDDY, "Nico")

    page = as_(client, bob).get(f"/c/{riverside.slug}/mentoring/")

    assert "Mira with Nico" in text(page.content.decode())
    suggestion = page.context["suggestions"][0]
    client.post(
        f"/c/{riverside.slug}/mentoring/",
        {"mentor": suggestion.mentor.user_id, "newcomer": suggestion.newcomer.user_id},
    )
    assert MentoringPair.objects.get().mentor == mentor


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "can't be their own buddy"),
        ("not opted in", "hasn't said “I'd welcome a buddy”"),
        ("other community", "Choose someone who is an active member of this community."),
        ("junk", "Choose someone who is an active member of this community."),
    ],
)
def test_bad_pairings_are_field_errors_that_keep_the_choice(
    client, riverside, hillside, bob, member_of, case, message
):
    mentor = opted_in(riverside, MENTOR, "Mira")
    newcomer = {
        "self": mentor.pk,
        "not opted in": opted_in(riverside, "", "Quiet").pk,
        "other community": opted_in(hillside, BUDDY, "Far").pk,
        "junk": "12abc",
    }[case]

    response = as_(client, bob).post(
        f"/c/{riverside.slug}/mentoring/", {"mentor": mentor.pk, "newcomer": newcomer}
    )

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert response.context["form"]["mentor"].value() == str(mentor.pk)
    assert not MentoringPair.objects.exists()


@pytest.mark.parametrize("who", ["alice", "dave", "erin", "frank"])
def test_pairs_page_is_for_facilitators_only(client, riverside, who, request):
    person = request.getfixturevalue(who)

    assert as_(client, person).get(f"/c/{riverside.slug}/mentoring/").status_code == 404


def test_pairs_page_anonymous_is_sent_to_sign_in(client, riverside):
    response = client.get(f"/c/{riverside.slug}/mentoring/")

    assert response.status_code == 302


# --- the pair's page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("newcomer", 200),
        ("bob", 200),
        ("alice", 404),
        ("dave", 404),
        ("erin", 404),
        ("frank", 404),
    ],
)
def test_pair_page_is_the_pairs_and_facilitators_only(client, riverside, who, status, request):
    pair = MentoringPairFactory(community=riverside)
    person = getattr(pair, who) if who in ("mentor", "newcomer") else request.getfixturevalue(who)

    response = as_(client, person).get(pair.get_absolute_url())

    assert response.status_code == status
    for path in ("note/", "met/", "end/"):
        posted = client.post(pair.get_absolute_url() + path, {"note": "x"})
        assert posted.status_code in ((302, 200) if status == 200 else (404,))


def test_another_communitys_pair_is_404(client, riverside, hillside, dave):
    pair = MentoringPairFactory(community=hillside)

    response = as_(client, pair.mentor).get(f"/c/{riverside.slug}/mentoring/{pair.pk}/")

    assert response.status_code == 404


def test_newcomer_writes_the_note_and_a_meeting(client, riverside):
    pair = MentoringPairFactory(community=riverside)
    url = pair.get_absolute_url()
    as_(client, pair.newcomer)

    client.post(url + "note/", {"note": "Questions: how do huddles start?"})
    client.post(url + "met/", {"met_on": timezone.localdate().isoformat(), "line": "Tea"})
    page = client.get(url)

    assert "Questions: how do huddles start?" in page.content.decode()
    assert PairMeeting.objects.get().line == "Tea"


def test_a_meeting_in_the_future_keeps_what_was_typed(client, riverside):
    pair = MentoringPairFactory(community=riverside)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = as_(client, pair.mentor).post(
        pair.get_absolute_url() + "met/", {"met_on": tomorrow, "line": "Soon"}
    )

    assert response.status_code == 200
    assert "Choose today or a day before" in response.content.decode()
    assert response.context["meeting_form"]["line"].value() == "Soon"
    assert not PairMeeting.objects.exists()


def test_facilitator_reads_but_does_not_write(client, riverside, bob):
    pair = MentoringPairFactory(community=riverside, note="Our plan")

    page = as_(client, bob).get(pair.get_absolute_url())
    posted = client.post(pair.get_absolute_url() + "note/", {"note": "Mine"}, follow=True)

    assert "Our plan" in page.content.decode()
    assert 'name="note"' not in page.content.decode()
    assert "Only the two people" in " ".join(messages_of(posted))
    assert MentoringPair.objects.get().note == "Our plan"


def test_pair_page_shows_the_next_session_both_are_going_to(client, riverside):
    pair = MentoringPairFactory(community=riverside)
    session = SessionFactory(
        community=riverside, title="Huddle clinic", starts_at=timezone.now() + timedelta(days=2)
    )
    RSVPFactory(session=session, user=pair.mentor)
    RSVPFactory(session=session, user=pair.newcomer)

    page = as_(client, pair.newcomer).get(pair.get_absolute_url())

    assert "Huddle clinic" in page.content.decode()


def test_ending_asks_first_then_ends_and_twice_is_a_message(
    client, riverside, django_capture_on_commit_callbacks
):
    pair = MentoringPairFactory(community=riverside)
    url = pair.get_absolute_url() + "end/"
    as_(client, pair.mentor)

    confirm = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(url, follow=True)
        twice = client.post(url, follow=True)

    assert "End the pairing" in confirm.content.decode()
    assert MentoringPair.objects.get().ended_at is not None
    assert "the other person has been told" in " ".join(messages_of(ended))
    assert "already ended" in " ".join(messages_of(twice))
    assert [m.to for m in mail.outbox] == [[pair.newcomer.email]]


def test_my_journey_links_to_my_pair(client, riverside):
    pair = MentoringPairFactory(community=riverside)

    page = as_(client, pair.newcomer).get(f"/c/{riverside.slug}/me/")

    assert pair.get_absolute_url() in page.content.decode()
    assert f"Your buddy: {pair.mentor.name}" in text(page.content.decode())


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_pairs_page_query_count_is_bounded(client, riverside, bob, rows, django_assert_num_queries):
    for _ in range(rows):
        pair = MentoringPairFactory(community=riverside)
        PairMeeting.objects.create(pair=pair, met_on=timezone.localdate())
        opted_in(riverside, BUDDY, "Waiting")
    as_(client, bob)

    with django_assert_num_queries(8):
        response = client.get(f"/c/{riverside.slug}/mentoring/")

    assert response.status_code == 200
    assert len(response.context["pairs"]) == rows
    assert "met 1 time" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_pair_page_query_count_is_bounded(client, riverside, rows, django_assert_num_queries):
    pair = MentoringPairFactory(community=riverside)
    for day in range(rows):
        PairMeeting.objects.create(
            pair=pair, met_on=timezone.localdate() - timedelta(days=day), by=pair.mentor
        )
    as_(client, pair.newcomer)

    with django_assert_num_queries(8):
        response = client.get(pair.get_absolute_url())

    assert response.status_code == 200
    assert "noted by" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("newcomer", "Your first session with your buddy Mira"),
        ("mentor", "Nico's first session with you as their buddy"),
        ("bob", "Nico's first session with their buddy Mira"),
        ("alice", None),
    ],
)
def test_the_milestone_is_celebrated_to_the_pair_and_facilitators_only(
    client, riverside, bob, alice, who, seen
):
    from communities.models import Milestone

    pair = MentoringPairFactory(
        community=riverside,
        mentor=opted_in(riverside, MENTOR, "Mira"),
        newcomer=opted_in(riverside, BUDDY, "Nico"),
    )
    Milestone.objects.create(
        membership=Membership.objects.get(user=pair.newcomer),
        kind=Milestone.Kind.BUDDY_FIRST_SESSION,
        pair=pair,
        detail="Mapping clinic",
        key=f"buddy-first-session:{pair.pk}",
    )
    person = {"newcomer": pair.newcomer, "mentor": pair.mentor, "bob": bob, "alice": alice}[who]

    page = text(as_(client, person).get(f"/c/{riverside.slug}/").content.decode())

    if seen:
        assert f"{seen}: Mapping clinic" in page
    else:
        assert "Mapping clinic" not in page
        assert "buddy" not in page
