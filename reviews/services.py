"""Writes of shared work and peer review: sharing and deleting work, opening and closing
rounds (with allocation), saving, declining and replying to reviews, and the emails
each sends, exactly once per key."""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from accounts.mail import email_render_and_enqueue
from accounts.notifications import notify, phrase
from accounts.unsubscribe import list_unsubscribe_headers
from communities.models import Membership
from core.plugins import rows_changed, text_saved
from core.transactions import after_commit
from outcomes.models import DEFAULT_PROMPTS, Outcome

from .access import reviewer_is_named, reviewer_name
from .allocation import Reviewer, Work, allocate
from .emails import review_email_context
from .models import (
    CalibrationExample,
    PeerReview,
    PracticeReview,
    Reflection,
    RephraseRequest,
    ReviewReply,
    ReviewRound,
    SelfReview,
    SharedWork,
)

# --- Shared work and peer review -----------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ReviewError(Exception):
    """A review action that the round's state does not allow; the message is for people."""


def _review_email(*, review: PeerReview, kind: str, key: str, to, extra: dict | None = None):
    """Email about a review to `to` (reviewer or author), if they want review emails."""
    if not to.review_emails:
        return None
    return email_render_and_enqueue(
        key=key,
        kind=kind,
        template_prefix=f"outcomes/email/{kind}",
        context=review_email_context(review, to, **(extra or {})),
        to_email=to.email,
        recipient=to,
        headers=list_unsubscribe_headers(to, "reviews"),
    )


@transaction.atomic
def work_share(
    *, session, author, title: str, description: str = "", link: str = "", upload=None
) -> SharedWork:
    """Share a piece of work from a session; an open round on that session takes it in."""
    work = SharedWork(
        community=session.community,
        session=session,
        author=author,
        title=title,
        description=description,
        link=link,
    )
    if upload is not None:
        work.file = upload
        work.file_name = upload.name[-200:]
        work.file_type = upload.content_type
        work.file_size = upload.size
    work.save()
    for round_ in ReviewRound.objects.filter(
        session=session, status__in=[ReviewRound.Status.OPEN, ReviewRound.Status.PLANNED]
    ):
        _allocate(round_, works=[work])
    return work


@transaction.atomic
def work_delete(*, work: SharedWork) -> None:
    stored = work.file.name if work.file else ""
    storage = work.file.storage if work.file else None
    work.delete()
    if stored:
        after_commit(storage.delete, stored)


def _ranks(community, user_ids) -> dict[int, int]:
    """Level ranks of the community's active members among `user_ids`: an attendee who has
    since left is not asked to review (they could no longer open the review)."""
    rows = (
        Membership.objects.active()
        .filter(community=community, user_id__in=user_ids)
        .values_list("user_id", "level")
    )
    return {user_id: Membership.LEVEL_RANK.get(level, 0) for user_id, level in rows}


def _allocate(round_: ReviewRound, *, works=None) -> list[PeerReview]:
    """Allocate reviewers among the session's attendees for `works` (default: all the
    session's work), counting the loads people already carry in the round."""
    from sessions.models import Attendance, Session

    # Allocations on one session take turns: two declines (or a decline and newly shared
    # work) in parallel would otherwise both pick the same free reviewer for a piece, and
    # the second insert would break review_once_per_work.
    list(
        Session.objects.select_for_update()
        .filter(pk=round_.session_id)
        .values_list("pk", flat=True)
    )
    attendee_ids = list(
        Attendance.objects.filter(session=round_.session).values_list("user_id", flat=True)
    )
    if works is None:
        works = list(round_.session.shared_work.all())
    existing = list(round_.reviews.values_list("work_id", "reviewer_id", "status"))
    # A review that was reassigned (and not shared since) no longer counts: not towards
    # its reviewer's load, nor towards the reviews its piece of work has.
    live = set(round_.reviews.live().values_list("work_id", "reviewer_id"))
    carried = {}
    for work_id, reviewer_id, _ in existing:
        if (work_id, reviewer_id) in live:
            carried[reviewer_id] = carried.get(reviewer_id, 0) + 1
    ranks = _ranks(round_.community, set(attendee_ids) | {work.author_id for work in works})
    reviewers = [
        Reviewer(id=uid, rank=ranks.get(uid, 0), load=carried.get(uid, 0))
        for uid in attendee_ids
        if uid in ranks
    ]
    # A person reviews a piece of work at most once, whichever round asked them (the
    # database holds that too): a second round on a session finds fresh pairs.
    already = {(work_id, reviewer_id) for work_id, reviewer_id, _ in existing} | set(
        PeerReview.objects.filter(work__in=[work.pk for work in works]).values_list(
            "work_id", "reviewer_id"
        )
    )
    have = {}
    for work_id, _reviewer_id in live:
        have[work_id] = have.get(work_id, 0) + 1
    created = []
    # Each piece needs only what it lacks; allocate in groups by how many it lacks.
    by_need: dict[int, list] = {}
    for work in works:
        need = round_.reviewers_per_work - have.get(work.pk, 0)
        if need > 0:
            by_need.setdefault(need, []).append(work)
    for need, group in sorted(by_need.items(), reverse=True):
        pieces = [
            Work(id=w.pk, author=w.author_id, author_rank=ranks.get(w.author_id, 0)) for w in group
        ]
        pairs = allocate(pieces, reviewers, need, excluded=already)
        new = [PeerReview(round=round_, work_id=w, reviewer_id=r) for w, r in pairs]
        created.extend(PeerReview.objects.bulk_create(new))
        load = {}
        for _, r in pairs:
            load[r] = load.get(r, 0) + 1
        reviewers = [
            Reviewer(id=x.id, rank=x.rank, load=x.load + load.get(x.id, 0)) for x in reviewers
        ]
        already |= set(pairs)
    if created and round_.is_open:  # A planned round asks nobody until it opens.
        after_commit(
            _notify_allocated, round_.pk, sorted({review.reviewer_id for review in created})
        )
    return created


