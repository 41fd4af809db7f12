"""Shared work, review rounds, peer reviews and the alignment map: thin views through
community_for and reviews.access, where who sees what is written once (a shared review is
seen by the work's author, the reviewer who wrote it and the facilitators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission, submission_result
from communities.access import community_for
from communities.models import Membership
from communities.pickers import pickers_bind
from core.compiled import Compiled
from core.htmx import announce
from core.paging import KeysetPage, KeysetQuery, row_id
from core.plugins import annotate_rows, collect_panels
from core.templatetags.dates import when
from outcomes.models import Outcome
from sessions.access import session_for
from sessions.models import Attendance

from . import facilitation, selectors, services
from .access import (
    example_for_reviewer,
    own_work_for,
    own_work_in_round,
    review_for_author,
    review_for_facilitator,
    review_for_reviewer,
    reviewer_name,
    round_for,
    round_review_for,
    round_work_for,
    work_for,
    work_with_file_for,
)
from .access import round_for_facilitator as access_round_for_facilitator
from .forms import (
    ExampleForm,
    ExtendForm,
    HelpfulForm,
    RephraseForm,
    ReplyForm,
    ReviewerForm,
    ReviewForm,
    RoundForm,
    WorkForm,
)
from .models import (
    CalibrationExample,
    PeerReview,
    PracticeReview,
    Reflection,
    ReviewRound,
    SelfReview,
    SharedWork,
    live_q,
)
from .uploads import is_inline

FACILITATOR = Membership.Role.FACILITATOR
ROUNDS_PER_PAGE = 10
MY_WORK_PER_PAGE = 12
LIST_LIMIT = 50


def _progress(queryset):
    """`expected` reviews (not declined), `done` (shared and, in a round with a release
    step, released: what authors may know of) and `held` (shared, waiting for release)."""
    shared = Q(reviews__status=PeerReview.Status.SUBMITTED)
    return queryset.annotate(
        expected=Count("reviews", filter=live_q("reviews__")),
        done=Count(
            "reviews",
            filter=shared & (Q(holds_reviews=False) | Q(reviews__released_at__isnull=False)),
        ),
        held=Count(
            "reviews",
            filter=shared & Q(holds_reviews=True, reviews__released_at__isnull=True),
        ),
    )


# --- shared work -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def work_new(request, slug: str, session_pk: int):
    """Attendees share something they made or tried in the session."""
    access = community_for(request.user, slug)
    community = access.community
    session = session_for(access, session_pk)
    attended = Attendance.objects.filter(session=session, user=request.user).exists()
    form = None
    if attended:
        form = WorkForm(request.POST, request.FILES) if request.method == "POST" else WorkForm()
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            work = services.work_share(
                session=session,
                author=request.user,
                title=data["title"],
                description=data["description"],
                link=data["link"],
                upload=data["file"],
            )
            messages.success(request, gettext("Thanks for sharing. Peers can look at it now."))
            return redirect("reviews:work", slug=community.slug, pk=work.pk)
    context = {**access.context(), "session": session, "attended": attended, "form": form}
    return render(request, "outcomes/work_new.html", context)


def _work_context(request, access, work: SharedWork, reply_forms=None) -> dict:
    user = request.user
    is_facilitator = access.is_facilitator
    is_author = work.author_id == user.pk
    reviews = work.reviews.select_related("round", "reviewer", "reply")
    if is_author:
        # A held review is not there at all for its author, facilitator or not.
        reviews = reviews.released()
    elif is_facilitator:
        reviews = reviews.submitted()
    else:
        reviews = reviews.submitted().filter(reviewer=user)
    reviews = list(reviews.order_by("submitted_at", "pk"))
    rounds = list(
        ReviewRound.objects.filter(reviews__work=work).distinct().order_by("-created_at")[:5]
    )
    self_reviews, invitations = {}, []
    if is_author:
        reviews, self_reviews, invitations = _self_review_gate(work, reviews, rounds)
    reply_forms = reply_forms or {}
    for review in reviews:
        review.shown_name = reviewer_name(
            review, viewer=user, author_id=work.author_id, is_facilitator=is_facilitator
        )
        if is_author:
            existing = getattr(review, "reply", None)  # None when there is no reply yet.
            review.reply_form = reply_forms.get(review.pk) or ReplyForm(
                auto_id=f"id_reply_{review.pk}_%s",
                initial={"body": existing.body if existing else ""},
            )
    # Reviews still to come (a handful per round): how many, and whether one is mine, so a
    # reviewer who lands here (from the session page, say) finds the way to it.
    # To its author a held review is still on the way, as if it were not written yet.
    coming = work.reviews.waiting()
    if is_author:
        coming = coming | work.reviews.held()
    still_to_come = list(coming.values_list("pk", "reviewer_id"))
    waiting = len(still_to_come) if (is_author or is_facilitator) else 0
    my_review = next((pk for pk, reviewer_id in still_to_come if reviewer_id == user.pk), None)
    return {
        "self_reviews": self_reviews,
        "self_review_invitations": invitations,
        **access.context(),
        "work": work,
        "is_author": is_author,
        "is_facilitator": is_facilitator,
        "reviews": reviews,
        "rounds": rounds,
        "anonymous": any(round_.anonymous for round_ in rounds),
        "waiting": waiting,
        "my_review": my_review,
    }


def _self_review_gate(work: SharedWork, reviews: list[PeerReview], rounds: list[ReviewRound]):
    """For the author: the reviews they may read now, their own views by round, and the
    rounds inviting them to a self-review first. A round with the self-review step keeps
    its reviews of this work behind the invitation until the author writes their view or
    skips it (one click). One query, none without such a round."""
    round_ids = {round_.pk for round_ in rounds if round_.self_review} | {
        review.round_id for review in reviews if review.round.self_review
    }
    if not round_ids:
        return reviews, {}, []
    found = {
        own.round_id: own
        for own in SelfReview.objects.filter(work=work, round_id__in=round_ids).select_related(
            "round"
        )
    }
    invitations = {
        round_.pk: {"round": round_, "count": 0}
        for round_ in rounds
        if round_.pk in round_ids and round_.pk not in found
    }
    shown = []
    for review in reviews:
        if review.round.self_review and review.round_id not in found:
            invitations.setdefault(review.round_id, {"round": review.round, "count": 0})
            invitations[review.round_id]["count"] += 1
            continue
        own = found.get(review.round_id)
        review.own_pairs = (
            own.pairs() if own is not None and own.status == Reflection.WRITTEN else None
        )
        shown.append(review)
    return shown, found, list(invitations.values())


@login_required
@require_GET
def work_detail(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    work = work_for(access, pk)
    context = _work_context(request, access, work)
    # Higher apps add to the page (the conversation about the work) through core.plugins.
    context["panels"] = collect_panels("work_panel", request, access, work)
    return render(request, "outcomes/work.html", context)


@login_required
@require_GET
def work_file(request, slug: str, pk: int):
    """The work's file, for members only, as the type we sniffed when it was shared."""
    access = community_for(request.user, slug)
    work = work_with_file_for(access, pk)
    try:
        handle = work.file.open("rb")
    except OSError:
        raise Http404(gettext("That file is no longer here.")) from None
    content_type = work.file_type or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not is_inline(content_type),
        filename=work.file_name or "shared-work",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even a PDF or image opened in the browser runs nothing and reaches nothing of ours.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def work_delete(request, slug: str, pk: int):
    """The author takes their work down (with its reviews), after a confirmation."""
    access = community_for(request.user, slug)
    community = access.community
    work = own_work_for(access, request.user, pk)
    if request.method == "POST":
        services.work_delete(work=work)
        messages.success(
            request, gettext("“%(title)s” is deleted, with its reviews.") % {"title": work.title}
        )
        return redirect("reviews:reviews", slug=community.slug)
    context = {**access.context(), "work": work, "review_count": work.reviews.count()}
    return render(request, "outcomes/work_delete.html", context)


