"""Writes that keep a review round from stalling (issue 17): the facilitator's actions on a
round — reassign a waiting review, add a reviewer, review a piece themselves, extend the
due date, adjust a planned round's allocation by hand and open it — and the cadence the
hourly scan keeps: a gentle reminder at half the time, one on the due date
(services.review_nudges_send_due), then two days after the due date an automatic
reassignment of each missing review and a word to the facilitators about the authors who
still wait. Every email is sent exactly once by its key.

Fairness of every reassignment (reviews.allocation, the same min-cost flow that allocates
a round): never the work's author nor anyone who already reviews it (or declined it); the
eligible attendee with the lowest current load in the round, cross-level where that costs
nothing; so loads differ by more than one only when nobody eligible has a lower load. The
replaced reviewer keeps their draft and may still share it: a late review is welcome.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.mail import email_render_and_enqueue
from accounts.notifications import notify, phrase
from accounts.unsubscribe import list_unsubscribe_headers
from communities.models import Membership
from core.templatetags.dates import when

from .allocation import Reviewer, Work, allocate
from .emails import site_url
from .models import PeerReview, ReviewRound, SharedWork
from .services import ReviewError, _allocate, _notify_allocated, _ranks, _review_email

S = PeerReview.Status
WAITING = (S.ALLOCATED, S.DRAFT)
# Two days after the due date, a piece of work still short of its reviews is helped along.
AUTOMATIC_AFTER = timedelta(days=2)
# Rounds whose automatic step fell due longer ago than this are left to their facilitators
# (rounds long past their date when this cadence arrived are not suddenly reshuffled).
AUTOMATIC_WINDOW = timedelta(days=14)


# --- who may be asked --------------------------------------------------------------------


def _lock_session(round_: ReviewRound) -> None:
    """Allocations and reassignments on one session take turns (as services._allocate)."""
    from sessions.models import Session

    list(
        Session.objects.select_for_update()
        .filter(pk=round_.session_id)
        .values_list("pk", flat=True)
    )


def _attendee_ids(round_: ReviewRound) -> list[int]:
    from sessions.models import Attendance

    return list(
        Attendance.objects.filter(session_id=round_.session_id).values_list("user_id", flat=True)
    )


def loads(round_: ReviewRound) -> dict[int, int]:
    """Reviewer id → the reviews they carry in the round (shared, or still to come and not
    replaced). One query."""
    result: dict[int, int] = {}
    for reviewer_id in round_.reviews.live().values_list("reviewer_id", flat=True):
        result[reviewer_id] = result.get(reviewer_id, 0) + 1
    return result


def finished_ids(round_: ReviewRound) -> set[int]:
    """Attendees who have finished theirs: at least one review shared in the round, and
    none still waiting on them. One query."""
    rows = round_.reviews.live().values_list("reviewer_id", "status")
    shared, waiting = set(), set()
    for reviewer_id, status in rows:
        (shared if status == S.SUBMITTED else waiting).add(reviewer_id)
    return shared - waiting


def fairest(round_: ReviewRound, work: SharedWork, *, among: set[int] | None = None) -> int | None:
    """The attendee a review of `work` goes to, by the fairness rules (module docstring),
    or None when nobody is eligible. `among` narrows the candidates (the automatic step:
    attendees who have finished theirs)."""
    attendees = set(_attendee_ids(round_))
    if among is not None:
        attendees &= among
    ranks = _ranks(round_.community, attendees | {work.author_id})
    carried = loads(round_)
    reviewers = [
        Reviewer(id=uid, rank=ranks[uid], load=carried.get(uid, 0))
        for uid in sorted(attendees)
        if uid in ranks
    ]
    taken = {
        (work.pk, reviewer_id)
        for reviewer_id in PeerReview.objects.filter(work=work).values_list(
            "reviewer_id", flat=True
        )
    }
    piece = Work(id=work.pk, author=work.author_id, author_rank=ranks.get(work.author_id, 0))
    pairs = allocate([piece], reviewers, 1, excluded=taken)
    return pairs[0][1] if pairs else None


def _check_candidate(round_: ReviewRound, work: SharedWork, user_id: int) -> None:
    """Refuse, with a message for people, a reviewer the rules do not allow."""
    if user_id == work.author_id:
        raise ReviewError(
            gettext("That's the author of this work: choose someone else to review it.")
        )
    if PeerReview.objects.filter(work=work, reviewer_id=user_id).exists():
        raise ReviewError(
            gettext("That person already reviews this work (or declined it): choose someone else.")
        )
    if user_id not in set(_attendee_ids(round_)) or not _ranks(round_.community, [user_id]):
        raise ReviewError(
            gettext("Only attendees of the session can be asked: choose someone who attended.")
        )


# --- the facilitator's actions -----------------------------------------------------------


@transaction.atomic
def review_reassign(
    *, review: PeerReview, to_id: int | None = None, automatic: bool = False
) -> PeerReview:
    """Ask someone else for a waiting review: `to_id` when the facilitator chose, else the
    fairest attendee. The first reviewer keeps their draft and may still share it. Two
    facilitators reassigning the same review at once: the second is told it is done (the
    row lock, and a one-replacement-per-review constraint, never ask two people)."""
    review = (
        PeerReview.objects.select_for_update(of=("self",))
        .select_related("round__community", "work")
        .get(pk=review.pk)
    )
    round_ = review.round
    if not round_.is_open:
        raise ReviewError(gettext("Only a review in an open round can be reassigned."))
    if review.reassigned_at is not None:
        raise ReviewError(gettext("This review was already reassigned; nothing changed."))
    if review.status not in WAITING:
        raise ReviewError(
            gettext("This review is already %(status)s.") % {"status": review.get_status_display()}
        )
    _lock_session(round_)
    work = review.work
    if to_id is None:
        to_id = fairest(round_, work, among=finished_ids(round_) if automatic else None)
        if to_id is None:
            raise ReviewError(
                gettext("Nobody else among the attendees is free to review this work.")
            )
    else:
        _check_candidate(round_, work, to_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            replacement = PeerReview.objects.create(
                round=round_,
                work=work,
                reviewer_id=to_id,
                reassigned_from=review,
                automatic=automatic,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise ReviewError(gettext("This review was just reassigned by someone else.")) from None
    review.reassigned_at = now
    review.save(update_fields=["reassigned_at"])
    transaction.on_commit(lambda: _notify_reassigned(replacement.pk))
    return replacement


def _for_notice(review_id: int) -> PeerReview:
    """A review with what its notices name (round, session, work, author, reviewer)."""
    return PeerReview.objects.select_related(
        "round__community", "round__session", "work__community", "work__author", "reviewer"
    ).get(pk=review_id)


def _notify_reassigned(review_id: int) -> None:
    """The person asked in someone's place is told once (key: the new review)."""
    review = _for_notice(review_id)
    to, key = review.reviewer, f"review-reassigned:{review.pk}"
    notify(
        to,
        "review_waiting",
        key=key,
        community=review.round.community,
        text=phrase(
            gettext_lazy("Could you review “%(title)s”? It is still waiting for a review."),
            title=review.work.title,
        ),
        url=review.get_absolute_url(),
        email=lambda: _review_email(review=review, kind="review_reassigned", key=key, to=to),
    )


