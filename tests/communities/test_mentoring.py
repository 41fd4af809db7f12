"""Mentoring (issue 18, item 5): opt-in on both sides, a facilitator pairs, both are told
once, the pair's page is theirs and the facilitators' only, either may end it kindly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from communities import engagement, mentoring, services
from communities.models import Membership, MentoringPair, PairMeeting
from communities.services import CommunityError, PairingError
from tests.factories import MembershipFactory, RSVPFactory, SessionFactory
from tests.factories.communities import MentoringPairFactory
from tests.html import text

pytestmark = pytest.mark.django_db
MENTOR, BUDDY = Membership.MENTOR, Membership.BUDDY


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def opt_in(community, user, aspiration, introduction=""):
    Membership.objects.filter(community=community, user=user).update(
        aspiration=aspiration, introduction=introduction
    )
    return user


@pytest.fixture
def mentor(riverside, member_of):
    user = member_of(riverside, level="core", user__display_name="Mira")
    return opt_in(riverside, user, MENTOR, "Ward sister, ten years of huddles.")


@pytest.fixture
def newcomer(riverside, alice):
    return opt_in(riverside, alice, BUDDY, "New to huddles, keen to learn.")


# --- services -----------------------------------------------------------------------------


def test_pair_create_tells_both_once_with_each_others_introduction(
    riverside, bob, mentor, newcomer, commit
):
    with commit():
        pair = services.pair_create(community=riverside, mentor=mentor, newcomer=newcomer, by=bob)
    with commit():
        again = services.pair_create(community=riverside, mentor=mentor, newcomer=newcomer, by=bob)

    assert again.pk == pair.pk
    assert MentoringPair.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, newcomer.email])
    to_newcomer = next(m for m in mail.outbox if m.to == [newcomer.email])
    to_mentor = next(m for m in mail.outbox if m.to == [mentor.email])
    assert "Ward sister, ten years of huddles." in to_newcomer.body
    assert "Ward sister, ten years of huddles." in to_newcomer.alternatives[0][0]
    assert "New to huddles, keen to learn." in to_mentor.body
    assert pair.get_absolute_url() in to_mentor.body
    assert Notification.objects.filter(kind="mentoring_paired").count() == 2


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("self", None, "can't be their own buddy"),
        ("mentor not opted in", "mentor", "hasn't said “I'm happy to mentor”"),
        ("newcomer not opted in", "newcomer", "hasn't said “I'd welcome a buddy”"),
        ("across communities", "newcomer", "member of this community"),
    ],
)
def test_pair_create_refuses_bad_pairs(
    riverside, hillside, bob, mentor, newcomer, member_of, case, field, message
):
    pair_mentor, pair_newcomer = mentor, newcomer
    if case == "self":
        pair_newcomer = mentor
    elif case == "mentor not opted in":
        pair_mentor = member_of(riverside)
    elif case == "newcomer not opted in":
        pair_newcomer = opt_in(riverside, member_of(riverside), "I'd like to facilitate")
    else:
        pair_newcomer = opt_in(hillside, member_of(hillside), BUDDY)

    with pytest.raises(PairingError, match=message) as refused:
        services.pair_create(
            community=riverside, mentor=pair_mentor, newcomer=pair_newcomer, by=bob
        )

    assert refused.value.field == field
    assert not MentoringPair.objects.exists()
    assert not mail.outbox


def test_pair_create_refuses_a_second_buddy(riverside, bob, mentor, newcomer, member_of):
    services.pair_create(community=riverside, mentor=mentor, newcomer=newcomer, by=bob)
    other = opt_in(riverside, member_of(riverside, user__display_name="Otto"), MENTOR)

    with pytest.raises(PairingError, match="already has a buddy: Mira"):
        services.pair_create(community=riverside, mentor=other, newcomer=newcomer, by=bob)


def test_pair_end_tells_the_other_once_and_twice_is_refused(
    riverside, bob, mentor, newcomer, commit
):
    pair = services.pair_create(community=riverside, mentor=mentor, newcomer=newcomer, by=bob)
    mail.outbox.clear()

    with commit():
        services.pair_end(pair=pair, by=newcomer)
    with pytest.raises(CommunityError, match="already ended"):
        services.pair_end(pair=MentoringPair.objects.get(pk=pair.pk), by=mentor)

    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert "ended by Alice" in mail.outbox[0].body
    assert "ended by Alice" in mail.outbox[0].alternatives[0][0]
    assert MentoringPair.objects.get().ended_by == newcomer
    # Ended: the newcomer may be paired again.
    services.pair_create(community=riverside, mentor=mentor, newcomer=newcomer, by=bob)
    assert MentoringPair.objects.active().count() == 1


def test_pair_meeting_once_a_day_and_not_in_the_future(riverside):
    pair = MentoringPairFactory(community=riverside)
    today = timezone.localdate()

    services.pair_meeting_record(pair=pair, by=pair.mentor, met_on=today, line="Coffee")
    services.pair_meeting_record(pair=pair, by=pair.newcomer, met_on=today, line="Again")
    with pytest.raises(PairingError, match="today or a day before"):
        services.pair_meeting_record(pair=pair, by=pair.mentor, met_on=today + timedelta(days=1))

    assert list(PairMeeting.objects.values_list("line", flat=True)) == ["Coffee"]


def test_only_the_two_write_and_only_while_active(riverside, bob):
    pair = MentoringPairFactory(community=riverside)

    with pytest.raises(CommunityError, match="Only the two"):
        services.pair_note_save(pair=pair, by=bob, note="Hello")
    services.pair_note_save(pair=pair, by=pair.newcomer, note="Try a huddle")
    services.pair_end(pair=pair, by=pair.mentor)
    with pytest.raises(CommunityError, match="has ended"):
        services.pair_note_save(pair=pair, by=pair.newcomer, note="Changed")

    assert MentoringPair.objects.get().note == "Try a huddle"


def test_suggested_pairs_take_the_lightest_load_and_spread(riverside, member_of):
    busy = opt_in(riverside, member_of(riverside, user__display_name="Busy"), MENTOR)
    free = opt_in(riverside, member_of(riverside, user__display_name="Free"), MENTOR)
    MentoringPairFactory(community=riverside, mentor=busy)
    first = opt_in(riverside, member_of(riverside, user__display_name="First"), BUDDY)
    second = opt_in(riverside, member_of(riverside, user__display_name="Second"), BUDDY)

    suggestions, unmatched = mentoring.suggested_pairs(riverside)

    assert [(s.mentor.user, s.newcomer.user) for s in suggestions] == [
        (free, first),
        (busy, second),
    ]
    assert unmatched == []


def test_mentoring_is_an_engagement_signal_of_the_mentor(riverside):
    pair = MentoringPairFactory(community=riverside)

    signals = engagement.community_signals(riverside)

    assert signals[pair.mentor_id]["mentoring"] == 1
    assert "mentoring" not in signals.get(pair.newcomer_id, {})
    assert engagement.signal_label("mentoring") == "supporting others' practice (mentoring)"


def test_next_session_both_going(riverside):
    from sessions.selectors import next_session_all_going

    pair = MentoringPairFactory(community=riverside)
    only_one = SessionFactory(community=riverside, starts_at=timezone.now() + timedelta(days=1))
    both = SessionFactory(community=riverside, starts_at=timezone.now() + timedelta(days=2))
    RSVPFactory(session=only_one, user=pair.mentor)
    RSVPFactory(session=only_one, user=pair.newcomer, response="maybe")
    RSVPFactory(session=both, user=pair.mentor)
    RSVPFactory(session=both, user=pair.newcomer)

    assert next_session_all_going(riverside, [pair.mentor_id, pair.newcomer_id]) == both


def test_first_session_with_the_buddy_is_a_milestone_once(riverside, bob):
    from sessions.services import attendance_record

    pair = MentoringPairFactory(community=riverside)
    session = SessionFactory(community=riverside, starts_at=timezone.now() - timedelta(hours=3))
    later = SessionFactory(community=riverside, starts_at=timezone.now() - timedelta(hours=2))
    pair.started_at = timezone.now() - timedelta(days=1)
    pair.save()

    attendance_record(
        session=session, recorded_by=bob, attendees=[pair.mentor, pair.newcomer], complete=True
    )
    attendance_record(
        session=later, recorded_by=bob, attendees=[pair.mentor, pair.newcomer], complete=True
    )

    membership = Membership.objects.get(community=riverside, user=pair.newcomer)
    assert [(m.kind, m.detail) for m in membership.milestones.all()] == [
        ("buddy_first_session", session.title)
    ]
    assert membership.level == "peripheral"  # A milestone is not a level change.
    assert (
        Notification.objects.filter(recipient=pair.newcomer, kind="milestone_celebration").count()
        == 1
    )


def test_no_milestone_without_the_buddy(riverside, bob):
    from sessions.services import attendance_record

    pair = MentoringPairFactory(community=riverside)
    pair.started_at = timezone.now() - timedelta(days=1)
    pair.save()
    session = SessionFactory(community=riverside, starts_at=timezone.now() - timedelta(hours=3))

    attendance_record(session=session, recorded_by=bob, attendees=[pair.newcomer], complete=True)

    assert not Membership.objects.get(user=pair.newcomer).milestones.exists()


def test_opted_in_counts(riverside, mentor, newcomer):
    MembershipFactory(community=riverside, aspiration=MENTOR, status="left")

    assert mentoring.opted_in_counts(riverside) == {"mentors": 1, "newcomers": 1}


def test_buddy_aspiration_is_offered(client, alice, riverside):
    client.force_login(alice)

    response = client.post(
        f"/c/{riverside.slug}/me/", {"introduction": "", "aspiration": BUDDY}, follow=True
    )

    assert Membership.objects.get(user=alice).aspiration == BUDDY
    assert "A facilitator will pair you with someone happy to mentor" in text(
        response.content.decode()
    )