# --- review rounds ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def round_new(request, slug: str, session_pk: int):
    """A facilitator opens a round on the session's shared work."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session = session_for(access, session_pk)
    today = timezone.localdate(timezone=community.zoneinfo)
    served = list(
        Outcome.objects.filter(
            agenda_items__session=session, status=Outcome.Status.AGREED
        ).values_list("pk", flat=True)
    )
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        community=community,
        today=today,
        initial={"outcomes": served},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.review_round_open(
            session=session,
            by=request.user,
            outcomes=list(data["outcomes"]),
            reviewers_per_work=data["reviewers_per_work"],
            anonymous=data["anonymous"],
            due_on=data["due_on"],
            auto_reassign=data["auto_reassign"],
            planned=data["planned"],
            holds_reviews=data["holds_reviews"],
            self_review=data["self_review"],
        )
        allocated = round_.reviews.count()
        if round_.is_planned:
            messages.success(
                request,
                ngettext(
                    "The round is planned with %(count)s review allocated. Adjust who reviews "
                    "what, then open it: nobody is asked before.",
                    "The round is planned with %(count)s reviews allocated. Adjust who reviews "
                    "what, then open it: nobody is asked before.",
                    allocated,
                )
                % {"count": allocated},
            )
        else:
            messages.success(
                request,
                ngettext(
                    "The round is open: %(count)s review asked for. Work shared from the "
                    "session from now on joins it too.",
                    "The round is open: %(count)s reviews asked for. Work shared from the "
                    "session from now on joins it too.",
                    allocated,
                )
                % {"count": allocated},
            )
        return redirect("reviews:round", slug=community.slug, pk=round_.pk)
    context = {
        **access.context(),
        "session": session,
        "form": form,
        "work_count": session.shared_work.count(),
        "attendee_count": session.attendances.count(),
        "has_agreed": form.fields["outcomes"].queryset.exists(),
    }
    return render(request, "outcomes/round_new.html", context)


@login_required
@require_GET
def round_detail(request, slug: str, pk: int):
    """Facilitators see each piece of work with its reviewers, each review's state and
    age, and the actions that keep the round moving; members see their part. Everyone
    sees the round's phase, what to do now and how many pieces have all their reviews."""
    access = community_for(request.user, slug)
    community = access.community
    round_ = round_for(
        access, pk, _progress(ReviewRound.objects.select_related("session", "example"))
    )
    user, is_facilitator = request.user, access.is_facilitator
    if round_.is_planned and not is_facilitator:
        raise Http404(gettext("No such round yet."))
    # What the page shows of each review (never its answers): the columns read below and
    # in the template, the work's title and author, the reviewer's name.
    reviews = (
        round_.reviews.select_related("work", "reviewer")
        .only(
            "round_id",
            "work_id",
            "reviewer_id",
            "status",
            "created_at",
            "submitted_at",
            "by_facilitator",
            "reassigned_from_id",
            "reassigned_at",
            "automatic",
            "released_at",
            "work__title",
            "work__author_id",
            "reviewer__display_name",
            "reviewer__email",
        )
        .order_by("pk")
    )
    if not is_facilitator:
        reviews = reviews.filter(Q(reviewer=user) | Q(work__author=user))
    reviews = list(reviews)
    now = timezone.now()
    for review in reviews:
        review.round = round_
        review.shown_name = reviewer_name(
            review, viewer=user, author_id=review.work.author_id, is_facilitator=is_facilitator
        )
        review.age_days = (now - (review.submitted_at or review.created_at)).days
        review.can_reassign = (
            round_.is_open
            and review.reassigned_at is None
            and review.status in (PeerReview.Status.ALLOCATED, PeerReview.Status.DRAFT)
        )
    today = timezone.localdate(timezone=community.zoneinfo)
    example = getattr(round_, "example", None)
    allocation = []
    if is_facilitator:
        by_work: dict[int, list[PeerReview]] = {}
        for review in reviews:
            by_work.setdefault(review.work_id, []).append(review)
        works = (
            round_.session.shared_work.select_related("author")
            .only("session", "title", "author__display_name", "author__email")
            .order_by("title", "pk")
        )
        for work in works[:200]:
            rows = by_work.get(work.pk, [])
            live = [
                r
                for r in rows
                if r.status == r.Status.SUBMITTED
                or (r.status != r.Status.DECLINED and r.reassigned_at is None)
            ]
            allocation.append(
                {
                    "work": work,
                    "reviews": rows,
                    "short": round_.reviewers_per_work - len(live),
                    "mine": work.author_id == user.pk
                    or any(r.reviewer_id == user.pk for r in rows),
                }
            )
    mine = [r for r in reviews if r.reviewer_id == user.pk and r.status != r.Status.DECLINED]
    # A review held for a facilitator's release is nothing yet to its author.
    my_work_reviews = [
        r
        for r in reviews
        if r.work.author_id == user.pk and r.status == r.Status.SUBMITTED and not r.is_held
    ]
    phase = selectors.round_phase(round_, today)
    context = {
        **access.context(),
        "round": round_,
        "is_facilitator": is_facilitator,
        "outcomes": list(round_.outcomes.only("statement").order_by("statement")),
        "allocation": allocation,
        "mine": mine,
        "my_work_reviews": my_work_reviews,
        "today": today,
        "phase": phase,
        "heard": selectors.round_heard(round_),
        "todo": _todo(round_, phase, mine, my_work_reviews, is_facilitator, allocation, today),
        "overdue": round_.is_open and today > round_.due_on,
        "extend_form": ExtendForm(round_=round_, today=today) if is_facilitator else None,
        "example": example,
        "practice": _practice_invitation(round_, example, user) if mine else None,
    }
    return render(request, "outcomes/round.html", context)