@transaction.atomic
def review_add(*, round_: ReviewRound, work: SharedWork, to_id: int, by_facilitator=False):
    """Add a reviewer to a piece of work (also in a planned round: allocating by hand).
    `by_facilitator`: the facilitator reviews it themselves, marked as such."""
    round_ = ReviewRound.objects.select_for_update().select_related("community").get(pk=round_.pk)
    if round_.status == ReviewRound.Status.CLOSED:
        raise ReviewError(gettext("This round is closed."))
    _lock_session(round_)
    if by_facilitator:
        if to_id == work.author_id:
            raise ReviewError(gettext("This is your own work: ask someone else to review it."))
        if PeerReview.objects.filter(work=work, reviewer_id=to_id).exists():
            raise ReviewError(gettext("You already review this work (or declined it)."))
    else:
        _check_candidate(round_, work, to_id)
    review = PeerReview.objects.create(
        round=round_, work=work, reviewer_id=to_id, by_facilitator=by_facilitator
    )
    if round_.is_open and not by_facilitator:
        transaction.on_commit(lambda: _notify_allocated(round_.pk, [to_id]))
    return review


@transaction.atomic
def review_remove(*, review: PeerReview) -> None:
    """Allocating by hand: take a reviewer off a piece of work before the round opens."""
    round_ = ReviewRound.objects.select_for_update().get(pk=review.round_id)
    if not round_.is_planned:
        raise ReviewError(
            gettext("Reviewers were already asked: reassign the review instead of removing it.")
        )
    PeerReview.objects.filter(pk=review.pk).delete()


