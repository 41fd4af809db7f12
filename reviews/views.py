"""Shared work, review rounds, peer reviews and the alignment map: thin views through
community_for and reviews.access, where who sees what is written once (a shared review is
seen by the work's author, the reviewer who wrote it and the facilitators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission, submission_result
from communities.access import community_for
from communities.models import Membership
from core.htmx import announce
from core.plugins import annotate_rows, collect_panels
from outcomes.models import Outcome
from sessions.access import session_for
from sessions.models import Attendance

from . import selectors, services
from .access import (
    example_for_reviewer,
    own_work_for,
    own_work_in_round,
    review_for_author,
    review_for_facilitator,
    review_for_reviewer,
    reviewer_name,
    round_for,
    work_for,
    work_with_file_for,
)
from .forms import ExampleForm, RephraseForm, ReplyForm, ReviewForm, RoundForm, WorkForm
from .models import (
    CalibrationExample,
    PeerReview,
    PracticeReview,
    Reflection,
    ReviewRound,
    SelfReview,
    SharedWork,
)
from .uploads import is_inline

FACILITATOR = Membership.Role.FACILITATOR
ROUNDS_PER_PAGE = 10
LIST_LIMIT = 50


def _progress(queryset):
    """`expected` reviews (not declined), `done` (shared and, in a round with a release
    step, released: what authors may know of) and `held` (shared, waiting for release)."""
    shared = Q(reviews__status=PeerReview.Status.SUBMITTED)
    return queryset.annotate(
        expected=Count("reviews", filter=~Q(reviews__status=PeerReview.Status.DECLINED)),
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
            messages.success(request, "Thanks for sharing. Peers can look at it now.")
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
        raise Http404("That file is no longer here.") from None
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
        messages.success(request, f"“{work.title}” is deleted, with its reviews.")
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
            holds_reviews=data["holds_reviews"],
            self_review=data["self_review"],
        )
        allocated = round_.reviews.count()
        messages.success(
            request,
            f"The round is open: {allocated} review{'s' if allocated != 1 else ''} asked for. "
            "Work shared from the session from now on joins it too.",
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
    """Facilitators see the whole allocation and progress; members see their part."""
    access = community_for(request.user, slug)
    community = access.community
    round_ = round_for(
        access, pk, _progress(ReviewRound.objects.select_related("session", "example"))
    )
    user, is_facilitator = request.user, access.is_facilitator
    reviews = round_.reviews.select_related("work__author", "reviewer").order_by("pk")
    if not is_facilitator:
        reviews = reviews.filter(Q(reviewer=user) | Q(work__author=user))
    reviews = list(reviews)
    for review in reviews:
        review.round = round_
        review.shown_name = reviewer_name(
            review, viewer=user, author_id=review.work.author_id, is_facilitator=is_facilitator
        )
    example = getattr(round_, "example", None)
    mine = [r for r in reviews if r.reviewer_id == user.pk and r.status != r.Status.DECLINED]
    allocation = []
    if is_facilitator:
        by_work: dict[int, list[PeerReview]] = {}
        for review in reviews:
            by_work.setdefault(review.work_id, []).append(review)
        works = round_.session.shared_work.select_related("author").order_by("title", "pk")
        for work in works[:200]:
            rows = by_work.get(work.pk, [])
            active = [r for r in rows if r.status != PeerReview.Status.DECLINED]
            allocation.append(
                {"work": work, "reviews": rows, "short": round_.reviewers_per_work - len(active)}
            )
    context = {
        **access.context(),
        "round": round_,
        "is_facilitator": is_facilitator,
        "outcomes": list(round_.outcomes.order_by("statement")),
        "allocation": allocation,
        "mine": mine,
        "my_work_reviews": [
            r
            for r in reviews
            if r.work.author_id == user.pk and r.status == r.Status.SUBMITTED and not r.is_held
        ],
        "today": timezone.localdate(timezone=community.zoneinfo),
        "example": example,
        "practice": _practice_invitation(round_, example, user) if mine else None,
    }
    return render(request, "outcomes/round.html", context)


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
        messages.success(request, "The round is closed. Shared reviews stay for their authors.")
    else:
        messages.info(request, "This round was already closed.")
    return redirect("reviews:round", slug=community.slug, pk=round_.pk)


# --- reviews ---------------------------------------------------------------------------------


@login_required
@require_GET
def reviews_page(request, slug: str):
    """Rounds, my work and its reviews, and the reviews waiting for me."""
    access = community_for(request.user, slug)
    community = access.community
    user = request.user
    rounds = _progress(ReviewRound.objects.filter(community=community)).select_related("session")
    page = Paginator(rounds.order_by("-created_at", "-pk"), ROUNDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    waiting = list(
        PeerReview.objects.waiting()
        .filter(round__community=community, reviewer=user)
        .select_related("work__author", "round__session")
        .order_by("round__due_on", "pk")[:LIST_LIMIT]
    )
    shared = (
        PeerReview.objects.released().select_related("round", "reviewer").order_by("submitted_at")
    )
    my_work = list(
        annotate_rows(
            "work", SharedWork.objects.filter(community=community, author=user), access, user
        )
        .select_related("session")
        .prefetch_related(Prefetch("reviews", queryset=shared, to_attr="shared_reviews"))
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    for work in my_work:
        for review in work.shared_reviews:
            review.shown_name = reviewer_name(
                review, viewer=user, author_id=user.pk, is_facilitator=False
            )
    given = list(
        PeerReview.objects.submitted()
        .filter(round__community=community, reviewer=user)
        .select_related("work")
        .order_by("-submitted_at")[:10]
    )
    context = {
        **access.context(),
        "page": page,
        "waiting": waiting,
        "my_work": my_work,
        "given": given,
        "today": timezone.localdate(timezone=community.zoneinfo),
        "is_facilitator": access.is_facilitator,
    }
    return render(request, "outcomes/reviews.html", context)


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
            messages.info(request, "This review can't change any more, so nothing was saved.")
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
                        "Thank you — your review is shared. The facilitators pass it on to "
                        "the author soon.",
                    )
                    return redirect("reviews:reviews", slug=community.slug)
                if submit:
                    messages.success(request, "Thank you — your review is shared with the author.")
                    return redirect("reviews:reviews", slug=community.slug)
                messages.success(request, "Your draft is saved. Come back to it any time.")
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
            messages.success(request, "Thanks for letting us know. Someone else has been asked.")
        else:
            messages.success(
                request,
                "Thanks for letting us know. Nobody else is free for it yet; "
                "the facilitators can see that.",
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
            messages.success(request, "Your reply is sent with the review.")
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
            announce(response, "Your reply is sent with the review.")
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
            f"{released} review{'s' if released != 1 else ''} released: "
            "their authors are told now.",
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
        messages.success(request, f"Released: the author of “{review.work.title}” is told now.")
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
                request, f"{review.reviewer.name} is asked to look again; they see your note."
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
            messages.info(request, "Your own view is already saved with your work.")
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
                    messages.success(request, "Thank you. Here is your view beside your peers'.")
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
                request, "The example is saved: reviewers new to these outcomes are offered it."
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
    agreed = list(
        Outcome.objects.filter(community=community, status=Outcome.Status.AGREED).order_by(
            "statement"
        )
    )
    rounds = selectors.rounds_by_session_and_outcome(community)
    items = selectors.aligned_items(community, rounds)
    elsewhere = selectors.rounds_without_activity(rounds, items)
    now = timezone.now()
    rows = [
        {
            "outcome": outcome,
            "items": items.get(outcome.pk, []),
            "other_rounds": elsewhere.get(outcome.pk, []),
        }
        for outcome in agreed
    ]
    context = {
        **access.context(),
        "rows": rows,
        "unaligned": selectors.unaligned_activities(community),
        "coverage": selectors.alignment_coverage(community, now - selectors.ALIGNMENT_WINDOW, now),
        "window_days": selectors.ALIGNMENT_WINDOW.days,
        "since": now - selectors.ALIGNMENT_WINDOW,
        "is_facilitator": access.membership.is_facilitator,
    }
    return render(request, "outcomes/alignment.html", context)
