"""Issue 17, part A: a round that never stalls. The facilitator's actions (reassign, add a
reviewer, review it myself, extend, allocate by hand), the cadence with time frozen
(half-time reminder, due-date nudge, automatic reassignment two days after), "Was this
helpful?", and every email exactly once by its key."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from reviews import facilitation, selectors, services
from reviews.models import PeerReview, ReviewRound
from reviews.tasks import review_cadence_scan, review_nudges_scan

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
S = PeerReview.Status
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
ANSWER = [{"works": "The loops read clearly.", "deeper": ""}, {"works": "", "deeper": ""}]


def mail_to(user, subject: str = ""):
    return [m for m in mail.outbox if m.to == [user.email] and subject in m.subject]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a block with its after-commit emails sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def stalled(cast):
    """A round opened at T0, due 8 days later, on two pieces: Ada's "River map" waits on
    Tess (who never writes); Uma's "Harbour map" was reviewed by Rosa, who has finished."""
    tess = cast.attend(cast.join(display_name="Tess Third"))
    uma = cast.attend(cast.join(display_name="Uma Fourth"))
    round_ = review_round(
        cast.session,
        [cast.outcome],
        due_on=T0.date() + dt.timedelta(days=8),
        created_at=T0,
        opened_at=T0,
        opened_by=cast.facilitator,
        reviewers_per_work=1,
    )
    river = shared_work(cast.session, cast.author, title="River map")
    harbour = shared_work(cast.session, uma, title="Harbour map")
    waiting = peer_review(round_, river, tess, created_at=T0)
    done = peer_review(round_, harbour, cast.reviewer, S.SUBMITTED, created_at=T0)
    return {"round": round_, "river": river, "harbour": harbour, "waiting": waiting,
            "done": done, "tess": tess, "uma": uma}  # fmt: skip


def at(days: float):
    return time_machine.travel(T0 + dt.timedelta(days=days), tick=False)


# --- the cadence, with time frozen -------------------------------------------------------


def test_cadence_reminds_at_half_time_and_on_the_due_date_then_reassigns(cast, stalled, sent):
    tess, rosa, bob = stalled["tess"], cast.reviewer, cast.facilitator
    with sent():
        with at(3.5):  # Before half the time (the 6th): nothing.
            assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
        with at(4):
            assert review_cadence_scan() == {"reminders": 1, "reassigned": 0}
            assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
        with at(7):
            assert review_nudges_scan() == 0  # Not yet the due date.
        with at(8):
            assert (review_nudges_scan(), review_nudges_scan()) == (1, 0)
        with at(9):
            assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
        with at(10):  # Two days after the due date.
            assert review_cadence_scan() == {"reminders": 0, "reassigned": 1}
            assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
        with at(11):
            assert review_cadence_scan()["reassigned"] == 0
            assert review_nudges_scan() == 0  # The one asked after the due date is not nudged.

    assert [m.subject for m in mail_to(tess)] == [
        'A gentle reminder: your review of "River map"',
        'A gentle nudge: your review of "River map"',
    ]
    # The attendee who has finished theirs with the lowest load is asked (Uma has none to
    # finish, so she is not); Tess keeps her review and may still share it.
    replacement = PeerReview.objects.get(reassigned_from=stalled["waiting"])
    assert (replacement.reviewer, replacement.automatic, replacement.work) == (
        rosa,
        True,
        stalled["river"],
    )
    assert [m.subject for m in mail_to(rosa)] == ['Could you review "River map"?']
    assert "you have finished yours" in mail_to(rosa)[0].body
    assert "Tess" not in mail_to(rosa)[0].body  # Who stalled is nobody's business.
    told = mail_to(bob)
    assert [m.subject for m in told] == ['Authors still waiting for reviews: "Causal loops"']
    assert 'Ada Author: "River map"' in told[0].body
    assert "Harbour map" not in told[0].body


def test_automatic_step_can_be_turned_off_and_facilitators_are_still_told(cast, stalled, sent):
    ReviewRound.objects.filter(pk=stalled["round"].pk).update(auto_reassign=False)
    with sent(), at(10):
        assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
        review_cadence_scan()

    assert not PeerReview.objects.filter(reassigned_from__isnull=False).exists()
    assert len(mail_to(cast.facilitator, "Authors still waiting")) == 1


def test_a_review_sent_back_for_a_rephrase_is_never_moved_automatically(cast, stalled, sent):
    """With a release step, Tess shared her review and a facilitator asked her to rephrase
    it: it is a draft again, yet it was written, so the automatic step leaves it be."""
    ReviewRound.objects.filter(pk=stalled["round"].pk).update(holds_reviews=True)
    with sent(), at(3):
        shared = services.review_save(
            review=stalled["waiting"], answers=ANSWER, stage="", submit=True
        )
        services.review_rephrase(review=shared, by=cast.facilitator, note="Kinder, please.")
    with sent(), at(10):
        assert review_cadence_scan()["reassigned"] == 0

    assert not PeerReview.objects.filter(reassigned_from__isnull=False).exists()
    assert PeerReview.objects.get(pk=stalled["waiting"].pk).status == S.DRAFT