def _notify_allocated(round_id: int, user_ids: list[int]) -> None:
    from accounts.models import User

    round_ = ReviewRound.objects.select_related("community", "session").get(pk=round_id)
    waiting = PeerReview.objects.waiting().filter(round=round_, reviewer_id__in=user_ids)
    counts: dict[int, int] = {}
    first: dict[int, PeerReview] = {}
    for review in waiting.select_related("work", "round__community"):
        counts[review.reviewer_id] = counts.get(review.reviewer_id, 0) + 1
        first.setdefault(review.reviewer_id, review)
    for user in User.objects.filter(pk__in=counts):
        review, count = first[user.pk], counts[user.pk]
        key = f"review-allocated:{round_id}:{user.pk}:{count}:{review.pk}"
        community = round_.community
        notify(
            user,
            "review_waiting",
            key=key,
            community=community,
            text=phrase(
                ngettext_lazy(
                    "A peer review is waiting for you: “%(title)s”.",
                    "%(count)s peer reviews are waiting for you, starting with “%(title)s”.",
                    count,
                ),
                count=count,
                title=review.work.title,
            ),
            url=review.get_absolute_url(),
            email=lambda review=review, key=key, user=user, count=count: _review_email(
                review=review,
                kind="review_allocated",
                key=key,
                to=user,
                extra={"count": count},
            ),
        )


@transaction.atomic
def review_round_open(
    *,
    session,
    by,
    outcomes: list[Outcome],
    reviewers_per_work: int = 2,
    anonymous: bool = False,
    due_on,
    auto_reassign: bool = True,
    planned: bool = False,
    holds_reviews: bool = False,
    self_review: bool = False,
) -> ReviewRound:
    """Open a round on a session's shared work, with the chosen outcomes' prompts as its
    rubric, and allocate reviewers among the session's attendees. A `planned` round keeps
    that allocation as a starting point the facilitator adjusts by hand; nobody is asked
    until it opens (reviews.facilitation.review_round_start)."""
    prompts = [
        {"outcome": outcome.pk, "prompt": prompt}
        for outcome in outcomes
        for prompt in (outcome.review_prompts or DEFAULT_PROMPTS)
    ]
    round_ = ReviewRound.objects.create(
        community=session.community,
        session=session,
        prompts=prompts,
        reviewers_per_work=reviewers_per_work,
        anonymous=anonymous,
        due_on=due_on,
        opened_by=by,
        auto_reassign=auto_reassign,
        status=ReviewRound.Status.PLANNED if planned else ReviewRound.Status.OPEN,
        opened_at=None if planned else timezone.now(),
        holds_reviews=holds_reviews,
        self_review=self_review,
    )
    round_.outcomes.set(outcomes)
    _allocate(round_)
    return round_


def review_round_close(*, round_: ReviewRound) -> ReviewRound:
    round_.status = ReviewRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    return round_


def _check_writable(review: PeerReview) -> None:
    if not review.round.is_open:
        raise ReviewError(gettext("This review round is closed, so reviews can no longer change."))
    if review.status in (PeerReview.Status.SUBMITTED, PeerReview.Status.DECLINED):
        raise ReviewError(
            gettext("This review is already %(status)s.") % {"status": review.get_status_display()}
        )