def _todo(round_, phase, mine, my_work_reviews, is_facilitator, allocation, today) -> list[str]:
    """What this person should do now, in the round's phase (a few plain sentences)."""
    todo = []
    current = phase["current"]
    waiting = [r for r in mine if r.status in (r.Status.ALLOCATED, r.Status.DRAFT)]
    if current == "sharing" and is_facilitator:
        todo.append(
            gettext(
                "Look at who reviews what below, adjust it if you like, then open the round: "
                "reviewers are asked only then."
            )
        )
    if waiting and round_.is_open:
        todo.append(
            ngettext(
                "Write your review (%(count)s waiting for you), hoped for by %(due)s.",
                "Write your reviews (%(count)s waiting for you), hoped for by %(due)s.",
                len(waiting),
            )
            % {"count": len(waiting), "due": when(round_.due_on, "weekday")}
        )
    if my_work_reviews and current in ("reviewing", "replies"):
        todo.append(
            gettext(
                "Read the reviews of your work: a reply, or telling a reviewer it helped, "
                "is welcome."
            )
        )
    if is_facilitator and round_.is_open:
        short = sum(1 for row in allocation if row["short"] > 0)
        stalled = sum(
            1
            for row in allocation
            for r in row["reviews"]
            if r.status in (r.Status.ALLOCATED, r.Status.DRAFT)
            and r.reassigned_at is None
            and not r.automatic  # Asked after the due date: not late.
        )
        if current == "replies" and stalled:
            todo.append(
                ngettext(
                    "%(count)s review is past the due date: reassign, add a reviewer, review "
                    "a piece yourself or extend the date.",
                    "%(count)s reviews are past the due date: reassign, add a reviewer, review "
                    "a piece yourself or extend the date.",
                    stalled,
                )
                % {"count": stalled}
            )
        elif short:
            todo.append(
                ngettext(
                    "%(count)s piece of work still needs reviewers.",
                    "%(count)s pieces of work still need reviewers.",
                    short,
                )
                % {"count": short}
            )
        elif not stalled:
            todo.append(
                gettext("Every review is in: close the round when the replies have settled.")
            )
    if current == "closed":
        todo.append(gettext("This round is closed. Shared reviews stay with their authors."))
    if not todo:
        todo.append(gettext("Nothing for you to do in this round right now."))
    return todo