def test_nobody_finished_means_nobody_is_asked_automatically(cast, stalled, sent):
    PeerReview.objects.filter(pk=stalled["done"].pk).update(status=S.DRAFT, submitted_at=None)
    with sent(), at(10):
        assert review_cadence_scan()["reassigned"] == 0
    assert len(mail_to(cast.facilitator, "Authors still waiting")) == 1


def test_declining_an_automatic_reassignment_asks_another_and_twice_is_a_message(
    cast, stalled, sent
):
    with sent(), at(10):
        review_cadence_scan()
    replacement = PeerReview.objects.get(reassigned_from=stalled["waiting"])

    services.review_decline(review=replacement)
    with pytest.raises(services.ReviewError, match="already declined"):
        services.review_decline(review=replacement)

    replacement.refresh_from_db()
    assert replacement.status == S.DECLINED


def test_a_replaced_reviewer_may_still_share_and_the_late_review_is_shown(cast, stalled, sent):
    with sent(), at(10):
        review_cadence_scan()
    first = PeerReview.objects.get(pk=stalled["waiting"].pk)
    assert first.status == S.ALLOCATED and first.reassigned_at is not None

    services.review_save(review=first, answers=ANSWER, stage="", submit=True)

    first.refresh_from_db()
    assert first.status == S.SUBMITTED
    heard = selectors.round_heard(stalled["round"])
    assert heard == {"heard": 2, "total": 2}


# --- reassign, add, myself ---------------------------------------------------------------


def test_reassign_picks_the_fairest_eligible_attendee_and_tells_them_once(cast, stalled, sent):
    with sent():
        replacement = facilitation.review_reassign(review=stalled["waiting"])
    # Never Ada (the author) nor Tess (already on it); Uma carries 0, Rosa 1.
    assert replacement.reviewer == stalled["uma"]
    assert len(mail_to(stalled["uma"], "Could you review")) == 1
    assert mail_to(stalled["tess"]) == []


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("author", "author of this work"),
        ("tess", "already reviews this work"),
        ("member", "Only attendees"),
        ("outsider", "Only attendees"),
    ],
)
def test_reassign_refuses_author_existing_reviewer_and_non_attendees(cast, stalled, who, message):
    person = stalled.get(who) or getattr(cast, who)
    with pytest.raises(services.ReviewError, match=message):
        facilitation.review_reassign(review=stalled["waiting"], to_id=person.pk)
    assert PeerReview.objects.count() == 2
    stalled["waiting"].refresh_from_db()
    assert stalled["waiting"].reassigned_at is None


def test_reassigning_twice_never_asks_two_people(cast, stalled, sent):
    with sent():
        facilitation.review_reassign(review=stalled["waiting"])
        with pytest.raises(services.ReviewError, match="already reassigned"):
            facilitation.review_reassign(review=stalled["waiting"], to_id=cast.reviewer.pk)
    assert PeerReview.objects.filter(work=stalled["river"]).count() == 2
    assert len([m for m in mail.outbox if "Could you review" in m.subject]) == 1


def test_add_a_reviewer_asks_them_once(cast, stalled, sent):
    with sent():
        facilitation.review_add(
            round_=stalled["round"], work=stalled["river"], to_id=stalled["uma"].pk
        )
    assert len(mail_to(stalled["uma"])) == 1
    with pytest.raises(services.ReviewError, match="already reviews"):
        facilitation.review_add(
            round_=stalled["round"], work=stalled["river"], to_id=stalled["uma"].pk
        )


@pytest.mark.parametrize("anonymous", [False, True])
def test_review_it_myself_is_marked_as_a_facilitators_review(cast, stalled, sent, anonymous):
    ReviewRound.objects.filter(pk=stalled["round"].pk).update(anonymous=anonymous)
    with sent():
        review = facilitation.review_add(
            round_=stalled["round"],
            work=stalled["river"],
            to_id=cast.facilitator.pk,
            by_facilitator=True,
        )
        services.review_save(review=review, answers=ANSWER, stage="", submit=True)

    [received] = mail_to(cast.author)
    expected = "A facilitator" if anonymous else f"{cast.facilitator.name} (facilitator)"
    assert expected in received.body
    if anonymous:
        assert cast.facilitator.name not in received.body