@transaction.atomic
def review_save(*, review: PeerReview, answers: list[dict], stage: str, submit: bool):
    """Keep a draft, or share the review with the author (who is then told)."""
    review = PeerReview.objects.select_for_update().select_related("round").get(pk=review.pk)
    _check_writable(review)
    review.answers, review.stage = answers, stage
    review.updated_at = timezone.now()
    if submit:
        if not any(a.get("works", "").strip() or a.get("deeper", "").strip() for a in answers):
            raise ReviewError(gettext("Write something for at least one prompt before sharing."))
        review.status = PeerReview.Status.SUBMITTED
        review.submitted_at = review.updated_at
    else:
        review.status = PeerReview.Status.DRAFT
    review.save()
    # In a round with a release step the author hears of it at release, not now.
    if submit and not review.round.holds_reviews:
        after_commit(_notify_review, review.pk, "review_received")
    return review


@transaction.atomic
def review_decline(*, review: PeerReview) -> PeerReview | None:
    """The reviewer can't do this one: someone else is asked, if anyone is left."""
    review = PeerReview.objects.select_for_update().select_related("round").get(pk=review.pk)
    _check_writable(review)
    review.status = PeerReview.Status.DECLINED
    review.declined_at = timezone.now()
    review.save(update_fields=["status", "declined_at"])
    created = _allocate(review.round, works=[review.work])
    return created[0] if created else None


@transaction.atomic
def review_reply(*, review: PeerReview, body: str) -> ReviewReply:
    """The author answers a review; its reviewer is told of the first reply only (an edit
    is not news worth another email)."""
    reply, created = ReviewReply.objects.update_or_create(review=review, defaults={"body": body})
    # Whoever the reply @mentions is told by the app that records mentions (reflections).
    text_saved("review_reply", reply, by=review.work.author)
    if created:
        after_commit(_notify_review, review.pk, "review_reply")
    return reply


def _notify_review(review_id: int, kind: str) -> None:
    """Once a review is shared ("review_received", to its work's author) or first replied
    to ("review_reply", to its reviewer): one email each, exactly once per review."""
    review = PeerReview.objects.select_related(
        "round__community", "work__author", "work__community", "reviewer", "reply"
    ).get(pk=review_id)
    title = review.work.title
    if kind == "review_received":
        to, key, extra = review.work.author, f"review-received:{review.pk}", None
        # The reviewer's name, or how the site calls them, in the author's language.
        who = partial(reviewer_name, review, viewer=to, author_id=to.pk, is_facilitator=False)
        text = phrase(
            gettext_lazy("%(who)s shared a review of your work “%(title)s”."), who=who, title=title
        )
        named = reviewer_is_named(review, viewer_id=to.pk, author_id=to.pk, facilitator=False)
        actor = review.reviewer if named else None
        notification_kind = "review_received"
    else:
        to, key, extra = review.reviewer, f"review-reply:{review.pk}", {"reply": review.reply}
        text = phrase(
            gettext_lazy("The author of “%(title)s” replied to your review."), title=title
        )
        actor, notification_kind = review.work.author, "review_reply"
    notify(
        to,
        notification_kind,
        key=key,
        community=review.round.community,
        actor=actor,
        text=text,
        # The review beside the work: the author's and the reviewer's page alike.
        url=f"{review.work.get_absolute_url()}#review-{review.pk}",
        email=lambda: _review_email(review=review, kind=kind, key=key, to=to, extra=extra),
    )


# --- Release step ----------------------------------------------------------------------------