def _round_action(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    return access, access_round_for_facilitator(access, pk)


def _back(round_: ReviewRound, anchor: str = ""):
    url = round_.get_absolute_url()
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def review_reassign(request, slug: str, pk: int, review_pk: int):
    """Reassign a waiting review: the fairest attendee, or one the facilitator finds."""
    access, round_ = _round_action(request, slug, pk)
    review = round_review_for(round_, review_pk)
    form = ReviewerForm(request.POST if request.method == "POST" else None, optional=True)
    pickers_bind(form, access.community)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            replacement = facilitation.review_reassign(
                review=review, to_id=person.pk if person else None
            )
        except services.ReviewError as refusal:
            form.add_error("person" if person else None, str(refusal))
        else:
            messages.success(
                request,
                gettext(
                    "%(new)s is asked to review “%(title)s”. %(old)s keeps their draft; "
                    "a late review is still welcome."
                )
                % {
                    "new": replacement.reviewer.name,
                    "title": review.work.title,
                    "old": review.reviewer.name,
                },
            )
            return _back(round_, f"work-{review.work_id}")
    context = {**access.context(), "round": round_, "review": review, "work": review.work,
               "form": form, "action": "reassign"}  # fmt: skip
    return render(request, "outcomes/round_reviewer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def review_add(request, slug: str, pk: int, work_pk: int):
    """Add a reviewer to a piece of work (also allocating by hand before the round opens)."""
    access, round_ = _round_action(request, slug, pk)
    work = round_work_for(round_, work_pk)
    form = ReviewerForm(request.POST if request.method == "POST" else None)
    pickers_bind(form, access.community)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            facilitation.review_add(round_=round_, work=work, to_id=person.pk)
        except services.ReviewError as refusal:
            form.add_error("person", str(refusal))
        else:
            if round_.is_open:
                said = gettext("%(name)s is asked to review “%(title)s”.")
            else:
                said = gettext("%(name)s will be asked to review “%(title)s” when the round opens.")
            messages.success(request, said % {"name": person.name, "title": work.title})
            return _back(round_, f"work-{work.pk}")
    context = {**access.context(), "round": round_, "work": work, "form": form,
               "action": "add"}  # fmt: skip
    return render(request, "outcomes/round_reviewer.html", context)


@login_required
@require_POST
@once_per_submission
def review_myself(request, slug: str, pk: int, work_pk: int):
    """The facilitator reviews a piece of work themselves (marked as a facilitator's)."""
    access, round_ = _round_action(request, slug, pk)
    work = round_work_for(round_, work_pk)
    try:
        review = facilitation.review_add(
            round_=round_, work=work, to_id=request.user.pk, by_facilitator=True
        )
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
        return _back(round_, f"work-{work.pk}")
    if not round_.is_open:
        messages.success(request, gettext("You'll review it yourself once the round opens."))
        return _back(round_, f"work-{work.pk}")
    messages.success(
        request, gettext("Thank you for stepping in. Your review is marked as a facilitator's.")
    )
    return redirect("reviews:review", slug=access.community.slug, pk=review.pk)


@login_required
@require_POST
def review_remove(request, slug: str, pk: int, review_pk: int):
    """Allocating by hand: take a reviewer off a piece before the round opens."""
    _, round_ = _round_action(request, slug, pk)
    review = round_review_for(round_, review_pk)
    try:
        facilitation.review_remove(review=review)
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request,
            gettext("%(name)s no longer reviews “%(title)s”.")
            % {"name": review.reviewer.name, "title": review.work.title},
        )
    return _back(round_, f"work-{review.work_id}")


@login_required
@require_POST
def round_start(request, slug: str, pk: int):
    _, round_ = _round_action(request, slug, pk)
    try:
        facilitation.review_round_start(round_=round_)
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, gettext("The round is open: every reviewer has been asked."))
    return _back(round_)