def test_the_author_cannot_review_their_own_work_as_facilitator(cast, stalled):
    with pytest.raises(services.ReviewError, match="your own work"):
        facilitation.review_add(
            round_=stalled["round"], work=stalled["river"], to_id=cast.author.pk,
            by_facilitator=True,
        )  # fmt: skip


# --- extend ------------------------------------------------------------------------------


def test_extend_tells_everyone_waiting_the_new_date_once(cast, stalled, sent):
    round_ = stalled["round"]
    today = T0.date() + dt.timedelta(days=9)
    with sent():
        facilitation.review_round_extend(
            round_=round_, due_on=today + dt.timedelta(days=3), today=today
        )
        with pytest.raises(services.ReviewError, match="after the current due date"):
            facilitation.review_round_extend(
                round_=round_, due_on=today + dt.timedelta(days=3), today=today
            )
    assert [m.subject for m in mail_to(stalled["tess"])] == [
        'More time for your review of "River map": now by Saturday 14 November'
    ]
    assert mail_to(cast.reviewer) == []  # Rosa has shared hers.


def test_extend_into_the_past_is_refused(stalled):
    round_ = stalled["round"]
    with pytest.raises(services.ReviewError, match="passed"):
        facilitation.review_round_extend(
            round_=round_, due_on=T0.date(), today=T0.date() + dt.timedelta(days=1)
        )
    round_.refresh_from_db()
    assert round_.due_on == T0.date() + dt.timedelta(days=8)


# --- allocate by hand --------------------------------------------------------------------


def test_a_planned_round_asks_nobody_until_it_opens(cast, sent):
    tess = cast.attend(cast.join(display_name="Tess Third"))
    cast.share(title="River map")
    with sent():
        round_ = services.review_round_open(
            session=cast.session,
            by=cast.facilitator,
            outcomes=[cast.outcome],
            reviewers_per_work=1,
            due_on=dt.date.today() + dt.timedelta(days=7),
            planned=True,
        )
    assert mail.outbox == []
    first = round_.reviews.get()
    facilitation.review_remove(review=first)
    with sent():
        facilitation.review_add(round_=round_, work=first.work, to_id=tess.pk)
    assert mail.outbox == []

    with sent():
        facilitation.review_round_start(round_=round_)
    assert [m.to for m in mail.outbox] == [[tess.email]]
    with pytest.raises(services.ReviewError, match="already open"):
        facilitation.review_round_start(round_=round_)
    with pytest.raises(services.ReviewError, match="reassign"):
        facilitation.review_remove(review=round_.reviews.get())


# --- was this helpful? -------------------------------------------------------------------


def test_helpful_tells_the_reviewer_once_and_privately(cast, stalled, sent):
    review = stalled["done"]
    with sent():
        facilitation.review_mark_helpful(review=review, note="The missing loop was it!")
    with sent():
        facilitation.review_mark_helpful(review=review, note="Thanks again")
    [told] = mail_to(cast.reviewer)
    assert told.subject == 'Your review of "Harbour map" helped'
    assert "The missing loop was it!" in told.body
    review.refresh_from_db()
    assert review.helpful_note == "Thanks again"


def test_only_a_shared_review_can_be_marked_helpful(stalled):
    with pytest.raises(services.ReviewError):
        facilitation.review_mark_helpful(review=stalled["waiting"])


def test_helpful_share_is_the_communitys_only_and_at_five_reviews(cast, stalled):
    community = cast.community
    assert selectors.helpful_share(community) is None  # One shared review: below the floor.
    for index in range(4):
        author = cast.attend(cast.join())
        work = shared_work(cast.session, author, title=f"Map {index}")
        peer_review(
            stalled["round"], work, cast.reviewer, S.SUBMITTED,
            helpful_at=T0 if index < 2 else None,
        )  # fmt: skip
    assert selectors.helpful_share(community) == pytest.approx(2 / 5)


# --- phases ------------------------------------------------------------------------------


def test_phase_follows_the_round(stalled):
    round_ = stalled["round"]
    due = round_.due_on
    assert selectors.round_phase(round_, due)["current"] == "reviewing"
    assert selectors.round_phase(round_, due + dt.timedelta(days=1))["current"] == "replies"
    round_.status = ReviewRound.Status.PLANNED
    assert selectors.round_phase(round_, due)["current"] == "sharing"
    services.review_round_close(round_=round_)
    phase = selectors.round_phase(round_, due)
    assert phase["current"] == "closed"
    assert [step["state"] for step in phase["steps"]] == ["done", "done", "done", "current"]
    assert selectors.round_heard(round_) == {"heard": 1, "total": 2}


def test_a_round_long_past_its_automatic_step_is_left_to_its_facilitators(cast, stalled, sent):
    with sent(), at(8 + 2 + 15):
        assert review_cadence_scan() == {"reminders": 0, "reassigned": 0}
    assert mail.outbox == []