@transaction.atomic
def review_release(*, round_: ReviewRound, review: PeerReview | None = None) -> int:
    """Pass held reviews on to their authors: every shared review of the round still held,
    or just `review`. Each author is told once per review (the key of "review_received").
    Two facilitators releasing at once take turns on the round's row; the second finds
    nothing left and is told so. Returns how many were released."""
    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.holds_reviews:
        raise ReviewError(
            gettext("This round has no release step: its reviews reach authors at once.")
        )
    held = PeerReview.objects.held().filter(round=round_)
    if review is not None:
        current = PeerReview.objects.filter(round=round_, pk=review.pk).first()
        if current is None:
            raise ReviewError(gettext("That review is not part of this round."))
        if current.released_at is not None:
            raise ReviewError(gettext("That review is already released to its author."))
        if current.status != PeerReview.Status.SUBMITTED:
            raise ReviewError(
                gettext("That review isn't shared yet, so there is nothing to release.")
            )
        held = held.filter(pk=review.pk)
    # The reviews' rows too: a rephrase request at the same moment either returns a review
    # to its draft before this reads it (then it is not released) or finds it released.
    ids = list(held.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ReviewError(
            gettext(
                "Nothing is waiting for release: every shared review already reached its author."
            )
        )
    PeerReview.objects.filter(pk__in=ids).update(released_at=timezone.now())
    rows_changed([round_.community_id])
    for review_id in ids:
        after_commit(_notify_review, review_id, "review_received")
    return len(ids)


@transaction.atomic
def review_rephrase(*, review: PeerReview, by, note: str) -> RephraseRequest:
    """A facilitator asks the reviewer to rephrase a held review: it goes back to their
    draft, with the note, and they are told once (by the request's key)."""
    review = PeerReview.objects.select_for_update().select_related("round").get(pk=review.pk)
    if not review.round.holds_reviews:
        raise ReviewError(
            gettext("This round has no release step, so its reviews are already shared.")
        )
    if review.released_at is not None:
        raise ReviewError(
            gettext("This review is already with its author, so it can't be rephrased.")
        )
    if review.status != PeerReview.Status.SUBMITTED:
        raise ReviewError(gettext("This review isn't shared yet: there is nothing to rephrase."))
    if not review.round.is_open:
        raise ReviewError(gettext("This round is closed, so the reviewer can no longer change it."))
    request = RephraseRequest.objects.create(review=review, note=note, by=by)
    review.status = PeerReview.Status.DRAFT
    review.submitted_at = None
    review.save(update_fields=["status", "submitted_at"])
    after_commit(_notify_rephrase, request.pk)
    return request


def _notify_rephrase(request_id: int) -> None:
    request = RephraseRequest.objects.select_related(
        "review__round__community", "review__work__community", "review__reviewer"
    ).get(pk=request_id)
    review, to = request.review, request.review.reviewer
    key = f"review-rephrase:{request.pk}"
    notify(
        to,
        "review_rephrase",
        key=key,
        community=review.round.community,
        text=phrase(
            gettext_lazy("A facilitator asks you to look again at your review of “%(title)s”."),
            title=review.work.title,
        ),
        url=review.get_absolute_url(),
        email=lambda: _review_email(
            review=review, kind="review_rephrase", key=key, to=to, extra={"note": request.note}
        ),
    )


# --- Self-review and calibration ----------------------------------------------------------


def _once(model, lookup: dict, defaults: dict):
    """Create the row for `lookup` once; a double submit (or a race) gives the first."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        return model.objects.get(**lookup), False


def self_review_save(*, round_: ReviewRound, work: SharedWork, answers=None, stage="", skip=False):
    """The author's own view of their work through the round's prompts, or their skip.
    Returns (self review, created)."""
    if skip:
        return _once(SelfReview, {"round": round_, "work": work}, {"status": Reflection.SKIPPED})
    if not any(a.get("works", "").strip() or a.get("deeper", "").strip() for a in answers or []):
        raise ReviewError(gettext("Write something for at least one prompt, or skip this step."))
    defaults = {"status": Reflection.WRITTEN, "answers": answers, "stage": stage}
    return _once(SelfReview, {"round": round_, "work": work}, defaults)


@transaction.atomic
def calibration_example_save(
    *, round_: ReviewRound, by, title: str, description: str, link: str, answers, stage: str
) -> CalibrationExample:
    """Add (or edit) the round's example piece of work and its example review."""
    if not any(a.get("works", "").strip() or a.get("deeper", "").strip() for a in answers):
        raise ReviewError(gettext("Write the example review for at least one prompt."))
    example, _ = CalibrationExample.objects.update_or_create(
        round=round_,
        defaults={
            "title": title,
            "description": description,
            "link": link,
            "answers": answers,
            "stage": stage,
            "created_by": by,
        },
    )
    return example


def practice_review_save(
    *, example: CalibrationExample, reviewer, answers=None, stage="", skip=False
):
    """A reviewer's practice review of the round's example, or their skip. Nothing is
    scored. Returns (practice review, created)."""
    lookup = {"example": example, "reviewer": reviewer}
    if skip:
        return _once(PracticeReview, lookup, {"status": Reflection.SKIPPED})
    if not any(a.get("works", "").strip() or a.get("deeper", "").strip() for a in answers or []):
        raise ReviewError(gettext("Write something for at least one prompt, or skip the practice."))
    return _once(
        PracticeReview, lookup, {"status": Reflection.WRITTEN, "answers": answers, "stage": stage}
    )


def review_nudges_send_due(*, now=None) -> int:
    """The cadence's second reminder: on the due date (or the first scan after it), nudge
    each waiting review's reviewer once (the email's key makes it exactly once). Someone
    asked by the automatic step after the due date, or already replaced, is not nudged."""
    now = now or timezone.now()
    sent = 0
    overdue = (
        PeerReview.objects.waiting_on()
        .filter(round__due_on__lte=now.date(), automatic=False, reviewer__review_emails=True)
        .select_related("round__community", "work__community", "work", "reviewer")
        .order_by("pk")
    )
    for review in overdue.iterator(chunk_size=500):
        _, created = _review_email(
            review=review,
            kind="review_nudge",
            key=f"review-nudge:{review.pk}",
            to=review.reviewer,
        )
        sent += created
    return sent