@transaction.atomic
def review_round_start(*, round_: ReviewRound) -> ReviewRound:
    """Open a planned round: everyone allocated is asked now (once, as ever)."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_planned:
        raise ReviewError(gettext("This round is already open."))
    round_.status, round_.opened_at = ReviewRound.Status.OPEN, timezone.now()
    round_.save(update_fields=["status", "opened_at"])
    _allocate(round_)  # Work shared while planning found reviewers already; this is a top-up.
    reviewer_ids = sorted(set(round_.reviews.waiting().values_list("reviewer_id", flat=True)))
    if reviewer_ids:
        transaction.on_commit(lambda: _notify_allocated(round_.pk, reviewer_ids))
    return round_


@transaction.atomic
def review_round_extend(*, round_: ReviewRound, due_on: date, today: date) -> ReviewRound:
    """Move the due date later; everyone still waiting on a review is told the new date
    once (key: round, date, person)."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == ReviewRound.Status.CLOSED:
        raise ReviewError(gettext("This round is closed."))
    if due_on < today:
        raise ReviewError(gettext("That date has passed: choose today or a later date."))
    if due_on <= round_.due_on:
        raise ReviewError(gettext("Choose a date after the current due date to extend it."))
    round_.due_on = due_on
    round_.save(update_fields=["due_on"])
    if round_.is_open:
        transaction.on_commit(lambda: _notify_extended(round_.pk, due_on))
    return round_


def _notify_extended(round_id: int, due_on: date) -> None:
    waiting = (
        PeerReview.objects.waiting_on()
        .filter(round_id=round_id)
        .select_related("round__community", "round__session", "work__community", "reviewer")
        .order_by("reviewer_id", "pk")
    )
    told = set()
    for review in waiting:
        if review.reviewer_id in told:
            continue
        told.add(review.reviewer_id)
        to, key = review.reviewer, f"review-extended:{round_id}:{due_on}:{review.reviewer_id}"
        notify(
            to,
            "review_reminder",
            key=key,
            community=review.round.community,
            text=phrase(
                gettext_lazy("More time for your review of “%(title)s”: now by %(day)s."),
                title=review.work.title,
                day=partial(when, due_on, "weekday"),
            ),
            url=review.get_absolute_url(),
            email=lambda review=review, key=key, to=to: _review_email(
                review=review, kind="review_extended", key=key, to=to
            ),
        )


# --- the cadence -------------------------------------------------------------------------