@login_required
@require_POST
def round_extend(request, slug: str, pk: int):
    """Extend the due date; everyone still waiting on a review is told the new date once."""
    access, round_ = _round_action(request, slug, pk)
    today = timezone.localdate(timezone=access.community.zoneinfo)
    form = ExtendForm(request.POST, round_=round_, today=today)
    if form.is_valid():
        try:
            facilitation.review_round_extend(
                round_=round_, due_on=form.cleaned_data["due_on"], today=today
            )
        except services.ReviewError as refusal:
            form.add_error("due_on", str(refusal))
        else:
            messages.success(
                request,
                gettext(
                    "Reviews are now hoped for by %(due)s. Everyone still writing one has "
                    "been told."
                )
                % {"due": when(form.cleaned_data["due_on"], "weekday")},
            )
            return _back(round_)
    context = {**access.context(), "round": round_, "form": form}
    return render(request, "outcomes/round_extend.html", context, status=200)


@login_required
@require_POST
@once_per_submission
def review_helpful(request, slug: str, pk: int):
    """The author tells the reviewer, privately, that the review helped."""
    access = community_for(request.user, slug)
    review = review_for_author(access, request.user, pk)
    form = HelpfulForm(request.POST)
    url = reverse("reviews:work", kwargs={"slug": access.community.slug, "pk": review.work_id})
    if form.is_valid():
        facilitation.review_mark_helpful(review=review, note=form.cleaned_data["note"])
        messages.success(request, gettext("Thank you — the reviewer is told, and nobody else."))
    else:
        messages.info(
            request, gettext("A line of thanks is at most 300 characters; nothing was sent.")
        )
    return redirect(f"{url}#review-{review.pk}")


def _practice_invitation(round_: ReviewRound, example, user) -> dict | None:
    """What the round offers `user` (asked to review in it) of its calibration example:
    None without an example; else whether they are invited (new to the round's outcomes,
    no practice yet) and their practice, if any. Two queries at most."""
    if example is None:
        return None
    practice = example.practice_reviews.filter(reviewer=user).first()
    invited = practice is None and selectors.new_to_outcomes(round_, user)
    return {"invited": invited, "practice": practice, "example": example}