def half_time(review: PeerReview) -> date | None:
    """The day a review has waited half the time to its due date (None when there is not
    a day's gap between the half and the due date, where the due-date reminder suffices)."""
    asked = max(review.created_at, review.round.started_at).date()
    span = (review.round.due_on - asked).days
    if span < 2:
        return None
    return asked + timedelta(days=span // 2)


def reminders_send_due(*, now: datetime) -> int:
    """The gentle reminder: once a review has waited half the time, once per review."""
    today = now.date()
    waiting = (
        PeerReview.objects.waiting_on()
        .filter(round__due_on__gt=today, automatic=False, reviewer__review_emails=True)
        .select_related("round__community", "round__session", "work__community", "reviewer")
        .order_by("pk")
    )
    sent = 0
    for review in waiting.iterator(chunk_size=500):
        half = half_time(review)
        if half is None or today < half:
            continue
        to, key = review.reviewer, f"review-reminder:{review.pk}"
        before = _sent(key)
        notify(
            to,
            "review_reminder",
            key=key,
            community=review.round.community,
            text=phrase(
                gettext_lazy("A gentle reminder: your review of “%(title)s”."),
                title=review.work.title,
            ),
            url=review.get_absolute_url(),
            email=lambda review=review, key=key, to=to: _review_email(
                review=review, kind="review_reminder", key=key, to=to
            ),
        )
        sent += not before
    return sent


def _sent(key: str) -> bool:
    from accounts.models import Notification

    return Notification.objects.filter(key=key).exists()


def automatic_step(*, now: datetime) -> int:
    """Two days after a round's due date: each missing review goes to an attendee who has
    finished theirs and has the lowest load (asked; they may decline), when the round
    allows it; then the facilitators are told which authors still wait (once per due
    date). Returns the reviews reassigned."""
    today = now.date()
    rounds = ReviewRound.objects.filter(
        status=ReviewRound.Status.OPEN,
        due_on__lte=today - AUTOMATIC_AFTER,
        due_on__gte=today - AUTOMATIC_AFTER - AUTOMATIC_WINDOW,
    ).select_related("community", "session")
    moved = 0
    for round_ in rounds.order_by("pk"):
        if round_.auto_reassign:
            # A review sent back for a rephrase was written: its facilitator and reviewer
            # are already on it, so it is never moved to someone else automatically.
            stalled = (
                round_.reviews.waiting_on()
                .filter(automatic=False, created_at__date__lte=round_.due_on)
                .filter(rephrasings__isnull=True)
                .order_by("pk")
            )
            for review in stalled:
                try:
                    review_reassign(review=review, automatic=True)
                except ReviewError:
                    continue  # Nobody free yet: the next scan looks again.
                moved += 1
        _tell_facilitators(round_)
    return moved


def still_waiting(round_: ReviewRound) -> list[SharedWork]:
    """The round's pieces of work still waiting for a review, with their authors."""
    ids = set(round_.reviews.waiting_on().values_list("work_id", flat=True))
    return list(
        SharedWork.objects.filter(pk__in=ids).select_related("author").order_by("title", "pk")
    )


def _tell_facilitators(round_: ReviewRound) -> None:
    works = still_waiting(round_)
    if not works:
        return
    facilitators = (
        Membership.objects.active()
        .filter(
            community=round_.community,
            role__in=[Membership.Role.FACILITATOR, Membership.Role.COORDINATOR],
        )
        .select_related("user")
    )
    url = round_.get_absolute_url()
    authors = sorted({work.author.name for work in works})
    for membership in facilitators:
        to = membership.user
        key = f"review-round-waiting:{round_.pk}:{round_.due_on}:{to.pk}"
        context = {
            "recipient": to,
            "round": round_,
            "community": round_.community,
            "works": works,
            "round_url": site_url(url),
            "settings_url": site_url(reverse("settings")),
        }
        notify(
            to,
            "review_round_waiting",
            key=key,
            community=round_.community,
            text=phrase(
                gettext_lazy("Still waiting for reviews in “%(session)s”: %(authors)s."),
                session=round_.session.title,
                authors=", ".join(authors),
            ),
            url=url,
            email=lambda to=to, key=key, context=context: email_render_and_enqueue(
                key=key,
                kind="review_round_waiting",
                template_prefix="outcomes/email/review_round_waiting",
                context=context,
                to_email=to.email,
                recipient=to,
                headers=list_unsubscribe_headers(to, "reviews"),
            ),
        )


def cadence_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """The hourly scan's part of the cadence (the due-date nudge is its own task)."""
    now = now or timezone.now()
    return {"reminders": reminders_send_due(now=now), "reassigned": automatic_step(now=now)}


# --- "Was this helpful?" -----------------------------------------------------------------


@transaction.atomic
def review_mark_helpful(*, review: PeerReview, note: str = "") -> PeerReview:
    """The author tells the reviewer, privately, that the review helped (with an optional
    line of thanks). The reviewer is told once; a later edit of the line is kept quietly."""
    review = PeerReview.objects.select_for_update().get(pk=review.pk)
    if review.status != S.SUBMITTED:
        raise ReviewError(gettext("Only a shared review can be marked helpful."))
    first = review.helpful_at is None
    if first:
        review.helpful_at = timezone.now()
    review.helpful_note = note.strip()
    review.save(update_fields=["helpful_at", "helpful_note"])
    if first:
        transaction.on_commit(lambda: _notify_helpful(review.pk))
    return review


def _notify_helpful(review_id: int) -> None:
    review = _for_notice(review_id)
    to, key = review.reviewer, f"review-helpful:{review.pk}"
    notify(
        to,
        "review_helpful",
        key=key,
        community=review.round.community,
        actor=review.work.author,
        text=phrase(
            gettext_lazy("The author of “%(title)s” found your review helpful."),
            title=review.work.title,
        ),
        url=f"{review.work.get_absolute_url()}#review-{review.pk}",
        email=lambda: _review_email(review=review, kind="review_helpful", key=key, to=to),
    )