@login_required
@require_POST
def round_close(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    round_ = round_for(access, pk)
    if round_.is_open:
        services.review_round_close(round_=round_)
        messages.success(
            request, gettext("The round is closed. Shared reviews stay for their authors.")
        )
    else:
        messages.info(request, gettext("This round was already closed."))
    return redirect("reviews:round", slug=community.slug, pk=round_.pk)


# --- reviews ---------------------------------------------------------------------------------


# The reviews page's rounds, newest first, compiled once (core.paging.KeysetQuery): a
# stand-in for the community's id. Only the page's rounds are counted (`load`): counting
# every round's reviews before choosing the page read the community's whole history.
_ROUNDS = KeysetQuery(
    lambda community_id: ReviewRound.objects.filter(community=community_id),
    -20_181_410,
    load=lambda chosen, _community_id: (
        _progress(ReviewRound.objects.filter(pk__in=chosen.values("pk")))
        .select_related("session")
        .only("status", "due_on", "created_at", "session__title")
    ),
)


@login_required
@require_GET
def reviews_page(request, slug: str):
    """Rounds, my work and its reviews, and the reviews waiting for me."""
    access = community_for(request.user, slug)
    community = access.community
    user = request.user
    # Each list reads only the columns it shows (no JSON answers or prompts to decode).
    # Older rounds go by "older than this one" links (core.paging.KeysetPage), no COUNT.
    page = KeysetPage(_ROUNDS.of(community.pk), request.GET, ROUNDS_PER_PAGE, field="created_at")
    # The LIST_LIMIT due soonest; one more read says that more are waiting.
    waiting = _WAITING.run(community.pk, user.pk)
    more_waiting = len(waiting) > LIST_LIMIT
    shared = (
        PeerReview.objects.released()
        .select_related("round", "reviewer")
        .only(
            "work_id",
            "reviewer_id",
            "by_facilitator",
            "round__anonymous",
            "reviewer__display_name",
            "reviewer__email",
        )
        .order_by("submitted_at")
    )
    # My work, newest first, a page at a time ("older work" links of their own): it grows
    # with everything the viewer ever shared, and each piece brings its reviews.
    my_work = KeysetPage(
        SharedWork.objects.filter(community=community, author=user),
        request.GET,
        MY_WORK_PER_PAGE,
        field="created_at",
        keys=("work_before", "work_after"),
        load=lambda chosen: (
            annotate_rows(
                "work", SharedWork.objects.filter(pk__in=chosen.values("pk")), access, user
            )
            .select_related("session")
            .only("title", "session__title", "created_at")
            .prefetch_related(Prefetch("reviews", queryset=shared, to_attr="shared_reviews"))
        ),
    )
    for work in my_work:
        for review in work.shared_reviews:
            review.shown_name = reviewer_name(
                review, viewer=user, author_id=user.pk, is_facilitator=False
            )
    given = _GIVEN.run(community.pk, user.pk)
    context = {
        **access.context(),
        "page": page,
        "waiting": waiting[:LIST_LIMIT],
        "more_waiting": more_waiting,
        "list_limit": LIST_LIMIT,
        "my_work": my_work,
        "given": given,
        "today": timezone.localdate(timezone=community.zoneinfo),
        "is_facilitator": access.is_facilitator,
    }
    return render(request, "outcomes/reviews.html", context)


# The reviews page's two lists of the viewer's reviews in a community, compiled once
# (core.compiled): stand-ins for the community's and the viewer's ids.
_WAITING = Compiled(
    lambda community_id, user_id: (
        PeerReview.objects.waiting()
        .filter(round__community_id=community_id, reviewer_id=user_id)
        .select_related("work__author", "round__session")
        .only(
            "status",
            "work__title",
            "work__author__display_name",
            "work__author__email",
            "round__due_on",
            "round__session__title",
        )
        .order_by("round__due_on", "pk")[: LIST_LIMIT + 1]
    ),
    -20_181_227,
    -20_181_228,
)
_GIVEN = Compiled(
    lambda community_id, user_id: (
        PeerReview.objects.submitted()
        .filter(round__community_id=community_id, reviewer_id=user_id)
        .select_related("work")
        .only("submitted_at", "work__title")
        .order_by("-submitted_at")[:10]
    ),
    -20_181_227,
    -20_181_228,
)


def _writable(review: PeerReview) -> bool:
    return review.round.is_open and review.status in (
        PeerReview.Status.ALLOCATED,
        PeerReview.Status.DRAFT,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_write(request, slug: str, pk: int):
    """The allocated reviewer answers the round's prompts: a draft, then shared."""
    access = community_for(request.user, slug)
    community = access.community
    review = review_for_reviewer(access, request.user, pk)
    writable = _writable(review)
    form = ReviewForm(review=review) if writable else None
    if request.method == "POST":
        if not writable:
            messages.info(
                request, gettext("This review can't change any more, so nothing was saved.")
            )
            return redirect("reviews:review", slug=community.slug, pk=review.pk)
        form = ReviewForm(request.POST, review=review)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.review_save(
                    review=review,
                    answers=form.answers(),
                    stage=form.cleaned_data["stage"],
                    submit=submit,
                )
            except services.ReviewError as refusal:
                form.add_error(None, str(refusal))
            else:
                if submit and review.round.holds_reviews:
                    messages.success(
                        request,
                        gettext(
                            "Thank you — your review is shared. The facilitators pass it on to "
                            "the author soon."
                        ),
                    )
                    return redirect("reviews:reviews", slug=community.slug)
                if submit:
                    messages.success(
                        request, gettext("Thank you — your review is shared with the author.")
                    )
                    return redirect("reviews:reviews", slug=community.slug)
                messages.success(request, gettext("Your draft is saved. Come back to it any time."))
                return redirect("reviews:review", slug=community.slug, pk=review.pk)
    example = CalibrationExample.objects.filter(round=review.round).first()
    context = {
        **access.context(),
        "review": review,
        "work": review.work,
        "form": form,
        "writable": writable,
        "today": timezone.localdate(timezone=community.zoneinfo),
        "rephrasing": review.rephrasings.first() if review.round.holds_reviews else None,
        "practice": _practice_invitation(review.round, example, request.user) if writable else None,
    }
    return render(request, "outcomes/review.html", context)


@login_required
@require_POST
def review_decline(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    community = access.community
    review = review_for_reviewer(access, request.user, pk)
    try:
        replacement = services.review_decline(review=review)
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
    else:
        if replacement is not None:
            messages.success(
                request, gettext("Thanks for letting us know. Someone else has been asked.")
            )
        else:
            messages.success(
                request,
                gettext(
                    "Thanks for letting us know. Nobody else is free for it yet; "
                    "the facilitators can see that."
                ),
            )
    return redirect("reviews:reviews", slug=community.slug)


@login_required
@require_POST
@once_per_submission
def review_reply(request, slug: str, pk: int):
    """The author thanks or answers a review they received."""
    access = community_for(request.user, slug)
    community = access.community
    review = review_for_author(access, request.user, pk)
    form = ReplyForm(request.POST, auto_id=f"id_reply_{review.pk}_%s")
    saved = form.is_valid()
    if saved:
        services.review_reply(review=review, body=form.cleaned_data["body"])
        if not request.htmx:
            messages.success(request, gettext("Your reply is sent with the review."))
            url = reverse("reviews:work", kwargs={"slug": community.slug, "pk": review.work_id})
            return redirect(f"{url}#review-{review.pk}")
    work = work_for(access, review.work_id)
    context = _work_context(request, access, work, reply_forms={} if saved else {review.pk: form})
    if request.htmx:
        card = next(r for r in context["reviews"] if r.pk == review.pk)
        context = {**context, "review": card, "reply_saved": saved}
        response = render(request, "outcomes/work.html#review-card", context)
        if saved:
            url = reverse("reviews:work", kwargs={"slug": community.slug, "pk": review.work_id})
            submission_result(response, f"{url}#review-{review.pk}")
            announce(response, gettext("Your reply is sent with the review."))
        return response
    return render(request, "outcomes/work.html", context)


# --- release step ----------------------------------------------------------------------------


@login_required
@require_POST
def round_release(request, slug: str, pk: int):
    """A facilitator releases every shared review still held in the round."""
    access = community_for(request.user, slug, role=FACILITATOR)
    round_ = round_for(access, pk)
    try:
        released = services.review_release(round_=round_)
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s review released: its author is told now.",
                "%(count)s reviews released: their authors are told now.",
                released,
            )
            % {"count": released},
        )
    return redirect("reviews:round", slug=access.community.slug, pk=round_.pk)


@login_required
@require_POST
def review_release(request, slug: str, pk: int):
    """A facilitator releases one held review to its author."""
    access = community_for(request.user, slug, role=FACILITATOR)
    review = review_for_facilitator(access, pk)
    try:
        services.review_release(round_=review.round, review=review)
    except services.ReviewError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request,
            gettext("Released: the author of “%(title)s” is told now.")
            % {"title": review.work.title},
        )
    return redirect("reviews:round", slug=access.community.slug, pk=review.round_id)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def review_rephrase(request, slug: str, pk: int):
    """A facilitator reads a held review and may ask its reviewer to rephrase it."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    review = review_for_facilitator(access, pk)
    form = RephraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_rephrase(review=review, by=request.user, note=form.cleaned_data["note"])
        except services.ReviewError as refusal:
            messages.info(request, str(refusal))
        else:
            messages.success(
                request,
                gettext("%(name)s is asked to look again; they see your note.")
                % {"name": review.reviewer.name},
            )
        return redirect("reviews:round", slug=community.slug, pk=review.round_id)
    context = {**access.context(), "review": review, "work": review.work, "form": form}
    return render(request, "outcomes/rephrase.html", context)


# --- self-review and calibration ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def self_review(request, slug: str, pk: int, round_pk: int):
    """The author's own view of their work through the round's prompts, before reading
    their peers' reviews; "skip" is one click."""
    access = community_for(request.user, slug)
    community = access.community
    work, round_ = own_work_in_round(access, request.user, pk, round_pk)
    work_url = reverse("reviews:work", kwargs={"slug": community.slug, "pk": work.pk})
    existing = SelfReview.objects.filter(round=round_, work=work).first()
    if existing is not None:
        if request.method == "POST":
            messages.info(request, gettext("Your own view is already saved with your work."))
        return redirect(work_url)
    blank = SelfReview(round=round_, work=work)
    form = ReviewForm(request.POST if request.method == "POST" else None, review=blank)
    if request.method == "POST":
        skip = request.POST.get("action") == "skip"
        if skip or form.is_valid():
            try:
                services.self_review_save(
                    round_=round_,
                    work=work,
                    skip=skip,
                    answers=None if skip else form.answers(),
                    stage="" if skip else form.cleaned_data["stage"],
                )
            except services.ReviewError as refusal:
                form.add_error(None, str(refusal))
            else:
                if not skip:
                    messages.success(
                        request, gettext("Thank you. Here is your view beside your peers'.")
                    )
                return redirect(work_url)
    context = {**access.context(), "work": work, "round": round_, "form": form}
    return render(request, "outcomes/self_review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_example(request, slug: str, pk: int):
    """A facilitator adds (or edits) the round's example work and example review."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    round_ = round_for(access, pk)
    example = CalibrationExample.objects.filter(round=round_).first() or CalibrationExample(
        round=round_
    )
    initial = {"title": example.title, "description": example.description, "link": example.link}
    form = ExampleForm(
        request.POST if request.method == "POST" else None, review=example, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.calibration_example_save(
                round_=round_,
                by=request.user,
                title=data["title"],
                description=data["description"],
                link=data["link"],
                answers=form.answers(),
                stage=data["stage"],
            )
        except services.ReviewError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                gettext("The example is saved: reviewers new to these outcomes are offered it."),
            )
            return redirect("reviews:round", slug=community.slug, pk=round_.pk)
    context = {**access.context(), "round": round_, "form": form, "editing": example.pk}
    return render(request, "outcomes/example.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def practice(request, slug: str, pk: int):
    """A reviewer's practice review of the round's example (skippable), then the example
    review beside theirs. Nothing is scored."""
    access = community_for(request.user, slug)
    community = access.community
    example = example_for_reviewer(access, request.user, pk)
    round_url = reverse("reviews:round", kwargs={"slug": community.slug, "pk": example.round_id})
    done = example.practice_reviews.filter(reviewer=request.user).first()
    form = None
    if done is None:
        blank = PracticeReview(example=example, reviewer=request.user)
        form = ReviewForm(request.POST if request.method == "POST" else None, review=blank)
        if request.method == "POST":
            skip = request.POST.get("action") == "skip"
            if skip or form.is_valid():
                try:
                    done, _ = services.practice_review_save(
                        example=example,
                        reviewer=request.user,
                        skip=skip,
                        answers=None if skip else form.answers(),
                        stage="" if skip else form.cleaned_data["stage"],
                    )
                except services.ReviewError as refusal:
                    form.add_error(None, str(refusal))
                else:
                    if skip:
                        return redirect(round_url)
                    url = reverse("reviews:practice", kwargs={"slug": community.slug, "pk": pk})
                    return redirect(url)
    elif request.method == "POST":
        return redirect(reverse("reviews:practice", kwargs={"slug": community.slug, "pk": pk}))
    rows = []
    if done is not None and done.status == Reflection.WRITTEN:
        rows = [
            {"prompt": mine["prompt"], "mine": mine, "example": theirs}
            for mine, theirs in zip(done.pairs(), example.pairs(), strict=True)
        ]
    context = {
        **access.context(),
        "example": example,
        "round": example.round,
        "form": form,
        "done": done,
        "rows": rows,
    }
    return render(request, "outcomes/practice.html", context)


@login_required
@require_GET
def alignment(request, slug):
    """Every agreed outcome with its aligned activities, and kind flags for the gaps."""
    access = community_for(request.user, slug)
    community = access.community
    now = timezone.now()
    since = now - selectors.ALIGNMENT_WINDOW
    # The outcomes listed carry what the coverage figure counts: no query of its own.
    agreed = selectors.agreed_with_coverage_marks(community, since, now)
    # Each outcome's latest activities, and every one of the outcome asked for (?outcome=).
    whole = row_id(request.GET.get("outcome"))
    latest = selectors.MAP_LATEST
    items, totals = selectors.aligned_items(community, latest=latest, whole=whole)
    elsewhere = selectors.rounds_on_the_map(community, items, latest=latest, whole=whole)
    rows = []
    for outcome in agreed:
        other_rounds = elsewhere.get(outcome.pk, [])
        cut = outcome.pk != whole and (
            totals.get(outcome.pk, 0) > latest or len(other_rounds) > latest
        )
        rows.append(
            {
                "outcome": outcome,
                "items": items.get(outcome.pk, []),
                "other_rounds": other_rounds if outcome.pk == whole else other_rounds[:latest],
                "cut": cut,
                "all_url": f"?outcome={outcome.pk}#outcome-{outcome.pk}",
            }
        )
    context = {
        **access.context(),
        "rows": rows,
        "unaligned": selectors.unaligned_activities(community),
        "coverage": selectors.coverage_of(agreed),
        "window_days": selectors.ALIGNMENT_WINDOW.days,
        "since": since,
        "is_facilitator": access.membership.is_facilitator,
    }
    return render(request, "outcomes/alignment.html", context)
